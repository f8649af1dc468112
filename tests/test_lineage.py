"""Lineages: a base model and everything trained from it, from curated facts, sources and ids."""

from pathlib import Path

import pandas as pd
import pytest

from llmscale import lineage, reconcile
from llmscale.clean import load_curated
from llmscale.errors import DataError
from llmscale import schema

CURATED = Path(__file__).parents[1] / "data" / "raw" / "curated"
DEEPSEEK = ["deepseek-ai/deepseek-v3-base", "deepseek-ai/deepseek-v3", "deepseek-ai/deepseek-v3-0324",
            "deepseek-ai/deepseek-v3.1", "deepseek-ai/deepseek-r1", "deepseek-ai/deepseek-r1-0528",
            "deepseek-ai/deepseek-r1-zero"]


@pytest.fixture(scope="module")
def curated():
    return load_curated(CURATED, "models.csv", schema.CURATED_FACTS)


@pytest.mark.parametrize("model_id, expected", [
    ("deepseek-ai/deepseek-r1-0528", "deepseek-ai/deepseek-r1"),
    ("moonshotai/kimi-k2-instruct-0905", "moonshotai/kimi-k2"),
    ("anthropic/claude-3-haiku-20240307", "anthropic/claude-3-haiku"),
    ("cohereforai/c4ai-command-r-plus-08-2024", "cohereforai/c4ai-command-r-plus"),
    ("microsoft/phi-3-mini-128k-instruct", "microsoft/phi-3-mini"),
    ("tokyotech-llm/qwen-3-swallow-32b-sft-v0.2", "tokyotech-llm/qwen-3-swallow-32b"),
    ("qwen/qwen2.5-7b", "qwen/qwen2.5-7b"),
    ("mistralai/mistral-7b-v0.1", "mistralai/mistral-7b-v0.1"),
])
def test_stem_drops_post_training_date_and_context_tags_only(model_id, expected):
    assert lineage.stem(model_id) == expected


def test_deepseek_v3_and_r1_are_one_lineage_from_the_makers_statement(curated):
    # LLM-Stats' own fine_tuned_from_model_id fields, as read from the raw files
    claims = pd.DataFrame({
        "model_id": ["deepseek-ai/deepseek-r1-0528", "deepseek-ai/deepseek-v3.1"],
        "base_model_id": ["deepseek-ai/deepseek-r1", "deepseek-ai/deepseek-v3"],
        "ref": ["llm-stats:organizations/deepseek/models/deepseek-r1-0528/model.json",
                "llm-stats:organizations/deepseek/models/deepseek-v3.1/model.json"],
    })
    out = lineage.lineages(DEEPSEEK, curated, claims)
    assert set(out["lineage"]) == {"deepseek-ai/deepseek-v3"}
    assert out.at["deepseek-ai/deepseek-r1", "lineage_ref"].startswith("curated: https://github.com/deepseek-ai/DeepSeek-R1/")
    assert out.at["deepseek-ai/deepseek-r1-0528", "lineage_ref"].startswith("llm-stats:")
    assert out.at["deepseek-ai/deepseek-v3-base", "lineage_ref"] == lineage.ROOT_REF
    # without the curated fact, R1 is a lineage of its own: the id alone does not say
    alone = lineage.lineages(DEEPSEEK, curated.iloc[0:0], claims)
    assert alone.at["deepseek-ai/deepseek-r1", "lineage"] == "deepseek-ai/deepseek-r1"


def test_curated_fact_beats_a_source_claim_and_a_third_party_fine_tune_joins_its_base(curated):
    ids = ["deepseek-ai/deepseek-r1-distill-qwen-32b", "qwen/qwen2.5-32b", "qwen/qwen2.5-32b-instruct",
           "cognitivecomputations/dolphin-2.9-llama3-8b", "meta-llama/meta-llama-3-8b"]
    claims = pd.DataFrame({
        "model_id": ["deepseek-ai/deepseek-r1-distill-qwen-32b", "cognitivecomputations/dolphin-2.9-llama3-8b"],
        "base_model_id": ["qwen/qwen2.5-32b-instruct", "meta-llama/meta-llama-3-8b"],
        "ref": ["x:1", "open-llm-leaderboard:120"],
    })
    out = lineage.lineages(ids, curated, claims)
    assert out.at["deepseek-ai/deepseek-r1-distill-qwen-32b", "lineage_ref"].startswith("curated: ")
    assert out.at["deepseek-ai/deepseek-r1-distill-qwen-32b", "lineage"] == "qwen/qwen2.5-32b"
    assert out.at["cognitivecomputations/dolphin-2.9-llama3-8b", "lineage"] == "meta-llama/meta-llama-3-8b"
    assert out.at["qwen/qwen2.5-32b-instruct", "lineage"] == "qwen/qwen2.5-32b"


def test_a_model_that_keeps_another_models_architecture_is_in_its_lineage(curated):
    # DeepSeek's card names DeepSeek-V3.2-Exp-Base as V3.2's base (a checkpoint no source
    # scores) and says V3.2 keeps V3.2-Exp's structure: V3.2 is in the V3 lineage with V3.2-Exp
    ids = ["deepseek-ai/deepseek-v3-base", "deepseek-ai/deepseek-v3", "deepseek-ai/deepseek-v3.1",
           "deepseek-ai/deepseek-v3.1-terminus", "deepseek-ai/deepseek-v3.2-exp", "deepseek-ai/deepseek-v3.2",
           "deepseek-ai/deepseek-v3.2-exp-base"]
    out = lineage.lineages(ids, curated)
    assert out.at["deepseek-ai/deepseek-v3.2", "lineage"] == out.at["deepseek-ai/deepseek-v3.2-exp", "lineage"]
    assert "joined with the lineage of deepseek-ai/deepseek-v3.2-exp (same architecture" in out.at["deepseek-ai/deepseek-v3.2", "lineage_ref"]
    alone = lineage.lineages(ids, curated[curated["field"] != lineage.SAME_ARCHITECTURE])
    assert alone.at["deepseek-ai/deepseek-v3.2", "lineage"] != alone.at["deepseek-ai/deepseek-v3.2-exp", "lineage"]


def test_a_cycle_of_base_claims_ends():
    claims = pd.DataFrame({"model_id": ["a/x", "a/y"], "base_model_id": ["a/y", "a/x"], "ref": ["s:1", "s:2"]})
    out = lineage.lineages(["a/x", "a/y"], pd.DataFrame(columns=["model_id", "field", "value", "status", "citation_url"]), claims)
    assert out.loc["a/x", "lineage"] in {"a/x", "a/y"} and len(out) == 2


def test_curated_link_must_name_a_model_id():
    f = pd.DataFrame([("m/a", "base_model", "Qwen 2.5 32B", "sourced", "https://maker/a", "")],
                     columns=["model_id", "field", "value", "status", "citation_url", "evidence"])
    with pytest.raises(DataError, match="a model_id"):
        reconcile.check_curated(f, "models.csv")


def test_every_processed_model_has_a_lineage_and_a_family():
    models = pd.read_csv(Path(__file__).parents[1] / "data" / "processed" / "models.csv")
    if "lineage" not in models:
        pytest.skip("processed tables predate lineages (make data)")
    assert models["lineage"].notna().all() and models["lineage_ref"].notna().all()
    assert models["family"].notna().all()


def test_r1_inherits_v3_base_architecture_but_keeps_its_own_facts(curated):
    ids = ["deepseek-ai/deepseek-v3-base", "deepseek-ai/deepseek-r1", "deepseek-ai/deepseek-r1-zero"]
    f = curated[curated["model_id"].isin(ids)].reset_index(drop=True)
    sm = pd.DataFrame([("llm-stats", "organizations/deepseek/models/deepseek-r1-zero/model.json", "DeepSeek R1 Zero",
                        "deepseek-ai/deepseek-r1-zero", "open", None, 684.0, None, None, None)],
                      columns=["source", "source_row", "source_name", "model_id", "weights", "release_date",
                               "total_params_b", "active_params_b", "architecture", "params_note"])
    models, _ = reconcile.reconcile(sm, f)
    m = models.set_index("model_id")
    base = m.loc["deepseek-ai/deepseek-v3-base"]
    r1 = m.loc["deepseek-ai/deepseek-r1"]
    assert r1["total_params_b_ref"].startswith("curated: https://github.com/deepseek-ai/DeepSeek-R1")  # its own fact wins
    assert r1["experts_total"] == base["experts_total"] and r1["experts_total_ref"] == "inherited from deepseek-ai/deepseek-v3-base"
    assert r1["hidden_size_ref"] == "inherited from deepseek-ai/deepseek-v3-base"
    zero = m.loc["deepseek-ai/deepseek-r1-zero"]
    # its own values win over the base's: the maker's cited total (671) over LLM-Stats' 684, never an inherited one
    assert zero["total_params_b"] == 671.0 and zero["total_params_b_ref"].startswith("curated: https://github.com/deepseek-ai/DeepSeek-R1")
    assert zero["active_params_b"] == 37.0 and zero["active_params_b_ref"].startswith("curated: ")
    assert zero["experts_total"] == base["experts_total"] and zero["experts_total_ref"] == "inherited from deepseek-ai/deepseek-v3-base"
    assert schema.validate(models, schema.MODELS, "models.csv", row_col=None) is not None


def test_inheritance_follows_a_chain_and_stops_at_a_cycle():
    cols = [*lineage.INHERITED, *[f"{c}_ref" for c in lineage.INHERITED]]
    models = pd.DataFrame(index=pd.Index(["a/c", "a/b", "a/a"], name="model_id"), columns=cols, dtype=object)
    models.loc["a/c", "total_params_b"], models.loc["a/c", "total_params_b_ref"] = 7.0, "curated: https://x"
    f = pd.DataFrame([("a/a", "same_architecture_as", "a/b", "sourced"), ("a/b", "same_architecture_as", "a/c", "sourced"),
                      ("a/c", "same_architecture_as", "a/a", "sourced")], columns=["model_id", "field", "value", "status"])
    out = lineage.inherit(models, f)
    assert out.at["a/a", "total_params_b"] == 7.0 and out.at["a/a", "total_params_b_ref"] == "inherited from a/b"
    assert out.at["a/b", "total_params_b_ref"] == "inherited from a/c"


_SM_COLUMNS = ["source", "source_row", "source_name", "model_id", "weights", "release_date", "total_params_b",
               "active_params_b", "architecture", "params_note"]
# DeepSeek-V3's and V3-0324's rows as the sources state them (data/processed/source_models.csv)
_V3_ROWS = [
    ("artificial-analysis", "data/2026-06-15/llms.json#deepseek-v3", "DeepSeek V3 (Dec '24)", "deepseek-ai/deepseek-v3",
     "open", "2024-12-26", 671.0, 37.0, "moe", None),
    ("cjtrowbridge", "31", "Deepseek-v3", "deepseek-ai/deepseek-v3", "unknown", None, 37.0, None, None, None),
    ("llm-stats", "organizations/deepseek/models/deepseek-v3/model.json", "deepseek-ai/DeepSeek-V3", "deepseek-ai/deepseek-v3",
     "open", "2024-12-25", 671.0, None, None, None),
    ("artificial-analysis", "data/2026-06-15/llms.json#deepseek-v3-0324", "DeepSeek V3 0324", "deepseek-ai/deepseek-v3-0324",
     "open", "2025-03-25", 671.0, 37.0, "moe", None),
    ("artificial-analysis", "data/2026-06-15/llms.json#deepseek-r1", "DeepSeek R1 0528 (May '25)", "deepseek-ai/deepseek-r1-0528",
     "open", "2025-05-28", 685.0, 37.0, "moe", None),
]


def test_an_inherited_makers_fact_beats_every_source_and_its_disagreements_are_conflicts(curated):
    # the maker's statements: V3-0324 keeps V3's architecture, R1-0528 keeps R1's (their cited totals 671)
    ids = ["deepseek-ai/deepseek-v3-base", "deepseek-ai/deepseek-v3", "deepseek-ai/deepseek-v3-0324",
           "deepseek-ai/deepseek-r1", "deepseek-ai/deepseek-r1-0528"]
    f = curated[curated["model_id"].isin(ids)]
    # the dated re-releases' own curated counts left out: what they inherit is tested
    dated = f["model_id"].isin(["deepseek-ai/deepseek-v3-0324", "deepseek-ai/deepseek-r1-0528"]) & f["field"].isin(lineage.INHERITED)
    f = f[~dated].reset_index(drop=True)
    models, conflicts = reconcile.reconcile(pd.DataFrame(_V3_ROWS, columns=_SM_COLUMNS), f)
    m = models.set_index("model_id")
    # an aggregator's 685 (AA counts the MTP module) gives way to R1's cited 671
    assert m.at["deepseek-ai/deepseek-r1-0528", "total_params_b"] == 671.0
    assert m.at["deepseek-ai/deepseek-r1-0528", "total_params_b_ref"] == "inherited from deepseek-ai/deepseek-r1"
    assert m.at["deepseek-ai/deepseek-v3-0324", "total_params_b_ref"] == "inherited from deepseek-ai/deepseek-v3"
    assert m.at["deepseek-ai/deepseek-v3-0324", "experts_total_ref"] == "inherited from deepseek-ai/deepseek-v3"
    # the model's own curated fact still wins
    assert m.at["deepseek-ai/deepseek-v3", "total_params_b_ref"].startswith("curated: ")
    assert m.at["deepseek-ai/deepseek-v3-0324", "weights_ref"].startswith("curated: ")
    assert lineage.inherited_from_maker(models, "total_params_b")[models["model_id"] == "deepseek-ai/deepseek-v3-0324"].all()
    # 685 vs 671 is 2 %: not a conflict
    assert not ((conflicts["model_id"] == "deepseek-ai/deepseek-r1-0528") & (conflicts["item"] == "total_params_b")).any()

    # without V3's own curated total, V3 inherits V3-Base's, and cjtrowbridge's 37 (its active count) is a conflict
    own = (f["model_id"] == "deepseek-ai/deepseek-v3") & (f["field"] != lineage.SAME_ARCHITECTURE)
    models, conflicts = reconcile.reconcile(pd.DataFrame(_V3_ROWS, columns=_SM_COLUMNS), f[~own].reset_index(drop=True))
    m = models.set_index("model_id")
    assert m.at["deepseek-ai/deepseek-v3", "total_params_b"] == 671.0
    assert m.at["deepseek-ai/deepseek-v3", "total_params_b_ref"] == "inherited from deepseek-ai/deepseek-v3-base"
    c = conflicts[(conflicts["model_id"] == "deepseek-ai/deepseek-v3") & (conflicts["item"] == "total_params_b")]
    assert c[["value_used", "ref_used", "value_other", "ref_other"]].values.tolist() == [
        ["671", "inherited from deepseek-ai/deepseek-v3-base", "37.0", "cjtrowbridge:31"]]


def test_a_parents_source_value_fills_a_blank_but_never_replaces_a_value():
    cols = [*lineage.INHERITED, *[f"{c}_ref" for c in lineage.INHERITED]]
    models = pd.DataFrame(index=pd.Index(["a/base", "a/x", "a/y"], name="model_id"), columns=cols, dtype=object)
    models.loc["a/base", ["total_params_b", "total_params_b_ref"]] = 7.0, "llm-stats:1"
    models.loc["a/x", ["total_params_b", "total_params_b_ref"]] = 7.4, "open-llm-leaderboard:2"
    f = pd.DataFrame([("a/x", "same_architecture_as", "a/base", "sourced"), ("a/y", "same_architecture_as", "a/base", "sourced")],
                     columns=["model_id", "field", "value", "status"])
    out = lineage.inherit(models, f)
    assert out.at["a/x", "total_params_b"] == 7.4 and out.at["a/x", "total_params_b_ref"] == "open-llm-leaderboard:2"
    assert out.at["a/y", "total_params_b"] == 7.0 and out.at["a/y", "total_params_b_ref"] == "inherited from a/base"
    assert not lineage.inherited_from_maker(out.reset_index(), "total_params_b").any()


def test_a_count_of_the_models_own_weights_is_never_replaced_by_a_rounded_inherited_size():
    # Mistral states Mistral NeMo as "12B"; the Instruct model's safetensors count is 12.248
    cols = [*lineage.INHERITED, *[f"{c}_ref" for c in lineage.INHERITED]]
    models = pd.DataFrame(index=pd.Index(["m/base", "m/instruct", "m/other"], name="model_id"), columns=cols, dtype=object)
    models.loc["m/base", ["total_params_b", "total_params_b_ref"]] = 12.0, "curated: https://mistral.ai/news/mistral-nemo"
    models.loc["m/instruct", ["total_params_b", "total_params_b_ref"]] = 12.248, "open-llm-leaderboard:7"
    models.loc["m/other", ["total_params_b", "total_params_b_ref"]] = 12.6, "llm-stats:3"
    f = pd.DataFrame([("m/instruct", "same_architecture_as", "m/base", "sourced"),
                      ("m/other", "same_architecture_as", "m/base", "sourced")], columns=["model_id", "field", "value", "status"])
    out = lineage.inherit(models, f, exact={"open-llm-leaderboard:7"})
    assert out.at["m/instruct", "total_params_b"] == 12.248 and out.at["m/instruct", "total_params_b_ref"] == "open-llm-leaderboard:7"
    assert out.at["m/other", "total_params_b"] == 12.0 and out.at["m/other", "total_params_b_ref"] == "inherited from m/base"
    # without the exact count's ref, the maker's rounded size would have replaced it
    assert lineage.inherit(models, f).at["m/instruct", "total_params_b"] == 12.0


_NO_FACTS = pd.DataFrame(columns=["model_id", "field", "value", "status", "citation_url"])
# real ids of data/processed/models.csv: makers' base models and third parties' models
_BASES = ["mistralai/mixtral-8x7b-v0.1", "meta-llama/meta-llama-3-8b", "meta-llama/llama-2-7b-hf", "meta-llama/llama-7b",
          "eleutherai/pythia-12b", "qwen/qwen2-72b", "meta-llama/llama-3.1-8b", "meta-llama/llama-3.1-70b",
          "mistralai/mistral-7b-v0.3", "mistralai/mistral-7b-v0.1", "microsoft/phi-3-medium-4k-instruct"]


@pytest.mark.parametrize("model_id, base", [
    ("nousresearch/nous-hermes-2-mixtral-8x7b-dpo", "mistralai/mixtral-8x7b-v0.1"),
    ("salesforce/llama-3-8b-sfr-iterative-dpo-r", "meta-llama/meta-llama-3-8b"),  # "llama-3-8b" is Meta's meta-llama-3-8b
    ("cognitivecomputations/dolphin3.0-llama3.1-8b", "meta-llama/llama-3.1-8b"),  # llama3.1 and llama-3.1 are one spelling
    ("nousresearch/yarn-llama-2-7b-64k", "meta-llama/llama-2-7b-hf"),
    ("openassistant/oasst-sft-4-pythia-12b-epoch-3.5", "eleutherai/pythia-12b"),
    ("abacusai/smaug-qwen2-72b-instruct", "qwen/qwen2-72b"),
])
def test_the_name_rule_links_a_third_partys_fine_tune_to_the_base_its_name_holds(model_id, base):
    out = lineage.lineages([model_id, *_BASES], _NO_FACTS)
    assert out.at[model_id, "lineage"] == out.at[base, "lineage"]
    assert out.at[model_id, "lineage_ref"].startswith(f"{lineage.NAME_RULE}: ") and base in out.at[model_id, "lineage_ref"]


@pytest.mark.parametrize("model_id", [
    "openlm-research/open_llama_7b",  # a from-scratch reproduction: "_" binds the name, no LLaMA fine-tune
    "open-orca/mistral-7b-openorca",  # mistral-7b: Mistral v0.1 and v0.3, two lineages, both hold it
    "nousresearch/hermes-3-llama-3.2-3b",  # no Llama 3.2 3B here: neither llama-3-8b nor llama-3.1-8b is in its name
    "cognitivecomputations/dolphin-2.9.2-phi-3-medium",  # phi-3-medium states no size: no key
    "meta-llama/llama-3.1-8b-instruct",  # the maker's own: the name's post-training tag decides, not the rule
    "tokyotech-llm/llama-3.1-swallow-8b-v0.1",  # "swallow" stands inside: the name does not hold llama-3.1-8b
    "mistralai/mixtral-8x7b-instruct-v0.1",
])
def test_the_name_rule_never_links_what_its_name_does_not_say(model_id):
    out = lineage.lineages([model_id, *_BASES], _NO_FACTS)
    assert not out.at[model_id, "lineage_ref"].startswith(lineage.NAME_RULE)
    if model_id.split("/")[0] not in ("meta-llama", "mistralai"):
        assert out.at[model_id, "lineage"] == lineage.stem(model_id)


def test_base_keys_state_a_name_and_a_size():
    assert lineage.base_key("meta-llama/meta-llama-3-8b") == "llama3-8b"
    assert lineage.base_key("mistralai/mixtral-8x7b-v0.1") == "mixtral8x7b"
    assert lineage.base_key("mistralai/mistral-7b-v0.1") == "mistral7b"  # "mistral" does not start "mistralai-"
    assert lineage.base_key("qwen/qwen2.5-7b") == "qwen2.5-7b"
    assert lineage.base_key("openai/gpt-4") is None and lineage.base_key("microsoft/phi-3-medium") is None


def test_a_sources_base_spelled_another_way_is_the_known_id():
    # Epoch's "Llama 2-7B" becomes meta-llama/llama-2-7b, the maker's repository is llama-2-7b-hf;
    # the Open LLM Leaderboard names NousResearch's re-upload of Meta-Llama-3-8B as a base
    ids = ["goat-7b", "meta-llama/llama-2-7b-hf", "nousresearch/hermes-2-pro-llama-3-8b", "meta-llama/meta-llama-3-8b"]
    claims = pd.DataFrame({"model_id": ["goat-7b", "nousresearch/hermes-2-pro-llama-3-8b"],
                           "base_model_id": ["meta-llama/llama-2-7b", "nousresearch/meta-llama-3-8b"],
                           "ref": ["epoch-notable-models:128", "open-llm-leaderboard:70"]})
    out = lineage.lineages(ids, _NO_FACTS, claims)
    assert out.at["goat-7b", "lineage"] == out.at["meta-llama/llama-2-7b-hf", "lineage"]
    assert out.at["goat-7b", "lineage_ref"] == "epoch-notable-models:128"
    assert out.at["nousresearch/hermes-2-pro-llama-3-8b", "lineage"] == "meta-llama/meta-llama-3-8b"


def test_a_versioned_instruct_id_finds_its_base_of_the_same_version():
    ids = ["upstage/solar-10.7b-instruct-v1.0", "upstage/solar-10.7b-v1.0", "nousresearch/nous-hermes-2-solar-10.7b",
           "mistralai/mistral-7b-instruct-v0.2", "mistralai/mistral-7b-v0.1", "mistralai/mistral-7b-v0.3"]
    claims = pd.DataFrame({"model_id": ["nousresearch/nous-hermes-2-solar-10.7b"], "base_model_id": ["upstage/solar-10.7b-v1.0"],
                           "ref": ["open-llm-leaderboard:81"]})
    out = lineage.lineages(ids, _NO_FACTS, claims)
    assert out.at["upstage/solar-10.7b-instruct-v1.0", "lineage"] == out.at["nousresearch/nous-hermes-2-solar-10.7b", "lineage"]
    # v0.2's base is neither v0.1 nor v0.3
    assert out.at["mistralai/mistral-7b-instruct-v0.2", "lineage_ref"] == lineage.ROOT_REF
