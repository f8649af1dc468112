"""Predict a model's total parameter count from a benchmark score, validated honestly.

Each :class:`Spec` is one ordinary least squares fit (statsmodels) of
``log10_total = log10(total_params_b)`` on one benchmark's score in one setting, alone or with
covariates (``log10_price``: log10 of USD per 1M tokens, blended; ``active_ratio``: active /
total params; ``release_years``: years from :data:`DATE_ORIGIN` to the release date). A fit is
saved as plain JSON (coefficients, covariance, residual variance, degrees of freedom, training
range, setting, its validation summary), and :func:`predict_total_params` predicts from that
JSON alone, with a Student-t prediction interval equal to statsmodels' own.

Validation (:func:`validate`, one row per scheme) uses scikit-learn's splitters:
``RepeatedKFold`` over models (``repeated_kfold``), ``GroupKFold`` with shuffled group
assignments repeated over seeds (``grouped_kfold``: a lineage never sits on both sides of a
fold), ``LeaveOneGroupOut`` (``leave_lineage_out``), a time split (``PredefinedSplit``: fit on
models released before a date, test on the later ones), and an optional external set (models
never trained on, such as closed models whose makers published their size). :func:`metrics`
gives R², MAE and RMSE in log10 space and in billions, and how often the prediction interval
covers the held-out truth, overall and by size bin (:data:`SIZE_BINS`).

Input: one row per model with ``model_id``, ``lineage`` (or the columns
:func:`derive_lineages` links on), ``release_date`` (YYYY-MM-DD, may be blank),
``total_params_b`` (> 0), ``score`` (0-100) and the covariate columns a spec uses.
"""

from __future__ import annotations

import difflib
import functools
import json
import math
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse, stats
from scipy.sparse.csgraph import connected_components
from statsmodels.regression.linear_model import OLS
from statsmodels.tools.sm_exceptions import SingularMatrixWarning
from statsmodels.tools.tools import pinv_extended
from sklearn.model_selection import GroupKFold, LeaveOneGroupOut, PredefinedSplit, RepeatedKFold

from .errors import DataError
from .io import write_json

MIN_MODELS = 8
COVARIATES = ("log10_price", "active_ratio", "release_years")
# Covariates computed from the target itself (active / total): a closed model never has them,
# and a fit that uses them is never used to predict one.
TARGET_DERIVED = ("active_ratio",)
DATE_ORIGIN = "2020-01-01"  # release_years counts years (365.25 days) from this date
SIZE_BINS = (("under_10b", 0.0, 10.0), ("10_100b", 10.0, 100.0), ("over_100b", 100.0, math.inf))
SCHEMES = ("repeated_kfold", "grouped_kfold", "leave_lineage_out", "time_split", "external")
FITS_FILE = "param_fits.json"
RESPONSE = "log10_total"
SCORE_RANGE = (0.0, 100.0)
RECORD_KEYS = ("benchmark", "setting", "covariates", "formula", "terms", "params", "cov_params", "scale", "df_resid",
               "n", "training_range", "level")
VALIDATION_KEYS = ("n_lineages", "r2_grouped_kfold", "coverage_grouped_kfold")


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
    if raw.dtype.kind in "fiu":  # already numbers: blanks are the NaNs, nothing can be unreadable
        return raw.astype(float)
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
    where = f"fit input ({spec.name})"
    if "release_years" in need and "release_years" not in frame.columns and "release_date" in frame.columns:
        frame = frame.assign(release_years=release_years(release_dates(frame, where)))
    missing = [c for c in ["model_id", *need] if c not in frame.columns]
    if missing:
        raise ValueError(f"{spec.name}: the frame lacks the column {missing[0]!r}")
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


def release_years(dates: pd.Series) -> pd.Series:
    """Years (365.25 days) from :data:`DATE_ORIGIN` to each date; NaN where the date is blank."""
    return (pd.to_datetime(dates) - pd.Timestamp(DATE_ORIGIN)).dt.days / 365.25


def fit_spec(frame: pd.DataFrame, spec: Spec) -> FittedSpec:
    """OLS of log10 total params on the score (and covariates) over the usable rows."""
    d = usable(frame, spec)
    if len(d) < MIN_MODELS:
        raise ValueError(f"{spec.name}: {len(d)} model(s) with every value needed; "
                         f"at least {MIN_MODELS} are needed to fit")
    result = OLS(d[RESPONSE].astype(float), _exog(d, spec.columns)).fit()  # the formula's design, without parsing it
    ranges = {c: (float(d[c].min()), float(d[c].max())) for c in spec.columns}
    left_out = frame.loc[~frame.index.isin(d.index), "model_id"].astype(str)
    return FittedSpec(spec, len(d), len(frame) - len(d), result, ranges, tuple(sorted(left_out)))


def _exog(d: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The design of :attr:`Spec.formula`: an ``Intercept`` column of ones, then the inputs."""
    x = d[columns].astype(float)
    x.insert(0, "Intercept", 1.0)
    return x


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
    if "release_years" in cols and "release_years" not in new.columns and "release_date" in new.columns:
        new = new.assign(release_years=release_years(release_dates(new, f"new rows ({fitted.spec.name})")))
    missing = [c for c in cols if c not in new.columns]
    if missing:
        raise ValueError(f"{fitted.spec.name}: the new frame lacks the column {missing[0]!r}")
    x = new[cols].astype(float)
    if x.isna().any().any():
        i, c = x.isna().stack().loc[lambda s: s].index[0]
        raise ValueError(f"{fitted.spec.name}: new row {i} has no value in column {c!r}")
    r = fitted.result
    mean, low, high = _interval(r.params.to_numpy(float), r.cov_params().to_numpy(float), float(r.scale), float(r.df_resid),
                                _exog(x, cols).to_numpy(float), level)
    out = pd.DataFrame({"log10_estimate": mean, "log10_low": low, "log10_high": high}, index=new.index)
    for k in ("estimate", "low", "high"):
        out[f"{k}_b"] = 10 ** out[f"log10_{k}"]
    out["extrapolated"] = [_outside(fitted.training_range, r) for r in x.to_dict("records")]
    return out


# --- plain JSON ----------------------------------------------------------------------------------


def _plain(v):
    """A JSON-ready number: NaN becomes None (JSON has no NaN)."""
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else v


def to_json(fitted: FittedSpec, level: float = 0.90, validation: dict | None = None) -> dict:
    """The fit as a JSON-ready dict; every number a Python float (written with its repr).
    ``validation`` (keys :data:`VALIDATION_KEYS`) is stored with it, so every answer of
    :func:`predict_total_params` can say how well the fit held up."""
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
        "validation": {k: _plain(validation.get(k)) for k in VALIDATION_KEYS} if validation else None,
    }


def save_fits(fits: list[FittedSpec], path, level: float = 0.90, validation: dict | None = None) -> Path:
    """Write every fit to one JSON file (sorted keys, indent 2), atomically; ``validation`` maps
    a spec's name to its validation summary (see :func:`to_json`)."""
    validation = validation or {}
    records = [to_json(f, level, validation.get(f.spec.name)) for f in fits]
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
    """A predicted total (billions) with its ``level`` prediction interval, the fit it came from
    (``spec``), and how well that fit held up: ``n`` models in ``n_lineages`` lineages, its
    grouped-CV (lineage K-fold) R² and interval coverage."""

    benchmark: str
    setting: str
    covariates: tuple[str, ...]
    estimate_b: float
    low_b: float
    high_b: float
    level: float
    extrapolated: bool
    n: int
    spec: str = ""
    n_lineages: int | None = None
    r2_grouped_kfold: float | None = None
    coverage_grouped_kfold: float | None = None


def _default_path() -> Path:
    here = Path.cwd().resolve()
    for d in (here, *here.parents):
        if (d / "data" / "processed").is_dir():
            return d / "data" / "processed" / FITS_FILE
    raise FileNotFoundError(f"no data/processed folder above {here}; pass path=")


FRACTION_GAP = 10.0  # a score of 1 or less is refused as a 0-1 fraction when the fit's lowest score is this far above


def _check_score(score, record: dict) -> float:
    """The score as a float on 0-100; a value outside it, or one that looks like a 0-1
    fraction (at most 1 where every training score is above :data:`FRACTION_GAP`), raises."""
    try:
        v = float(score)
    except (TypeError, ValueError):
        raise ValueError(f"score {score!r}: expected a number from 0 to 100") from None
    if math.isnan(v) or not SCORE_RANGE[0] <= v <= SCORE_RANGE[1]:
        raise ValueError(f"score {score!r}: expected points from 0 to 100 (a 0-1 fraction times 100)")
    lo = float(record["training_range"]["score"][0])
    if v <= 1 and lo > FRACTION_GAP:
        raise ValueError(f"score {score!r} looks like a 0-1 fraction: {_label(record)} was trained on scores "
                         f"{lo:.1f}-{float(record['training_range']['score'][1]):.1f}; pass {v * 100:g}")
    return v


def predict_total_params(benchmark: str, score: float, setting: str | None = None, path=None, level: float = 0.90,
                         release_date: str | None = None, **covariates) -> Prediction:
    """Total parameters (billions) predicted from a benchmark score (points 0-100), with a
    ``level`` prediction interval, from the saved fits (default ``data/processed/param_fits.json``
    of the repository holding the working directory).

    ``setting`` picks among fits of the same benchmark ("instruct, 0-shot, CoT", ...); the
    covariates given pick the spec (none: the score alone). With ``release_date``
    (YYYY-MM-DD) the fit with a release-date term is used where one exists (else the one
    without, as the answer's ``spec`` says). Every answer carries the fit's n, lineages and
    grouped-CV R²."""
    unknown = sorted(c for c in covariates if c not in COVARIATES)
    if unknown or "release_years" in covariates:
        bad = unknown[0] if unknown else "release_years"
        raise ValueError(f"unknown covariate {bad!r}; known: {[c for c in COVARIATES if c != 'release_years']} "
                         "(give a date as release_date=)")
    records = load_fits(path or _default_path())
    mine = [r for r in records if r["benchmark"] == benchmark]
    if not mine:
        names = sorted({r["benchmark"] for r in records})
        lower = {n.lower(): n for n in names}
        near = [lower[n] for n in difflib.get_close_matches(str(benchmark).lower(), list(lower), n=3, cutoff=0.5)]
        hint = f"did you mean {' or '.join(repr(n) for n in near)}?" if near else f"{len(names)} benchmarks have fits"
        raise ValueError(f"no fit for benchmark {benchmark!r}; {hint}")
    settings = sorted({r["setting"] for r in mine})
    if setting is None:
        if len(settings) > 1:
            raise ValueError(f"{benchmark!r} has fits in several settings; pass setting= one of {settings}")
        setting = settings[0]
    if setting not in settings:
        raise ValueError(f"no fit for {benchmark!r} in setting {setting!r}; its settings: {settings}")
    here = [r for r in mine if r["setting"] == setting]
    values = dict(covariates)
    if release_date is not None:
        when = release_dates(pd.DataFrame({"model_id": ["the release_date argument"], "release_date": [release_date]}),
                             "predict_total_params")
        if when.isna().all():
            raise ValueError(f"release_date {release_date!r}: expected a date YYYY-MM-DD")
        dated = [r for r in here if set(r["covariates"]) == set(covariates) | {"release_years"}]
        if dated:
            values["release_years"] = float(release_years(when).iloc[0])
    chosen = [r for r in here if set(r["covariates"]) == set(values)]
    if not chosen:
        options = [_label(r) for r in here]
        wider = [r for r in here if set(values) < set(r["covariates"])]
        need = (f"; pass the covariate {sorted(set(wider[0]['covariates']) - set(values))[0]!r}" if wider else "")
        raise ValueError(f"no fit for {benchmark!r} in setting {setting!r} with covariates {sorted(values) or 'none'}"
                         f"{need}; available: {options}")
    r = chosen[0]
    p = predict_from_json(r, _check_score(score, r), level, **values)
    v = r.get("validation") or {}
    return Prediction(benchmark, setting, tuple(r["covariates"]), p["estimate_b"], p["low_b"], p["high_b"], level,
                      p["extrapolated"], int(r["n"]), _label(r), v.get("n_lineages"), v.get("r2_grouped_kfold"),
                      v.get("coverage_grouped_kfold"))


# --- validation ----------------------------------------------------------------------------------

HELDOUT = ["model_id", "fold", "truth_log10", "pred_log10", "low_log10", "high_log10"]

# Trailing name parts that mark a variant of one network, not another network: the same-size,
# same-stem link of :func:`derive_lineages` ignores them.
_VARIANT_TAIL = (r"-(?:instruct|chat|it|base|hf|sft|dpo|rlhf|preview|turbo|exp|fp8|bf16|awq|gptq|gguf|v\d+(?:\.\d+)*"
                 r"|\d{4}(?:-?\d{2}(?:-?\d{2})?)?)$")


def name_stem(model_id: str) -> str:
    """The model id's last part, lower-cased, without trailing variant words and dates
    ("qwen/qwen2.5-7b-instruct" -> "qwen2.5-7b", "x/model-v3-0324" -> "model")."""
    import re

    stem = str(model_id).split("/")[-1].lower()
    while True:
        shorter = re.sub(_VARIANT_TAIL, "", stem)
        if shorter == stem or not shorter:
            return stem
        stem = shorter


def derive_lineages(models: pd.DataFrame) -> pd.Series:
    """Each model's lineage, derived until ``models.csv`` carries a ``lineage`` column: the
    connected components of the links family (same non-blank family), base model (a model
    and its ``base_model_id``) and same size with the same name stem (:func:`name_stem`, equal
    ``total_params_b``), and a ``lineage`` already given to some rows (a link like family). A
    lineage is named by its first given lineage, else its alphabetically first model id.
    Index and order follow ``models``."""
    if "model_id" not in models.columns:
        raise ValueError("deriving lineages needs the column 'model_id'")
    models = models.assign(**{c: models[c] if c in models.columns else np.nan
                              for c in ("family", "base_model_id", "total_params_b")})  # an absent link column links nothing
    ids = models["model_id"].astype(str)
    base = models["base_model_id"].where(~_blank(models["base_model_id"])).astype("string")
    nodes = pd.Index(sorted(set(ids) | set(base.dropna())))
    pos = {m: i for i, m in enumerate(nodes)}
    links = [(pos[a], pos[b]) for a, b in zip(ids, base) if not pd.isna(b)]
    fam = models["family"].where(~_blank(models["family"]))
    given = models["lineage"].where(~_blank(models["lineage"])) if "lineage" in models.columns else pd.Series(np.nan, index=models.index, dtype=object)
    size = pd.to_numeric(models["total_params_b"], errors="coerce").round(3)
    stem_size = pd.Series([f"{name_stem(m)}@{v}" if not math.isnan(v) else None for m, v in zip(ids, size)], index=models.index)
    for key in (fam, stem_size, given):
        for _, members in ids[key.notna()].groupby(key[key.notna()]):
            first = pos[members.iloc[0]]
            links += [(first, pos[m]) for m in members.iloc[1:]]
    a = np.array([x for x, _ in links] + list(range(len(nodes))), dtype=int)
    b = np.array([y for _, y in links] + list(range(len(nodes))), dtype=int)
    graph = sparse.coo_matrix((np.ones(len(a)), (a, b)), shape=(len(nodes), len(nodes)))
    _, comp = connected_components(graph, directed=False)
    first = pd.Series(nodes, index=nodes).groupby(comp).min()  # the component's name: its first model id ...
    member = comp[[pos[m] for m in ids]]
    named = given.groupby(member).min().dropna()  # ... or its first given lineage
    first.loc[named.index] = named
    return pd.Series(first.loc[member].to_numpy(), index=models.index, name="lineage")


def lineages(frame: pd.DataFrame, column: str = "lineage") -> pd.Series:
    """The groups validation keeps apart: ``frame[column]`` where given, else (blank or absent)
    the lineage :func:`derive_lineages` finds within ``frame``."""
    have = (frame[column].where(~_blank(frame[column])).astype(object) if column in frame.columns
            else pd.Series(np.nan, index=frame.index, dtype=object))
    if have.notna().all():
        return have.astype(str)
    return have.fillna(derive_lineages(frame).astype(object)).astype(str)


def _design(d: pd.DataFrame, spec: Spec) -> np.ndarray:
    """:func:`_exog` as an array, for the folds."""
    return _exog(d, spec.columns).to_numpy(float)


def _fold(x, y, train, test, level) -> tuple | None:
    """OLS (statsmodels, on arrays: no formula parsing per fold) on ``train``, predictions and
    ``level`` prediction intervals on ``test``; None when ``train`` is too small. The interval
    is statsmodels' own ``obs_ci`` (mean +- t * sqrt(x'Cx + scale)), computed from the fitted
    result in one vectorised step instead of a summary frame per fold."""
    if len(train) < MIN_MODELS or not len(test):
        return None
    mean, low, high = _interval(*_ols(x[train], y[train]), x[test], level)
    return test, mean, low, high


def _interval(params, cov, scale: float, df_resid: float, x: np.ndarray, level: float) -> tuple[np.ndarray, ...]:
    """Estimates at the rows of ``x`` and their ``level`` prediction intervals: statsmodels'
    ``obs_ci`` (mean +- t * sqrt(x'Cx + scale)) in one vectorised step."""
    mean = x @ params
    half = _t_quantile(level, float(df_resid)) * np.sqrt(np.einsum("ij,jk,ik->i", x, cov, x) + scale)
    return mean, mean - half, mean + half


def _ols(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, float, float]:
    """What a fold needs of ``OLS(y, x).fit()``: the parameters, ``cov_params()``, the
    scale and the residual degrees of freedom, computed by statsmodels' own steps in its order
    (its pseudo-inverse, ``pinv pinv'``, the rank of the singular values, ``pinv y``, the
    residuals' ``e'e / df``), so the numbers are the same to the last bit, without building a
    model, its data checks and a results object for each of the thousands of folds. A test
    compares it with statsmodels, rank-deficient designs included (same warning)."""
    pinv, singular = pinv_extended(x)
    normalized_cov = np.dot(pinv, np.transpose(pinv))
    rank = np.linalg.matrix_rank(np.diag(singular))
    if rank < x.shape[1]:
        warnings.warn("The design matrix is rank-deficient. The model parameters are not uniquely determined.",
                      SingularMatrixWarning, stacklevel=3)
    params = np.dot(pinv, y)
    resid = y - np.dot(x, params)
    df_resid = float(x.shape[0]) - rank
    scale = np.dot(resid, resid) / df_resid
    return params, normalized_cov * scale, scale, df_resid


@functools.lru_cache(maxsize=1024)
def _t_quantile(level: float, df: float) -> float:
    """The two-sided Student-t quantile of ``level`` (folds share a few training sizes)."""
    return float(stats.t.ppf(1 - (1 - level) / 2, df))


def splits(d: pd.DataFrame, scheme: str, groups: pd.Series | None = None, k: int = 5, repeats: int = 10, seed: int = 0,
           cutoff: str | None = None):
    """(fold name, train positions, test positions) of one scheme over the rows of ``d``.

    ``repeated_kfold``: ``RepeatedKFold`` over models; ``grouped_kfold``: ``GroupKFold`` with
    shuffled assignment of whole groups to folds, once per repeat (seeds ``seed``,
    ``seed + 1``, ...); ``leave_lineage_out``: ``LeaveOneGroupOut``; ``time_split``: one
    ``PredefinedSplit`` (train before ``cutoff``, test from it on; undated models in neither)."""
    if k < 2 or repeats < 1:
        raise ValueError(f"k={k}, repeats={repeats}: expected k >= 2 and repeats >= 1")
    if scheme == "repeated_kfold":
        return list(_model_splits(len(d), k, repeats, seed))
    if scheme in ("grouped_kfold", "leave_lineage_out"):
        if groups is None:
            raise ValueError(f"{scheme} needs groups")
        return list(_group_splits(scheme, tuple(np.asarray(groups, dtype=str)), k, repeats, seed))
    if scheme == "time_split":
        cut = _cutoff(cutoff)
        when = release_dates(d)
        test_fold = np.where(when >= cut, 0, -1)
        test_fold[when.isna().to_numpy()] = 1  # undated: a second test fold that is never used
        train = np.flatnonzero(test_fold == -1)
        if not (test_fold == 0).any():
            return [(f"before {cutoff}", train, np.array([], dtype=int))]
        tr, te = next(PredefinedSplit(test_fold).split())  # fold 0 (the later models) comes first
        return [(f"before {cutoff}", np.intersect1d(tr, train), te)]
    raise ValueError(f"unknown scheme {scheme!r}; known: {list(SCHEMES[:-1])}")


def _frozen(folds) -> tuple:
    for _, tr, te in folds:
        tr.flags.writeable = te.flags.writeable = False  # shared by every caller of the cache
    return tuple(folds)


@functools.lru_cache(maxsize=512)
def _model_splits(n: int, k: int, repeats: int, seed: int) -> tuple:
    """:func:`splits`' repeated K-fold over ``n`` models (specs with the same rows share it)."""
    if n < k:
        return ()
    gen = RepeatedKFold(n_splits=k, n_repeats=repeats, random_state=seed).split(np.zeros(n))
    return _frozen([(f"r{i // k}k{i % k}", tr, te) for i, (tr, te) in enumerate(gen)])


@functools.lru_cache(maxsize=512)
def _group_splits(scheme: str, g: tuple, k: int, repeats: int, seed: int) -> tuple:
    """:func:`splits`' folds over whole groups (``g``: each row's group), computed once for
    every spec whose rows have the same groups."""
    g, n = np.asarray(g, dtype=str), len(g)
    n_groups = len(set(g))
    if scheme == "leave_lineage_out":
        return _frozen([(str(g[te][0]), tr, te) for tr, te in LeaveOneGroupOut().split(np.zeros(n), groups=g)]) if n_groups > 1 else ()
    folds = min(k, n_groups)
    if folds < 2:
        return ()
    out = []
    for rep in range(repeats):
        gen = GroupKFold(n_splits=folds, shuffle=True, random_state=seed + rep).split(np.zeros(n), groups=g)
        out += [(f"r{rep}g{j}", tr, te) for j, (tr, te) in enumerate(gen)]
    return _frozen(out)


def _cutoff(cutoff) -> pd.Timestamp:
    try:
        return pd.Timestamp(pd.to_datetime(cutoff, format="%Y-%m-%d"))
    except (ValueError, TypeError):
        raise ValueError(f"cutoff {cutoff!r}: expected a date YYYY-MM-DD") from None


def _enough(d: pd.DataFrame, spec: Spec) -> pd.DataFrame:
    if len(d) < MIN_MODELS:
        raise ValueError(f"{spec.name}: {len(d)} model(s) with every value needed; "
                         f"at least {MIN_MODELS} are needed to validate a fit")
    return d.reset_index(drop=True)


def cross_validate(frame, spec: Spec, scheme: str, groups: str = "lineage", k: int = 5, repeats: int = 10, seed: int = 0,
                   cutoff: str | None = None, level: float = 0.90) -> pd.DataFrame:
    """The held-out predictions of one scheme (:func:`splits`), one row per model and fold.
    ``attrs`` counts the folds, the skipped ones (training part under ``MIN_MODELS``) and,
    for the time split, the models on each side and the undated ones."""
    _check_level(level)
    d = usable(frame, spec)
    return _cross_validate(d, len(frame) - len(d), spec, scheme, groups, k, repeats, seed, cutoff, level)


def _cross_validate(d, left_out: int, spec: Spec, scheme: str, groups: str, k: int, repeats: int, seed: int,
                    cutoff: str | None, level: float) -> pd.DataFrame:
    """:func:`cross_validate` on rows already through :func:`usable` (``left_out`` of the
    frame's rows had a blank), so that :func:`validate` checks a frame once for all schemes."""
    if scheme == "time_split":
        when = release_dates(d, f"fit input ({spec.name})")
        d = d.reset_index(drop=True)
    else:
        d = _enough(d, spec)
    g = lineages(d, groups) if scheme in ("grouped_kfold", "leave_lineage_out") else None
    folds = splits(d, scheme, g, k, repeats, seed, cutoff)
    x, y = _design(d, spec), d[RESPONSE].to_numpy(float)
    parts, names = [], []
    for name, tr, te in folds:
        r = _fold(x, y, tr, te, level)
        if r is not None:
            parts.append(r)
            names.append(name)
    notes = {"folds": len(folds), "skipped_folds": len(folds) - len(parts), "left_out": left_out}
    if parts:
        idx = np.concatenate([p[0] for p in parts])
        out = pd.DataFrame({"model_id": d["model_id"].to_numpy()[idx],
                            "fold": np.repeat(names, [len(p[0]) for p in parts]),
                            "truth_log10": y[idx], "pred_log10": np.concatenate([p[1] for p in parts]),
                            "low_log10": np.concatenate([p[2] for p in parts]),
                            "high_log10": np.concatenate([p[3] for p in parts])})
    else:
        out = pd.DataFrame(columns=HELDOUT)
    if scheme == "time_split":
        n_train = int((when < _cutoff(cutoff)).sum())
        n_test = int((when >= _cutoff(cutoff)).sum())
        notes.update({"undated": int(when.isna().sum()), "n_train": n_train, "n_test": n_test})
        if n_train < MIN_MODELS:
            notes["status"] = f"not fitted: {n_train} model(s) released before {cutoff}, fewer than {MIN_MODELS}"
        elif not n_test:
            notes["status"] = f"not fitted: no model released on or after {cutoff}"
        else:
            notes["status"] = f"fitted on {n_train} model(s) before {cutoff}, tested on {n_test}"
    else:
        notes["status"] = (f"fitted {len(parts)} of {len(folds)} fold(s)" if parts else
                           f"not fitted: every fold's training part has fewer than {MIN_MODELS} models")
    if g is not None:
        notes["groups"] = int(g.nunique())
    out.attrs.update(notes)
    return out


def cv_repeated_kfold(frame, spec: Spec, k: int = 5, repeats: int = 10, seed: int = 0, level: float = 0.90) -> pd.DataFrame:
    """Random K-fold over models, repeated (``RepeatedKFold``); folds named ``r{repeat}k{fold}``."""
    return cross_validate(frame, spec, "repeated_kfold", k=k, repeats=repeats, seed=seed, level=level)


def cv_grouped_kfold(frame, spec: Spec, groups: str = "lineage", k: int = 5, repeats: int = 10, seed: int = 0,
                     level: float = 0.90) -> pd.DataFrame:
    """K-fold over whole lineages (``GroupKFold``, shuffled), repeated; folds ``r{repeat}g{fold}``."""
    return cross_validate(frame, spec, "grouped_kfold", groups, k=k, repeats=repeats, seed=seed, level=level)


def cv_leave_lineage_out(frame, spec: Spec, groups: str = "lineage", level: float = 0.90) -> pd.DataFrame:
    """Each lineage held out in turn (``LeaveOneGroupOut``); the fold is the lineage."""
    return cross_validate(frame, spec, "leave_lineage_out", groups, level=level)


def cv_time_split(frame, spec: Spec, cutoff: str, level: float = 0.90) -> pd.DataFrame:
    """Fit on the models released before ``cutoff`` (YYYY-MM-DD), test on the rest. Models
    without a date take no part (``attrs['undated']``); with too few to train on or none to
    test, the frame is empty and ``attrs['status']`` says why."""
    _cutoff(cutoff)
    return cross_validate(frame, spec, "time_split", cutoff=cutoff, level=level)


def external_test(frame, external, spec: Spec, level: float = 0.90) -> pd.DataFrame:
    """Fit on ``frame`` and predict ``external`` (models never trained on, e.g. closed models
    whose makers published their size). An external model also in the training frame raises;
    ``attrs['nobs']`` is the fit's number of observations, equal to the usable training rows."""
    _check_level(level)
    d = usable(frame, spec)
    ext = usable(external, spec) if len(external) else pd.DataFrame(columns=[*d.columns])
    both = sorted(set(d["model_id"]) & set(ext["model_id"]))
    if both:
        raise ValueError(f"{spec.name}: {both[0]!r} is both a training model and an external test model")
    if len(d) < MIN_MODELS or not len(ext):
        out = pd.DataFrame(columns=HELDOUT)
        out.attrs.update({"nobs": 0, "status": f"not tested: {len(d)} training and {len(ext)} external model(s)"})
        return out
    d, ext = d.reset_index(drop=True), ext.reset_index(drop=True)
    x, y = np.vstack([_design(d, spec), _design(ext, spec)]), np.concatenate([d[RESPONSE], ext[RESPONSE]]).astype(float)
    result = OLS(y[:len(d)], x[:len(d)]).fit()  # the training rows only
    sf = result.get_prediction(x[len(d):]).summary_frame(alpha=1 - level)
    out = pd.DataFrame({"model_id": ext["model_id"].to_numpy(), "fold": "external", "truth_log10": y[len(d):],
                        "pred_log10": sf["mean"].to_numpy(), "low_log10": sf["obs_ci_lower"].to_numpy(),
                        "high_log10": sf["obs_ci_upper"].to_numpy()})
    out.attrs.update({"nobs": int(result.nobs), "status": f"fitted on {int(result.nobs)}, tested on {len(ext)}"})
    return out


def release_dates(d: pd.DataFrame, where: str = "fit input") -> pd.Series:
    """``release_date`` parsed (NaT where blank); a date not written YYYY-MM-DD raises DataError."""
    if "release_date" not in d.columns:
        raise ValueError("the time split and release_years need a 'release_date' column")
    raw = d["release_date"]
    blank = _blank(raw)
    when = pd.to_datetime(raw.where(~blank), format="%Y-%m-%d", errors="coerce")
    bad = when.isna() & ~blank
    if bad.any():
        i = bad.idxmax()
        raise DataError(where, d.at[i, "model_id"], "release_date", raw[i], "a date YYYY-MM-DD")
    return when


def _arrays(heldout: pd.DataFrame) -> tuple[np.ndarray, ...]:
    """Truth, prediction and interval ends (log10) of held-out rows, as arrays."""
    return tuple(heldout[c].to_numpy(float) for c in ("truth_log10", "pred_log10", "low_log10", "high_log10"))


def _scores(t: np.ndarray, p: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> dict:
    n = len(t)
    if n == 0:
        return {"n": 0, "r2": math.nan, "mae_log10": math.nan, "rmse_log10": math.nan, "bias_log10": math.nan,
                "mae_b": math.nan, "rmse_b": math.nan, "median_abs_error_b": math.nan, "coverage": math.nan}
    err = p - t
    sst = float(((t - t.mean()) ** 2).sum())
    err_b = 10 ** p - 10 ** t
    inside = (lo <= t) & (t <= hi)
    return {"n": n, "r2": 1 - float((err ** 2).sum()) / sst if sst > 0 else math.nan,
            "mae_log10": float(np.abs(err).mean()), "rmse_log10": float(np.sqrt((err ** 2).mean())),
            "bias_log10": float(err.mean()), "mae_b": float(np.abs(err_b).mean()), "rmse_b": float(np.sqrt((err_b ** 2).mean())),
            "median_abs_error_b": float(np.median(np.abs(err_b))), "coverage": float(inside.mean())}


def metrics(heldout: pd.DataFrame) -> dict:
    """Out-of-sample R² (1 - SSE/SST, SST around the held-out truths' mean, log10), MAE and RMSE
    in log10 and in billions, the mean signed error in log10 (``bias_log10``, > 0: too large), the median absolute error in billions, the share of truths
    inside [low, high]; and per size bin of the true total (:data:`SIZE_BINS`) the number of
    predictions, their coverage and their MAE in log10."""
    cols = _arrays(heldout)
    out = _scores(*cols)
    truth_b = 10 ** cols[0]
    for name, lo, hi in SIZE_BINS:
        inside = (truth_b >= lo) & (truth_b < hi)
        b = _scores(*(c[inside] for c in cols))
        out.update({f"n_{name}": b["n"], f"coverage_{name}": b["coverage"], f"mae_log10_{name}": b["mae_log10"]})
    return out


def per_repeat_r2(heldout: pd.DataFrame) -> np.ndarray:
    """The R² of each repeat of a repeated K-fold (folds named ``r{repeat}...``), repeats in
    the order of their names as text."""
    if not len(heldout):
        return np.array([])
    rep = heldout["fold"].astype(str).str.extract(r"^r(\d+)", expand=False).to_numpy(dtype=object)
    cols = _arrays(heldout)
    return np.array([_scores(*(c[rep == r] for c in cols))["r2"] for r in sorted({r for r in rep if isinstance(r, str)})],
                    dtype=float)


def repeat_se(heldout: pd.DataFrame) -> float:
    """Monte Carlo standard error of the R² averaged over K-fold repeats: the spread of the
    per-repeat R² (folds named ``r{repeat}...``) over the square root of the repeats. It says
    whether more repeats would change the quoted R²; NaN with fewer than two repeats."""
    per = per_repeat_r2(heldout)
    return float(np.std(per, ddof=1) / math.sqrt(len(per))) if len(per) > 1 else math.nan


def validate(frame, spec: Spec, groups: str = "lineage", cutoff: str | None = None, external=None, k: int = 5,
             repeats: int = 10, seed: int = 0, level: float = 0.90, schemes=SCHEMES) -> pd.DataFrame:
    """One row per validation scheme (of ``schemes``; the time split only with a ``cutoff``,
    the external set only with ``external``) with the spec, ``n_models`` and ``n_lineages``
    usable, :func:`metrics` and, for the K-folds, :func:`repeat_se`; ``attrs['notes']`` keeps
    each scheme's fold counts and status."""
    d = usable(frame, spec)
    n_models, n_lineages = len(d), int(lineages(d, groups).nunique()) if len(d) else 0
    rows, notes = [], {}
    for scheme in schemes:
        if scheme == "time_split" and cutoff is None or scheme == "external" and external is None:
            continue
        if scheme == "external":
            held = external_test(frame, external, spec, level)
        else:
            _check_level(level)
            held = _cross_validate(d, len(frame) - len(d), spec, scheme, groups, k, repeats, seed, cutoff, level)
        rows.append({"spec": spec.name, "benchmark": spec.benchmark, "setting": spec.setting,
                     "covariates": " + ".join(spec.covariates) or "score alone", "scheme": scheme,
                     "n_models": n_models, "n_lineages": n_lineages, **metrics(held),
                     "r2_repeat_se": repeat_se(held) if scheme in ("repeated_kfold", "grouped_kfold") else math.nan})
        notes[scheme] = dict(held.attrs)
    out = pd.DataFrame(rows)
    out.attrs["notes"] = notes
    return out


def evaluate(frame, spec: Spec, cutoff: str, seed: int = 0, k: int = 5, repeats: int = 10, external=None,
             groups: str = "lineage") -> pd.DataFrame:
    """:func:`validate` with the time split at ``cutoff`` (kept for the notebooks' call)."""
    return validate(frame, spec, groups, cutoff, external, k, repeats, seed)
