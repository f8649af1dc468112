"""Predict a model's total parameter count from a benchmark score, validated honestly.

Each :class:`Spec` is one ordinary least squares fit (statsmodels formula API) of
``log10_total = log10(total_params_b)`` on one benchmark's score in one setting, alone or with
covariates (``log10_price``: log10 of USD per 1M tokens, blended; ``active_ratio``: active /
total params). A fit is saved as plain JSON (coefficients, covariance, residual variance,
degrees of freedom, training range, setting), and :func:`predict_total_params` predicts from
that JSON alone, with a Student-t prediction interval equal to statsmodels' own.

Validation: repeated K-fold, leave-one-family-out, and a time split (fit on models released
before a date, test on the later ones); :func:`metrics` gives R², MAE and RMSE in log10 space
and in billions, and how often the prediction interval covers the held-out truth. Folds that
could not be fitted are counted in the held-out frame's ``attrs``.

Input: one row per model with ``model_id``, ``family`` (may be blank), ``release_date``
(YYYY-MM-DD, may be blank), ``total_params_b`` (> 0), ``score`` (0-100) and the covariate
columns a spec uses.
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

from .errors import DataError
from .io import write_json

MIN_MODELS = 8
COVARIATES = ("log10_price", "active_ratio")
FITS_FILE = "param_fits.json"
RESPONSE = "log10_total"
SCORE_RANGE = (0.0, 100.0)
RECORD_KEYS = ("benchmark", "setting", "covariates", "formula", "terms", "params", "cov_params", "scale", "df_resid",
               "n", "training_range", "level")


@dataclass(frozen=True)
class Spec:
    """One fit: a benchmark, a setting, and the covariates added to the score."""

    benchmark: str
    setting: str
    covariates: tuple[str, ...] = ()

    def __post_init__(self):
        covs = (self.covariates,) if isinstance(self.covariates, str) else tuple(self.covariates)
        object.__setattr__(self, "covariates", covs)
        unknown = [c for c in covs if c not in COVARIATES]
        if unknown:
            raise ValueError(f"unknown covariate {unknown[0]!r}; known: {list(COVARIATES)}")
        twice = sorted({c for c in covs if covs.count(c) > 1})
        if twice:
            raise ValueError(f"covariate {twice[0]!r} given twice")

    @property
    def formula(self) -> str:
        return f"{RESPONSE} ~ " + " + ".join(self.columns)

    @property
    def columns(self) -> list[str]:
        """The inputs of the fit: the score, then the covariates."""
        return ["score", *self.covariates]

    @property
    def name(self) -> str:
        extra = "".join(f" + {c}" for c in self.covariates)
        return f"{self.benchmark} | {self.setting}{extra}"


@dataclass
class FittedSpec:
    """A fitted spec: ``n`` models used, ``dropped`` left out for a missing value (their ids in
    ``dropped_ids``), the statsmodels result and each input's (min, max) over the training rows."""

    spec: Spec
    n: int
    dropped: int
    result: object = field(repr=False)
    training_range: dict[str, tuple[float, float]]
    dropped_ids: tuple[str, ...] = ()


# --- input ---------------------------------------------------------------------------------------


def _blank(values: pd.Series) -> pd.Series:
    return values.isna() | values.astype(str).str.strip().eq("")


def _numeric(d: pd.DataFrame, col: str, where: str) -> pd.Series:
    """``d[col]`` as floats, blanks as NaN; a value that is not a number raises DataError."""
    raw = d[col]
    blank = _blank(raw)
    num = pd.to_numeric(raw.where(~blank), errors="coerce").astype(float)
    bad = num.isna() & ~blank
    if bad.any():
        i = bad.idxmax()
        raise DataError(where, d.at[i, "model_id"], col, raw[i], "a number")
    return num


def usable(frame: pd.DataFrame, spec: Spec) -> pd.DataFrame:
    """The rows with every value the spec needs, numeric, with ``log10_total`` added.

    A missing column, a duplicated ``model_id``, a non-numeric value, a total that is not
    positive or a score outside 0-100 raises; rows with a blank are left out (the caller
    counts them as ``len(frame) - len(usable(...))``).
    """
    need = ["total_params_b", *spec.columns]
    missing = [c for c in ["model_id", *need] if c not in frame.columns]
    if missing:
        raise ValueError(f"{spec.name}: the frame lacks the column {missing[0]!r}")
    where = f"fit input ({spec.name})"
    d = frame.copy()
    for c in need:
        d[c] = _numeric(d, c, where)
    d = d.dropna(subset=need)
    checks = (("total_params_b", d["total_params_b"] <= 0, "a total above 0 (billions)"),
              ("score", ~d["score"].between(*SCORE_RANGE), "a score from 0 to 100"))
    for col, bad, expected in checks:
        if bad.any():
            i = bad.idxmax()
            raise DataError(where, d.at[i, "model_id"], col, d.at[i, col], expected)
    dup = d["model_id"].duplicated()
    if dup.any():
        raise DataError(where, d.loc[dup, "model_id"].iloc[0], "model_id", d.loc[dup, "model_id"].iloc[0],
                        "one row per model")
    d[RESPONSE] = np.log10(d["total_params_b"])
    return d


def fit_spec(frame: pd.DataFrame, spec: Spec) -> FittedSpec:
    """OLS of log10 total params on the score (and covariates) over the usable rows."""
    d = usable(frame, spec)
    if len(d) < MIN_MODELS:
        raise ValueError(f"{spec.name}: {len(d)} model(s) with every value needed; "
                         f"at least {MIN_MODELS} are needed to fit")
    result = smf.ols(spec.formula, data=d).fit()
    ranges = {c: (float(d[c].min()), float(d[c].max())) for c in spec.columns}
    left_out = frame.loc[~frame.index.isin(d.index), "model_id"].astype(str)
    return FittedSpec(spec, len(d), len(frame) - len(d), result, ranges, tuple(sorted(left_out)))


def _outside(ranges: dict, values: dict) -> bool:
    return any(not (lo <= float(values[c]) <= hi) for c, (lo, hi) in ranges.items())


def _check_level(level: float) -> float:
    if not 0 < level < 1:
        raise ValueError(f"level {level!r}: expected a share between 0 and 1, such as 0.90")
    return float(level)


def predict(fitted: FittedSpec, new: pd.DataFrame, level: float = 0.90) -> pd.DataFrame:
    """Estimate and ``level`` prediction interval for each row of ``new``, in log10 and in
    billions, with ``extrapolated`` True where an input lies outside the training range."""
    _check_level(level)
    cols = fitted.spec.columns
    missing = [c for c in cols if c not in new.columns]
    if missing:
        raise ValueError(f"{fitted.spec.name}: the new frame lacks the column {missing[0]!r}")
    x = new[cols].astype(float)
    if x.isna().any().any():
        i, c = x.isna().stack().loc[lambda s: s].index[0]
        raise ValueError(f"{fitted.spec.name}: new row {i} has no value in column {c!r}")
    sf = fitted.result.get_prediction(x.reset_index(drop=True)).summary_frame(alpha=1 - level)
    out = pd.DataFrame({
        "log10_estimate": sf["mean"].to_numpy(), "log10_low": sf["obs_ci_lower"].to_numpy(),
        "log10_high": sf["obs_ci_upper"].to_numpy(),
    }, index=new.index)
    for k in ("estimate", "low", "high"):
        out[f"{k}_b"] = 10 ** out[f"log10_{k}"]
    out["extrapolated"] = [_outside(fitted.training_range, r) for r in x.to_dict("records")]
    return out


# --- plain JSON ----------------------------------------------------------------------------------


def to_json(fitted: FittedSpec, level: float = 0.90) -> dict:
    """The fit as a JSON-ready dict; every number a Python float (written with its repr)."""
    r = fitted.result
    terms = [str(t) for t in r.params.index]
    cov = r.cov_params().loc[terms, terms].to_numpy(float)
    return {
        "benchmark": fitted.spec.benchmark, "setting": fitted.spec.setting,
        "covariates": list(fitted.spec.covariates), "formula": fitted.spec.formula, "terms": terms,
        "params": [float(r.params[t]) for t in terms],
        "cov_params": [[float(v) for v in row] for row in cov],
        "scale": float(r.scale), "df_resid": float(r.df_resid), "n": int(fitted.n), "r2_in_sample": float(r.rsquared),
        "training_range": {c: [float(lo), float(hi)] for c, (lo, hi) in fitted.training_range.items()},
        "level": _check_level(level),
    }


def save_fits(fits: list[FittedSpec], path, level: float = 0.90) -> Path:
    """Write every fit to one JSON file (sorted keys, indent 2), atomically."""
    records = [to_json(f, level) for f in fits]
    keys = [(r["benchmark"], r["setting"], tuple(r["covariates"])) for r in records]
    twice = sorted({k for k in keys if keys.count(k) > 1})
    if twice:
        raise ValueError(f"{path}: the fit {twice[0]} is given twice")
    return write_json(path, {"fits": records, "response": "log10(total params in billions)"})


def load_fits(path) -> list[dict]:
    """The fit records saved by :func:`save_fits`."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no saved fits (run make figures first)")
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("fits"), list):
        raise DataError(path, None, "fits", type(data).__name__, "an object with a list of fits under 'fits'")
    for i, r in enumerate(data["fits"]):
        missing = [k for k in RECORD_KEYS if k not in r]
        if missing:
            raise DataError(path, f"fits[{i}]", missing[0], None, f"every record to have {list(RECORD_KEYS)}")
    return data["fits"]


def _label(record: dict) -> str:
    extra = "".join(f" + {c}" for c in record["covariates"])
    return f"{record['benchmark']} | {record['setting']}{extra}"


def predict_from_json(record: dict, score: float, level: float = 0.90, **covariates) -> dict:
    """The estimate and ``level`` prediction interval (log10 and billions) from a saved fit,
    without statsmodels: se = sqrt(x' C x + scale), Student t with ``df_resid`` degrees."""
    _check_level(level)
    wanted = list(record["covariates"])
    unknown = sorted(set(covariates) - set(wanted))
    if unknown:
        raise ValueError(f"{_label(record)}: covariate {unknown[0]!r} is not in this fit "
                         f"(it takes {wanted or 'none'})")
    missing = [c for c in wanted if c not in covariates]
    if missing:
        raise ValueError(f"{_label(record)}: this fit needs the covariate {missing[0]!r}")
    values = {"score": float(score), **{k: float(v) for k, v in covariates.items()}}
    nan = sorted(k for k, v in values.items() if math.isnan(v))
    if nan:
        raise ValueError(f"{_label(record)}: {nan[0]!r} is NaN")
    x = np.array([1.0 if t == "Intercept" else values[t] for t in record["terms"]])
    beta = np.array(record["params"], dtype=float)
    cov = np.array(record["cov_params"], dtype=float)
    est = float(x @ beta)
    se = math.sqrt(float(x @ cov @ x) + float(record["scale"]))
    half = float(stats.t.ppf(1 - (1 - level) / 2, record["df_resid"])) * se
    return {"log10_estimate": est, "log10_low": est - half, "log10_high": est + half,
            "estimate_b": 10 ** est, "low_b": 10 ** (est - half), "high_b": 10 ** (est + half),
            "extrapolated": _outside({k: tuple(v) for k, v in record["training_range"].items()}, values)}


@dataclass(frozen=True)
class Prediction:
    """A predicted total (billions) with its ``level`` prediction interval and the fit it came from."""

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
    interval, from the saved fits (default ``data/processed/param_fits.json`` of the repository
    holding the working directory).

    ``setting`` picks among fits of the same benchmark ("instruct, 0-shot, CoT", ...); the
    covariates given pick the spec (none: the score alone)."""
    unknown = sorted(c for c in covariates if c not in COVARIATES)
    if unknown:
        raise ValueError(f"unknown covariate {unknown[0]!r}; known: {list(COVARIATES)}")
    records = load_fits(path or _default_path())
    avail = [_label(r) for r in records]
    mine = [r for r in records if r["benchmark"] == benchmark]
    if not mine:
        raise ValueError(f"no fit for benchmark {benchmark!r}; available: {avail}")
    settings = sorted({r["setting"] for r in mine})
    if setting is None:
        if len(settings) > 1:
            raise ValueError(f"{benchmark!r} has fits in several settings; pass setting= one of {settings}")
        setting = settings[0]
    if setting not in settings:
        raise ValueError(f"no fit for {benchmark!r} in setting {setting!r}; its settings: {settings}")
    here = [r for r in mine if r["setting"] == setting]
    chosen = [r for r in here if set(r["covariates"]) == set(covariates)]
    if not chosen:
        options = [_label(r) for r in here]
        wider = [r for r in here if set(covariates) < set(r["covariates"])]
        need = (f"; pass the covariate {sorted(set(wider[0]['covariates']) - set(covariates))[0]!r}" if wider else "")
        raise ValueError(f"no fit for {benchmark!r} in setting {setting!r} with covariates {sorted(covariates) or 'none'}"
                         f"{need}; available: {options}")
    r = chosen[0]
    p = predict_from_json(r, score, level, **covariates)
    return Prediction(benchmark, setting, tuple(r["covariates"]), p["estimate_b"], p["low_b"], p["high_b"], level,
                      p["extrapolated"], int(r["n"]))


# --- validation ----------------------------------------------------------------------------------

HELDOUT = ["model_id", "fold", "truth_log10", "pred_log10", "low_log10", "high_log10"]


def _heldout(train: pd.DataFrame, test: pd.DataFrame, spec: Spec, fold, level) -> pd.DataFrame | None:
    """Fit on ``train``, predict ``test``; None (a skipped fold) when ``train`` is too small."""
    if len(train) < MIN_MODELS or not len(test):
        return None
    result = smf.ols(spec.formula, data=train).fit()
    sf = result.get_prediction(test[spec.columns].reset_index(drop=True)).summary_frame(alpha=1 - level)
    return pd.DataFrame({"model_id": test["model_id"].to_numpy(), "fold": fold, "truth_log10": test[RESPONSE].to_numpy(),
                         "pred_log10": sf["mean"].to_numpy(), "low_log10": sf["obs_ci_lower"].to_numpy(),
                         "high_log10": sf["obs_ci_upper"].to_numpy()})


def _collect(parts, **notes) -> pd.DataFrame:
    """The held-out rows of the fitted folds; ``attrs`` counts the folds and the skipped ones."""
    done = [p for p in parts if p is not None]
    out = pd.concat(done, ignore_index=True) if done else pd.DataFrame(columns=HELDOUT)
    out.attrs.update({"folds": len(parts), "skipped_folds": len(parts) - len(done), **notes})
    if "status" not in out.attrs:
        out.attrs["status"] = (f"fitted {len(done)} of {len(parts)} fold(s)" if done else
                               f"not fitted: every fold's training part has fewer than {MIN_MODELS} models")
    return out


def _enough(d: pd.DataFrame, spec: Spec) -> pd.DataFrame:
    if len(d) < MIN_MODELS:
        raise ValueError(f"{spec.name}: {len(d)} model(s) with every value needed; "
                         f"at least {MIN_MODELS} are needed to validate a fit")
    return d.reset_index(drop=True)


def cv_repeated_kfold(frame, spec: Spec, k: int = 5, repeats: int = 10, seed: int = 0, level: float = 0.90) -> pd.DataFrame:
    """Each repeat shuffles the models (numpy Generator seeded with ``seed``) into ``k`` folds and
    predicts each fold from the others. Folds are named ``r{repeat}k{fold}``."""
    if k < 2 or repeats < 1:
        raise ValueError(f"k={k}, repeats={repeats}: expected k >= 2 and repeats >= 1")
    _check_level(level)
    d = _enough(usable(frame, spec), spec)
    rng = np.random.default_rng(seed)
    parts = []
    for rep in range(repeats):
        order = rng.permutation(len(d))
        for j, test_idx in enumerate(np.array_split(order, k)):
            if not len(test_idx):
                continue
            test = d.iloc[np.sort(test_idx)]
            parts.append(_heldout(d.drop(index=test.index), test, spec, f"r{rep}k{j}", level))
    return _collect(parts, left_out=len(frame) - len(d))


def family_groups(d: pd.DataFrame) -> pd.Series:
    """Each row's family; a blank family is a group of its own (``model:<model_id>``)."""
    if "family" not in d.columns:
        raise ValueError("leave-family-out needs a 'family' column")
    fam = d["family"]
    return fam.where(~_blank(fam), "model:" + d["model_id"].astype(str)).astype(str)


def cv_leave_family_out(frame, spec: Spec, level: float = 0.90) -> pd.DataFrame:
    """Each family held out in turn and predicted from the others; the fold is the family."""
    _check_level(level)
    d = _enough(usable(frame, spec), spec)
    group = family_groups(d)
    parts = [_heldout(d[group != g], d[group == g], spec, g, level) for g in sorted(group.unique())]
    return _collect(parts, left_out=len(frame) - len(d))


def release_dates(d: pd.DataFrame, where: str = "fit input") -> pd.Series:
    """``release_date`` parsed (NaT where blank); a date not written YYYY-MM-DD raises DataError."""
    if "release_date" not in d.columns:
        raise ValueError("the time split needs a 'release_date' column")
    raw = d["release_date"]
    blank = _blank(raw)
    when = pd.to_datetime(raw.where(~blank), format="%Y-%m-%d", errors="coerce")
    bad = when.isna() & ~blank
    if bad.any():
        i = bad.idxmax()
        raise DataError(where, d.at[i, "model_id"], "release_date", raw[i], "a date YYYY-MM-DD")
    return when


def cv_time_split(frame, spec: Spec, cutoff: str, level: float = 0.90) -> pd.DataFrame:
    """Fit on the models released before ``cutoff`` (YYYY-MM-DD), test on the rest. Models
    without a date take no part (``attrs['undated']``); with too few to train on or none to
    test, the frame is empty and ``attrs['status']`` says why."""
    _check_level(level)
    try:
        cut = pd.Timestamp(pd.to_datetime(cutoff, format="%Y-%m-%d"))
    except (ValueError, TypeError):
        raise ValueError(f"cutoff {cutoff!r}: expected a date YYYY-MM-DD") from None
    d = usable(frame, spec)
    when = release_dates(d, f"fit input ({spec.name})")
    train, test = d[when < cut], d[when >= cut]
    notes = {"left_out": len(frame) - len(d), "undated": int(when.isna().sum()), "n_train": len(train), "n_test": len(test)}
    if len(train) < MIN_MODELS:
        notes["status"] = f"not fitted: {len(train)} model(s) released before {cutoff}, fewer than {MIN_MODELS}"
    elif not len(test):
        notes["status"] = f"not fitted: no model released on or after {cutoff}"
    else:
        notes["status"] = f"fitted on {len(train)} model(s) before {cutoff}, tested on {len(test)}"
    return _collect([_heldout(train, test, spec, f"before {cutoff}", level)], **notes)


def metrics(heldout: pd.DataFrame) -> dict:
    """Out-of-sample R² (1 - SSE/SST, SST around the held-out truths' mean, log10), MAE and RMSE
    in log10 and in billions, the median absolute error in billions, and the share of truths
    inside [low, high]."""
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
    """One row per validation scheme with the spec, ``n_models`` usable, and the metrics
    (``n`` held-out predictions); ``attrs`` keeps each scheme's fold counts and status."""
    n_models = len(usable(frame, spec))
    rows, notes = [], {}
    for scheme, held in (("repeated_kfold", cv_repeated_kfold(frame, spec, k, repeats, seed)),
                         ("leave_family_out", cv_leave_family_out(frame, spec)),
                         ("time_split", cv_time_split(frame, spec, cutoff))):
        rows.append({"spec": spec.name, "benchmark": spec.benchmark, "setting": spec.setting,
                     "covariates": " + ".join(spec.covariates) or "score alone", "scheme": scheme,
                     "n_models": n_models, **metrics(held)})
        notes[scheme] = dict(held.attrs)
    out = pd.DataFrame(rows)
    out.attrs["notes"] = notes
    return out
