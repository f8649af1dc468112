"""The data audit (make audit) on a small processed fixture."""

import pandas as pd

from llmscale import audit, lineage


def _fixture(tmp_path):
    pd.DataFrame({
        "model_id": ["deepseek-ai/deepseek-v3-base", "deepseek-ai/deepseek-r1-zero", "zai-org/glm-4.6", "openai/gpt-4o", "a/tiny-1b"],
        "weights": ["open", "open", "open", "closed", "open"],
        "total_params_b": [671.0, 671.0, 357.0, None, 1.0],
        "total_params_b_ref": ["curated: https://arxiv.org/abs/2412.19437", "inherited from deepseek-ai/deepseek-v3-base",
                               "llm-stats:organizations/zai-org/models/glm-4.6/model.json", None, "open-llm-leaderboard:9"],
        "family": ["deepseek-ai/deepseek-v3"] * 2 + ["zai-org/glm-4.6", "openai/gpt-4o", "a/tiny"],
        "lineage": ["deepseek-ai/deepseek-v3"] * 2 + ["zai-org/glm-4.6", "openai/gpt-4o", "a/tiny-1b"],
        "lineage_ref": [lineage.ROOT_REF, "curated: https://github.com/deepseek-ai/DeepSeek-R1", lineage.ROOT_REF, lineage.ROOT_REF,
                        lineage.ROOT_REF],
    }).to_csv(tmp_path / "models.csv", index=False)
    pd.DataFrame({
        "model_id": ["a/tiny-1b"] * 3, "benchmark": ["mmlu", "mmlu", "gpqa"], "value": [30.0, 31.0, 25.0],
        "shots": [5, None, 0], "cot": [None] * 3, "variant": ["base", "unknown", "base"], "reporter": ["maker"] * 3,
        "harness": [None] * 3, "source": ["reported-scores", "cjtrowbridge", "open-llm-leaderboard"], "source_row": ["1", "2", "3"],
        "note": ["same value as llm-stats:x (variant not stated, shots not stated)", None, None],
    }).to_csv(tmp_path / "scores.csv", index=False)
    pd.DataFrame({"model_id": ["a/tiny-1b", "a/tiny-1b"], "kind": ["setting", "fact"], "item": ["mmlu", "release_date"],
                  "value_used": ["30", "x"], "ref_used": ["r:1", "r:1"], "value_other": ["31", "y"], "ref_other": ["c:2", "c:3"],
                  "reason": ["", ""]}).to_csv(tmp_path / "conflicts.csv", index=False)
    pd.DataFrame({"model_id": ["zai-org/glm-4.6"], "kind": ["moe_without_active"], "name_size_b": [None], "total_params_b": [357.0],
                  "total_params_b_ref": ["llm-stats:x"], "active_params_b": [None], "explained": [False],
                  "note": ["mixture of experts with a total but no active count"]}).to_csv(tmp_path / "size_flags.csv", index=False)
    return tmp_path


def test_audit_counts_origins_settings_flags_and_conflicts(tmp_path):
    a = audit.audit(_fixture(tmp_path))
    assert (a["open_sized"], a["size_maker"], a["size_inherited"], a["size_source_only"]) == (4, 1, 1, 2)
    assert (a["scores"], a["scores_stated"], a["mmlu_scores"], a["mmlu_stated"], a["merged"]) == (3, 2, 2, 1, 1)
    assert a["conflicts"] == {"fact": 1, "setting": 1}
    assert a["moe_without_active"]["model_id"].tolist() == ["zai-org/glm-4.6"] and len(a["name_flags"]) == 0
    assert (a["lineages"], a["over_10b"], a["over_10b_linked"]) == (4, 3, 1)
    n = audit.numbers(tmp_path)
    assert n["audit_size_maker"] == "1 (25%)" and n["audit_mmlu_stated"] == "1 of 2"


def test_a_count_inherited_from_a_model_of_unknown_weights_is_still_the_makers(tmp_path):
    d = _fixture(tmp_path)
    m = pd.read_csv(d / "models.csv")
    # as in data/processed: no source says Pythia's weights are open, yet its count is EleutherAI's
    extra = pd.DataFrame({"model_id": ["eleutherai/pythia-12b-deduped", "openassistant/oasst-sft-1-pythia-12b"],
                          "weights": [None, "open"], "total_params_b": [11.846, 11.846],
                          "total_params_b_ref": ["curated: https://huggingface.co/EleutherAI/pythia-12b-deduped",
                                                 "inherited from eleutherai/pythia-12b-deduped"],
                          "family": ["eleutherai/pythia"] * 2, "lineage": ["eleutherai/pythia-12b-deduped"] * 2,
                          "lineage_ref": [lineage.ROOT_REF] * 2})
    pd.concat([m, extra]).to_csv(d / "models.csv", index=False)
    a = audit.audit(d)
    assert (a["open_sized"], a["size_maker"], a["size_inherited"], a["size_source_only"]) == (5, 1, 2, 2)


def test_make_audit_prints_the_lists(tmp_path, capsys):
    assert audit.main(["--processed", str(_fixture(tmp_path))]) == 0
    out = capsys.readouterr().out
    assert "cited to the maker:" in out and "zai-org/glm-4.6: total 357B" in out and "setting 1" in out


def test_safetensors_counts_are_their_own_origin_and_charted_models_are_counted_apart(tmp_path):
    from llmscale.sources import open_llm_leaderboard as oll
    d = _fixture(tmp_path)
    m = pd.read_csv(d / "models.csv")
    extra = pd.DataFrame({"model_id": ["open-orca/mistral-7b-openorca", "deepseek-ai/deepseek-r1-0528"], "weights": ["open"] * 2,
                          "total_params_b": [7.0, 671.0],
                          "total_params_b_ref": ["open-llm-leaderboard:88", "inherited from deepseek-ai/deepseek-r1-zero"],
                          "family": ["x", "deepseek-ai/deepseek-v3"], "lineage": ["x", "deepseek-ai/deepseek-v3"],
                          "lineage_ref": [lineage.ROOT_REF] * 2})
    pd.concat([m, extra]).to_csv(d / "models.csv", index=False)
    # row 9 is a count of the weights; row 88 (Mistral-7B-OpenOrca at 7.000) is the size its name states
    pd.DataFrame({"source": [oll.KEY] * 2, "source_row": ["9", "88"],
                  "params_note": [oll.FROM_SAFETENSORS, oll.FROM_NAME]}).to_csv(d / "source_models.csv", index=False)
    pd.DataFrame({"model_id": ["a/tiny-1b", "deepseek-ai/deepseek-r1-0528", "openai/gpt-4o"]}).to_csv(d / "size_vs_mmlu_frontier.csv", index=False)
    a = audit.audit(d)
    # inherited along a chain: R1-0528 <- R1-Zero <- V3-Base's cited count
    assert (a["open_sized"], a["size_maker"], a["size_inherited"], a["size_safetensors"], a["size_source_only"]) == (6, 1, 2, 1, 2)
    assert (a["charted_sized"], a["charted_inherited"], a["charted_safetensors"], a["charted_maker"]) == (2, 1, 1, 0)
    n = audit.numbers(d)
    assert n["audit_size_safetensors"] == "1 (17%)" and n["audit_charted_safetensors"] == "1 (50%)"
    assert "safetensors metadata (Open LLM Leaderboard)" in audit.report(d)


# Real rows of data/processed/scores.csv: Meta's and Qwen's own MMLU (curated), Swallow's runs of the same models
# and setting, and a model whose maker publishes no MMLU in this setting.
MAKER_ROWS = pd.DataFrame({
    "model_id": ["meta-llama/llama-4-scout-17b-16e"] * 2 + ["qwen/qwen2.5-0.5b"] * 2 + ["sbintuitions/sarashina2.2-0.5b"],
    "benchmark": ["mmlu"] * 5, "value": [79.6, 78.0, 47.5, 47.9, 26.2], "shots": [5] * 5, "cot": [None] * 5,
    "variant": ["base"] * 5, "reporter": ["maker", "independent", "maker", "independent", "independent"],
    "harness": [None, "Swallow", None, "Swallow", "Swallow"],
    "source": ["curated", "swallow", "curated", "swallow", "swallow"],
    "source_row": ["27", "_data/model.yml#meta-llama/Llama-4-Scout-17B-16E/en_pre/MMLU", "2",
                   "_data/model.yml#Qwen/Qwen2.5-0.5B/en_pre/MMLU", "_data/model.yml#sbintuitions/sarashina2.2-0.5b/en_pre/MMLU"],
    "note": [None] * 5,
})


def test_maker_check_compares_the_value_used_and_the_sources_with_the_makers_number():
    used = pd.DataFrame({"model_id": ["meta-llama/llama-4-scout-17b-16e", "qwen/qwen2.5-0.5b", "sbintuitions/sarashina2.2-0.5b"],
                         "benchmark": "mmlu", "setting": "base, 5-shot", "value": [78.0, 47.9, 26.2], "source": "swallow"})
    c = audit.maker_check(used, MAKER_ROWS).set_index("model_id")
    assert c["maker_value"].tolist()[:2] == [79.6, 47.5] and pd.isna(c.at["sbintuitions/sarashina2.2-0.5b", "maker_value"])
    assert c["agrees"].tolist()[:2] == [False, True] and pd.isna(c["agrees"].iloc[2])
    assert c["other_source"].tolist() == ["swallow"] * 3 and c["source_agrees"].tolist()[:2] == [False, True]


def test_audit_counts_charted_mmlu_values_with_a_makers_number(tmp_path):
    _fixture(tmp_path)
    MAKER_ROWS.to_csv(tmp_path / "scores.csv", index=False)
    # the staircase steps 04_over_time wrote: each the highest-ranked value, the curated one where it exists
    pd.DataFrame({"benchmark": "mmlu", "setting": "base, 5-shot", "threshold": [70, 40, 20], "measure": "total",
                  "model_id": ["meta-llama/llama-4-scout-17b-16e", "qwen/qwen2.5-0.5b", "sbintuitions/sarashina2.2-0.5b"],
                  "release_date": ["2025-04-05", "2024-09-19", "2025-03-05"], "params_b": [109.0, 0.49, 0.8],
                  "value": [79.6, 47.5, 26.2], "previous_b": [None] * 3}).to_csv(tmp_path / "over_time_steps.csv", index=False)
    m = audit.audit(tmp_path)["maker"]
    assert list(m) == ["staircase"]  # no prices.csv here: the size-vs-MMLU chart's points are not built
    s = m["staircase"]
    assert (s["values"], s["with_maker"], s["agree"], s["sources_compared"], s["sources_off"]) == (3, 2, 2, 2, 1)
    assert s["table"]["source"].tolist() == ["curated", "curated", "swallow"]
    out = audit.report(tmp_path)
    assert "MMLU staircases (base, 5-shot): 3 values; 2 with a maker number, 2 of them within 1 point (100%)" in out
    assert "2 compared, 1 more than 1 point off the maker (50%)" in out
    assert "meta-llama/llama-4-scout-17b-16e (base, 5-shot): swallow 78, maker 79.6" in out
    assert audit.numbers(tmp_path)["audit_maker_staircase"].startswith("2 of 3 values have the maker's number")


def test_size_check_measures_how_often_the_sources_alone_miss_the_makers_count():
    # real cases: Qwen3-1.7B (Swallow 1.5, maker 1.7: off), Qwen2.5-7B (Open LLM Leaderboard 7.616, maker 7.61: agrees)
    models = pd.DataFrame({"model_id": ["qwen/qwen3-1.7b", "qwen/qwen2.5-7b", "a/closed", "a/no-maker"],
                           "weights": ["open", "open", "closed", "open"], "total_params_b": [1.7, 7.61, 100.0, 3.0],
                           "total_params_b_ref": ["curated: https://huggingface.co/Qwen/Qwen3-1.7B",
                                                  "curated: https://huggingface.co/Qwen/Qwen2.5-7B", "curated: x", "llm-stats:1"]})
    sm = pd.DataFrame({"model_id": ["qwen/qwen3-1.7b", "qwen/qwen3-1.7b", "qwen/qwen2.5-7b", "a/closed", "a/no-maker"],
                       "source": ["artificial-analysis", "swallow", "open-llm-leaderboard", "llm-stats", "llm-stats"],
                       "source_row": ["1", "2", "3", "4", "5"], "total_params_b": [1.72, 1.5, 7.616, 1.0, 3.0]})
    c = audit.size_check(models, sm).set_index("model_id")
    assert list(c.index) == ["qwen/qwen2.5-7b", "qwen/qwen3-1.7b"]  # open models with a maker-cited total only
    assert c.at["qwen/qwen3-1.7b", "source"] == "swallow"  # the highest-ranked source, as the table would use
    assert c["off"].tolist() == [False, True]
