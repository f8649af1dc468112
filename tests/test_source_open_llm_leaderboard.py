"""The Open LLM Leaderboard v2 reader: facts checked by hand in the real raw file, and a broken copy."""

import math

import pandas as pd
import pytest

from conftest import ROOT, read_source
from llmscale import schema
from llmscale.errors import DataError
from llmscale.clean import read_ingested
from llmscale.io import write_table
from llmscale.sources import open_llm_leaderboard as src

RAW = ROOT / "data" / "raw"
REL = src.FILES[0]


def run(raw):
    return read_source(src, raw)[1:]


@pytest.fixture(scope="module")
def real():
    return read_source(src, RAW)


def at(df, row):
    return df[df["source_row"] == str(row)]


def test_real_file_rows_and_schemas(real):
    rows, models, scores = real
    assert list(rows.columns[:2]) == ["source", "source_row"]
    assert len(rows) == len(models) == 459 and rows["source_row"].is_unique
    assert len(scores) == 459 * 6
    assert set(scores["benchmark"]) == {"ifeval", "bbh", "math_lvl5", "gpqa", "musr", "mmlu_pro"}
    schema.validate(models, schema.SOURCE_MODELS, RAW / src.KEY / REL)
    schema.validate(scores, schema.SCORES, RAW / src.KEY / REL)
    assert models["release_date"].isna().all()  # the file's dates are uploads, not releases
    assert (scores["reporter"] == "independent").all() and scores["cot"].isna().all()
    shots = scores.drop_duplicates("benchmark").set_index("benchmark")["shots"].to_dict()
    assert shots == {"ifeval": 0, "bbh": 3, "math_lvl5": 4, "gpqa": 0, "musr": 0, "mmlu_pro": 5}
    assert scores["harness"].str.endswith(("bfloat16", "float16")).all()
    assert scores["variant"].value_counts().to_dict() == {"instruct": 1140, "base": 978, "unknown": 636}


def test_real_dense_base_model(real):
    _, models, scores = real
    m = at(models, 2).iloc[0]  # 01-ai/Yi-1.5-34B, bfloat16, pretrained
    assert m["source_name"] == "01-ai/Yi-1.5-34B" and m["total_params_b"] == 34.389
    assert m["architecture"] == "dense" and m["weights"] == "open"
    assert "Upload To Hub Date 2024-05-11 is not a release date" in m["params_note"]
    s = at(scores, 2).set_index("benchmark")
    assert s.at["mmlu_pro", "value"] == pytest.approx(46.658910)  # MMLU-PRO Raw 0.4665890957446808
    assert s.at["mmlu_pro", "variant"] == "base" and "chat template not applied" in s.at["mmlu_pro", "note"]
    assert at(scores, 4)["variant"].eq("instruct").all()  # 01-ai/Yi-1.5-34B-Chat, "chat models"


def test_real_moe_rows_keep_their_total(real):
    _, models, _ = real
    mixtral = models[models["source_name"] == "mistralai/Mixtral-8x7B-v0.1"]
    assert len(mixtral) == 2 and (mixtral["total_params_b"] == 46.703).all()
    assert (mixtral["architecture"] == "moe").all()
    qwen = models[models["source_name"] == "Qwen/Qwen2-57B-A14B-Instruct"].iloc[0]  # MoE flag False
    assert qwen["architecture"] == "moe" and "Qwen2MoeForCausalLM" in qwen["params_note"]
    assert qwen["total_params_b"] == 57.409 and math.isnan(qwen["active_params_b"])
    assert (models["architecture"] == "moe").sum() == 34


def test_real_non_positive_sizes_are_blank(real):
    _, models, _ = real
    umt5 = at(models, 275).iloc[0]
    assert umt5["source_name"] == "google/umt5-base" and math.isnan(umt5["total_params_b"])
    assert "#Params (B) given as -1.0" in umt5["params_note"]
    assert models["total_params_b"].isna().sum() == 3


def test_round_trip_through_the_interim_table(real, tmp_path):
    rows, models, scores = real
    write_table(rows, tmp_path / "open-llm-leaderboard.csv")
    again = read_ingested(tmp_path, src.KEY)  # as 02_clean reads it back
    m2, s2 = src.tidy(again, RAW / src.KEY)
    pd.testing.assert_frame_equal(m2, models)
    pd.testing.assert_frame_equal(s2, scores)


# --- a broken copy of the first records ---------------------------------------------------


@pytest.fixture
def raw(tmp_path):
    lines = (RAW / src.KEY / REL).read_text(encoding="utf-8").split("\n")
    dst = tmp_path / src.KEY / REL
    dst.parent.mkdir(parents=True)
    dst.write_text("\n".join(lines[:6]) + "\n", encoding="utf-8")  # header + rows 2-6
    return tmp_path


def edit(raw, row, old, new):
    path = raw / src.KEY / REL
    lines = path.read_text(encoding="utf-8").split("\n")
    assert old in lines[row - 1], f"row {row} no longer holds {old!r}"
    lines[row - 1] = lines[row - 1].replace(old, new, 1)
    path.write_text("\n".join(lines), encoding="utf-8")


def test_small_copy_reads(raw):
    models, scores = run(raw)
    assert len(models) == 5 and len(scores) == 30


@pytest.mark.parametrize(
    "row, old, new, column, value",
    [
        (2, "0.4665890957446808", "46.65890957446808", "MMLU-PRO Raw", "46.65890957446808"),  # percent, not 0-1
        (3, ",34.389,True,False,", ",34.4 billion,True,False,", "#Params (B)", "34.4 billion"),
        (2, ",34.389,True,False,", ",34.389,True,No,", "MoE", "No"),
        (4, '"💬 chat models (RLHF, DPO, IFT, ...)"', "chat", "Type", "chat"),  # a type the reader does not know
    ],
)
def test_bad_cell(raw, row, old, new, column, value):
    edit(raw, row, old, new)
    with pytest.raises(DataError) as exc:
        run(raw)
    e = exc.value
    assert str(e.file).endswith(REL) and str(e.row) == str(row) and e.column == column and e.value == value
    assert f"row {row}" in str(e) and repr(column) in str(e)


def test_missing_column(raw):
    edit(raw, 1, ",fullname,", ",full name,")
    with pytest.raises(DataError) as exc:
        src.ingest(raw)
    assert str(exc.value.file).endswith(REL) and exc.value.row == 1 and exc.value.column == "fullname"


def test_row_of_the_wrong_length(raw):
    edit(raw, 5, ",bfloat16,", ",")
    with pytest.raises(DataError, match=r"row 5.*37 fields like the header, got 36"):
        src.ingest(raw)


def test_a_size_read_from_the_name_is_told_from_a_safetensors_count(real):
    _, models, _ = real
    by_name = dict(zip(models["source_name"], models["params_note"]))
    # 34.389: Yi-1.5-34B's safetensors count; Mixtral's 46.703 counts every expert
    assert by_name["01-ai/Yi-1.5-34B"].startswith(src.FROM_SAFETENSORS)
    # the leaderboard's fallback read "8b" from "1_8b" and "7b" from the name: not counts of the weights
    for name in ("internlm/internlm2-1_8b", "Open-Orca/Mistral-7B-OpenOrca", "Qwen/Qwen2.5-3B-Instruct"):
        assert by_name[name].startswith(src.FROM_NAME), name
    assert src.leaderboard_name_size("internlm/internlm2-1_8b") == 8.0
    assert src.leaderboard_name_size("HuggingFaceTB/SmolLM2-135M") == 0.135 and src.leaderboard_name_size("a/gpt2") is None
    notes = models["params_note"].fillna("")
    assert notes.str.startswith(src.FROM_NAME).sum() == 89
    assert notes.str.startswith(src.FROM_SAFETENSORS).sum() == 459 - 89 - 3  # three runs have no size
