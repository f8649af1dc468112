"""The Epoch "Notable AI Models" reader: facts checked by hand in the real raw file, and broken copies."""

import math
import shutil

import pytest

from conftest import ROOT, read_source
from llmscale import schema
from llmscale.errors import DataError
from llmscale.sources import epoch_notable_models as src
from test_source_epoch_benchmarking_hub import assert_located, edit_cell, one

RAW = ROOT / "data" / "raw"
REL = src.FILES[0]


@pytest.fixture(scope="module")
def real():
    return read_source(src, RAW)


def test_real_file_keeps_language_models_only(real):
    rows, models, scores = real
    left = src.left_out(RAW)
    assert len(rows) == len(models) == 399 and len(left) == 496  # of 895 rows
    assert rows["source_row"].is_unique and not set(rows["source_row"]) & set(left["source_row"])
    assert all("Language" in d.split(",") for d in rows["Domain"])
    assert not any("Language" in d.split(",") for d in left["Domain"])
    assert one(left, Model="AlphaFold 2")["Domain"] == "Biology"
    assert len(scores) == 0
    schema.validate(models, schema.SOURCE_MODELS, RAW / src.KEY / REL)
    schema.validate(scores, schema.SCORES, RAW / src.KEY / REL)
    assert models["weights"].value_counts().to_dict() == {"closed": 165, "open": 132, "unknown": 102}


def test_real_params_open_and_closed(real):
    rows, models, _ = real
    assert (rows["Parameters"] != "").sum() == 307
    v3 = one(models, source_row="5")  # DeepSeek-V3: open, a MoE total as Epoch records it
    assert v3["source_name"] == "DeepSeek-V3" and v3["weights"] == "open"
    assert v3["total_params_b"] == 671.0 and math.isnan(v3["active_params_b"]) and v3["release_date"] == "2024-12-24"
    palm2 = one(models, source_row="133")  # PaLM 2: closed, 340e9 is an estimate
    assert palm2["weights"] == "closed" and math.isnan(palm2["total_params_b"])
    assert "340000000000.0" in palm2["params_note"] and "closed" in palm2["params_note"]
    gpt4 = one(models, source_row="147")  # multimodal, language among its domains: kept
    assert gpt4["source_name"] == "GPT-4" and gpt4["release_date"] == "2023-03-15"
    assert math.isnan(gpt4["total_params_b"])
    instruct = one(models, source_row="242")  # InstructGPT 175B: accessibility blank, total kept
    assert instruct["weights"] == "unknown" and instruct["total_params_b"] == 175.0
    closed = models["weights"] == "closed"
    assert models.loc[closed, "total_params_b"].isna().all()
    assert models.loc[closed, "params_note"].notna().sum() == 129
    assert models["total_params_b"].notna().sum() == 178


# --- broken copies -------------------------------------------------------------------------


@pytest.fixture
def raw(tmp_path):
    shutil.copytree(RAW / src.KEY, tmp_path / src.KEY)
    return tmp_path


@pytest.mark.parametrize(
    "row, column, old, new",
    [
        (5, "Parameters", "671000000000.0", "671 billion"),
        (4, "Model accessibility", "Open weights (unrestricted)", "Opne weights"),
        (8, "Publication date", "2024-12-06", "Dec 6, 2024"),
        (2, "Domain", "Language,Vision,Multimodal", ""),
    ],
)
def test_bad_cell(raw, row, column, old, new):
    edit_cell(raw / src.KEY / REL, row, column, new, old)
    with pytest.raises(DataError) as exc:
        read_source(src, raw)
    assert_located(exc, REL, str(row), column, new)


def test_missing_column_and_file(raw):
    edit_cell(raw / src.KEY / REL, 1, "Model accessibility", "Accessibility")
    with pytest.raises(DataError) as exc:
        src.ingest(raw)
    assert exc.value.row == 1 and exc.value.column == "Model accessibility"
    (raw / src.KEY / REL).unlink()
    with pytest.raises(DataError, match="MANIFEST"):
        src.ingest(raw)


def test_real_base_models_name_one_other_system(real):
    rows, _, _ = real
    b = src.base_models(rows.assign(model_id=rows["Model"].str.lower())).set_index("model_id")["base_name"]
    assert b["deepseek-r1"] == "DeepSeek-V3" and b["claude 2.1"] == "Claude 2" and b["openvla"] == "Llama 2-7B"
    assert "nvlm-d 72b" not in b.index  # "Qwen2-72B,InternViT-6B": built on two systems, no single base
    assert b.str.contains(",").sum() == 0 and len(b) > 50
