"""The dense-vs-MoE fits on synthetic data with known coefficients, fine-tunes clustered in
lineages, and the lineage groups."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf

from llmscale import dense_vs_moe

TRUE = {"total": 12.0, "active": 3.0, "per_year": 6.0}  # points per tenfold total, tenfold active, year


def synthetic(n_dense=30, n_moe=10, tunes=3, seed=3, lineage_sd=3.0):
    """``n_dense`` + ``n_moe`` networks, each with ``tunes`` fine-tunes sharing its size, date and a
    lineage effect; MoE networks are newer and have 1/8 of their weights active. The score follows
    total size, active size and the date, with no other MoE effect."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n_dense + n_moe):
        moe = int(i >= n_dense)
        total = 10 ** rng.uniform(0.5, 2.5)
        active = total / 8 if moe else total
        years = rng.uniform(1.0, 2.5) if moe else rng.uniform(-1.0, 1.5)
        effect = rng.normal(0, lineage_sd)
        for j in range(tunes):
            score = (20 + TRUE["total"] * np.log10(total) + TRUE["active"] * np.log10(active) + TRUE["per_year"] * years
                     + effect + rng.normal(0, 1))
            rows.append({"benchmark": "b", "setting": "s", "model_id": f"n{i}-tune{j}", "lineage": f"n{i}",
                         "total_params_b": total, "active_params_b": active, "moe": moe, "years": years, "score": score})
    return pd.DataFrame(rows)


def coef(t, fit, term):
    return t[(t["fit"] == fit) & (t["term"] == term)].iloc[0]


def test_recovers_the_split_between_total_and_active_parameters():
    t = dense_vs_moe.compare(synthetic())
    tot, act = coef(t, "total + active + date", "log10_total"), coef(t, "total + active + date", "log10_active")
    assert tot["low"] < TRUE["total"] < tot["high"] and act["low"] < TRUE["active"] < act["high"]
    yr = coef(t, "total + active + date", "years")
    assert yr["points"] == pytest.approx(TRUE["per_year"], abs=1.5)
    # at equal total size a MoE network has 1/8 the active parameters: 3 * log10(1/8) = -2.7 points
    eq = coef(t, "equal total + date", "moe")
    assert eq["low"] < TRUE["active"] * np.log10(1 / 8) < eq["high"]
    n = t.iloc[0]
    assert (n["n_models"], n["n_moe"], n["n_lineages"], n["n_moe_lineages"], n["n_dense_lineages"]) == (120, 30, 40, 10, 30)


def test_leaving_out_the_date_biases_the_equal_total_effect_when_moe_models_are_newer():
    t = dense_vs_moe.compare(synthetic(n_moe=14))
    without, with_date = coef(t, "equal total", "moe"), coef(t, "equal total + date", "moe")
    truth = TRUE["active"] * np.log10(1 / 8)
    assert without["points"] > with_date["points"] + 3  # newer MoE models look better without the date
    assert with_date["low"] < truth < with_date["high"] and not without["low"] < truth < without["high"]


def test_lineage_clustered_intervals_are_wider_than_counting_every_fine_tune():
    d = synthetic(tunes=6, lineage_sd=5.0)
    t = dense_vs_moe.compare(d)
    clustered = coef(t, "equal total + date", "moe")
    naive = smf.ols("score ~ log10_total + moe + years", data=d.assign(log10_total=np.log10(d["total_params_b"]))).fit()
    lo, hi = naive.conf_int().loc["moe"]
    assert clustered["high"] - clustered["low"] > 1.5 * (hi - lo)


def test_a_setting_needs_enough_distinct_moe_lineages_not_checkpoints():
    few = synthetic(n_moe=3, tunes=8)  # 24 MoE checkpoints, 3 networks
    assert dense_vs_moe.compare(few, min_moe_lineages=4).empty
    assert not dense_vs_moe.compare(few, min_moe_lineages=3).empty


MODELS = pd.DataFrame([
    ("openai/gpt-oss-120b", "openai/gpt-oss", "openai/gpt-oss-120b", None, 117.0),
    ("openai/gpt-oss-20b", "openai/gpt-oss", "openai/gpt-oss-20b", None, 21.0),
    ("tokyotech-llm/gpt-oss-swallow-120b-rl-v0.1", "tokyotech-llm/gpt-oss-swallow", "tokyotech-llm/gpt-oss-swallow-120b", None, 120.0),
    ("tokyotech-llm/gpt-oss-swallow-120b-sft-v0.1", "tokyotech-llm/gpt-oss-swallow", "tokyotech-llm/gpt-oss-swallow-120b", None, 120.0),
    ("qwen/qwen3-30b-a3b", "qwen/qwen3", "qwen/qwen3-30b-a3b", None, 30.0),
    ("tokyotech-llm/qwen-3-swallow-30b-a3b-cpt-v0.2", "tokyotech-llm/qwen-3-swallow", "tokyotech-llm/qwen-3-swallow-30b-a3b", None, 31.0),
    ("qwen/qwen3-32b", "qwen/qwen3", "qwen/qwen3-32b", None, 32.8),
    ("meta-llama/llama-4-scout-17b-16e", "meta-llama/llama-4-scout", "meta-llama/llama-4-scout-17b-16e", None, 109.0),
    ("meta-llama/llama-4-scout-17b-16e-instruct", "meta-llama/llama-4-scout", "meta-llama/llama-4-scout-17b-16e",
     "meta-llama/llama-4-scout-17b-16e", 109.0),
    ("someone/llama-4-scout-17b-16e-abliterated", None, "someone/llama-4-scout-17b-16e-abliterated", None, 40.0),
], columns=["model_id", "family", "lineage", "base_model_id", "total_params_b"])


def test_lineages_join_the_lineage_column_and_same_size_fine_tunes_named_after_their_base():
    lin = dict(zip(MODELS["model_id"], dense_vs_moe.lineages(MODELS)))
    # the Swallow fine-tunes of GPT-OSS-120B and Qwen3-30B-A3B: one network each with their base
    assert lin["tokyotech-llm/gpt-oss-swallow-120b-rl-v0.1"] == lin["openai/gpt-oss-120b"] == "openai/gpt-oss-120b"
    assert lin["tokyotech-llm/gpt-oss-swallow-120b-sft-v0.1"] == "openai/gpt-oss-120b"
    assert lin["tokyotech-llm/qwen-3-swallow-30b-a3b-cpt-v0.2"] == lin["qwen/qwen3-30b-a3b"]
    # another size of one family is another network; so is a same-named model of another size
    assert lin["openai/gpt-oss-20b"] == "openai/gpt-oss-20b" and lin["qwen/qwen3-32b"] == "qwen/qwen3-32b"
    assert lin["meta-llama/llama-4-scout-17b-16e-instruct"] == "meta-llama/llama-4-scout-17b-16e"
    assert lin["someone/llama-4-scout-17b-16e-abliterated"] == "someone/llama-4-scout-17b-16e-abliterated"


def test_without_a_lineage_column_family_and_base_model_join_instead():
    lin = dict(zip(MODELS["model_id"], dense_vs_moe.lineages(MODELS.drop(columns="lineage"))))
    assert lin["openai/gpt-oss-20b"] == lin["openai/gpt-oss-120b"]  # one family
    assert lin["meta-llama/llama-4-scout-17b-16e-instruct"] == "meta-llama/llama-4-scout-17b-16e"
    assert lin["qwen/qwen3-32b"] == lin["tokyotech-llm/qwen-3-swallow-30b-a3b-cpt-v0.2"]  # family, then name


def test_the_chart_writes_the_headline_answer():
    t = dense_vs_moe.compare(synthetic())
    text = dense_vs_moe.headline_sentence(t, "b", "s")
    eq = coef(t, "equal total + date", "moe")
    assert f"MoE {eq['points']:+.1f} points at equal total size" in text and "30 MoE models from 10 lineages" in text
    fig = dense_vs_moe.draw(t, ("b", "s"), "Data: test", min_moe_lineages=1)
    assert fig._suptitle.get_text() == text


def test_the_chart_stays_legible_in_a_blog_column():
    from test_trends import chart_text_sizes

    fig = dense_vs_moe.draw(dense_vs_moe.compare(synthetic()), ("b", "s"), "Data: test", min_moe_lineages=1)
    assert min(chart_text_sizes(fig)) >= 15  # 21 px at full size, 9 px at 700 px wide


def test_more_settings_than_the_figure_holds_keep_the_headline_and_the_most_moe_lineages(tmp_path):
    from llmscale import plotting

    parts = []
    for k in range(14):  # 14 settings, each with 4 + k MoE lineages
        d = synthetic(n_dense=12, n_moe=4 + k, tunes=1, seed=k).assign(setting=f"setting {k:02d}")
        parts.append(d)
    t = dense_vs_moe.compare(pd.concat(parts, ignore_index=True), min_moe_lineages=4, min_dense_lineages=4)
    assert t[["benchmark", "setting"]].drop_duplicates().shape[0] == 14
    fig = dense_vs_moe.draw(t, ("b", "setting 00"), "Data: test", min_moe_lineages=1)
    rows = [lab.get_text().split("\n")[0] for lab in fig.axes[0].get_yticklabels()]
    assert len(rows) == dense_vs_moe.MAX_ROWS and "setting 00" in " ".join(rows)  # the headline, though it has the fewest
    assert all(f"setting {k:02d}" in " ".join(rows) for k in range(4, 14))  # then the ten with the most MoE lineages
    assert "3 more settings, with fewer MoE lineages" in fig.axes[0].get_xlabel()
    plotting.save_figure(fig, tmp_path / "dense_vs_moe")  # readable: saved, no error
    assert (tmp_path / "dense_vs_moe.png").exists()
