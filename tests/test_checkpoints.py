"""A score belongs to the checkpoint it was measured on, and a setting that names a variant
uses only scores of that variant."""

from pathlib import Path

import pandas as pd
import pytest

from llmscale import over_time, predict_params
from llmscale.settings import setting_label

ROOT = Path(__file__).parents[1]
PROCESSED = ROOT / "data" / "processed"


@pytest.fixture(scope="module")
def scores():
    return pd.read_csv(PROCESSED / "scores.csv")


def _stated(setting: pd.Series) -> pd.Series:
    return ~setting.str.startswith("variant not stated")


def test_llama_base_models_keep_their_own_mmlu(scores):
    """Meta's cards: Llama 3.2 3B base 58.0 and Llama 3 8B base 66.6 (5-shot); 63.4 and 68.4
    are the Instruct models' numbers and belong to the -instruct ids."""
    mmlu = scores[scores["benchmark"] == "mmlu"]
    base_3b = mmlu[mmlu["model_id"] == "meta-llama/llama-3.2-3b"]
    assert not ((base_3b["value"] - 63.4).abs() < 0.05).any()
    assert ((base_3b["value"] == 58.0) & (base_3b["variant"] == "base") & (base_3b["shots"] == 5)).any()
    inst = mmlu[mmlu["model_id"] == "meta-llama/llama-3.2-3b-instruct"]
    # the sheet's row is the Instruct model's: on its id, merged into its stated 5-shot score, or
    # left out by an erratum that says so
    errata = pd.read_csv(PROCESSED.parents[1] / "data" / "raw" / "curated" / "corrections.csv", dtype=str)
    dropped = ((errata["source"] == "cjtrowbridge") & (errata["source_row"] == "4") & (errata["field"] == "MMLU")
               & errata["note"].str.contains("Instruct"))
    assert dropped.any() or (inst["source"].eq("cjtrowbridge") | inst["note"].fillna("").str.contains("same value as cjtrowbridge:4")).any()
    base_8b = mmlu[(mmlu["model_id"] == "meta-llama/meta-llama-3-8b") & (mmlu["source"] == "reported-scores")]
    assert base_8b["value"].tolist() == [66.6]


def test_every_staircase_step_of_a_stated_variant_is_a_score_of_that_variant(scores):
    steps_file = PROCESSED / "over_time_steps.csv"
    steps = pd.read_csv(steps_file)
    s = scores.assign(setting=setting_label(scores))
    stated = steps[_stated(steps["setting"])]
    assert len(stated), "no staircase names a variant"
    joined = stated.merge(s[["model_id", "benchmark", "setting", "value"]], on=["model_id", "benchmark", "setting"],
                          suffixes=("", "_score"), how="left")
    joined["match"] = (joined["value"] - joined["value_score"]).abs() < 1e-6
    ok = joined.groupby(["benchmark", "setting", "threshold", "measure", "model_id"])["match"].any()
    assert ok.all(), ok[~ok].index.tolist()[:5]


def _processed_fixture(tmp_path) -> Path:
    """Two models, each with a base 5-shot score and a catch-all score of the other kind."""
    models = pd.DataFrame({
        "model_id": ["a/m-7b", "a/m-7b-instruct"], "name": ["M 7B", "M 7B Instruct"], "weights": ["open", "open"],
        "architecture": ["dense", "dense"], "release_date": ["2024-01-01", "2024-02-01"],
        "release_date_ref": ["curated: https://a", "curated: https://a"], "total_params_b": [7.0, 7.0],
        "active_params_b": [7.0, 7.0], "family": ["a/m", "a/m"], "lineage": ["a/m-7b", "a/m-7b"],
        "rumoured_total_params_b": [None, None],
    })
    scores = pd.DataFrame({
        "model_id": ["a/m-7b", "a/m-7b", "a/m-7b-instruct"], "benchmark": ["mmlu"] * 3, "value": [60.0, 65.0, 65.0],
        "shots": [5, None, None], "cot": [None, None, None], "variant": ["base", "unknown", "instruct"],
        "reporter": ["maker", "aggregator", "maker"], "harness": [None] * 3, "source": ["reported-scores", "cjtrowbridge", "llm-stats"],
        "source_row": ["1", "2", "3"], "note": [None] * 3,
    })
    prices = pd.DataFrame(columns=["source", "source_row", "model_id", "usd_per_1m_blended", "current"])
    models.to_csv(tmp_path / "models.csv", index=False)
    scores.to_csv(tmp_path / "scores.csv", index=False)
    prices.to_csv(tmp_path / "prices.csv", index=False)
    return tmp_path


def test_staircase_and_fit_points_keep_a_not_stated_variant_apart(tmp_path):
    d = _processed_fixture(tmp_path)
    pts = over_time.points(d, benchmarks=("mmlu",))
    base = pts[pts["setting"] == "base, 5-shot"]
    assert base["value"].tolist() == [60.0]  # the catch-all 65.0 is not a base score
    assert set(pts["setting"]) == {"base, 5-shot", "variant not stated, shots not stated", "instruct, shots not stated"}
    fit_pts = predict_params.frames(d, ["mmlu"])
    assert fit_pts[fit_pts["setting"] == "base, 5-shot"]["score"].tolist() == [60.0]
    assert not fit_pts[fit_pts["setting"].str.startswith("base")]["model_id"].eq("a/m-7b-instruct").any()


def test_a_chat_model_with_a_format_suffix_is_an_instruct_variant():
    from llmscale import identity
    v = identity.variants(pd.Series(["meta-llama/llama-2-7b-chat-hf", "meta-llama/llama-2-7b-hf"]), ["meta-llama/llama-2-7b-hf"])
    assert v["variant"].tolist() == ["instruct", "base"]
    assert v["base_model_id"].iloc[0] == "meta-llama/llama-2-7b-hf"


def test_an_instruct_model_linked_to_its_base_repository_keeps_its_own_id(scores):
    """LLM-Stats' Qwen2 72B Instruct links to Qwen/Qwen2-72B: its scores are the instruct model's."""
    ls = scores[scores["source_row"].str.startswith("organizations/qwen/models/qwen2-72b-instruct/")]
    assert len(ls) and set(ls["model_id"]) == {"qwen/qwen2-72b-instruct"}
    oll = scores[(scores["source"] == "open-llm-leaderboard") & (scores["model_id"] == "meta-llama/llama-3.1-8b-instruct")]
    assert len(oll) and set(oll["variant"]) == {"instruct"}
