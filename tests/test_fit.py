"""llmscale.fit on data with known coefficients: the fit, its intervals, the JSON round trip,
the public API and its guards, the validation schemes (random, lineage-grouped, leave-lineage-out,
time split, external set), the release-date term and bad input."""

import json
import warnings

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
    """log10_total = -2 + 0.05 score + 0.3 log10_price + N(0, 0.05²), dates over 2022-2024;
    ``families`` families, each its own lineage (``lineage`` = family)."""
    rng = np.random.default_rng(seed)
    score = rng.uniform(30, 90, n)
    price = rng.uniform(-1, 1.5, n)
    log10_total = TRUE["Intercept"] + TRUE["score"] * score + TRUE["log10_price"] * price + rng.normal(0, SD, n)
    dates = pd.Timestamp("2022-01-01") + pd.to_timedelta(rng.integers(0, 1000, n), unit="D")
    return pd.DataFrame({
        "model_id": [f"m{i}" for i in range(n)], "family": [f"f{i % families}" for i in range(n)],
        "lineage": [f"f{i % families}" for i in range(n)],
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
        fit.cv_leave_lineage_out(d, SPEC)


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


def test_the_fit_and_its_intervals_are_statsmodels_formula_ols(fitted):
    import statsmodels.formula.api as smf

    d = fit.usable(synthetic(), SPEC)
    ref = smf.ols(SPEC.formula, data=d).fit()
    assert list(fitted.result.params.index) == list(ref.params.index) == ["Intercept", *SPEC.columns]
    assert np.allclose(fitted.result.params, ref.params, rtol=1e-12) and np.allclose(fitted.result.cov_params(), ref.cov_params())
    new = pd.DataFrame({"score": [35.0, 61.5, 88.0], "log10_price": [-0.5, 0.2, 1.4]})
    for level in (0.9, 0.5):
        ours, sf = fit.predict(fitted, new, level=level), ref.get_prediction(new).summary_frame(alpha=1 - level)
        assert np.allclose(ours["log10_estimate"], sf["mean"]) and np.allclose(ours["log10_low"], sf["obs_ci_lower"])
        assert np.allclose(ours["log10_high"], sf["obs_ci_upper"])


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
    ({"benchmark": "hellaswag"}, r"^no fit for benchmark 'hellaswag'; 2 benchmarks have fits$"),
    ({"benchmark": "MMLU"}, r"^no fit for benchmark 'MMLU'; did you mean 'mmlu'\?$"),
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


def test_leave_lineage_out_holds_out_each_lineage_once():
    d = synthetic(n=80, families=8)
    d.loc[[3, 4], "lineage"] = ["", None]  # blank: derived from the frame (here: the family)
    held = fit.cv_leave_lineage_out(d, SPEC)
    lineage = dict(zip(d["model_id"], fit.lineages(d)))
    assert lineage["m3"] == lineage["m11"] and len(held) == 80 and held["model_id"].is_unique
    assert held.attrs["folds"] == 8 and held.attrs["groups"] == 8
    for fold, g in held.groupby("fold"):
        assert {lineage[m] for m in g["model_id"]} == {fold}


def test_grouped_kfold_repeats_new_shuffles_of_whole_lineages():
    d = synthetic(n=120, families=30)
    a = fit.cv_grouped_kfold(d, SPEC, k=5, repeats=3, seed=2)
    pd.testing.assert_frame_equal(a, fit.cv_grouped_kfold(d, SPEC, k=5, repeats=3, seed=2))
    assert len(a) == 360 and a["fold"].nunique() == 15
    lineage = dict(zip(d["model_id"], d["lineage"]))
    fold_of = a.assign(lineage=a["model_id"].map(lineage), repeat=a["fold"].str[:2])
    assert (fold_of.groupby(["repeat", "lineage"])["fold"].nunique() == 1).all()  # a lineage sits in one fold per repeat
    per_repeat = [frozenset(frozenset(g["lineage"]) for _, g in r.groupby("fold")) for _, r in fold_of.groupby("repeat")]
    assert len(set(per_repeat)) == 3  # each repeat deals the lineages out anew


def test_time_split_trains_only_on_earlier_models():
    d = synthetic(n=100)
    d.loc[[0, 1, 2], "release_date"] = ["", None, "2023-06-01"]  # two undated, one on the cutoff: tested
    u = fit.usable(d, SPEC).reset_index(drop=True)
    [(name, train, test)] = fit.splits(u, "time_split", cutoff="2023-06-01")
    assert (u.loc[train, "release_date"] < "2023-06-01").all() and (u.loc[test, "release_date"] >= "2023-06-01").all()
    assert len(train) + len(test) == 98 and "m2" in set(u.loc[test, "model_id"])
    held = fit.cv_time_split(d, SPEC, "2023-06-01")
    assert held.attrs["undated"] == 2 and set(held["model_id"]) == set(u.loc[test, "model_id"])
    assert held.attrs["status"] == f"fitted on {len(train)} model(s) before 2023-06-01, tested on {len(test)}"


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


def test_validate_gives_one_row_per_scheme_with_size_bins():
    d = synthetic(n=120)
    outside = synthetic(n=20, seed=9).assign(model_id=lambda x: "ext" + x["model_id"])
    e = fit.validate(d, SPEC, cutoff="2023-06-01", external=outside, repeats=2)
    assert list(e["scheme"]) == list(fit.SCHEMES)
    assert set(e["spec"]) == {SPEC.name} and set(e["covariates"]) == {"log10_price"} and set(e["n_models"]) == {120}
    assert set(e["n_lineages"]) == {20}
    assert list(e["n"]) [:3] == [240, 240, 120] and 0 < e["n"].iloc[3] < 120 and e["n"].iloc[4] == 20
    assert (e["r2"] > 0.9).all() and e["coverage"].between(0.75, 1).all()
    bins = e[[f"n_{b}" for b, _, _ in fit.SIZE_BINS]].sum(axis=1)
    assert (bins == e["n"]).all()  # every prediction falls in one size bin
    assert e.attrs["notes"]["time_split"]["status"].startswith("fitted")
    assert list(fit.validate(d, SPEC, repeats=1)["scheme"]) == ["repeated_kfold", "grouped_kfold", "leave_lineage_out"]
    se = e.set_index("scheme")["r2_repeat_se"]
    assert 0 < se["repeated_kfold"] < 0.01 and 0 < se["grouped_kfold"] < 0.01 and se[["time_split", "external"]].isna().all()
    assert np.isnan(fit.validate(d, SPEC, repeats=1)["r2_repeat_se"].iloc[0])  # one repeat: no spread to measure


def test_validate_checks_the_frame_once_and_equals_each_scheme_on_its_own():
    d = synthetic(n=120).astype({"score": object})  # numbers as text, as a CSV cell might give them
    d.loc[3, "score"] = " "  # a blank: left out, and counted, by every scheme alike
    e = fit.validate(d, SPEC, cutoff="2023-06-01", repeats=2)
    for scheme in ["repeated_kfold", "grouped_kfold", "leave_lineage_out", "time_split"]:
        held = fit.cross_validate(d, SPEC, scheme, repeats=2, cutoff="2023-06-01")
        row = e[e["scheme"] == scheme].iloc[0]
        assert row["n"] == len(held) and row["r2"] == fit.metrics(held)["r2"], scheme
        assert e.attrs["notes"][scheme] == held.attrs, scheme
    assert e.attrs["notes"]["grouped_kfold"]["left_out"] == 1


def test_numeric_columns_skip_the_text_checks_with_the_same_result():
    d = synthetic(n=30)
    d.loc[2, "score"] = np.nan
    as_text = d.astype({"score": object})
    assert fit._numeric(d, "score", "x").equals(fit._numeric(as_text, "score", "x"))
    ints = d.assign(score=np.arange(30))
    assert fit._numeric(ints, "score", "x").equals(ints["score"].astype(float))


# --- lineages ------------------------------------------------------------------------------------


def test_derive_lineages_links_family_base_model_and_same_size_same_stem():
    m = pd.DataFrame({
        "model_id": ["a/x-7b", "a/x-7b-instruct", "b/x-7b-chat-tuned", "c/y-1b", "c/y-1b-it", "c/y-3b", "d/z", "d/z-2025-01-01",
                     "e/solo"],
        "family": ["a/x", "", "", "", "", "c/y", "", "", None],
        "base_model_id": ["", "", "a/x-7b-instruct", "", "", "", "", "", ""],
        "total_params_b": [7.0, 7.0, 7.0, 1.0, 1.0, 3.0, 10.0, 10.0, 2.0],
    })
    lin = fit.derive_lineages(m)
    assert list(lin.index) == list(m.index)
    assert lin.iloc[0] == lin.iloc[1] == lin.iloc[2] == "a/x-7b"  # same stem and size; a fine-tune of the instruct model
    assert lin.iloc[3] == lin.iloc[4] != lin.iloc[5]  # same stem and size, not the 3B
    assert lin.iloc[6] == lin.iloc[7] == "d/z"  # a dated re-release
    assert lin.iloc[8] == "e/solo"
    assert fit.name_stem("qwen/qwen2.5-7b-instruct") == "qwen2.5-7b" and fit.name_stem("x/model-v3-0324") == "model"
    given = m.assign(lineage=["L1", "", "L1", "L2", "L2", "L3", "L4", "L4", None])
    assert fit.lineages(given).tolist() == ["L1", "L1", "L1", "L2", "L2", "L3", "L4", "L4", "e/solo"]  # blanks join by links


def _assert_no_lineage_on_both_sides(u, groups):
    for scheme in ("grouped_kfold", "leave_lineage_out"):
        for name, train, test in fit.splits(u, scheme, groups, k=5, repeats=3, seed=0):
            assert not set(groups.iloc[train]) & set(groups.iloc[test]), (scheme, name)
            assert len(train) + len(test) == len(u)


def test_no_lineage_on_both_sides_of_a_fold_in_the_real_table():
    from conftest import ROOT
    from llmscale import predict_params as pp

    data = pp.frames(ROOT / "data" / "processed", ["mmlu", "mmlu_pro", "gpqa", "gpqa_diamond"])
    spec_list = [sp for sp in pp.specs(data, 20) if not sp.covariates]
    assert len(spec_list) >= 5
    for sp in spec_list:
        u = fit.usable(pp.train(data, sp), sp).reset_index(drop=True)
        _assert_no_lineage_on_both_sides(u, fit.lineages(u))
    # the lineages come from the whole model table: a fine-tune and its base share one
    linked = data.dropna(subset=["lineage"]).drop_duplicates("model_id").set_index("model_id")["lineage"]
    models = pd.read_csv(ROOT / "data" / "processed" / "models.csv")
    pairs = models.dropna(subset=["base_model_id"])
    pairs = pairs[pairs["model_id"].isin(linked.index) & pairs["base_model_id"].isin(linked.index)]
    assert len(pairs) and (linked[pairs["model_id"]].to_numpy() == linked[pairs["base_model_id"]].to_numpy()).all()


def test_no_lineage_on_both_sides_of_a_fold_in_a_fixture():
    d = synthetic(n=90, families=12)
    u = fit.usable(d, SPEC).reset_index(drop=True)
    _assert_no_lineage_on_both_sides(u, fit.lineages(u))


# --- the external set ----------------------------------------------------------------------------


def test_the_external_set_never_enters_a_fit():
    d = synthetic(n=100)
    outside = synthetic(n=15, seed=3).assign(model_id=lambda x: "ext" + x["model_id"], total_params_b=1e6)  # far off
    held = fit.external_test(d, outside, SPEC)
    assert held.attrs["nobs"] == len(fit.usable(d, SPEC)) == 100
    assert set(held["model_id"]) == set(outside["model_id"]) and (held["pred_log10"] < 3).all()  # not pulled towards 1e6
    with pytest.raises(ValueError, match="'m3' is both a training model and an external test model"):
        fit.external_test(d, d.iloc[[3]], SPEC)


def test_real_external_models_are_never_training_labels():
    from conftest import ROOT
    from llmscale import predict_params as pp

    data = pp.frames(ROOT / "data" / "processed", ["mmlu"])
    assert not (data["label"] & data["external"]).any()
    for sp in pp.specs(data, 20):
        tr = pp.train(data, sp)
        ext = pp.external(data, sp)
        assert not set(tr["model_id"]) & set(ext["model_id"]), sp.name
        assert int(fit.fit_spec(tr, sp).result.nobs) == len(fit.usable(tr, sp))


# --- the release-date term -----------------------------------------------------------------------


def drifting(n=240, seed=5):
    """Models get smaller for the same score over time: log10_total = -1 + 0.04 score - 0.25 years."""
    rng = np.random.default_rng(seed)
    score = rng.uniform(30, 90, n)
    dates = pd.Timestamp("2021-01-01") + pd.to_timedelta(rng.integers(0, 1500, n), unit="D")
    years = (dates - pd.Timestamp(fit.DATE_ORIGIN)).days / 365.25
    y = -1 + 0.04 * score - 0.25 * years + rng.normal(0, 0.1, n)
    return pd.DataFrame({"model_id": [f"d{i}" for i in range(n)], "lineage": [f"l{i % 40}" for i in range(n)],
                         "release_date": dates.strftime("%Y-%m-%d"), "total_params_b": 10 ** y, "score": score})


def test_a_release_date_term_helps_on_the_time_split_when_sizes_drift():
    d = drifting()
    alone, dated = fit.Spec("b", "s"), fit.Spec("b", "s", ("release_years",))
    assert dated.formula == "log10_total ~ score + release_years"
    a = fit.metrics(fit.cv_time_split(d, alone, "2023-07-01"))
    b = fit.metrics(fit.cv_time_split(d, dated, "2023-07-01"))
    assert b["r2"] > a["r2"] + 0.2 and abs(b["bias_log10"]) < abs(a["bias_log10"])
    assert a["bias_log10"] > 0.1  # without the date, later models are predicted too large
    f = fit.fit_spec(d, dated)
    assert f.result.params["release_years"] == pytest.approx(-0.25, abs=0.03)


def test_predict_total_params_takes_a_date_and_names_the_fit_it_used(tmp_path):
    d = drifting()
    fits = [fit.fit_spec(d, fit.Spec("b", "s")), fit.fit_spec(d, fit.Spec("b", "s", ("release_years",)))]
    path = fit.save_fits(fits, tmp_path / "f.json", validation={
        "b | s": {"n_lineages": 40, "r2_grouped_kfold": 0.5, "coverage_grouped_kfold": 0.9},
        "b | s + release_years": {"n_lineages": 40, "r2_grouped_kfold": 0.8, "coverage_grouped_kfold": 0.88}})
    early = fit.predict_total_params("b", 60, path=path, release_date="2021-06-01")
    late = fit.predict_total_params("b", 60, path=path, release_date="2025-01-01")
    undated = fit.predict_total_params("b", 60, path=path)
    assert early.spec == late.spec == "b | s + release_years" and undated.spec == "b | s"
    assert early.estimate_b > undated.estimate_b > late.estimate_b
    assert (late.n, late.n_lineages, late.r2_grouped_kfold) == (240, 40, 0.8) and undated.r2_grouped_kfold == 0.5
    with pytest.raises(ValueError, match="column 'release_date': bad value 'June'; expected a date YYYY-MM-DD"):
        fit.predict_total_params("b", 60, path=path, release_date="June")


def test_predict_total_params_refuses_scores_that_are_not_points(saved):
    with pytest.raises(ValueError, match=r"score 150: expected points from 0 to 100"):
        fit.predict_total_params("mmlu", 150, setting="base, 5-shot", path=saved)
    with pytest.raises(ValueError, match=r"score 0.8 looks like a 0-1 fraction: .* trained on scores 30\.\d-8\d\.\d; pass 80"):
        fit.predict_total_params("mmlu", 0.8, setting="base, 5-shot", path=saved)
    with pytest.raises(ValueError, match="expected a number"):
        fit.predict_total_params("mmlu", "high", setting="base, 5-shot", path=saved)
    assert fit.predict_total_params("mmlu", 31, setting="base, 5-shot", path=saved).estimate_b > 0  # low, but points


def test_closed_model_labels_drop_snapshot_dates_unless_ambiguous():
    import pandas as pd

    from llmscale.predict_params import closed_labels

    ids = pd.Series(["openai/gpt-5-mini-2025-08-07", "openai/gpt-4o-2024-08-06", "openai/gpt-4o-2024-05-13", "x/o3"])
    assert closed_labels(ids) == ["GPT-5 Mini", "GPT-4o 2024-08-06", "GPT-4o 2024-05-13", "o3"]  # display names


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
    for name, x, top in zip(["GPT-5", "o3", "Model C"], closed["score"], closed["high_b"]):
        t = texts[name]
        assert t.get_rotation() == 90
        box = t.get_window_extent(renderer)
        cap = ax.transData.transform((x, top))
        assert box.y0 > cap[1]  # above the whisker's top
        assert box.x0 < cap[0] < box.x1  # centred on it
        assert box.y1 <= axes_box.y1  # not cut off by the axes
    plt.close(fig)


def test_a_fold_gives_statsmodels_own_prediction_interval():
    d = fit.usable(synthetic(n=60), SPEC).reset_index(drop=True)
    x, y = fit._design(d, SPEC), d[fit.RESPONSE].to_numpy()
    train, test = np.arange(0, 45), np.arange(45, 60)
    _, mean, low, high = fit._fold(x, y, train, test, 0.9)
    import statsmodels.api as sm

    sf = sm.OLS(y[train], x[train]).fit().get_prediction(x[test]).summary_frame(alpha=0.1)
    assert np.allclose(mean, sf["mean"]) and np.allclose(low, sf["obs_ci_lower"]) and np.allclose(high, sf["obs_ci_upper"])
    assert fit._fold(x, y, train[:7], test, 0.9) is None  # too few to train on


@pytest.mark.parametrize("rank_deficient", [False, True])
def test_a_folds_least_squares_equals_statsmodels_to_the_last_bit(rank_deficient):
    import statsmodels.api as sm

    rng = np.random.default_rng(3)
    for n, p in [(12, 2), (40, 3), (137, 4)]:
        x = np.column_stack([np.ones(n), rng.uniform(20, 90, (n, p - 1))])
        if rank_deficient:
            x[:, -1] = 2 * x[:, 1]
        y = rng.normal(1, 0.4, n)
        with warnings.catch_warnings(record=True) as ref_w:
            warnings.simplefilter("always")
            r = sm.OLS(y, x).fit()
        with warnings.catch_warnings(record=True) as our_w:
            warnings.simplefilter("always")
            params, cov, scale, df = fit._ols(x, y)
        assert np.array_equal(params, r.params) and np.array_equal(cov, r.cov_params())
        assert scale == r.scale and df == r.df_resid
        assert [str(w.message) for w in our_w] == [str(w.message) for w in ref_w]
