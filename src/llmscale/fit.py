"""Predict a model's total parameter count from a benchmark score, validated honestly.

Each :class:`Spec` is one ordinary least squares fit (statsmodels formula API) of
``log10_total = log10(total_params_b)`` on one benchmark's score in one setting, alone or with
covariates (``log10_price``: USD per 1M tokens, blended; ``active_ratio``: active / total
params). A fit is saved as plain JSON (coefficients, covariance, residual variance, degrees of
freedom, training range, setting), and :func:`predict_total_params` predicts from that JSON
alone, with a Student-t prediction interval equal to statsmodels' own.

Validation: repeated K-fold, leave-one-family-out, and a time split (fit on models released
before a date, test on the later ones); :func:`metrics` gives R², MAE and RMSE in log10 space
and in billions, and how often the prediction interval covers the held-out truth.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf
from scipy import stats

from .io import atomic_write_text

MIN_MODELS = 8
COVARIATES = ("log10_price", "active_ratio")
FITS_FILE = "param_fits.json"
RESPONSE = "log10_total"


@dataclass(frozen=True)
class Spec:
    """One fit: a benchmark, a setting, and the covariates added to the score."""

    benchmark: str
    setting: str
    covariates: tuple[str, ...] = ()

    def __post_init__(self):
        unknown = [c for c in self.covariates if c not in COVARIATES]
        if unknown:
            raise ValueError(f"unknown covariate {unknown[0]!r}; known: {COVARIATES}")

    @property
    def formula(self) -> str:
        return f"{RESPONSE} ~ " + " + ".join(("score", *self.covariates))

    @property
    def columns(self) -> list[str]:
        return ["score", *self.covariates]

    @property
    def name(self) -> str:
        extra = "".join(f" + {c}" for c in self.covariates)
        return f"{self.benchmark} | {self.setting}{extra}"


@dataclass
class FittedSpec:
    spec: Spec
    n: int
    dropped: int
    result: object = field(repr=False)
    training_range: dict[str, tuple[float, float]]


def usable(frame: pd.DataFrame, spec: Spec) -> pd.DataFrame:
    """The rows with a positive total and every column the spec needs; adds ``log10_total``."""
    need = ["total_params_b", *spec.columns]
    missing = [c for c in need if c not in frame.columns]
    if missing:
        raise ValueError(f"{spec.name}: the frame lacks the column {missing[0]!r}")
    d = frame.dropna(subset=need)
    d = d[d["total_params_b"] > 0].copy()
    d[RESPONSE] = np.log10(d["total_params_b"].astype(float))
    return d


def fit_spec(frame: pd.DataFrame, spec: Spec) -> FittedSpec:
    """OLS of log10 total params on the score (and covariates) over the usable rows."""
    d = usable(frame, spec)
    if len(d) < MIN_MODELS:
        raise ValueError(f"{spec.name}: {len(d)} model(s) with every value needed; at least {MIN_MODELS} are needed to fit")
    result = smf.ols(spec.formula, data=d).fit()
    ranges = {c: (float(d[c].min()), float(d[c].max())) for c in spec.columns}
    return FittedSpec(spec, len(d), len(frame) - len(d), result, ranges)


def _outside(ranges: dict, values: dict) -> bool:
    return any(not (lo <= float(values[c]) <= hi) for c, (lo, hi) in ranges.items())


def predict(fitted: FittedSpec, new: pd.DataFrame, level: float = 0.90) -> pd.DataFrame:
    """Estimate and ``level`` prediction interval for each row of ``new``, in log10 and in
    billions, with ``extrapolated`` True where an input lies outside the training range."""
    cols = fitted.spec.columns
    sf = fitted.result.get_prediction(new[cols]).summary_frame(alpha=1 - level)
    out = pd.DataFrame({
        "log10_estimate": sf["mean"].to_numpy(), "log10_low": sf["obs_ci_lower"].to_numpy(),
        "log10_high": sf["obs_ci_upper"].to_numpy(),
    }, index=new.index)
    for k in ("estimate", "low", "high"):
        out[f"{k}_b"] = 10 ** out[f"log10_{k}"]
    out["extrapolated"] = [_outside(fitted.training_range, r) for r in new[cols].to_dict("records")]
    return out


# --- plain JSON ---------------------------------------------------------------------------------


def to_json(fitted: FittedSpec, level: float = 0.90) -> dict:
    r = fitted.result
    terms = list(r.params.index)
    return {
        "benchmark": fitted.spec.benchmark, "setting": fitted.spec.setting,
        "covariates": list(fitted.spec.covariates), "formula": fitted.spec.formula, "terms": terms,
        "params": [float(r.params[t]) for t in terms],
        "cov_params": [[float(r.cov_params().loc[a, b]) for b in terms] for a in terms],
        "scale": float(r.scale), "df_resid": float(r.df_resid), "n": fitted.n, "r2_in_sample": float(r.rsquared),
        "training_range": {c: list(v) for c, v in fitted.training_range.items()}, "level": level,
    }


def save_fits(fits: list[FittedSpec], path, level: float = 0.90) -> Path:
    records = [to_json(f, level) for f in fits]
    text = json.dumps({"fits": records, "response": "log10(total params in billions)"}, indent=2, sort_keys=True)
    return atomic_write_text(path, text + "\n")


def load_fits(path) -> list[dict]:
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no saved fits (run make figures first)")
    return json.loads(path.read_text(encoding="utf-8"))["fits"]


def predict_from_json(record: dict, score: float, level: float = 0.90, **covariates) -> dict:
    """The estimate and prediction interval from a saved fit, without statsmodels."""
    wanted = set(record["covariates"])
    unknown = sorted(set(covariates) - wanted)
    if unknown:
        raise ValueError(f"{record['benchmark']} | {record['setting']}: covariate {unknown[0]!r} is not in this fit "
                         f"(it takes {sorted(wanted) or 'none'})")
    missing = sorted(wanted - set(covariates))
    if missing:
        raise ValueError(f"{record['benchmark']} | {record['setting']}: this fit needs the covariate {missing[0]!r}")
    values = {"score": float(score), **{k: float(v) for k, v in covariates.items()}}
    x = np.array([1.0 if t == "Intercept" else values[t] for t in record["terms"]])
    beta = np.array(record["params"])
    cov = np.array(record["cov_params"])
    est = float(x @ beta)
    se = math.sqrt(float(x @ cov @ x) + record["scale"])
    t = float(stats.t.ppf(1 - (1 - level) / 2, record["df_resid"]))
    return {"log10_estimate": est, "log10_low": est - t * se, "log10_high": est + t * se,
            "estimate_b": 10 ** est, "low_b": 10 ** (est - t * se), "high_b": 10 ** (est + t * se),
            "extrapolated": _outside({k: tuple(v) for k, v in record["training_range"].items()}, values)}


@dataclass(frozen=True)
class Prediction:
    benchmark: str
    setting: str
    covariates: tuple[str, ...]
    estimate_b: float
    low_b: float
    high_b: float
    level: float
    extrapolated: bool
    n: int


def _default_path() -> Path:
    here = Path.cwd().resolve()
    for d in (here, *here.parents):
        if (d / "data" / "processed").is_dir():
            return d / "data" / "processed" / FITS_FILE
    raise FileNotFoundError(f"no data/processed folder above {here}; pass path=")


def predict_total_params(benchmark: str, score: float, setting: str | None = None, path=None, level: float = 0.90,
                         **covariates) -> Prediction:
    """Total parameters (billions) predicted from a benchmark score, with a ``level`` prediction
    interval, from the fits saved by the prediction notebook (``data/processed/param_fits.json``).

    ``setting`` picks among fits of the same benchmark ("instruct, 0-shot, CoT", ...); the
    covariates given pick the spec (none: the score alone)."""
    records = load_fits(path or _default_path())
    avail = sorted({(r["benchmark"], r["setting"], tuple(r["covariates"])) for r in records})
    mine = [r for r in records if r["benchmark"] == benchmark]
    if not mine:
        raise ValueError(f"no fit for benchmark {benchmark!r}; available: {sorted({a[0] for a in avail})}")
    settings = sorted({r["setting"] for r in mine})
    if setting is None:
        if len(settings) > 1:
            raise ValueError(f"{benchmark!r} has fits in several settings; pass setting= one of {settings}")
        setting = settings[0]
    chosen = [r for r in mine if r["setting"] == setting and set(r["covariates"]) == set(covariates)]
    if not chosen:
        options = [f"{s} + {list(c) or 'score alone'}" for b, s, c in avail if b == benchmark]
        raise ValueError(f"no fit for {benchmark!r} in setting {setting!r} with covariates {sorted(covariates)}; "
                         f"available: {options}")
    r = chosen[0]
    p = predict_from_json(r, score, level, **covariates)
    return Prediction(benchmark, setting, tuple(r["covariates"]), p["estimate_b"], p["low_b"], p["high_b"], level,
                      p["extrapolated"], r["n"])


# --- validation ---------------------------------------------------------------------------------

HELDOUT = ["model_id", "fold", "truth_log10", "pred_log10", "low_log10", "high_log10"]


def _heldout(train: pd.DataFrame, test: pd.DataFrame, spec: Spec, fold, level) -> pd.DataFrame | None:
    if len(train) < MIN_MODELS or not len(test):
        return None
    result = smf.ols(spec.formula, data=train).fit()
    sf = result.get_prediction(test[spec.columns]).summary_frame(alpha=1 - level)
    return pd.DataFrame({"model_id": test["model_id"].to_numpy(), "fold": fold, "truth_log10": test[RESPONSE].to_numpy(),
                         "pred_log10": sf["mean"].to_numpy(), "low_log10": sf["obs_ci_lower"].to_numpy(),
                         "high_log10": sf["obs_ci_upper"].to_numpy()})


def _collect(parts) -> pd.DataFrame:
    parts = [p for p in parts if p is not None]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=HELDOUT)


def cv_repeated_kfold(frame, spec: Spec, k: int = 5, repeats: int = 10, seed: int = 0, level: float = 0.90) -> pd.DataFrame:
    d = usable(frame, spec).reset_index(drop=True)
    rng = np.random.default_rng(seed)
    parts = []
    for rep in range(repeats):
        order = rng.permutation(len(d))
        for j, test_idx in enumerate(np.array_split(order, k)):
            test = d.iloc[np.sort(test_idx)]
            parts.append(_heldout(d.drop(index=test.index), test, spec, f"r{rep}k{j}", level))
    return _collect(parts)


def cv_leave_family_out(frame, spec: Spec, level: float = 0.90) -> pd.DataFrame:
    """Each family (``family``; a blank family is its own group) held out in turn."""
    d = usable(frame, spec).reset_index(drop=True)
    group = d["family"].where(d["family"].notna() & (d["family"].astype(str) != ""), "model:" + d["model_id"].astype(str))
    parts = [_heldout(d[group != g], d[group == g], spec, str(g), level) for g in sorted(group.unique())]
    return _collect(parts)


def cv_time_split(frame, spec: Spec, cutoff: str, level: float = 0.90) -> pd.DataFrame:
    """Fit on the models released before ``cutoff`` (YYYY-MM-DD), test on the rest; models
    without a date take no part."""
    d = usable(frame, spec)
    d = d[d["release_date"].notna()]
    when = pd.to_datetime(d["release_date"])
    train, test = d[when < pd.Timestamp(cutoff)], d[when >= pd.Timestamp(cutoff)]
    return _collect([_heldout(train, test, spec, f"before {cutoff}", level)])


def metrics(heldout: pd.DataFrame) -> dict:
    """Out-of-sample R² (around the held-out mean), MAE and RMSE in log10 and in billions, the
    median absolute error in billions, and the share of truths inside the interval."""
    n = len(heldout)
    if n == 0:
        return {"n": 0, "r2": math.nan, "mae_log10": math.nan, "rmse_log10": math.nan, "mae_b": math.nan,
                "rmse_b": math.nan, "median_abs_error_b": math.nan, "coverage": math.nan}
    t, p = heldout["truth_log10"].to_numpy(float), heldout["pred_log10"].to_numpy(float)
    err = p - t
    sst = float(((t - t.mean()) ** 2).sum())
    err_b = 10 ** p - 10 ** t
    inside = (heldout["low_log10"] <= heldout["truth_log10"]) & (heldout["truth_log10"] <= heldout["high_log10"])
    return {"n": n, "r2": 1 - float((err ** 2).sum()) / sst if sst > 0 else math.nan,
            "mae_log10": float(np.abs(err).mean()), "rmse_log10": float(np.sqrt((err ** 2).mean())),
            "mae_b": float(np.abs(err_b).mean()), "rmse_b": float(np.sqrt((err_b ** 2).mean())),
            "median_abs_error_b": float(np.median(np.abs(err_b))), "coverage": float(inside.mean())}


def evaluate(frame, spec: Spec, cutoff: str, seed: int = 0, k: int = 5, repeats: int = 10) -> pd.DataFrame:
    """One row per validation scheme with the spec and the metrics."""
    rows = []
    for scheme, held in (("repeated_kfold", cv_repeated_kfold(frame, spec, k, repeats, seed)),
                         ("leave_family_out", cv_leave_family_out(frame, spec)),
                         ("time_split", cv_time_split(frame, spec, cutoff))):
        rows.append({"spec": spec.name, "benchmark": spec.benchmark, "setting": spec.setting,
                     "covariates": " + ".join(spec.covariates) or "score alone", "scheme": scheme,
                     "n_models": len(usable(frame, spec)), **metrics(held)})
    return pd.DataFrame(rows)
