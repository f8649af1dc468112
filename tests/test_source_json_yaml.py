"""The LLM-Stats, Swallow and llm-prices readers: facts checked by hand in the real raw
files, and broken copies that must stop with one located error."""

import json
import shutil

import pandas as pd
import pytest

from conftest import ROOT, read_source
from llmscale import schema
from llmscale.errors import DataError
from llmscale.sources import llm_prices, llm_stats, swallow
from test_source_epoch_benchmarking_hub import one

RAW = ROOT / "data" / "raw"


@pytest.fixture(scope="module")
def stats():
    return read_source(llm_stats, RAW)


@pytest.fixture(scope="module")
def swal():
    return read_source(swallow, RAW)


@pytest.fixture(scope="module")
def prices():
    return read_source(llm_prices, RAW)


@pytest.mark.parametrize("reader", [llm_stats, swallow, llm_prices])
def test_real_files_pass_the_schemas(reader):
    rows, models, scores = read_source(reader, RAW)
    assert rows["source_row"].is_unique
    schema.validate(models, schema.SOURCE_MODELS, RAW / reader.KEY)
    schema.validate(scores, schema.SCORES, RAW / reader.KEY)


# --- LLM-Stats --------------------------------------------------------------------------------


def test_llm_stats_models_and_scores(stats):
    rows, models, scores = stats
    assert len(models) == 169 and models["weights"].value_counts().to_dict() == {"open": 104, "closed": 65}
    q = one(models, source_row="organizations/qwen/models/qwen2.5-vl-7b/model.json")
    assert q["source_name"] == "Qwen/Qwen2.5-VL-7B-Instruct"  # from the weights link
    assert q["total_params_b"] == pytest.approx(8.29) and q["release_date"] == "2025-01-26"
    gpt = one(models, source_row="organizations/openai/models/gpt-4o-2024-08-06/model.json")
    assert gpt["source_name"] == "openai/gpt-4o-2024-08-06" and gpt["weights"] == "closed"
    assert pd.isna(gpt["total_params_b"])
    # three models share DeepSeek-R1's weights link: none takes the repository's name
    r1 = models[models["source_row"].str.contains("/deepseek-r1(?:-0528|-zero)?/", regex=True)]
    assert sorted(r1["source_name"]) == ["deepseek-ai/deepseek-r1", "deepseek-ai/deepseek-r1-0528", "deepseek-ai/deepseek-r1-zero"]
    mmlu = scores[scores["benchmark"] == "mmlu"]
    assert mmlu["value"].between(0, 100).all() and mmlu["value"].max() > 80
    assert set(scores["reporter"]) <= {"maker", "aggregator", "independent"}


def test_llm_stats_settings_from_the_method(stats):
    _, _, scores = stats
    five = scores[scores["note"].fillna("").str.contains("method: 5-shot", regex=False)]
    assert len(five) and (five["shots"] == 5).all()
    cot = scores[scores["note"].fillna("").str.contains("method: 0-shot, CoT", regex=False)]
    assert len(cot) and (cot["cot"] == True).all() and (cot["shots"] == 0).all()  # noqa: E712


def test_llm_stats_known_errors_are_in_the_raw_file(stats):
    # the two errors the sources README names: left to corrections.csv, so the reader shows them
    _, models, _ = stats
    nano = one(models, source_row="organizations/nvidia/models/nemotron-nano-9b-v2/model.json")
    assert nano["total_params_b"] == pytest.approx(88.9)
    v31 = one(models, source_row="organizations/deepseek/models/deepseek-v3.1/model.json")
    assert v31["release_date"] == "2025-01-10"


@pytest.fixture
def stats_raw(tmp_path):
    shutil.copytree(RAW / llm_stats.KEY, tmp_path / llm_stats.KEY)
    return tmp_path


def _edit_json(path, edit):
    data = json.loads(path.read_text())
    edit(data)
    path.write_text(json.dumps(data))


def test_llm_stats_score_out_of_range(stats_raw):
    path = stats_raw / llm_stats.KEY / "data/organizations/qwen/models/qwen-2.5-72b-instruct/benchmarks.json"
    data = json.loads(path.read_text())
    i = next(i for i, b in enumerate(data) if b["benchmark_id"] in llm_stats.BENCHMARKS)
    data[i]["score"] = 1.7
    path.write_text(json.dumps(data))
    with pytest.raises(DataError) as exc:
        read_source(llm_stats, stats_raw)
    e = exc.value
    assert str(e.file).endswith("qwen-2.5-72b-instruct/benchmarks.json") and e.row == f"#[{i}]" and e.column == "score"
    assert e.value == "1.7"


def test_llm_stats_unknown_param_unit(stats_raw):
    path = stats_raw / llm_stats.KEY / "data/organizations/qwen/models/qwen2.5-vl-7b/model.json"
    _edit_json(path, lambda d: d.update(param_count="8.29 B params"))
    with pytest.raises(DataError) as exc:
        read_source(llm_stats, stats_raw)
    assert exc.value.column == "param_count" and exc.value.value == "8.29 B params"


def test_llm_stats_missing_field_and_bad_json(stats_raw):
    path = stats_raw / llm_stats.KEY / "data/organizations/qwen/models/qwen2.5-vl-7b/model.json"
    _edit_json(path, lambda d: d.pop("release_date"))
    with pytest.raises(DataError) as exc:
        llm_stats.ingest(stats_raw)
    assert exc.value.column == "release_date" and exc.value.row == "qwen2.5-vl-7b"
    path.write_text("{ not json")
    with pytest.raises(DataError, match="valid JSON"):
        llm_stats.ingest(stats_raw)


def test_llm_stats_missing_source(tmp_path):
    with pytest.raises(DataError, match="MANIFEST"):
        llm_stats.ingest(tmp_path)


# --- Swallow ----------------------------------------------------------------------------------


def test_swallow_models(swal):
    _, models, scores = swal
    assert len(models) == 118
    assert models["architecture"].value_counts().to_dict() == {"dense": 91, "moe": 20}
    oss = one(models, source_name="openai/gpt-oss-120b")
    assert (oss["total_params_b"], oss["active_params_b"], oss["architecture"]) == (120, 5.1, "moe")
    gpt5 = one(models, source_name="openai/gpt-5-2025-08-07")  # an API model: size 0 = undisclosed
    assert gpt5["weights"] == "closed" and pd.isna(gpt5["total_params_b"]) and "not disclosed" in gpt5["params_note"]


def test_swallow_scores_keep_their_setting(swal):
    _, _, scores = swal
    mmlu = scores[scores["benchmark"] == "mmlu"]
    assert len(mmlu) == 50 and (mmlu["shots"] == 5).all() and (mmlu["variant"] == "base").all()
    pro = scores[scores["benchmark"] == "mmlu_pro"]
    assert len(pro) == 68 and (pro["shots"] == 0).all() and (pro["cot"] == True).all()  # noqa: E712
    assert (pro["variant"] == "instruct").all() and set(scores["harness"]) == {swallow.HARNESS}
    # HellaSwag is in both groups with different shots: two settings, two rows
    hs = scores[scores["benchmark"] == "hellaswag"]
    assert hs.groupby("variant")["shots"].first().to_dict() == {"base": 4, "instruct": 0}


@pytest.fixture
def swal_raw(tmp_path):
    shutil.copytree(RAW / swallow.KEY, tmp_path / swallow.KEY)
    return tmp_path


def test_swallow_active_above_total(swal_raw):
    path = swal_raw / swallow.KEY / swallow.MODELS
    text = path.read_text()
    old = "  params: 120\n  active_params: 5.1\n"
    assert old in text
    path.write_text(text.replace(old, "  params: 120\n  active_params: 512\n", 1))
    with pytest.raises(DataError) as exc:
        read_source(swallow, swal_raw)
    assert exc.value.column == "active_params" and exc.value.value == "512" and exc.value.row == "#openai/gpt-oss-120b"


def test_swallow_score_not_a_number_and_broken_yaml(swal_raw):
    path = swal_raw / swallow.KEY / swallow.MODELS
    text = path.read_text()
    path.write_text(text.replace("      MMLU-Pro: 0.798\n", "      MMLU-Pro: high\n", 1))
    with pytest.raises(DataError) as exc:
        read_source(swallow, swal_raw)
    assert exc.value.column == "score" and exc.value.value == "high"
    assert exc.value.row == "#abeja/ABEJA-QwQ32b-Reasoning-Japanese-v1.0/en_post/MMLU-Pro"
    path.write_text("- id: [unclosed\n")
    with pytest.raises(DataError, match="valid YAML"):
        swallow.ingest(swal_raw)


# --- llm-prices -------------------------------------------------------------------------------


def test_llm_prices(prices):
    rows, models, scores = prices
    assert len(scores) == 0 and len(models) == len(rows[rows["source_row"].str.endswith("price_history[0]")])
    p = llm_prices.prices(rows, RAW / llm_prices.KEY)
    g = one(p, source_row="data/amazon.json#models[0].price_history[0]")  # Nova Micro 0.035 / 0.14
    assert g["usd_per_1m_blended"] == pytest.approx((3 * 0.035 + 0.14) / 4)
    assert one(models, source_row="data/amazon.json#models[0].price_history[0]")["source_name"] == "amazon/amazon-nova-micro"
    assert "xai-org/grok-4-fast" in set(models["source_name"])  # vendor folder mapped to our org


def test_llm_prices_negative_price_and_unknown_vendor(tmp_path):
    shutil.copytree(RAW / llm_prices.KEY, tmp_path / llm_prices.KEY)
    path = tmp_path / llm_prices.KEY / "data/amazon.json"
    _edit_json(path, lambda d: d["models"][1]["price_history"][0].update(output=-0.24))
    rows, _, _ = read_source(llm_prices, tmp_path)
    with pytest.raises(DataError) as exc:
        llm_prices.prices(rows, tmp_path / llm_prices.KEY)
    assert exc.value.row == "#models[1].price_history[0]" and exc.value.column == "output" and exc.value.value == "-0.24"
    _edit_json(path, lambda d: d.update(vendor="amazonia"))
    with pytest.raises(DataError) as exc:
        llm_prices.ingest(tmp_path)
    assert exc.value.column == "vendor" and exc.value.value == "amazonia"
