"""Which fit the write-up quotes and which may predict a closed model (rules that read no metric
or only the validation), the closed and external predictions, and pooling settings with offsets."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from llmscale import fit, plotting
from llmscale import predict_params as pp


def spec_rows():
    return pd.DataFrame({
        "spec": ["a | s1", "a | s1 + active_ratio", "b | s2", "b | pooled: 2 settings on the scale of s2", "c | s3"],
        "benchmark": ["a", "a", "b", "b", "c"],
        "setting": ["s1", "s1", "s2", "pooled: 2 settings on the scale of s2", "s3"],
        "covariates": ["score alone", "active_ratio", "score alone", "score alone", "score alone"],
        "n_models": [90, 90, 70, 400, 70], "n_lineages": [40, 45, 41, 150, 41]})


def test_the_headline_rule_reads_no_metric():
    counts = spec_rows()
    first = pp.headline_spec(counts)
    assert first == "b | s2"  # most lineages among score-alone, unpooled fits; the tie with c | s3 goes by name
    rng = np.random.default_rng(0)
    for _ in range(20):  # whatever the metrics say, the choice stands
        metrics = counts.assign(scheme="grouped_kfold", r2=rng.uniform(-1, 1, len(counts)),
                                coverage=rng.uniform(0, 1, len(counts)), mae_log10=rng.uniform(0, 2, len(counts)))
        assert pp.headline_spec(metrics.sample(frac=1, random_state=int(rng.integers(1e6)))) == first
    assert pp.headline_spec(counts.assign(n_lineages=[40, 45, 41, 150, 50])) == "c | s3"  # counts do change it


def test_closed_eligibility_refuses_target_derived_few_lineages_and_low_r2():
    m = pd.DataFrame({
        "spec": ["a | s", "a | s + active_ratio", "b | s", "c | s", "d | s"],
        "setting": "s", "covariates": ["score alone", "active_ratio", "score alone", "score alone", "score alone"],
        "scheme": "grouped_kfold", "n_lineages": [25, 25, 19, 30, 20], "r2": [0.5, 0.9, 0.9, 0.29, 0.3],
        "coverage_over_100b": [0.8, 0.9, 0.7, 0.6, 0.5]})
    e = pp.closed_eligibility(m).set_index("spec")
    assert e["eligible"].to_dict() == {"a | s": True, "a | s + active_ratio": False, "b | s": False, "c | s": False, "d | s": True}
    assert e.at["a | s + active_ratio", "why_not"].startswith("uses active_ratio")
    assert e.at["b | s", "why_not"] == "19 lineages, fewer than 20"
    assert e.at["c | s", "why_not"] == "grouped-CV R² 0.29, under 0.3"


def frame(n=120, seed=0):
    """Open models in two settings (s2 scores = s1 scores + 5), and closed models with and
    without a published size."""
    rng = np.random.default_rng(seed)
    score = rng.uniform(30, 80, n)
    total = 10 ** (-1 + 0.04 * score + rng.normal(0, 0.1, n))
    ids = [f"o/m{i}" for i in range(n)]
    base = pd.DataFrame({"model_id": ids, "lineage": [f"l{i % 30}" for i in range(n)], "weights": "open",
                         "total_params_b": total, "release_date": "2024-01-01", "benchmark": "b", "name": ids,
                         "source": "x", "source_row": "1", "rumoured_total_params_b": np.nan,
                         "active_ratio": rng.uniform(0.1, 1, n)})
    s1 = base.assign(setting="s1", score=score)
    s2 = base.iloc[::2].assign(setting="s2", score=score[::2] + 5)
    closed = pd.DataFrame({"model_id": ["c/known", "c/secret"], "lineage": ["c/known", "c/secret"], "weights": "closed",
                           "total_params_b": [50.0, np.nan], "release_date": "2025-01-01", "benchmark": "b",
                           "name": ["known", "secret"], "source": "x", "source_row": "2", "rumoured_total_params_b": np.nan,
                           "active_ratio": np.nan, "setting": "s1", "score": [60.0, 70.0]})
    d = pd.concat([s1, s2, closed], ignore_index=True)
    d["label"] = d["weights"].eq("open") & d["total_params_b"].notna()
    d["external"] = d["weights"].eq("closed") & d["total_params_b"].notna()
    return d


def test_closed_predictions_skip_target_derived_fits_and_the_external_set():
    d = frame()
    specs = [fit.Spec("b", "s1"), fit.Spec("b", "s1", ("active_ratio",))]
    fitted = [fit.fit_spec(pp.train(d, sp), sp) for sp in specs]
    assert not pp.train(d, specs[0])["external"].any()
    metrics = pd.concat([fit.validate(pp.train(d, sp), sp, repeats=2) for sp in specs], ignore_index=True)
    closed = pp.predict_closed(d, fitted, eligibility=pp.closed_eligibility(metrics))
    assert closed["model_id"].tolist() == ["c/secret"] and closed["spec"].tolist() == ["b | s1"]
    assert closed["eligible"].tolist() == [True] and closed["r2_grouped_kfold"].iloc[0] > 0.5
    ext = pp.predict_external(d, fitted)
    assert ext["model_id"].tolist() == ["c/known"] and ext["total_params_b"].tolist() == [50.0]
    assert ext["covered"].tolist() == [bool(ext["low_b"].iloc[0] <= 50 <= ext["high_b"].iloc[0])]


def test_pooled_settings_move_scores_by_the_paired_offset():
    d = frame()
    specs = [fit.Spec("b", "s1"), fit.Spec("b", "s2")]
    off = pp.setting_offsets(d, "b", ["s1", "s2"]).set_index("setting")
    assert off.at["s1", "offset_points"] == 0 and off.at["s2", "offset_points"] == pytest.approx(5)
    assert off.at["s2", "pairs"] == 60
    spec, pooled = pp.pooled(d, specs, "b")
    assert spec.setting == "pooled: 2 settings on the scale of s1"
    assert len(pooled) == 180 and pooled["model_id"].is_unique
    twice = pooled[pooled["model_id"].str.startswith("o/m0 @")]
    assert twice["score"].nunique() == 1 and twice["lineage"].nunique() == 1  # one model, two rows, one lineage
    by_setting = pp.pooled_by_setting(pooled, spec, seed=0, k=5, repeats=2)
    assert by_setting["setting"].tolist() == ["s1", "s2"] and by_setting["n_models"].tolist() == [120, 60]
    assert pp.setting_offsets(d, "b", ["s1", "s2"], min_pairs=61)["offset_points"].isna().tolist() == [False, True]
    assert pp.pooled(d, specs, "b", min_pairs=61) is None  # a setting without enough shared models stays out


def test_without_the_posts_closed_models_the_forest_draws_the_most_recent_it_can_hold():
    root = Path(__file__).parents[1] / "data" / "processed"
    closed = pd.read_csv(root / "predict_closed.csv")
    released = pd.read_csv(root / "models.csv", usecols=["model_id", "release_date"]).set_index("model_id")["release_date"]
    forest = pp.forest_models(closed, released, pattern="no-such-model")  # a build with none of the post's models
    cands = pp.forest_candidates(closed, pattern="no-such-model")
    assert len(cands) == closed["eligible"].astype(bool).sum()  # every eligible prediction is a candidate
    specs = pp.forest_specs(forest)
    drawn = sorted(set(forest.loc[forest["spec"].isin(specs["spec"]), "model_id"]))
    drawable = set(cands.loc[cands["spec"].isin(pp.forest_specs(cands)["spec"]), "model_id"])
    assert len(drawable) > pp.FOREST_ROWS and len(drawn) == pp.FOREST_ROWS
    dates = pd.to_datetime(released.reindex(sorted(drawable)))
    assert dates[drawn].min() >= dates.drop(drawn).max()  # the most recently released are drawn
    left = pp.forest_left_out(closed, forest, pattern="no-such-model")  # what the caption says
    assert not left["in_scope"] and left["no_room"] == sorted(drawable - set(drawn))
    assert set(left["no_score"]) == set(cands["model_id"]) - drawable
    fig = pp.draw_forest(forest, "Data: x")
    assert len(fig.axes[0].get_yticks()) == pp.FOREST_ROWS
    fig.draw_without_rendering()
    assert plotting.off_canvas(fig) == [] and plotting.collisions(fig) == []
    plotting.plt.close(fig)
    post = pp.forest_candidates(closed)  # the post's models: all of them drawn, none left out
    post_specs = pp.forest_specs(post)["spec"]
    assert set(pp.forest_models(closed, released)["model_id"]) == set(post.loc[post["spec"].isin(post_specs), "model_id"])
    left = pp.forest_left_out(closed, pp.forest_models(closed, released))
    assert left["in_scope"] and left["no_room"] == []


def test_no_score_alone_fit_means_no_headline():
    assert pp.headline_spec(spec_rows().iloc[[1]]) is None
    assert pp.headline_spec(pd.DataFrame(columns=["spec", "setting", "covariates", "n_lineages", "n_models"])) is None


def test_no_closed_prediction_is_an_empty_table_that_filters_cleanly():
    empty = pp.predict_closed(frame(), [])
    assert list(empty.columns) == pp.CLOSED_COLUMNS and empty["eligible"].dtype == bool
    assert list(empty[empty["eligible"]].columns) == pp.CLOSED_COLUMNS  # a boolean mask, not a column list


def test_the_forest_draws_one_row_per_closed_model_under_the_best_validated_fits():
    closed = pd.read_csv(Path(__file__).parents[1] / "data" / "processed" / "predict_closed.csv")
    specs = pp.forest_specs(closed)
    ok = closed[closed["eligible"].astype(bool) & (closed["covariates"] == "score alone")
                & ~closed["setting"].str.contains("not stated")]
    best = ok.groupby("spec")["r2_grouped_kfold"].first().sort_values(ascending=False)
    assert specs["spec"].tolist() == best.index[: pp.FOREST_SPECS].tolist()
    assert not specs["setting"].str.contains("not stated").any()
    forest = pp.forest_models(closed)  # as notebook 05 draws it: the post's closed models
    assert len(forest) and forest["eligible"].astype(bool).all() and forest["model_id"].str.contains("gpt-5").any()
    fig = pp.draw_forest(forest, "Data: x")
    ax = fig.axes[0]
    drawn = forest[forest["spec"].isin(pp.forest_specs(forest)["spec"])]
    assert len(ax.get_yticks()) == drawn["model_id"].nunique()  # one row per model, however many fits predict it
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert len(legend) == drawn["spec"].nunique() + 1 and all("· R² " in t for t in legend[:-1])
    fig.draw_without_rendering()
    assert plotting.off_canvas(fig) == [] and plotting.collisions(fig) == []  # every row and legend entry readable
    plotting.plt.close(fig)
