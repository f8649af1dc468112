"""The April 2026 Epoch Benchmarking Hub reader on the real files, and on broken copies."""

import shutil

import pytest

from conftest import ROOT
from llmscale import clean, identity, schema
from llmscale.errors import DataError
from llmscale.sources import epoch_hub_2026 as src
from test_source_epoch_benchmarking_hub import assert_located, edit_cell, one

RAW = ROOT / "data" / "raw"
CURATED = RAW / "curated"


def chain(raw):
    """Ingest, ids and tidy as 02_clean does for this source: (rows, models, scores)."""
    rows = src.ingest(raw)
    aliases = clean.load_curated(CURATED, "aliases.csv", schema.ALIASES)
    clean.check_aliases(aliases[aliases["source"] == src.KEY], {src.KEY: rows}, CURATED / "aliases.csv")
    registry = identity.build_registry([], {src.KEY: rows}, {src.KEY: src.NAME}, aliases)
    models, scores, _ = clean.clean_source(src.KEY, rows, raw, aliases, registry)
    return rows, models, scores


@pytest.fixture(scope="module")
def real():
    return chain(RAW)


@pytest.fixture
def raw(tmp_path):
    shutil.copytree(RAW / src.KEY, tmp_path / src.KEY)
    return tmp_path


def row_of(rows, version, rel):
    """The spreadsheet row of ``version`` in file ``rel`` (rows with line breaks in a cell make
    it differ from the line number)."""
    hit = rows[(rows[src.VERSION] == version) & rows["source_row"].str.startswith(rel + ":")]
    assert len(hit) == 1
    return hit.iloc[0]["source_row"]


def test_real_files_rows_and_scores(real):
    rows, models, scores = real
    per_file = rows["source_row"].str.rpartition(":")[0].value_counts().to_dict()
    assert per_file == {src.ECI: 591, src.GPQA: 157, src.SIMPLEQA: 41}
    counts = scores["benchmark"].value_counts().to_dict()
    assert counts["gpqa_diamond"] == 157 and counts["simpleqa_verified"] == 41
    # 348 ECI estimates: each one either a score or a repeat named in the note of the score it repeats
    eci = scores[scores["benchmark"] == "epoch_capabilities_index"]
    repeats = eci["note"].str.extract(r"another spelling on rows ([\d, ]+)$")[0].dropna().str.split(", ").str.len().sum()
    assert 0 < repeats < 30 and counts["epoch_capabilities_index"] + repeats == 348
    assert len(models) == 348 + 157 + 41
    assert scores.loc[scores["benchmark"] != "epoch_capabilities_index", "reporter"].eq("independent").all()
    assert scores["shots"].isna().all() and scores["index_version"].isna().all()


def test_provider_prefix_and_effort_suffix(real):
    rows, models, scores = real
    kimi = one(scores, source_row=row_of(rows, "fireworks/kimi-k2p5", src.GPQA))
    assert kimi["model_id"] == "moonshotai/kimi-k2.5" and kimi["value"] == pytest.approx(87.6)
    assert kimi["harness"] == "Epoch AI Benchmarking Hub via fireworks" and "stderr 1.90 points" in kimi["note"]
    oss = one(scores, source_row=row_of(rows, "openai/gpt-oss-120b_high", src.GPQA))
    assert (oss["model_id"], oss["reasoning"], oss["harness"]) == ("openai/gpt-oss-120b", "high", src.HARNESS)
    ds = one(scores, source_row=row_of(rows, "deepseek-reasoner", src.GPQA))
    assert (ds["model_id"], ds["reasoning"]) == ("deepseek-ai/deepseek-v3.2", "reasoning")


def test_split_version():
    assert src.split_version("chutes/gpt-oss-120b_high") == ("gpt-oss-120b", "chutes", "high")
    assert src.split_version("claude-opus-4-20250514_32K") == ("claude-opus-4-20250514", None, "budget-32k")
    assert src.split_version("gemini-2.5-flash-preview-04-17 (16K thinking)") == ("gemini-2.5-flash-preview-04-17", None, "budget-16k")
    assert src.split_version("DeepSeek-V3.1_thinking") == ("DeepSeek-V3.1", None, "reasoning")
    assert src.split_version("gpt-5-2025-08-07_unknown") == ("gpt-5-2025-08-07", None, "effort-unknown")
    assert src.split_version("phi-1_5") == ("phi-1_5", None, None)
    assert src.split_version("parasail-qwen3-235b-a22b-instruct-2507") == ("qwen3-235b-a22b-instruct-2507", "parasail", None)


def test_one_estimate_under_several_spellings_is_read_once(real):
    rows, models, scores = real
    glm = scores[(scores["model_id"] == "zai-org/glm-4.7") & (scores["benchmark"] == "epoch_capabilities_index")]
    assert len(glm) == 1 and "the same estimate under another spelling on rows" in glm["note"].iloc[0]
    assert glm["value"].iloc[0] > 100  # ECI is not a 0-100 score


def test_a_missing_column_is_located(raw):
    path = raw / src.KEY / src.SIMPLEQA
    text = path.read_text(encoding="utf-8").replace("mean_score", "mean", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as exc:
        src.ingest(raw)
    assert str(exc.value.file).endswith(src.SIMPLEQA) and exc.value.row == 1 and exc.value.column == "mean_score"


def test_an_out_of_range_score_is_located(raw):
    rows = src.ingest(raw)
    where = row_of(rows, "fireworks/kimi-k2p5", src.GPQA)
    edit_cell(raw / src.KEY / src.GPQA, int(where.rsplit(":", 1)[1]), "mean_score", "87.6", old="0.876")
    with pytest.raises(DataError) as exc:
        chain(raw)
    assert_located(exc, src.GPQA, int(where.rsplit(":", 1)[1]), "mean_score", "87.6")


def test_an_out_of_range_index_is_located(raw):
    rows = src.ingest(raw)
    where = row_of(rows, "claude-opus-4-6", src.ECI)
    n = int(where.rsplit(":", 1)[1])
    old = rows.loc[rows["source_row"] == where, "ECI Score"].iloc[0]
    edit_cell(raw / src.KEY / src.ECI, n, "ECI Score", "1400", old=old)
    with pytest.raises(DataError) as exc:
        chain(raw)
    assert_located(exc, src.ECI, n, "ECI Score", "1400")
