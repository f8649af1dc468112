"""Catch-all settings reconciled with stated ones; the headline setting of a chart."""

from pathlib import Path

import pandas as pd

from llmscale import catchall, schema
from llmscale.settings import headline_setting, plain_setting

PROCESSED = Path(__file__).parents[1] / "data" / "processed"
COLS = list(schema.SCORES.columns)
GIVEN = ["model_id", "benchmark", "value", "shots", "cot", "variant", "reporter", "harness", "source", "source_row", "note"]


def rows(*rs):
    """Score rows as the processed table has them (these are real rows of data/processed/scores.csv);
    the columns a row does not give (reasoning, index_version) are blank."""
    return schema.validate(pd.DataFrame([dict(zip(GIVEN, r)) for r in rs], columns=COLS), schema.SCORES, "scores.csv")


REAL = rows(
    ("qwen/qwen2.5-32b", "mmlu", 83.3, None, None, "unknown", "aggregator", None, "cjtrowbridge", "8", "cited: qwenlm blog"),
    ("qwen/qwen2.5-32b", "mmlu", 83.3, 5, None, "base", "maker", None, "reported-scores", "data/open_metadata.csv:79", "as given: '83.3'"),
    ("meta-llama/llama-3.2-3b", "mmlu", 63.4, None, None, "unknown", "aggregator", None, "cjtrowbridge", "4", None),
    ("meta-llama/llama-3.2-3b", "mmlu", 58.0, 5, None, "base", "maker", None, "reported-scores", "data/open_metadata.csv:90", None),
    ("meta-llama/llama-3.2-3b", "mmlu", 55.8, 5, None, "base", "independent", "Swallow", "swallow", "_data/model.yml#x", None),
    ("google/gemma-7b", "mmlu", 64.3, None, None, "instruct", "aggregator", None, "llm-stats", "x.json#[1]", None),
    ("google/gemma-7b", "mmlu", 64.3, 5, None, "base", "maker", None, "reported-scores", "data/open_metadata.csv:39", None),
    ("google/gemma-2b", "mmlu", 42.3, None, None, "unknown", "aggregator", None, "cjtrowbridge", "30", None),
)


def test_a_catch_all_score_equal_to_a_stated_one_is_merged_into_it():
    out, merges, conflicts = catchall.reconcile_settings(REAL)
    q = out[out["model_id"] == "qwen/qwen2.5-32b"]
    assert len(q) == 1 and q["variant"].iloc[0] == "base" and q["shots"].iloc[0] == 5
    assert "same value as cjtrowbridge:8 (variant not stated, shots not stated)" in q["note"].iloc[0]
    assert merges[["source", "source_row", "into_source"]].values.tolist() == [["cjtrowbridge", "8", "reported-scores"]]


def test_a_catch_all_score_that_differs_is_kept_apart_and_listed():
    out, _, conflicts = catchall.reconcile_settings(REAL)
    assert ((out["model_id"] == "meta-llama/llama-3.2-3b") & (out["value"] == 63.4)).sum() == 1
    c = conflicts[conflicts["model_id"] == "meta-llama/llama-3.2-3b"]
    assert len(c) == 1 and c["kind"].iloc[0] == "setting"
    assert c["value_used"].iloc[0] == "58" and c["value_other"].iloc[0] == "63.4"  # the closer stated score of the maker
    assert c["ref_used"].iloc[0] == "reported-scores:data/open_metadata.csv:90"


def test_what_a_catch_all_does_state_must_agree_and_a_lone_one_is_left_alone():
    out, merges, conflicts = catchall.reconcile_settings(REAL)
    # stated as instruct, the 64.3 is not the base 5-shot 64.3: kept apart, not merged
    assert ((out["model_id"] == "google/gemma-7b")).sum() == 2
    assert "google/gemma-7b" not in set(merges["model_id"])
    assert "google/gemma-7b" not in set(conflicts["model_id"])  # no stated instruct score to compare with
    assert ((out["model_id"] == "google/gemma-2b")).sum() == 1 and "google/gemma-2b" not in set(conflicts["model_id"])


def test_headline_setting_is_the_stated_setting_with_most_models():
    assert headline_setting(REAL, "mmlu") == "base, 5-shot"
    assert headline_setting(REAL, "gpqa") is None
    assert plain_setting("base, 5-shot") == "pretrained base models, 5 examples in the prompt"


def test_mmlu_headline_on_the_processed_table_is_base_5_shot():
    scores = pd.read_csv(PROCESSED / "scores.csv", dtype={"source_row": str})
    assert headline_setting(scores, "mmlu") == "base, 5-shot"
    for bench in ("mmlu", "mmlu_pro", "gpqa"):
        assert not headline_setting(scores, bench).startswith("variant not stated")
        assert "shots not stated" not in headline_setting(scores, bench)
