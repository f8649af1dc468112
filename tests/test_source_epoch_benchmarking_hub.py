"""The Epoch Benchmarking Hub reader: facts checked by hand in the real raw files, and broken copies.

``edit_cell`` and ``assert_located`` are also used by the other readers' tests of this batch.
"""

import csv
import shutil

import pandas as pd
import pytest

from conftest import ROOT, read_source
from llmscale import schema
from llmscale.clean import read_ingested
from llmscale.errors import DataError
from llmscale.io import write_table
from llmscale.sources import epoch_benchmarking_hub as src

RAW = ROOT / "data" / "raw"
MMLU, VERSIONS = src.MMLU, src.VERSIONS


def row_of(n):
    return f"{MMLU}:{n}"


@pytest.fixture(scope="module")
def real():
    return read_source(src, RAW)


def one(df, **where):
    sel = df
    for k, v in where.items():
        sel = sel[sel[k] == v]
    assert len(sel) == 1, where
    return sel.iloc[0]


def test_real_files_rows_and_schemas(real):
    rows, models, scores = real
    assert list(rows.columns[:2]) == ["source", "source_row"]
    assert len(rows) == len(models) == len(scores) == 246 and rows["source_row"].is_unique
    schema.validate(models, schema.SOURCE_MODELS, RAW / src.KEY)
    schema.validate(scores, schema.SCORES, RAW / src.KEY)
    assert set(scores["benchmark"]) == {"mmlu"}
    assert scores["shots"].value_counts(dropna=False).to_dict() == {5: 208, 0: 18, 2: 6, pd.NA: 14}
    assert (scores["harness"] == src.HELM_HARNESS).sum() == 80 == (scores["reporter"] == "independent").sum()
    # every paper's row names the paper as its setting, so two papers' runs never collide
    papers = scores[scores["harness"] != src.HELM_HARNESS]
    assert papers["harness"].str.startswith("reported in: ").all()
    llama2 = scores[scores["note"].str.contains("source: Llama 2: Open Foundation", regex=False)]
    assert len(llama2) > 5 and set(llama2["harness"]) == {"reported in: Llama 2: Open Foundation and Fine-Tuned Chat Models"}
    assert set(models["weights"]) == {"unknown"} and models["total_params_b"].isna().all()


def test_real_rows_joined_to_their_version(real):
    rows, models, scores = real
    m = one(models, source_row=row_of(21))  # Claude 1.3, model card, version claude-1.3 (row 68)
    assert m["source_name"] == "Claude 1.3" and m["release_date"] == "2023-04-18"
    assert one(rows, source_row=row_of(21))[src.V_ROW] == "68"
    s = one(scores, source_row=row_of(21))
    assert s["value"] == 77.0 and s["shots"] == 5 and s["cot"] == True  # noqa: E712 (notes: "5-shot CoT")
    assert s["reporter"] == "maker" and "claude-2-model-card.pdf" in s["note"]
    helm = one(scores, source_row=row_of(2))  # Amazon Nova Lite on HELM Lite
    assert helm["value"] == 77.0 and helm["reporter"] == "independent" and pd.isna(helm["cot"])
    assert one(models, source_row=row_of(2))["release_date"] == "2024-12-03"
    aquila = one(models, source_row=row_of(5))  # no model version: no date
    assert pd.isna(aquila["release_date"]) and one(scores, source_row=row_of(5))["shots"] == 0
    assert pd.isna(one(scores, source_row=row_of(34))["shots"])  # CodeQwen1.5-7B: Shots blank


def test_real_reporter_and_variant(real):
    rows, _, scores = real
    # Falcon 7B in Falcon2-11B's report (its maker) and in Llama 2's (not its maker): both kept
    assert one(scores, source_row=row_of(48))["reporter"] == "maker"
    other = one(scores, source_row=row_of(49))
    assert other["reporter"] == "unknown" and other["value"] == 26.2 and "who ran it is not stated" in other["note"]
    falcon7 = scores[scores["source_row"].isin(rows.loc[rows["Model version"] == "falcon-7b", "source_row"])]
    assert sorted(falcon7["value"]) == [23.9, 26.0, 26.2, 26.2, 26.9, 26.9, 35.0]
    assert one(scores, source_row=row_of(10))["variant"] == "base"  # Baichuan 2-7B-Base
    assert one(scores, source_row=row_of(13))["variant"] == "instruct"  # Baichuan2-Chat 13B
    # the Gemma paper's "Mistral 7B" links to an Instruct version; the name does not say
    assert one(scores, source_row=row_of(157))["variant"] == "unknown"


def test_round_trip_through_the_interim_table(real, tmp_path):
    rows, models, scores = real
    write_table(rows, tmp_path / f"{src.KEY}.csv")
    again = read_ingested(tmp_path, src.KEY)  # as 02_clean reads it back (multi-line Notes included)
    m2, s2 = src.tidy(again, RAW / src.KEY)
    pd.testing.assert_frame_equal(m2, models)
    pd.testing.assert_frame_equal(s2, scores)


def test_variant_words():
    v = src.variant_from_words
    assert v("Gemma 2 Instruct (9B)") == "instruct" and v("DeepSeek-V3 Base") == "base"
    assert v("ChatGLM2 6B") == "unknown" and v("", "Llama-2-13b-chat") == "instruct"
    assert v("0-shot pass@1 (EvalPlus base)", "Llama 3.3 70B Instruct") == "instruct"
    assert v("Hunyuan-A13B-Instruct README base model table") == "unknown"


def test_release_date_forms(tmp_path):
    assert src.release_date("f", 2, "d", "2024-05-01") == ("2024-05-01", None)
    assert src.release_date("f", 2, "d", "2024-05") == (None, "date given as 2024-05")
    assert src.release_date("f", 2, "d", "") == (None, None)
    with pytest.raises(DataError) as exc:
        src.release_date("f", 2, "d", "May 2024")
    assert exc.value.row == 2 and exc.value.column == "d" and exc.value.value == "May 2024"


# --- broken copies -------------------------------------------------------------------------


def edit_cell(path, row, column, new, old=None):
    """Set ``column`` of spreadsheet row ``row`` (header = 1) of a CSV copy to ``new``."""
    with open(path, newline="", encoding="utf-8-sig") as fh:
        recs = list(csv.reader(fh))
    i = recs[0].index(column)
    if old is not None:
        assert recs[row - 1][i] == old, f"row {row} of {path} no longer holds {old!r}"
    recs[row - 1][i] = new
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(recs)


def assert_located(exc, rel, row, column, value):
    e = exc.value
    assert str(e.file).endswith(rel), e.file
    assert e.row == row and e.column == column and e.value == value
    assert f"row {row}" in str(e) and repr(column) in str(e) and "expected" in str(e)


@pytest.fixture
def raw(tmp_path):
    shutil.copytree(RAW / src.KEY, tmp_path / src.KEY)
    return tmp_path


def run(raw):
    return read_source(src, raw)[1:]


@pytest.mark.parametrize(
    "rel, row, column, old, new",
    [
        (MMLU, 2, "EM", "77.0%", "77.O%"),  # letter O for zero
        (MMLU, 3, "EM", "70.8%", "170.8%"),  # out of range
        (MMLU, 4, "Shots", "5", "five"),
        (VERSIONS, 329, "Version release date", "2024-12-03", "03/12/2024"),  # Amazon Nova Lite's version
    ],
)
def test_bad_cell(raw, rel, row, column, old, new):
    edit_cell(raw / src.KEY / rel, row, column, new, old)
    with pytest.raises(DataError) as exc:
        run(raw)
    assert_located(exc, rel, row, column, new)


def test_unknown_model_version(raw):
    edit_cell(raw / src.KEY / MMLU, 2, "Model version", "amazon.nova-lite-v9", "amazon.nova-lite-v1:0")
    with pytest.raises(DataError) as exc:
        src.ingest(raw)
    assert_located(exc, MMLU, 2, "Model version", "amazon.nova-lite-v9")


def test_duplicate_version_id(raw):
    edit_cell(raw / src.KEY / VERSIONS, 328, "id", "amazon.nova-lite-v1:0", "amazon.nova-micro-v1:0")
    with pytest.raises(DataError) as exc:
        src.ingest(raw)
    assert_located(exc, VERSIONS, 329, "id", "amazon.nova-lite-v1:0")


def test_row_of_the_wrong_length(raw):
    path = raw / src.KEY / MMLU
    text = path.read_text(encoding="utf-8-sig")
    old = "reccNX56mRCIhx9ok,Amazon Nova Lite,77.0%,"
    assert old in text
    path.write_text(text.replace(old, "reccNX56mRCIhx9ok,Amazon Nova Lite,", 1), encoding="utf-8")
    with pytest.raises(DataError, match=r"row 2.*8 fields like the header, got 7") as exc:
        src.ingest(raw)
    assert str(exc.value.file).endswith(MMLU)


def test_missing_column_and_file(raw):
    edit_cell(raw / src.KEY / VERSIONS, 1, "Version release date", "Release date")
    with pytest.raises(DataError) as exc:
        src.ingest(raw)
    assert str(exc.value.file).endswith(VERSIONS) and exc.value.row == 1 and exc.value.column == "Version release date"
    (raw / src.KEY / MMLU).unlink()
    with pytest.raises(DataError, match="MANIFEST") as exc:
        src.ingest(raw)
    assert str(exc.value.file).endswith(MMLU)
