"""Model ids from source spellings, and one row per model with the origin of each value."""

import pandas as pd
import pytest

from llmscale import identity, reconcile
from llmscale.errors import DataError


@pytest.mark.parametrize(
    "a, b",
    [
        ("meta-llama/Meta-Llama-3.1-8B", "Llama 3.1 8B"),
        ("meta-llama/Llama-2-7b-hf", "LLaMA 2 7B"),
        ("Qwen/Qwen2.5-72B", "Qwen2.5 72B"),
        ("GPT\u20115\u2011Mini", "gpt-5-mini"),
    ],
)
def test_match_key_joins_spellings_of_one_model(a, b):
    assert identity.match_key(a) == identity.match_key(b)


@pytest.mark.parametrize("a, b", [("Qwen2.5-7B", "Qwen2.5-7B-Instruct"), ("Llama-3-8B", "Llama-3-80B"), ("Mistral 7B", "Mistral-7B-v0.1")])
def test_match_key_keeps_variants_apart(a, b):
    assert identity.match_key(a) != identity.match_key(b)


def test_assign_order_alias_then_repo_id_then_key_then_unmatched():
    aliases = pd.DataFrame({"source": ["s"], "source_name": ["Mistral 7B"], "model_id": ["mistralai/mistral-7b-v0.1"]})
    reg = identity.Registry(["qwen/qwen2.5-72b", "mistralai/mistral-7b-v0.1", "a/x-1b", "b/x-1b"])
    rows = pd.DataFrame({"name": ["Mistral 7B", "Qwen/Qwen2.5-72B-Instruct", "Qwen2.5 72B", "X 1B", "Nobody 3B"]})
    out = identity.assign(rows, "s", "name", aliases, reg)
    assert out["model_id"].tolist() == ["mistralai/mistral-7b-v0.1", "qwen/qwen2.5-72b-instruct", "qwen/qwen2.5-72b", "x-1b", "nobody-3b"]
    assert out["id_basis"].tolist() == ["alias", "hf_id", "match_key", "unmatched", "unmatched"]
    assert "ambiguous between a/x-1b, b/x-1b" in out["id_note"].iloc[3]


def facts(rows):
    return pd.DataFrame(rows, columns=["model_id", "field", "value", "status", "citation_url", "evidence"])


def source_models(rows):
    cols = ["source", "source_row", "source_name", "model_id", "weights", "release_date", "total_params_b",
            "active_params_b", "architecture", "params_note"]
    return pd.DataFrame(rows, columns=cols)


def test_curated_beats_sources_and_conflicts_are_listed():
    f = facts([
        ("m/a", "total_params_b", "7.3", "sourced", "https://maker/a", ""),
        ("m/a", "release_date", "", "not_looked_up", "", ""),
    ])
    sm = source_models([
        ("epoch-open-model-trends", "5", "A", "m/a", "open", "2023-09-27", 7.0, None, None, None),   # within 5 %
        ("cjtrowbridge", "9", "A", "m/a", "unknown", None, 37.0, None, None, None),                  # excluded source
        ("llm-stats", "x.json", "A", "m/a", "open", "2023-12-01", 9.0, None, None, None),            # 23 % off
    ])
    models, conflicts = reconcile.reconcile(sm, f)
    a = models.set_index("model_id").loc["m/a"]
    assert a["total_params_b"] == 7.3 and a["total_params_b_ref"] == "curated: https://maker/a"
    assert a["release_date"] == "2023-09-27" and a["release_date_ref"] == "epoch-open-model-trends:5"
    assert a["weights"] == "open" and a["n_sources"] == 3
    got = {(c.item, c.ref_other) for c in conflicts.itertuples()}
    assert got == {("total_params_b", "cjtrowbridge:9"), ("total_params_b", "llm-stats:x.json"), ("release_date", "llm-stats:x.json")}
    cjt = conflicts[conflicts["ref_other"] == "cjtrowbridge:9"].iloc[0]
    assert "not used for total_params_b" in cjt["reason"]


def test_non_embedding_params_tied_and_untied():
    m = pd.DataFrame({
        "total_params_b": [7.0, 0.5, 7.0, 7.0],
        "vocab_size": [32000, 151936, 32000, None],
        "hidden_size": [4096, 896, 4096, 4096],
        "tied_embeddings": ["false", "true", None, "false"],
    })
    got = reconcile.non_embedding_params_b(m)
    assert got[0] == pytest.approx(7.0 - 2 * 32000 * 4096 / 1e9)
    assert got[1] == pytest.approx(0.5 - 151936 * 896 / 1e9)
    assert pd.isna(got[2]) and pd.isna(got[3])  # a missing fact leaves it blank, never guessed


def test_score_conflicts_only_within_one_setting():
    s = pd.DataFrame([
        ("m", "mmlu", 70.0, 5, False, "base", "obsscaling", "3"),
        ("m", "mmlu", 72.5, 5, False, "base", "llm-stats", "a.json"),   # same setting, 2.5 pts
        ("m", "mmlu", 60.0, 0, False, "base", "llm-stats", "b.json"),   # other setting: no conflict
        ("m", "mmlu", 70.8, 5, False, "base", "epoch-aa-prices", "4"),  # within 1 pt
    ], columns=["model_id", "benchmark", "value", "shots", "cot", "variant", "source", "source_row"])
    s["shots"] = s["shots"].astype("Int64")
    out = reconcile.score_conflicts(s)
    assert len(out) == 1
    assert out.iloc[0]["ref_used"] == "obsscaling:3" and out.iloc[0]["ref_other"] == "llm-stats:a.json"


@pytest.mark.parametrize(
    "row, column",
    [
        (("m/a", "total_params_b", "7", "sourced", "", ""), "citation_url"),
        (("m/a", "total_params_b", "7", "not_looked_up", "", ""), "value"),
        (("m/a", "size", "7", "sourced", "https://x", ""), "field"),
        (("m/a", "total_params_b", "seven", "sourced", "https://x", ""), "value"),
        (("m/a", "release_date", "Sep 2023", "sourced", "https://x", ""), "value"),
        (("m/a", "vocab_size", "1", "guessed", "https://x", ""), "status"),
    ],
)
def test_curated_facts_are_checked(row, column):
    f = facts([("m/b", "total_params_b", "1", "sourced", "https://ok", ""), row])
    with pytest.raises(DataError) as exc:
        reconcile.check_curated(f, "models.csv")
    assert exc.value.row == 3 and exc.value.column == column


def test_citations_must_be_the_makers_own_pages():
    makers = pd.DataFrame({"org": ["qwen"], "maker": ["Alibaba (Qwen)"], "pages": ["huggingface.co/qwen qwenlm.github.io arxiv.org"]})
    ok = facts([
        ("qwen/qwen2.5-7b", "vocab_size", "152064", "sourced", "https://huggingface.co/Qwen/Qwen2.5-7B/blob/main/config.json", ""),
        ("qwen/qwen2.5-7b", "release_date", "2024-09-19", "sourced", "https://qwenlm.github.io/blog/qwen2.5/", ""),
    ])
    reconcile.check_curated(ok, "models.csv", makers)
    bad = facts([("qwen/qwen2.5-7b", "hidden_size", "3584", "sourced", "https://huggingface.co/unsloth/Qwen2.5-7B/blob/main/config.json", "")])
    with pytest.raises(DataError, match="a page of the maker of qwen/qwen2.5-7b") as exc:
        reconcile.check_curated(bad, "models.csv", makers)
    assert exc.value.row == 2 and exc.value.column == "citation_url"


def test_every_processed_column_is_documented():
    from llmscale import dictionary

    d = dictionary.dictionary()
    for table, (sch, _, _) in dictionary.TABLES.items():
        assert set(d[d["table"] == table]["column"]) == set(sch.columns)
    assert (d["meaning"].str.len() > 0).all()
    assert d[(d["table"] == "scores.csv") & (d["column"] == "value")]["unit"].item() == "points, 0-100"


def test_closed_models_keep_sizes_only_as_rumours():
    sm = source_models([
        ("epoch-open-model-trends", "60", "GPT-4o", "openai/gpt-4o", "closed", "2024-05-13", None, None, None, None),
        ("cjtrowbridge", "48", "GPT-4o", "openai/gpt-4o", "unknown", None, 1800.0, None, None, None),
    ])
    models, conflicts = reconcile.reconcile(sm, facts([]))
    g = models.set_index("model_id").loc["openai/gpt-4o"]
    assert pd.isna(g["total_params_b"]) and pd.isna(g["total_params_b_ref"])
    assert g["rumoured_total_params_b"] == 1800 and g["rumoured_total_params_b_ref"] == "cjtrowbridge:48"
    assert conflicts.empty


def test_a_closed_models_size_disclosed_by_its_maker_is_kept():
    sm = source_models([("epoch-open-model-trends", "9", "PaLM 540B", "google/palm-540b", "closed", "2022-04-04", 540.0, None, None, None)])
    f = facts([("google/palm-540b", "total_params_b", "540", "sourced", "https://arxiv.org/abs/2204.02311", "paper")])
    models, _ = reconcile.reconcile(sm, f)
    p = models.set_index("model_id").loc["google/palm-540b"]
    assert p["total_params_b"] == 540 and pd.isna(p["rumoured_total_params_b"])


def test_variants_and_families_from_ids():
    ids = pd.Series(["qwen/qwen2.5-7b", "qwen/qwen2.5-7b-instruct", "qwen/qwen3-235b-a22b-instruct-2507",
                     "google/gemma-2-9b-it", "mistralai/mixtral-8x7b-v0.1", "openai/gpt-4o", "meta-llama/llama-3.1-8b-instruct"])
    v = identity.variants(ids, ["qwen/qwen2.5-7b", "google/gemma-2-9b"])
    assert v["variant"].tolist() == ["base", "instruct", "instruct", "instruct", "base", "unknown", "instruct"]
    assert v["base_model_id"].iloc[[1, 3]].tolist() == ["qwen/qwen2.5-7b", "google/gemma-2-9b"]
    assert v["base_model_id"].iloc[[0, 2]].isna().all()
    assert pd.isna(v["base_model_id"].iloc[6])  # its base is not in the table
    assert v["family"].fillna("-").tolist() == ["qwen/qwen2.5", "qwen/qwen2.5", "qwen/qwen3", "google/gemma-2", "mistralai/mixtral", "-", "meta-llama/llama-3.1"]


def test_global_aliases_fold_renamed_repositories():
    aliases = pd.DataFrame({"source": ["*"], "source_name": ["meta-llama/Meta-Llama-3.1-8B"], "model_id": ["meta-llama/llama-3.1-8b"]})
    rows = {"a": pd.DataFrame({"n": ["meta-llama/Meta-Llama-3.1-8B"]}), "b": pd.DataFrame({"n": ["meta-llama/Llama-3.1-8B"]})}
    reg = identity.build_registry([], rows, {"a": "n", "b": "n"}, aliases)
    assert reg.ids == {"meta-llama/llama-3.1-8b"}  # one id, not two: "Llama 3.1 8B" is no longer ambiguous
    named = identity.assign(pd.DataFrame({"n": ["META-LLAMA/Meta-Llama-3.1-8B", "Llama 3.1 8B"]}), "c", "n", aliases, reg)
    assert named["model_id"].tolist() == ["meta-llama/llama-3.1-8b"] * 2
    assert named["id_basis"].tolist() == ["alias", "match_key"]


def test_architecture_is_derived_only_from_an_active_count_below_the_total():
    m = pd.DataFrame({
        "total_params_b": [398.0, 7.0, 236.0, 46.7, 10.0],
        "active_params_b": [94.0, 7.0, 236.0, 12.9, None],
        "architecture": [None, None, None, "dense", None],
        "architecture_ref": [None, None, None, "src:1", None],
    })
    out = reconcile.derive_architecture(m)
    assert out["architecture"].iloc[0] == "moe" and out["architecture"].iloc[3] == "dense"  # a stated one stands
    assert out["architecture"].iloc[[1, 2, 4]].isna().all()  # equal counts, or no active count: not derived
    assert out["architecture_ref"].iloc[0] == reconcile.DERIVED_MOE and out["architecture_ref"].iloc[3] == "src:1"


def test_a_dense_models_active_count_is_its_total_whatever_a_source_says():
    # real rows: AA gives DeepSeek LLM 67B Chat 7 active and Gemma 3n E2B its "effective" 2B
    ids = ["deepseek-ai/deepseek-llm-67b-chat", "google/gemma-3n-e2b-it", "ai21labs/ai21-jamba-large-1.7", "x/dense-no-total"]
    m = pd.DataFrame({
        "architecture": ["dense", "dense", "moe", "dense"],
        "total_params_b": [67.0, 5.98, 398.0, None], "total_params_b_ref": ["curated: a", "aa:1", "aa:2", None],
        "active_params_b": [7.0, 2.0, 94.0, 3.0], "active_params_b_ref": ["aa:3", "aa:1", "aa:2", "src:9"],
    }, index=pd.Index(ids, name="model_id"))
    used = pd.DataFrame({"model_id": ids, "fact": "active_params_b", "value": ["7", "2", "94", "3"], "source": "aa",
                         "ref": ["aa:3", "aa:1", "aa:2", "src:9"], "used_for_fact": True, "rank": 5})
    out, used2 = reconcile.dense_active(m, used)
    assert out["active_params_b"].tolist()[:3] == [67.0, 5.98, 94.0] and out["active_params_b"].iloc[3] == 3.0
    assert out["active_params_b_ref"].tolist() == [reconcile.DENSE_ACTIVE, reconcile.DENSE_ACTIVE, "aa:2", "src:9"]
    got = used2.set_index("model_id")
    assert got.loc[ids[0], "value"] == "67" and got.loc[ids[0], "ref"] == reconcile.DENSE_ACTIVE  # AA's 7 becomes a conflict
    assert got.loc[ids[2], "value"] == "94" and len(used2) == 4


def test_the_committed_table_has_no_dense_model_with_an_active_count_other_than_its_total():
    from pathlib import Path

    m = pd.read_csv(Path(__file__).parents[1] / "data" / "processed" / "models.csv")
    d = m[m["architecture"].eq("dense") & m["total_params_b"].notna()]
    assert len(d) > 500 and (d["active_params_b"] == d["total_params_b"]).all()
    c = pd.read_csv(Path(__file__).parents[1] / "data" / "processed" / "conflicts.csv")
    seven = c[(c["model_id"] == "deepseek-ai/deepseek-llm-67b-chat") & (c["item"] == "active_params_b")]
    assert len(seven) and (pd.to_numeric(seven["value_other"]) == 7.0).all()  # AA's value is listed, not used


def test_every_committed_processed_table_has_every_column_documented():
    from pathlib import Path

    from llmscale import dictionary

    d = dictionary.dictionary()
    documented = d.groupby("table")["column"].apply(set).to_dict()
    processed = Path(__file__).resolve().parent.parent / "data" / "processed"
    for path in sorted(processed.glob("*.csv")):
        if path.name == "dictionary.csv":
            continue
        header = path.read_text(encoding="utf-8").splitlines()[0].split(",")
        assert path.name in documented, f"{path.name} is not in the data dictionary"
        assert set(header) == documented[path.name], f"{path.name}: {set(header) ^ documented[path.name]}"


def test_source_lists_sorted_distinct_and_zero_for_curated_only():
    sm = pd.DataFrame({
        "model_id": ["a/x", "a/x", "a/x", "b/y", "c/z", "c/z"],
        "source": ["swallow", "obsscaling", "swallow", "reported-scores", "obsscaling", "obsscaling"],
    })
    joined, n = reconcile.source_lists(sm, pd.Index(["a/x", "b/y", "c/z", "d/curated-only"]))
    assert joined.tolist()[:3] == ["obsscaling;swallow", "reported-scores", "obsscaling"]
    assert pd.isna(joined["d/curated-only"])
    assert n.tolist() == [2, 1, 1, 0]
