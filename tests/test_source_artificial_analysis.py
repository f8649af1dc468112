"""The Artificial Analysis reader on the real snapshots, and on broken copies of them."""

import json
import shutil

import pandas as pd
import pytest

from conftest import ROOT
from llmscale import clean, identity, schema
from llmscale.errors import DataError
from llmscale.settings import setting_label
from llmscale.sources import artificial_analysis as src

RAW = ROOT / "data" / "raw"
CURATED = RAW / "curated"
APRIL, JUNE, JULY = src.FILES


def chain(raw):
    """Ingest, errata, ids and tidy as 02_clean does for this source: (rows, models, scores, ids)."""
    rows = src.ingest(raw)
    corrections = clean.load_curated(CURATED, "corrections.csv", schema.CORRECTIONS)
    aliases = clean.load_curated(CURATED, "aliases.csv", schema.ALIASES)
    rows = clean.apply_corrections(rows, corrections, src.KEY, raw / src.KEY, CURATED / "corrections.csv")
    registry = identity.build_registry([], {src.KEY: rows}, {src.KEY: src.NAME}, aliases)
    models, scores, ids = clean.clean_source(src.KEY, rows, raw, aliases, registry)
    return rows, models, scores, ids


@pytest.fixture(scope="module")
def real():
    return chain(RAW)


@pytest.fixture
def broken(tmp_path):
    """A writable copy of the AA snapshots, and a function that edits one snapshot's JSON."""
    raw = tmp_path / "raw"
    shutil.copytree(RAW / src.KEY, raw / src.KEY)

    def edit(rel, change):
        path = raw / src.KEY / rel
        data = json.loads(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(json.dumps(data), encoding="utf-8")
        return path

    return raw, edit


def record(data, slug):
    return next(m for m in data["models"] if m["slug"] == slug)


def one(df, **eq):
    hit = df
    for k, v in eq.items():
        hit = hit[hit[k] == v]
    assert len(hit) == 1, f"{len(hit)} rows for {eq}"
    return hit.iloc[0]


def test_every_snapshot_row_is_read_and_every_slug_has_an_id(real):
    rows, models, scores, ids = real
    per_file = rows["source_row"].str.partition("#")[0].value_counts().to_dict()
    assert per_file == {APRIL: 472, JUNE: 509, JULY: 570} and rows["source_row"].is_unique
    assert set(ids["id_basis"]) == {"alias", "hf_id"}
    assert len(models) == len(rows)
    assert set(scores["harness"]) == {"artificial-analysis"} and set(scores["reporter"]) == {"independent"}
    assert set(scores["shots"]) == {0} and set(scores["variant"]) == {"instruct"}


def test_april_rows_join_the_later_snapshots_on_the_uuid(real):
    rows, models, scores, ids = real
    # the slug step-3-5-flash is another model in June; the April row's UUID is June's step-3-5-flash-0202
    april = one(ids, source_row=f"{APRIL}#step-3-5-flash")
    june = one(ids, source_row=f"{JUNE}#step-3-5-flash-0202")
    assert april["model_id"] == june["model_id"] == "stepfun-ai/step-3.5-flash"
    assert one(ids, source_row=f"{JUNE}#step-3-5-flash")["model_id"] != june["model_id"]
    assert one(models, source_row=f"{APRIL}#step-3-5-flash")["weights"] == "open"


def test_reasoning_levels_of_one_set_of_weights_are_one_model_with_several_settings(real):
    rows, models, scores, ids = real
    gpt_oss = scores[(scores["model_id"] == "openai/gpt-oss-120b") & (scores["benchmark"] == "gpqa_diamond")]
    assert sorted(gpt_oss["reasoning"]) == ["high", "low"]
    claude = scores[(scores["model_id"] == "anthropic/claude-sonnet-4-5-20250929") & (scores["benchmark"] == "hle")]
    assert sorted(claude["reasoning"]) == ["non-reasoning", "reasoning"]
    # different repositories are different weights
    instruct = one(ids, source_row=f"{JULY}#qwen3-235b-a22b-instruct-2507")["model_id"]
    thinking = one(ids, source_row=f"{JULY}#qwen3-235b-a22b-instruct-2507-reasoning")["model_id"]
    assert (instruct, thinking) == ("qwen/qwen3-235b-a22b-instruct-2507", "qwen/qwen3-235b-a22b-thinking-2507")


def test_reasoning_words():
    assert src.reasoning("Claude Sonnet 4.6 (Non-reasoning, Low Effort)", "") == "non-reasoning-low"
    assert src.reasoning("DeepSeek V4 Pro (Reasoning, Max Effort)", "") == "max"
    assert src.reasoning("Claude Opus 4.7 (Adaptive Reasoning, Max Effort)", "") == "adaptive-max"
    assert src.reasoning("GPT-4o (Nov '24)", "") is None and src.reasoning("Kimi K2.6", "true") == "reasoning"
    assert src.reasoning("gpt-oss-120b (low)", "false") == "low"


def test_index_values_of_two_snapshots_never_share_a_setting(real):
    rows, models, scores, ids = real
    index = scores[scores["benchmark"] == src.INDEX]
    assert set(index["index_version"]) == set(src.SNAPSHOTS)
    assert scores.loc[scores["benchmark"] != src.INDEX, "index_version"].isna().all()
    glm = index[index["source_row"].str.endswith("#glm-4-5v")]
    assert list(glm.sort_values("index_version")["index_version"]) == list(src.SNAPSHOTS)
    labels = set(setting_label(glm))
    assert len(labels) == 3 and "instruct, 0-shot, non-reasoning, AA index of 2026-06-15" in labels
    july = one(glm, index_version="2026-07-10")
    assert round(july["value"], 4) == 6.9985 and "is_estimated=true" in july["note"]
    key = ["model_id", "reasoning", "index_version"]
    assert not index.duplicated(key).any()


def test_other_benchmarks_keep_the_newest_snapshot_once(real):
    rows, models, scores, ids = real
    gpqa = scores[(scores["benchmark"] == "gpqa_diamond") & scores["source_row"].str.endswith("#glm-4-5v")]
    assert list(gpqa["source_row"]) == [f"{JULY}#glm-4-5v"] and gpqa["value"].iloc[0] == pytest.approx(57.2727272727)
    assert gpqa["note"].iloc[0].endswith("also in older snapshots: 2026-04-09 same, rounded (57.3), 2026-06-15 same")
    # AA's zero-shot MMLU-Pro exists only in April
    assert set(scores.loc[scores["benchmark"] == "mmlu_pro", "source_row"].str.partition("#")[0]) == {APRIL}
    omni = one(scores, source_row=f"{JULY}#glm-4-5v", benchmark="aa_omniscience_index")
    acc = one(scores, source_row=f"{JULY}#glm-4-5v", benchmark="aa_omniscience_accuracy")
    assert round(omni["value"], 4) == -53.5167 and acc["value"] == pytest.approx(17.9)


def test_sizes_country_and_prices(real):
    rows, models, scores, ids = real
    glm = one(models, source_row=f"{JUNE}#glm-4-5v")
    assert (glm["total_params_b"], glm["active_params_b"], glm["architecture"]) == (108, 12, "moe")
    assert glm["country"] == "cn" and glm["weights"] == "open" and glm["model_id"] == "zai-org/glm-4.5v"
    prices = src.prices(rows.merge(ids[["source_row", "model_id"]], on="source_row"), RAW / src.KEY)
    p = one(prices, source_row=f"{JUNE}#glm-4-5v")
    assert p["usd_per_1m_blended"] == pytest.approx((3 * 0.6 + 1.8) / 4) and "3:1" in p["note"]
    p = one(prices, source_row=f"{APRIL}#gpt-oss-120b-low")
    assert p["usd_per_1m_blended"] == 0.263  # AA's own blended field


def test_omniscience_index_range_is_its_own():
    frame = pd.DataFrame([{"model_id": "a/b", "benchmark": "aa_omniscience_index", "value": v, "shots": 0, "cot": None,
                           "variant": "instruct", "reasoning": None, "reporter": "independent", "harness": "h",
                           "index_version": None, "source": "s", "source_row": str(i), "note": None}
                          for i, v in enumerate([-89.0, 40.15])])
    schema.validate(frame, schema.SCORES, "scores.csv")
    frame.loc[1, "value"] = -120.0
    with pytest.raises(DataError) as exc:
        schema.validate(frame, schema.SCORES, "scores.csv")
    assert exc.value.row == "1" and exc.value.column == "value" and "between -100 and 100" in str(exc.value)


def test_a_missing_field_is_located(broken):
    raw, edit = broken
    path = edit(JUNE, lambda d: record(d, "glm-4-5v").pop("evaluations"))
    with pytest.raises(DataError) as exc:
        src.ingest(raw)
    assert exc.value.file == path and exc.value.row == "#glm-4-5v" and exc.value.column == "evaluations"


def test_a_renamed_evaluation_field_is_an_error(broken):
    raw, edit = broken
    path = edit(JULY, lambda d: record(d, "glm-4-5v")["evaluations"].update(gpqa_diamond=0.5))
    with pytest.raises(DataError) as exc:
        src.ingest(raw)
    assert exc.value.file == path and exc.value.column == "evaluations.gpqa_diamond"


def test_a_renamed_slug_is_an_error(broken):
    raw, edit = broken
    edit(JULY, lambda d: record(d, "gpt-5-4").update(slug="gpt-5-4-renamed"))
    with pytest.raises(DataError) as exc:
        chain(raw)
    assert exc.value.row == "#gpt-5-4-renamed" and exc.value.column == "slug" and "aliases.csv" in str(exc.value)


def test_a_rebased_index_without_its_snapshot_date_is_an_error(broken):
    raw, edit = broken
    path = edit(JULY, lambda d: d["meta"].pop("fetched_at"))
    with pytest.raises(DataError) as exc:
        src.ingest(raw)
    assert exc.value.file == path and exc.value.column == "meta.fetched_at" and "2026-07-10" in str(exc.value)


def test_an_out_of_range_score_is_located(broken):
    raw, edit = broken
    path = edit(JUNE, lambda d: record(d, "glm-4-5v")["evaluations"].update(gpqa=57.3))
    with pytest.raises(DataError) as exc:
        chain(raw)
    assert exc.value.file == path and exc.value.row == "#glm-4-5v" and exc.value.column == "evaluations.gpqa"
    assert "between 0 and 1" in str(exc.value)
