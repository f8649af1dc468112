"""llmscale.fit on data with known coefficients: the fit, its intervals, the JSON round trip,
the public API and the three validation schemes."""

import numpy as np
import pandas as pd
import pytest

from llmscale import fit

TRUE = {"Intercept": -2.0, "score": 0.05, "log10_price": 0.3}
SD = 0.05


def synthetic(n=200, seed=1, families=20):
    rng = np.random.default_rng(seed)
    score = rng.uniform(30, 90, n)
    price = rng.uniform(-1, 1.5, n)
    log10_total = TRUE["Intercept"] + TRUE["score"] * score + TRUE["log10_price"] * price + rng.normal(0, SD, n)
    dates = pd.Timestamp("2022-01-01") + pd.to_timedelta(rng.integers(0, 1000, n), unit="D")
    return pd.DataFrame({
        "model_id": [f"m{i}" for i in range(n)], "family": [f"f{i % families}" for i in range(n)],
        "release_date": dates.strftime("%Y-%m-%d"), "total_params_b": 10 ** log10_total,
        "score": score, "log10_price": price,
    })


SPEC = fit.Spec("mmlu", "base, 5-shot", ("log10_price",))


@pytest.fixture(scope="module")
def fitted():
    return fit.fit_spec(synthetic(), SPEC)


def test_recovers_the_known_coefficients(fitted):
    r = fitted.result
    for term, value in TRUE.items():
        assert abs(r.params[term] - value) < 4 * r.bse[term], term
    assert fitted.n == 200 and SPEC.formula == "log10_total ~ score + log10_price"


def test_intervals_cover_fresh_draws_at_their_level(fitted):
    fresh = synthetic(n=2000, seed=7)
    pred = fit.predict(fitted, fresh)
    truth = np.log10(fresh["total_params_b"])
    inside = ((pred["log10_low"] <= truth) & (truth <= pred["log10_high"])).mean()
    assert 0.87 <= inside <= 0.93


def test_json_prediction_equals_statsmodels(fitted, tmp_path):
    new = pd.DataFrame({"score": [35.0, 61.5, 88.0], "log10_price": [-0.5, 0.2, 1.4]})
    sm = fit.predict(fitted, new)
    path = fit.save_fits([fitted], tmp_path / "fits.json")
    first = path.read_bytes()
    fit.save_fits([fitted], path)
    assert path.read_bytes() == first  # deterministic
    record = fit.load_fits(path)[0]
    for i, row in new.iterrows():
        p = fit.predict_from_json(record, row["score"], log10_price=row["log10_price"])
        assert p["log10_estimate"] == pytest.approx(sm.at[i, "log10_estimate"], abs=1e-9)
        assert p["log10_low"] == pytest.approx(sm.at[i, "log10_low"], abs=1e-9)
        assert p["log10_high"] == pytest.approx(sm.at[i, "log10_high"], abs=1e-9)


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    d = synthetic()
    fits = [fit.fit_spec(d, SPEC), fit.fit_spec(d, fit.Spec("mmlu", "base, 5-shot")),
            fit.fit_spec(d, fit.Spec("mmlu", "instruct, 0-shot")), fit.fit_spec(d, fit.Spec("gpqa", "instruct, 0-shot"))]
    return fit.save_fits(fits, tmp_path_factory.mktemp("fits") / "param_fits.json")


def test_predict_total_params_picks_the_right_fit(saved):
    p = fit.predict_total_params("mmlu", 70, setting="base, 5-shot", path=saved, log10_price=0.5)
    expected = 10 ** (TRUE["Intercept"] + TRUE["score"] * 70 + TRUE["log10_price"] * 0.5)
    assert p.low_b < expected < p.high_b and p.covariates == ("log10_price",) and not p.extrapolated
    alone = fit.predict_total_params("mmlu", 70, setting="base, 5-shot", path=saved)
    assert alone.covariates == () and alone.high_b / alone.low_b > p.high_b / p.low_b  # price narrows it
    assert fit.predict_total_params("gpqa", 70, path=saved).setting == "instruct, 0-shot"  # one setting: implied
    assert fit.predict_total_params("mmlu", 99.5, setting="base, 5-shot", path=saved).extrapolated


@pytest.mark.parametrize("call, message", [
    (lambda p: fit.predict_total_params("mmlu", 70, path=p), "several settings"),
    (lambda p: fit.predict_total_params("hellaswag", 70, path=p), "no fit for benchmark 'hellaswag'"),
    (lambda p: fit.predict_total_params("gpqa", 70, path=p, log10_price=1.0), "no fit for 'gpqa'"),
    (lambda p: fit.predict_from_json(fit.load_fits(p)[0], 70), "needs the covariate 'log10_price'"),
    (lambda p: fit.predict_from_json(fit.load_fits(p)[1], 70, active_ratio=0.1), "'active_ratio' is not in this fit"),
])
def test_predict_total_params_errors_name_the_problem(saved, call, message):
    with pytest.raises(ValueError, match=message):
        call(saved)


def test_unknown_covariate_and_too_few_models():
    with pytest.raises(ValueError, match="unknown covariate 'flops'"):
        fit.Spec("mmlu", "x", ("flops",))
    with pytest.raises(ValueError, match="at least 8"):
        fit.fit_spec(synthetic(n=7), SPEC)


def test_kfold_is_deterministic_and_holds_each_model_out_once_per_repeat():
    d = synthetic(n=60)
    a = fit.cv_repeated_kfold(d, SPEC, k=5, repeats=3, seed=4)
    b = fit.cv_repeated_kfold(d, SPEC, k=5, repeats=3, seed=4)
    pd.testing.assert_frame_equal(a, b)
    assert len(a) == 180 and a.groupby(a["fold"].str[:2])["model_id"].nunique().eq(60).all()
    assert not a.equals(fit.cv_repeated_kfold(d, SPEC, k=5, repeats=3, seed=5))


def test_leave_family_out_never_trains_on_the_held_out_family(monkeypatch):
    d = synthetic(n=80, families=8)
    seen = []
    original = fit._heldout

    def spy(train, test, spec, fold, level):
        seen.append((set(train["family"]), set(test["family"])))
        return original(train, test, spec, fold, level)

    monkeypatch.setattr(fit, "_heldout", spy)
    held = fit.cv_leave_family_out(d, SPEC)
    assert len(seen) == 8 and all(len(te) == 1 and not (tr & te) for tr, te in seen)
    assert len(held) == 80


def test_time_split_trains_only_on_earlier_models(monkeypatch):
    d = synthetic(n=100)
    seen = []
    original = fit._heldout
    monkeypatch.setattr(fit, "_heldout", lambda tr, te, *a: seen.append((tr, te)) or original(tr, te, *a))
    held = fit.cv_time_split(d, SPEC, "2023-06-01")
    train, test = seen[0]
    assert (train["release_date"] < "2023-06-01").all() and (test["release_date"] >= "2023-06-01").all()
    assert len(held) == len(test) > 0
    assert fit.cv_time_split(d, SPEC, "2022-01-02").empty  # nothing to train on: no fit, no crash


def test_metrics_on_perfect_and_on_known_errors():
    h = pd.DataFrame({"model_id": list("abcd"), "fold": 0, "truth_log10": [0.0, 1.0, 2.0, 3.0]})
    perfect = fit.metrics(h.assign(pred_log10=h["truth_log10"], low_log10=h["truth_log10"] - 0.1, high_log10=h["truth_log10"] + 0.1))
    assert perfect["r2"] == 1 and perfect["mae_log10"] == 0 and perfect["coverage"] == 1
    off = fit.metrics(h.assign(pred_log10=h["truth_log10"] + 1, low_log10=h["truth_log10"] + 0.5, high_log10=h["truth_log10"] + 1.5))
    assert off["mae_log10"] == pytest.approx(1) and off["r2"] == pytest.approx(1 - 4 / 5) and off["coverage"] == 0
    assert off["mae_b"] == pytest.approx(np.mean([9, 90, 900, 9000]))


def test_evaluate_gives_one_row_per_scheme():
    e = fit.evaluate(synthetic(n=120), SPEC, "2023-06-01", repeats=2)
    assert list(e["scheme"]) == ["repeated_kfold", "leave_family_out", "time_split"]
    assert (e["r2"] > 0.9).all() and e["coverage"].between(0.8, 1).all()
