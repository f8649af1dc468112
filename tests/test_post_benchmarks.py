"""The post's procedure, its clipped coefficient, the grouped-by-weights validation and the
post's published numbers, on small synthetic tables with a known answer and on the real files."""

import numpy as np
import pandas as pd
import pytest

from conftest import ROOT
from llmscale import fit
from llmscale import post_benchmarks as pb
from llmscale.errors import DataError

PUBLISHED = ROOT / "data" / "raw" / "curated" / pb.PUBLISHED_FILE
PROCESSED = ROOT / "data" / "processed"


def synthetic(n=40, ratio_effect=-0.8, noise=0.05, seed=1):
    """log10 total = 0.5 + 0.03 score + ratio_effect * active_ratio + noise; the ratio is
    drawn independently of the score."""
    rng = np.random.default_rng(seed)
    score = rng.uniform(10, 90, n)
    ratio = rng.uniform(0.03, 1.0, n)
    log10_total = 0.5 + 0.03 * score + ratio_effect * ratio + rng.normal(0, noise, n)
    return pd.DataFrame({"model_id": [f"m{i}" for i in range(n)], "weights_id": [f"m{i}" for i in range(n)],
                         "lineage": [f"l{i // 2}" for i in range(n)], "release_date": "2025-01-01",
                         "score": score, "active_ratio": ratio, "total_params_b": 10 ** log10_total})


def test_the_post_procedure_recovers_an_exact_line():
    d = synthetic(ratio_effect=0.0, noise=0.0)
    r = pb.post_cv(d, ["score"])
    assert r["n_models"] == 40
    assert r["post_r2"] == pytest.approx(1.0, abs=1e-9)
    assert r["post_mae_b"] == pytest.approx(0.0, abs=1e-6) and r["post_rmse_b"] == pytest.approx(0.0, abs=1e-6)


def test_the_post_procedure_skips_tables_too_small_for_its_splits():
    r = pb.post_cv(synthetic(n=6), ["score"])
    assert r["n_models"] == 6 and np.isnan(r["post_r2"])


def test_a_negative_ratio_coefficient_is_clipped_and_the_fit_equals_the_score_alone():
    d = synthetic(ratio_effect=-0.8)
    c = pb.clipping(d)
    assert c["active_ratio_coef_ols"] < -0.5  # least squares finds the true negative effect
    assert c["active_ratio_coef_positive"] == 0.0 and c["positive_equals_alone"] is True
    with_ratio, alone = pb.post_cv(d, ["score", "active_ratio"]), pb.post_cv(d, ["score"])
    for key in ("post_r2", "post_mae_b", "post_rmse_b"):
        assert with_ratio[key] == pytest.approx(alone[key], rel=1e-9, abs=1e-12)  # the post's identical rows


def test_a_positive_ratio_coefficient_is_kept_and_changes_the_fit():
    d = synthetic(ratio_effect=0.8)
    c = pb.clipping(d)
    assert c["active_ratio_coef_positive"] > 0.5 and c["positive_equals_alone"] is False
    assert pb.post_cv(d, ["score", "active_ratio"])["post_r2"] > pb.post_cv(d, ["score"])["post_r2"] + 0.1


def test_the_r2_spread_over_random_states_is_ordered_and_repeatable():
    d = synthetic(noise=0.4)
    s = pb.post_r2_spread(d, ["score"], n_states=40)
    assert s["n_states"] == 40
    assert s["post_r2_low"] < s["post_r2_median"] < s["post_r2_high"]
    assert s["post_r2_high"] - s["post_r2_low"] > 0.1  # five test models per split: a wide spread
    assert pb.post_r2_spread(d, ["score"], n_states=40) == s


def test_grouped_by_weights_keeps_every_row_of_one_set_of_weights_in_one_fold():
    base = synthetic(n=30, ratio_effect=0.0, noise=0.2)
    second = base.assign(score=base["score"] + 3.0)  # the same weights in a second reasoning setting
    d = pd.concat([base.assign(setting="instruct, 0-shot, reasoning"), second.assign(setting="instruct, 0-shot, non-reasoning")],
                  ignore_index=True)
    d["model_id"] = d["weights_id"] + " @ " + d["setting"]
    spec = fit.Spec("aa_omniscience_accuracy", "instruct, 0-shot, " + pb.POOLED)
    held = pb._cv(d, spec, "weights_id", k=5, repeats=3, seed=0)
    assert len(held) == 3 * len(d)  # every row held out once per repeat
    held["weights_id"] = held["model_id"].str.split(" @ ").str[0]
    held["repeat"] = held["fold"].str.extract(r"^(r\d+)")[0]
    folds_per_weights = held.groupby(["repeat", "weights_id"])["fold"].nunique()
    assert (folds_per_weights == 1).all()  # no set of weights on both sides of any split
    v = pb.our_validation(d, spec, k=5, repeats=3)
    assert v["n_weights"] == 30 and v["weights_r2_low"] <= v["weights_r2"] + 1e-9


def test_pooled_frames_key_rows_by_weights_and_setting():
    data = pd.DataFrame({"model_id": ["a/x", "a/x", "b/y"], "weights_id": ["a/x", "a/x", "b/y"], "benchmark": "hle",
                         "setting": ["instruct, 0-shot, reasoning", "instruct, 0-shot, non-reasoning", "instruct, 0-shot, reasoning"],
                         "base_setting": "instruct, 0-shot", "score": [10.0, 5.0, 7.0]})
    p = pb.pooled_reasoning(data, "hle", "instruct, 0-shot")
    assert p["model_id"].tolist() == ["a/x @ instruct, 0-shot, reasoning", "a/x @ instruct, 0-shot, non-reasoning",
                                      "b/y @ instruct, 0-shot, reasoning"]
    assert set(p["setting"]) == {"instruct, 0-shot, every reasoning setting"}
    # the post's procedure sees one row per set of weights: its best score ("optimistic")
    spec = fit.Spec("hle", "instruct, 0-shot, every reasoning setting")
    assert pb._post_frame(p, spec).set_index("weights_id")["score"].to_dict() == {"a/x": 10.0, "b/y": 7.0}


def test_the_published_numbers_load_with_their_url_and_quotes():
    pub = pb.load_published(PUBLISHED)
    m = pb.published_metrics(pub).set_index("post_spec")
    assert len(m) == 15
    assert m.at["omniscience_accuracy", "published_r2"] == pytest.approx(0.840533)
    assert m.at["omniscience_accuracy", "published_mae_b"] == pytest.approx(153.968)
    est = pub[(pub["kind"] == "estimate") & (pub["model"] == "Gemini 3 Pro Preview")].set_index("post_spec")["value"]
    assert est["omniscience_accuracy"] == pytest.approx(1_254_020) and est["intelligence_index"] == pytest.approx(3_420)
    same = pb.published_active_equals_alone(pub)
    assert len(same) == 5 and same["published_active_equals_alone"].all()


@pytest.mark.parametrize("column,value,named,expected", [
    ("citation_url", "https://example.com/elsewhere", "citation_url", "the post's URL"),
    ("published", "0.99", "evidence", "quoted table row"),  # a value the quotation does not hold
    ("covariates", "price and size", "covariates", "one of"),
])
def test_a_broken_published_row_is_named(tmp_path, column, value, named, expected):
    d = pd.read_csv(PUBLISHED, dtype=str, keep_default_na=False)
    d.loc[3, column] = value
    bad = tmp_path / pb.PUBLISHED_FILE
    d.to_csv(bad, index=False)
    with pytest.raises(DataError) as exc:
        pb.load_published(bad)
    assert "row 5" in str(exc.value) and repr(named) in str(exc.value) and expected in str(exc.value)


def test_on_the_real_mmlu_pro_tables_the_active_ratio_is_always_clipped():
    data = pb.frames(PROCESSED, ["mmlu_pro"], harness=None)
    pairs = [(sp, fr) for sp, fr in pb.spec_frames(data, 20) if sp.covariates == ("active_ratio",)]
    assert pairs
    for sp, fr in pairs:
        c = pb.clipping(fr)
        assert c["n_models"] >= 20
        assert c["active_ratio_coef_ols"] < 0, sp.name
        assert c["active_ratio_coef_positive"] == 0 and c["positive_equals_alone"], sp.name


def test_the_write_up_numbers_say_when_a_build_has_no_rows(tmp_path):
    out = pb.writeup_numbers(tmp_path)
    assert out["post_side_table"] == "*(no rows in this build)*" and out["post_n_benchmarks"] == "0"
    assert out["post_closed_table"] == "*(no rows in this build)*"


@pytest.mark.parametrize("ratio_effect", [-0.8, 0.8])
def test_the_fast_refit_of_the_spread_equals_the_scikit_learn_pipeline(ratio_effect):
    d = synthetic(ratio_effect=ratio_effect, noise=0.3)
    x, y = pb._matrix(d, ["score", "active_ratio"])
    for tr, te in [(np.arange(0, 30), np.arange(30, 40)), (np.arange(5, 40), np.arange(0, 5))]:
        ref = pb.post_regressor().fit(x[tr], y[tr]).predict(x[te])
        assert np.allclose(pb._positive_fit_predict(x[tr], y[tr], x[te]), ref, rtol=0, atol=1e-10)
    # and the spread's state 7 is the post's own number
    one = pb.post_r2_spread(d.iloc[:], ["score", "active_ratio"], n_states=8)
    assert one["n_states"] == 8
    states = [pb.post_cv(d, ["score", "active_ratio"], random_state=s)["post_r2"] for s in range(8)]
    assert one["post_r2_median"] == pytest.approx(float(np.median(states)), abs=1e-10)


@pytest.mark.parametrize("n", [7, 12, 40, 129])
def test_the_spread_draws_the_same_splits_as_shuffle_split(n):
    from sklearn.model_selection import ShuffleSplit

    for state in (0, 1, 7, 499):
        ref = ShuffleSplit(n_splits=pb.POST_SPLITS, test_size=pb.POST_TEST_SIZE, random_state=state).split(np.zeros(n))
        ours = pb._shuffle_splits(n, state)
        pairs = list(zip(ref, ours, strict=True))
        assert len(pairs) == pb.POST_SPLITS
        for (tr, te), (tr2, te2) in pairs:
            assert np.array_equal(tr, tr2) and np.array_equal(te, te2)


def test_our_validation_equals_the_grouped_k_fold_of_each_scheme():
    d = synthetic(ratio_effect=0.0, noise=0.3)
    spec = fit.Spec("mmlu", "instruct, 0-shot", ())
    out = pb.our_validation(d, spec, k=5, repeats=3, seed=0)
    for name, col in pb.OUR_SCHEMES.items():
        held = pb._cv(d, spec, col, k=5, repeats=3, seed=0)
        assert out[f"{name}_r2"] == fit.metrics(held)["r2"]


def test_the_shared_permutations_are_the_splits_of_each_state():
    perms = pb._permutations(23, 30, pb.POST_SPLITS)
    assert perms.shape == (30, pb.POST_SPLITS, 23) and not perms.flags.writeable
    for state in (0, 5, 29):
        for p, (tr, te) in zip(perms[state], pb._shuffle_splits(23, state), strict=True):
            assert np.array_equal(p[pb.POST_TEST_SIZE:], tr) and np.array_equal(p[:pb.POST_TEST_SIZE], te)
    assert pb._permutations(23, 30, pb.POST_SPLITS) is perms  # drawn once for every spec of 23 rows


def test_closed_models_names_at_close_scores_do_not_print_over_each_other():
    from llmscale import plotting
    from llmscale import post_benchmarks as pb

    fig, ax = plotting.new_figure()
    ax.set_xscale("log")
    ax.set_xlim(1, 1e4)
    ax.set_ylim(0, 60)
    # as GPT-5 nano (18.2) and Claude 4.5 Haiku (17.4) in post_omniscience_vs_params, and one far above
    pb._name_interval_ends(ax, np.array([300.0, 280.0, 300.0]), np.array([18.2, 17.4, 45.0]),
                           ["GPT-5 nano", "Claude 4.5 Haiku", "Claude Opus 4.5"])
    fig.draw_without_rendering()
    r = fig.canvas.get_renderer()
    boxes = {t.get_text(): t.get_window_extent(r) for t in ax.texts}
    a, b = boxes["GPT-5 nano"], boxes["Claude 4.5 Haiku"]
    assert min(a.x1, b.x1) > max(a.x0, b.x0) and (a.y0 >= b.y1 or b.y0 >= a.y1)  # side by side in x, apart in y
    offsets = {t.get_text(): t.xyann for t in ax.texts}
    assert offsets["Claude 4.5 Haiku"] == (6.0, 0.0) and offsets["Claude Opus 4.5"] == (6.0, 0.0)  # nothing below: not moved
    assert offsets["GPT-5 nano"][1] > 0 and float(offsets["GPT-5 nano"][1]).is_integer()
    plotting.plt.close(fig)
