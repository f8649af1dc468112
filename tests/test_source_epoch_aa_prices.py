"""The Epoch / Artificial Analysis price reader: facts checked by hand in the real raw files, and broken copies."""

import shutil

import pandas as pd
import pytest

from conftest import ROOT, read_source
from llmscale import schema
from llmscale.errors import DataError
from llmscale.sources import epoch_aa_prices as src
from test_source_epoch_benchmarking_hub import assert_located, edit_cell, one

RAW = ROOT / "data" / "raw"
AA, NOT_AA = src.AA, src.NOT_AA


@pytest.fixture(scope="module")
def real():
    return read_source(src, RAW)


def test_real_files_rows_and_schemas(real):
    rows, models, scores = real
    per_file = rows["source_row"].str.rpartition(":")[0].value_counts().to_dict()
    assert per_file == {AA: 38, NOT_AA: 35} and rows["source_row"].is_unique
    # 265 scores in the files; 12 repeat a model's score unchanged on a later price row
    assert len(models) == 73 and len(scores) == 253
    schema.validate(models, schema.SOURCE_MODELS, RAW / src.KEY)
    schema.validate(scores, schema.SCORES, RAW / src.KEY)
    assert set(scores["benchmark"]) == {"mmlu", "gpqa_diamond", "humaneval", "math_500", "math_lvl5"}
    assert scores["shots"].isna().all() and scores["cot"].isna().all()


def test_real_aa_row(real):
    rows, models, scores = real
    opus = f"{AA}:3"
    assert one(models, source_row=opus)["source_name"] == "Claude-3-Opus"
    assert one(models, source_row=opus)["release_date"] == "2024-03-04"
    mmlu = one(scores, source_row=opus, benchmark="mmlu")
    assert mmlu["value"] == 84.0 and mmlu["reporter"] == "independent" and mmlu["harness"] == "Artificial Analysis"
    assert one(scores, source_row=opus, benchmark="gpqa_diamond")["value"] == 50.0
    m5 = one(scores, source_row=opus, benchmark="math_lvl5")
    assert m5["value"] == 34.0 and m5["reporter"] == "unknown" and pd.isna(m5["harness"])
    assert one(scores, source_row=f"{AA}:25", benchmark="mmlu")["variant"] == "instruct"  # Llama-3-Instruct-70B


def test_real_not_in_aa_rows(real):
    rows, models, scores = real
    davinci = models[models["source_name"] == "GPT-3 175B (davinci)"]
    assert list(davinci["source_row"]) == [f"{NOT_AA}:{n}" for n in (14, 15, 16, 17)]
    assert davinci["release_date"].isna().all() and "2021-11-20" in davinci["params_note"].iloc[0]
    s = scores[scores["source_row"].isin(davinci["source_row"]) & (scores["benchmark"] == "mmlu")]
    # the repeats of 43.9 on rows 15-16 are read once, from row 14; 63.1 differs and stays
    assert list(s["value"]) == [43.9, 63.1] and set(s["reporter"]) == {"aggregator"}
    assert list(s["source_row"]) == [f"{NOT_AA}:14", f"{NOT_AA}:17"]
    assert "repeated unchanged on the price rows 15, 16" in s["note"].iloc[0]
    assert not scores["source_row"].eq(f"{NOT_AA}:4").any()  # Claude Instant: price only


def test_real_prices(real):
    rows, _, _ = real
    p = src.prices(rows, RAW / src.KEY)
    assert one(p, source_row=f"{NOT_AA}:9")["price_from"] == "2024-09-13"  # Command R+, second price
    assert pd.isna(one(p, source_row=f"{AA}:3")["price_from"])
    assert list(p.columns) == src.PRICE_COLUMNS and len(p) == 73
    assert one(p, source_row=f"{AA}:3")["usd_per_1m_blended"] == 30.0
    last = one(p, source_row=f"{NOT_AA}:36")  # Reka Core
    assert last["usd_per_1m_blended"] == 4.0 and "2024-09-14" in last["note"]


# --- broken copies -------------------------------------------------------------------------


@pytest.fixture
def raw(tmp_path):
    shutil.copytree(RAW / src.KEY, tmp_path / src.KEY)
    return tmp_path


@pytest.mark.parametrize(
    "rel, row, column, old, new",
    [
        (AA, 3, "MMLU", "84", "8A4"),
        (NOT_AA, 2, "MMLU", "78.5", "0.785x"),
        (AA, 3, "Release Date", "2024-03-04", "March 2024"),
    ],
)
def test_bad_cell(raw, rel, row, column, old, new):
    edit_cell(raw / src.KEY / rel, row, column, new, old)
    with pytest.raises(DataError) as exc:
        read_source(src, raw)
    assert_located(exc, rel, row, column, new)


def test_bad_price(raw):
    edit_cell(raw / src.KEY / NOT_AA, 5, src.PRICE, "1,625", "1.625")
    rows, _, _ = read_source(src, raw)  # the price is not part of tidy
    with pytest.raises(DataError) as exc:
        src.prices(rows, raw / src.KEY)
    assert_located(exc, NOT_AA, 5, src.PRICE, "1,625")


def test_row_of_the_wrong_length_and_missing_file(raw):
    path = raw / src.KEY / NOT_AA
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Claude Instant,2024-08-12,1.2,", "Claude Instant,2024-08-12,", 1), encoding="utf-8")
    with pytest.raises(DataError, match=r"row 4.*12 fields like the header, got 11") as exc:
        src.ingest(raw)
    assert str(exc.value.file).endswith(NOT_AA)
    (raw / src.KEY / AA).unlink()
    with pytest.raises(DataError, match="MANIFEST") as exc:
        src.ingest(raw)
    assert str(exc.value.file).endswith(AA)
