"""Sizes checked against the names, and the labels fixed against the makers."""

from pathlib import Path

import pandas as pd
import pytest

from llmscale import sizes

PROCESSED = Path(__file__).parents[1] / "data" / "processed"


@pytest.mark.parametrize("model_id, expected", [
    ("qwen/qwen3-4b", 4.0), ("internlm/internlm2-1_8b", 1.8), ("huggingfacetb/smollm-135m", 0.135),
    ("qwen/qwen3-235b-a22b", 235.0), ("ibm-granite/granite-3.0-1b-a400m-base", 1.0), ("google/gemma-3n-e4b-it", None),
    ("mistralai/mixtral-8x7b-v0.1", None), ("meta-llama/llama-4-maverick-17b-128e-instruct", None),
    ("allenai/olmoe-1b-7b-0924", 7.0), ("openai/gpt-4o", None),
])
def test_the_size_an_id_states(model_id, expected):
    assert sizes.name_size_b(model_id) == expected


def _models(rows):
    cols = ["model_id", "weights", "architecture", "total_params_b", "total_params_b_ref", "active_params_b"]
    return pd.DataFrame(rows, columns=cols)


# values as the sources gave them before the corrections (open-llm-leaderboard row 299, swallow's model.yml)
BEFORE = _models([
    ("internlm/internlm2-1_8b", "open", "dense", 8.0, "open-llm-leaderboard:299", None),
    ("qwen/qwen3-4b", "open", "dense", 3.1, "swallow:_data/model.yml#Qwen/Qwen3-4B", 3.1),
    ("qwen/qwen3-0.6b", "open", "dense", 0.5, "swallow:_data/model.yml#Qwen/Qwen3-0.6B", 0.5),
    ("qwen/qwen3-8b", "open", "dense", 8.2, "swallow:_data/model.yml#Qwen/Qwen3-8B", 8.2),
    ("qwen/qwen2-57b-a14b", "open", "moe", 57.41, "curated: https://qwenlm.github.io/blog/qwen2/", None),
    ("deepseek-ai/deepseek-v2-lite", "open", "moe", 15.7, "curated: https://github.com/deepseek-ai/DeepSeek-V2", 2.4),
    ("google/gemma-7b", "open", "dense", 8.54, "curated: https://huggingface.co/google/gemma-7b", 8.54),
    ("openai/gpt-4o-mini", "closed", None, 8.0, "cjtrowbridge:3", None),
])


def test_name_vs_size_flags_catch_the_known_errors_and_excuse_a_cited_count():
    f = sizes.size_flags(BEFORE)
    off = f[f["kind"] == "name_vs_total"].set_index("model_id")
    assert set(off.index) == {"internlm/internlm2-1_8b", "qwen/qwen3-4b", "qwen/qwen3-0.6b", "google/gemma-7b"}
    assert not off.loc[["internlm/internlm2-1_8b", "qwen/qwen3-4b", "qwen/qwen3-0.6b"], "explained"].any()
    assert off.at["google/gemma-7b", "explained"]  # the maker's exact count (embeddings included) beats the rounded name
    moe = f[f["kind"] == "moe_without_active"]
    assert moe["model_id"].tolist() == ["qwen/qwen2-57b-a14b"]
    assert "openai/gpt-4o-mini" not in set(f["model_id"])  # closed: no size is checked


@pytest.fixture(scope="module")
def models():
    return pd.read_csv(PROCESSED / "models.csv").set_index("model_id")


def test_the_processed_table_is_fixed_and_its_flags_written(models):
    flags = pd.read_csv(PROCESSED / "size_flags.csv")
    assert not set(flags["model_id"]) & {"internlm/internlm2-1_8b", "qwen/qwen3-4b", "qwen/qwen3-0.6b"}
    again = sizes.size_flags(models.reset_index())
    assert sorted(zip(again["kind"], again["model_id"])) == sorted(zip(flags["kind"], flags["model_id"]))


def test_labels_checked_against_the_makers(models):
    assert models.at["moonshotai/kimi-k2-instruct-0905", "weights"] == "open"
    assert (models.loc[[i for i in models.index if i.startswith("google/gemma-3n-e") and "litert" not in i], "weights"] == "open").all()
    assert models.at["mistralai/magistral-medium", "weights"] == "closed"
    assert pd.isna(models.at["mistralai/magistral-medium", "total_params_b"])  # Magistral Small's 24B is not its size
    assert models.at["google/gemma-4-26b-a4b-it", "architecture"] == "moe"
    assert models.at["llm-jp/llm-jp-4-32b-a3b-thinking", "architecture"] == "moe"
    assert "anthropic/claude-3-haiku" not in models.index and "anthropic/claude-3-haiku-20240307" in models.index


def test_gpqa_diamond_never_shares_the_gpqa_column():
    s = pd.read_csv(PROCESSED / "scores.csv", dtype={"source_row": str})
    ls = s[s["source"] == "llm-stats"]
    assert not ls.loc[ls["benchmark"] == "gpqa", "note"].fillna("").str.contains("diamond", case=False).any()
    assert ls.loc[ls["benchmark"] == "gpqa_diamond", "note"].fillna("").str.contains("diamond", case=False).all()
