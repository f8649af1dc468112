"""llmscale.fit on data with known coefficients: the fit, its intervals, the JSON round trip,
the public API, the three validation schemes and bad input."""

import json

import numpy as np
import pandas as pd
import pytest

from llmscale import fit
from llmscale.errors import DataError
from llmscale.io import JSON_DIGITS, round_floats, round_sig

TRUE = {"Intercept": -2.0, "score": 0.05, "log10_price": 0.3}
SD = 0.05
SPEC = fit.Spec("mmlu", "base, 5-shot", ("log10_price",))


def synthetic(n=200, seed=1, families=20):
    """log10_total = -2 + 0.05 score + 0.3 log10_price + N(0, 0.05²), dates over 2022-2024."""
    rng = np.random.default_rng(seed)
    score = rng.uniform(30, 90, n)
    price = rng.uniform(-1, 1.5, n)
    log10_total = TRUE["Intercept"] + TRUE["score"] * score + TRUE["log10_price"] * price + rng.normal(0, SD, n)
    dates = pd.Timestamp("2022-01-01") + pd.to_timedelta(rng.integers(0, 1000, n), unit="D")
    return pd.DataFrame({
        "model_id": [f"m{i}" for i in range(n)], "family": [f"f{i % families}" for i in range(n)],
        "release_date": dates.strftime("%Y-%m-%d"), "total_params_b": 10 ** log10_total,
        "score": score, "log10_price": price, "active_ratio": rng.uniform(0.05, 1, n),
    })


@pytest.fixture(scope="module")
def fitted():
    return fit.fit_spec(synthetic(), SPEC)


# --- the spec and the fit ------------------------------------------------------------------------


def test_spec_names_its_formula_and_refuses_unknown_covariates():
    assert SPEC.formula == "log10_total ~ score + log10_price"
    assert SPEC.name == "mmlu | base, 5-shot + log10_price"
    assert fit.Spec("gpqa", "instruct").formula == "log10_total ~ score"
    assert fit.Spec("gpqa", "instruct", ["active_ratio"]).covariates == ("active_ratio",)  # a list becomes a tuple
    with pytest.raises(ValueError, match="unknown covariate 'flops'"):
        fit.Spec("mmlu", "x", ("flops",))


def test_recovers_the_known_coefficients(fitted):
    r = fitted.result
    for term, value in TRUE.items():
        assert abs(r.params[term] - value) < 4 * r.bse[term], term
        assert r.bse[term] < 0.02, term  # the tolerance is tight enough to mean something
    assert fitted.n == 200 and fitted.dropped == 0
    assert r.scale == pytest.approx(SD ** 2, rel=0.3)
    lo, hi = fitted.training_range["score"]
    assert 30 <= lo < 31 and 89 < hi <= 90


def test_rows_missing_a_value_are_dropped_and_counted():
    d = synthetic(n=30)
    d.loc[[0, 3], "log10_price"] = np.nan
    d.loc[5, "score"] = None
    d.loc[7, "active_ratio"] = np.nan  # not used by SPEC: kept
    f = fit.fit_spec(d, SPEC)
    assert (f.n, f.dropped, f.dropped_ids) == (27, 3, ("m0", "m3", "m5"))


def test_too_few_models_raise_with_the_spec_and_the_count():
    d = synthetic(n=10)
    d.loc[[0, 1, 2], "log10_price"] = np.nan
    with pytest.raises(ValueError, match=r"mmlu \| base, 5-shot \+ log10_price: 7 model\(s\).*at least 8"):
        fit.fit_spec(d, SPEC)
    with pytest.raises(ValueError, match="7 model"):
        fit.cv_repeated_kfold(d, SPEC)
    with pytest.raises(ValueError, match="7 model"):
        fit.cv_leave_family_out(d, SPEC)


@pytest.mark.parametrize("column, value, expected", [
    ("total_params_b", 0.0, "a total above 0"),
    ("score", 140.0, "a score from 0 to 100"),
    ("score", "n/a", "a number"),
])
def test_bad_values_stop_with_the_model_column_and_value(column, value, expected):
    d = synthetic(n=20).astype({column: object})
    d.loc[4, column] = value
    with pytest.raises(DataError, match=rf"row m4, column '{column}': bad value .*{expected}"):
        fit.fit_spec(d, SPEC)


def test_a_missing_column_or_a_duplicated_model_is_refused():
    with pytest.raises(ValueError, match="lacks the column 'log10_price'"):
        fit.fit_spec(synthetic(n=20).drop(columns="log10_price"), SPEC)
    d = synthetic(n=20)
    d.loc[9, "model_id"] = "m2"
    with pytest.raises(DataError, match="one row per model"):
        fit.fit_spec(d, SPEC)


# --- prediction intervals ------------------------------------------------------------------------


def test_intervals_cover_fresh_draws_at_their_level(fitted):
    fresh = synthetic(n=2000, seed=7)
    pred = fit.predict(fitted, fresh)
    truth = np.log10(fresh["total_params_b"])
    inside = ((pred["log10_low"] <= truth) & (truth <= pred["log10_high"])).mean()
    assert 0.85 <= inside <= 0.95
    wide = fit.predict(fitted, fresh, level=0.99)
    assert ((wide["log10_low"] <= truth) & (truth <= wide["log10_high"])).mean() > inside
    assert np.allclose(pred["estimate_b"], 10 ** pred["log10_estimate"]) and (pred["low_b"] < pred["high_b"]).all()
    assert list(pred.index) == list(fresh.index)


def test_predict_flags_inputs_outside_the_training_range(fitted):
    new = pd.DataFrame({"score": [60.0, 99.0, 60.0], "log10_price": [0.0, 0.0, 3.0]}, index=[10, 11, 12])
    assert fit.predict(fitted, new)["extrapolated"].tolist() == [False, True, True]
    with pytest.raises(ValueError, match="new row 11 has no value in column 'log10_price'"):
        fit.predict(fitted, new.assign(log10_price=[0.0, np.nan, 0.0]))


# --- plain JSON ----------------------------------------------------------------------------------


def test_json_prediction_equals_statsmodels(fitted, tmp_path):
    new = pd.DataFrame({"score": [35.0, 61.5, 88.0, 99.0], "log10_price": [-0.5, 0.2, 1.4, 2.0]})
    path = fit.save_fits([fitted], tmp_path / "fits.json")
    record = fit.load_fits(path)[0]
    for level in (0.90, 0.5):
        sm = fit.predict(fitted, new, level=level)
        for i, row in new.iterrows():
            p = fit.predict_from_json(record, row["score"], level=level, log10_price=row["log10_price"])
            for k in ("log10_estimate", "log10_low", "log10_high"):
                assert p[k] == pytest.approx(sm.at[i, k], abs=1e-6), (level, i, k)  # the JSON keeps 8 digits
            assert p["extrapolated"] == sm.at[i, "extrapolated"]


def test_save_and_load_round_trip_byte_for_byte(fitted, tmp_path):
    path = fit.save_fits([fitted], tmp_path / "fits.json")
    first = path.read_bytes()
    assert first.endswith(b"}\n") and b"NaN" not in first
    assert fit.save_fits([fit.fit_spec(synthetic(), SPEC)], path).read_bytes() == first  # refitted: same bytes
    assert [p.name for p in tmp_path.iterdir()] == ["fits.json"]  # no temporary file left behind
    record = fit.load_fits(path)[0]
    assert record == round_floats(fit.to_json(fitted))
    assert record["terms"] == ["Intercept", "score", "log10_price"] and record["n"] == 200
    assert record["params"] == [round_sig(float(fitted.result.params[t]), JSON_DIGITS) for t in record["terms"]]
    assert np.allclose(np.array(record["cov_params"]), fitted.result.cov_params().to_numpy(), rtol=1e-7, atol=0)
    assert record["df_resid"] == 197 and record["scale"] == round_sig(float(fitted.result.scale), JSON_DIGITS)
    assert record["level"] == 0.9
    with pytest.raises(ValueError, match="given twice"):
        fit.save_fits([fitted, fitted], tmp_path / "twice.json")


def test_load_fits_names_a_broken_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="no saved fits"):
        fit.load_fits(tmp_path / "absent.json")
    (tmp_path / "bad.json").write_text(json.dumps({"fits": [{"benchmark": "mmlu"}]}))
    with pytest.raises(DataError, match=r"bad.json, row fits\[0\], column 'setting'"):
        fit.load_fits(tmp_path / "bad.json")


# --- the public API ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    d = synthetic()
    fits = [fit.fit_spec(d, SPEC), fit.fit_spec(d, fit.Spec("mmlu", "base, 5-shot")),
            fit.fit_spec(d, fit.Spec("mmlu", "instruct, 0-shot")),
            fit.fit_spec(d.assign(score=d["score"] - 20), fit.Spec("gpqa", "instruct, 0-shot", ("active_ratio",)))]
    return fit.save_fits(fits, tmp_path_factory.mktemp("fits") / "param_fits.json")


def test_predict_total_params_picks_the_right_fit(saved):
    records = fit.load_fits(saved)
    p = fit.predict_total_params("mmlu", 70, setting="base, 5-shot", path=saved, log10_price=0.5)
    assert (p.benchmark, p.setting, p.covariates, p.n, p.level) == ("mmlu", "base, 5-shot", ("log10_price",), 200, 0.90)
    assert p.estimate_b == pytest.approx(fit.predict_from_json(records[0], 70, log10_price=0.5)["estimate_b"], rel=1e-12)
    expected = 10 ** (TRUE["Intercept"] + TRUE["score"] * 70 + TRUE["log10_price"] * 0.5)
    assert p.low_b < p.estimate_b < p.high_b and p.low_b < expected < p.high_b and not p.extrapolated
    alone = fit.predict_total_params("mmlu", 70, setting="base, 5-shot", path=saved)
    assert alone.covariates == () and alone.high_b / alone.low_b > p.high_b / p.low_b  # price narrows it
    g = fit.predict_total_params("gpqa", 50, path=saved, active_ratio=0.5)  # one setting: implied
    assert g.setting == "instruct, 0-shot" and g.covariates == ("active_ratio",)
    assert fit.predict_total_params("mmlu", 70, path=saved, setting="instruct, 0-shot", level=0.5).level == 0.5


def test_extrapolated_only_outside_the_training_range(saved):
    inside = fit.predict_total_params("mmlu", 60, setting="base, 5-shot", path=saved, log10_price=0.0)
    high = fit.predict_total_params("mmlu", 99.5, setting="base, 5-shot", path=saved, log10_price=0.0)
    low = fit.predict_total_params("mmlu", 60, setting="base, 5-shot", path=saved, log10_price=-3.0)
    assert (inside.extrapolated, high.extrapolated, low.extrapolated) == (False, True, True)


@pytest.mark.parametrize("kwargs, message", [
    ({"benchmark": "mmlu"}, r"several settings; pass setting= one of \['base, 5-shot', 'instruct, 0-shot'\]"),
    ({"benchmark": "hellaswag"}, r"no fit for benchmark 'hellaswag'; available: \['mmlu \| base, 5-shot \+ log10_price'"),
    ({"benchmark": "mmlu", "setting": "base, 0-shot"}, r"its settings: \['base, 5-shot', 'instruct, 0-shot'\]"),
    ({"benchmark": "gpqa"}, r"pass the covariate 'active_ratio'; available: \['gpqa \| instruct, 0-shot \+ active_ratio'\]"),
    ({"benchmark": "gpqa", "log10_price": 1.0}, r"with covariates \['log10_price'\]; available"),
    ({"benchmark": "mmlu", "setting": "base, 5-shot", "flops": 1e24}, r"unknown covariate 'flops'; known"),
])
def test_predict_total_params_errors_name_the_problem(saved, kwargs, message):
    with pytest.raises(ValueError, match=message):
        fit.predict_total_params(score=70, path=saved, **kwargs)


def test_predict_from_json_refuses_a_missing_or_foreign_covariate(saved):
    priced, alone = fit.load_fits(saved)[:2]
    with pytest.raises(ValueError, match=r"base, 5-shot \+ log10_price: this fit needs the covariate 'log10_price'"):
        fit.predict_from_json(priced, 70)
    with pytest.raises(ValueError, match="covariate 'active_ratio' is not in this fit"):
        fit.predict_from_json(alone, 70, active_ratio=0.1)
    with pytest.raises(ValueError, match="level 90"):
        fit.predict_from_json(alone, 70, level=90)


def test_default_path_is_found_from_the_working_directory(saved, tmp_path, monkeypatch):
    processed = tmp_path / "repo" / "data" / "processed"
    processed.mkdir(parents=True)
    (processed / fit.FITS_FILE).write_bytes(saved.read_bytes())
    deep = tmp_path / "repo" / "notebooks" / "build"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    here = fit.predict_total_params("mmlu", 70, setting="instruct, 0-shot")
    there = fit.predict_total_params("mmlu", 70, setting="instruct, 0-shot", path=saved)
    assert here == there


# --- validation ----------------------------------------------------------------------------------


def test_kfold_is_deterministic_and_holds_each_model_out_once_per_repeat():
    d = synthetic(n=60)
    a = fit.cv_repeated_kfold(d, SPEC, k=5, repeats=3, seed=4)
    b = fit.cv_repeated_kfold(d, SPEC, k=5, repeats=3, seed=4)
    pd.testing.assert_frame_equal(a, b)
    assert list(a.columns) == fit.HELDOUT
    assert len(a) == 180 and a.groupby(a["fold"].str[:2])["model_id"].agg(lambda s: s.is_unique and s.nunique() == 60).all()
    assert a["fold"].nunique() == 15 and a.attrs["skipped_folds"] == 0
    assert not a.equals(fit.cv_repeated_kfold(d, SPEC, k=5, repeats=3, seed=5))
    assert fit.metrics(a)["r2"] > 0.95 and 0.8 < fit.metrics(a)["coverage"] <= 1


def test_kfold_skips_and_counts_folds_with_too_small_a_training_part():
    some = fit.cv_repeated_kfold(synthetic(n=9), SPEC, k=5, repeats=2)  # folds of 2, 2, 2, 2, 1: only the last trains on 8
    assert (some.attrs["folds"], some.attrs["skipped_folds"], len(some)) == (10, 8, 2)
    assert some["fold"].tolist() == ["r0k4", "r1k4"] and some.attrs["status"] == "fitted 2 of 10 fold(s)"
    none = fit.cv_repeated_kfold(synthetic(n=9), SPEC, k=2, repeats=3)  # training parts of 4 and 5
    assert none.empty and list(none.columns) == fit.HELDOUT
    assert (none.attrs["folds"], none.attrs["skipped_folds"]) == (6, 6) and "not fitted" in none.attrs["status"]
    assert fit.metrics(none)["n"] == 0
    assert len(fit.cv_repeated_kfold(synthetic(n=10), SPEC, k=5, repeats=2)) == 20  # training parts of 8


def test_leave_family_out_never_trains_on_the_held_out_family(monkeypatch):
    d = synthetic(n=80, families=8)
    d.loc[[3, 4], "family"] = ["", None]  # blank families: each its own group
    seen = []
    original = fit._heldout

    def spy(train, test, spec, fold, level):
        seen.append((fold, set(train["model_id"]), set(test["model_id"])))
        return original(train, test, spec, fold, level)

    monkeypatch.setattr(fit, "_heldout", spy)
    held = fit.cv_leave_family_out(d, SPEC)
    family = dict(zip(d["model_id"], fit.family_groups(d)))
    assert len(seen) == 10 and len(held) == 80 and held["model_id"].is_unique
    for fold, train, test in seen:
        assert {family[m] for m in test} == {fold}
        assert fold not in {family[m] for m in train} and train | test == set(d["model_id"])
    assert set(held.loc[held["model_id"].isin(["m3", "m4"]), "fold"]) == {"model:m3", "model:m4"}
    assert all(held.groupby("fold")["model_id"].agg(lambda s: len({family[m] for m in s}) == 1))


def test_time_split_trains_only_on_earlier_models(monkeypatch):
    d = synthetic(n=100)
    d.loc[[0, 1, 2], "release_date"] = ["", None, "2023-06-01"]  # two undated, one on the cutoff: tested
    seen = []
    original = fit._heldout
    monkeypatch.setattr(fit, "_heldout", lambda tr, te, *a: seen.append((tr, te)) or original(tr, te, *a))
    held = fit.cv_time_split(d, SPEC, "2023-06-01")
    train, test = seen[0]
    assert (train["release_date"] < "2023-06-01").all() and (test["release_date"] >= "2023-06-01").all()
    assert len(train) + len(test) == 98 and held.attrs["undated"] == 2
    assert "m2" in set(test["model_id"]) and "m2" not in set(train["model_id"])
    assert len(held) == len(test) > 0 and set(held["model_id"]) == set(test["model_id"])
    assert held.attrs["status"].startswith(f"fitted on {len(train)} model(s)")


def test_time_split_without_enough_on_either_side_is_empty_with_a_note():
    d = synthetic(n=100)
    early = fit.cv_time_split(d, SPEC, "2022-01-02")
    assert early.empty and "fewer than 8" in early.attrs["status"]
    late = fit.cv_time_split(d, SPEC, "2030-01-01")
    assert late.empty and "no model released on or after 2030-01-01" in late.attrs["status"]
    with pytest.raises(ValueError, match="cutoff 'July'"):
        fit.cv_time_split(d, SPEC, "July")
    d.loc[6, "release_date"] = "2023/05/01"
    with pytest.raises(DataError, match="row m6, column 'release_date'"):
        fit.cv_time_split(d, SPEC, "2023-06-01")


def test_metrics_on_perfect_and_on_known_errors():
    h = pd.DataFrame({"model_id": list("abcd"), "fold": 0, "truth_log10": [0.0, 1.0, 2.0, 3.0]})
    t = h["truth_log10"]
    perfect = fit.metrics(h.assign(pred_log10=t, low_log10=t - 0.1, high_log10=t + 0.1))
    assert perfect["r2"] == 1 and perfect["mae_log10"] == 0 and perfect["mae_b"] == 0 and perfect["coverage"] == 1
    off = fit.metrics(h.assign(pred_log10=t + 1, low_log10=t + 0.5, high_log10=t + 1.5))
    assert off["mae_log10"] == pytest.approx(1) and off["rmse_log10"] == pytest.approx(1)
    assert off["r2"] == pytest.approx(1 - 4 / 5) and off["coverage"] == 0 and off["n"] == 4
    assert off["mae_b"] == pytest.approx(np.mean([9, 90, 900, 9000]))
    assert off["median_abs_error_b"] == pytest.approx(495)
    assert off["rmse_b"] == pytest.approx(np.sqrt(np.mean(np.square([9, 90, 900, 9000]))))
    assert fit.metrics(pd.DataFrame(columns=fit.HELDOUT))["n"] == 0


def test_evaluate_gives_one_row_per_scheme():
    e = fit.evaluate(synthetic(n=120), SPEC, "2023-06-01", repeats=2)
    assert list(e["scheme"]) == ["repeated_kfold", "leave_family_out", "time_split"]
    assert set(e["spec"]) == {SPEC.name} and set(e["covariates"]) == {"log10_price"} and set(e["n_models"]) == {120}
    assert list(e["n"])[:2] == [240, 120] and 0 < list(e["n"])[2] < 120
    assert (e["r2"] > 0.9).all() and e["coverage"].between(0.8, 1).all()
    assert e.attrs["notes"]["time_split"]["status"].startswith("fitted")


def test_closed_model_labels_drop_snapshot_dates_unless_ambiguous():
    import pandas as pd

    from llmscale.predict_params import closed_labels

    ids = pd.Series(["openai/gpt-5-mini-2025-08-07", "openai/gpt-4o-2024-08-06", "openai/gpt-4o-2024-05-13", "x/o3"])
    assert closed_labels(ids) == ["gpt-5-mini", "gpt-4o-2024-08-06", "gpt-4o-2024-05-13", "o3"]


def test_closed_models_are_named_above_their_intervals_inside_the_axes():
    """In the prediction chart every closed model's name stands upright just above the top of
    its interval, and the y axis is tall enough to show it whole."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from llmscale.predict_params import draw_actual_vs_predicted

    rng = np.random.default_rng(0)
    score = np.linspace(20, 80, 30)
    truth = 0.03 * score + rng.normal(0, 0.3, score.size)
    points = pd.DataFrame({"score": score, "truth_log10": truth, "pred_log10": 0.03 * score})
    spec = fit.Spec("mmlu_pro", "instruct, 0-shot, CoT")
    closed = pd.DataFrame({
        "spec": spec.name, "model_id": ["openai/gpt-5-2025-08-07", "openai/o3", "x/model-c"],
        "score": [85.0, 86.0, 60.0], "estimate_b": [60.0, 70.0, 20.0], "low_b": [10.0, 12.0, 3.0], "high_b": [300.0, 400.0, 150.0],
    })
    fig = draw_actual_vs_predicted(points, closed, spec, "test credit")
    ax = fig.axes[0]
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    axes_box = ax.get_window_extent(renderer)
    texts = {t.get_text(): t for t in ax.texts}
    for name, x, top in zip(["gpt-5", "o3", "model-c"], closed["score"], closed["high_b"]):
        t = texts[name]
        assert t.get_rotation() == 90
        box = t.get_window_extent(renderer)
        cap = ax.transData.transform((x, top))
        assert box.y0 > cap[1]  # above the whisker's top
        assert box.x0 < cap[0] < box.x1  # centred on it
        assert box.y1 <= axes_box.y1  # not cut off by the axes
    plt.close(fig)
