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
    again = sizes.size_flags(models.reset_index(), pd.read_csv(PROCESSED / "source_models.csv", dtype={"source_row": str}))
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


def test_a_raw_file_cut_inside_its_last_field_is_flagged_against_the_model_and_its_name(models, tmp_path):
    """``355`` -> ``3`` at the end of cjtrowbridge's file keeps the field count (the reader cannot
    tell; the manifest's sha256 can): the row's 3B is flagged against the model's 355B and the
    355B its own spelling states, so GLM-4.5 is never drawn at 3B without a line saying so."""
    import shutil

    from llmscale.sources import cjtrowbridge

    raw = Path(__file__).parents[1] / "data" / "raw"
    cut = tmp_path / cjtrowbridge.KEY / cjtrowbridge.FILES[0]
    cut.parent.mkdir(parents=True)
    shutil.copy(raw / cjtrowbridge.KEY / cjtrowbridge.FILES[0], cut)
    text = cut.read_text()
    assert text.endswith("GLM-4.5 (355B total/32B active),84.60%,,355\n")
    cut.write_text(text[: -len("55\n")])
    rows = cjtrowbridge.ingest(tmp_path)  # read as data: same fields, no error
    assert rows["B Params"].iloc[-1] == "3"
    source_models = pd.read_csv(PROCESSED / "source_models.csv", dtype={"source_row": str})
    ids = source_models[source_models["source"] == cjtrowbridge.KEY].set_index("source_row")["model_id"]
    read, _ = cjtrowbridge.tidy(rows.assign(model_id=rows["source_row"].map(ids)), tmp_path / cjtrowbridge.KEY)
    assert read.set_index("source_row").at["94", "total_params_b"] == 3
    broken = pd.concat([source_models[source_models["source"] != cjtrowbridge.KEY], read], ignore_index=True)
    before = sizes.size_flags(models.reset_index(), source_models)
    after = sizes.size_flags(models.reset_index(), broken)
    new = after[~after["total_params_b_ref"].isin(before["total_params_b_ref"]) | ~after["note"].isin(before["note"])]
    assert new[["model_id", "kind", "total_params_b_ref", "total_params_b"]].values.tolist() == [
        ["zai-org/glm-4.5", "source_vs_model", "cjtrowbridge:94", 3.0]]
    assert new["note"].iloc[0] == ("cjtrowbridge row 94 (GLM-4.5 (355B total/32B active)) gives 3B, "
                                   "against the model's 355B and the 355B its name states")
    assert not new["explained"].iloc[0]


def test_a_cut_value_in_the_source_used_is_flagged_against_the_other_sources():
    models = pd.DataFrame({"model_id": ["z/glm"], "weights": ["open"], "architecture": ["moe"], "total_params_b": [3.0],
                           "total_params_b_ref": ["a:2"], "active_params_b": [32.0]})
    rows = pd.DataFrame({"source": ["a", "b", "c"], "source_row": ["2", "7", "9"], "source_name": ["GLM", "GLM", "glm"],
                         "model_id": ["z/glm"] * 3, "total_params_b": [3.0, 355.0, 358.0], "active_params_b": [32.0, None, None]})
    flags = sizes.size_flags(models, rows)
    assert flags["total_params_b_ref"].tolist() == ["a:2", "b:7", "c:9"]  # the others disagree with the value used too
    assert (flags["kind"] == "source_vs_model").all()
    assert flags["note"].iloc[0] == "a row 2 (GLM) gives 3B (the value used), against the 356.5B median of the model's other source rows"
    assert flags["note"].iloc[1] == "b row 7 (GLM) gives 355B, against the model's 3B"
