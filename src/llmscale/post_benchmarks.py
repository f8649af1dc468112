"""10_post_benchmarks: the post "Predicting LLM Parameters Using Benchmarks" (January 2026)
side by side with this project, on the post's own benchmarks.

Three things are compared for each benchmark and covariate set:

- the post's **published** numbers (``data/raw/curated/post_published.csv``: each value with
  the post's URL and the quoted table row it comes from);
- the post's **procedure** re-run on our data: MinMax scaling, then
  ``LinearRegression(positive=True)`` on log10 total parameters, scored by
  ``ShuffleSplit(n_splits=5, test_size=5, random_state=7)`` (R² in log10, MAE and RMSE in
  parameters, each the mean over the five splits), and the spread of that R² when only the
  random state changes;
- **our procedure**: OLS with prediction intervals (:mod:`llmscale.fit`), validated with
  whole lineages held out and with whole sets of weights held out.

Why the post's "+ active ratio" rows equal its "alone" rows digit for digit: with
``positive=True`` a coefficient whose least-squares sign is negative is set to zero, and
the active:total ratio falls as models grow (larger models are sparser), so its
coefficient is negative and clipped; with it at zero the fit *is* the score-alone fit.
:func:`clipping` shows it on any table by fitting both ways.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import DataError
from .io import read_table

POST_URL = "https://aimlbling-about.ninerealmlabs.com/blog/benchmarks-predict-model-size"
PUBLISHED_FILE = "post_published.csv"
PUBLISHED_COLUMNS = ("kind", "post_spec", "benchmark", "covariates", "model", "quantity", "published", "citation_url",
                     "source_url", "evidence")
KINDS = {"metric": ("r2_mean", "mae_mean", "rmse_mean"), "estimate": ("total_params",)}
POST_COVARIATES = ("score alone", "active_ratio", "price")

# The post's validation, as published: five random splits of five test models each.
POST_SPLITS, POST_TEST_SIZE, POST_RANDOM_STATE = 5, 5, 7


# --- the post's published numbers -----------------------------------------------------------------


def _value(text: str, quantity: str) -> float:
    """A published number in the table's unit: R² as is, parameter counts in billions
    ("1.53968e+11" is a raw count, "1254.02T" and "847.29B" carry a suffix)."""
    from .units import parse_params

    s = str(text).strip()
    if quantity == "r2_mean":
        return float(s)
    if s[-1:].upper() in ("B", "T", "M"):
        return parse_params(s).value_b
    return float(s) / 1e9


def load_published(path) -> pd.DataFrame:
    """The post's published numbers, one per row, with ``value`` parsed (R², or billions of
    parameters). A row without the post's URL or a quotation, an unknown kind, quantity or
    covariate set, or a number that cannot be read raises a DataError naming the row."""
    path = Path(path)
    d = read_table(path, dtype=str)
    missing = [c for c in PUBLISHED_COLUMNS if c not in d.columns]
    if missing:
        raise DataError(path, 1, missing[0], None, f"the columns {list(PUBLISHED_COLUMNS)}")
    values = []
    for i, r in d.iterrows():
        row = i + 2
        if r["kind"] not in KINDS:
            raise DataError(path, row, "kind", r["kind"], f"one of {sorted(KINDS)}")
        if r["quantity"] not in KINDS[r["kind"]]:
            raise DataError(path, row, "quantity", r["quantity"], f"one of {list(KINDS[r['kind']])} for kind {r['kind']}")
        if r["covariates"] not in POST_COVARIATES:
            raise DataError(path, row, "covariates", r["covariates"], f"one of {list(POST_COVARIATES)}")
        if r["citation_url"] != POST_URL:
            raise DataError(path, row, "citation_url", r["citation_url"], f"the post's URL {POST_URL}")
        if pd.isna(r["evidence"]) or str(r["published"]) not in str(r["evidence"]):
            raise DataError(path, row, "evidence", r["evidence"], "the quoted table row that holds the published value")
        try:
            values.append(_value(r["published"], r["quantity"]))
        except (ValueError, IndexError):
            raise DataError(path, row, "published", r["published"], "a number, or a count such as 847.29B or 1.2T") from None
    return d.assign(value=values)


def published_metrics(published: pd.DataFrame) -> pd.DataFrame:
    """One row per (benchmark, covariates) the post fitted: its R², MAE and RMSE (billions)."""
    m = published[published["kind"] == "metric"]
    wide = m.pivot_table(index=["post_spec", "benchmark", "covariates"], columns="quantity", values="value", aggfunc="first")
    wide = wide.rename(columns={"r2_mean": "published_r2", "mae_mean": "published_mae_b", "rmse_mean": "published_rmse_b"})
    return wide.reset_index().rename_axis(columns=None)


def published_active_equals_alone(published: pd.DataFrame) -> pd.DataFrame:
    """For each benchmark with both, whether the post's "+active" row repeats its "alone" row
    exactly (every published digit of R², MAE and RMSE)."""
    m = published[published["kind"] == "metric"]
    rows = []
    for bench, g in m.groupby("benchmark", sort=True):
        alone = g[g["covariates"] == "score alone"].set_index("quantity")["published"]
        active = g[g["covariates"] == "active_ratio"].set_index("quantity")["published"]
        if len(alone) and len(active):
            rows.append({"benchmark": bench, "published_active_equals_alone": bool(alone.sort_index().equals(active.sort_index()))})
    return pd.DataFrame(rows, columns=["benchmark", "published_active_equals_alone"])


# --- the post's procedure ---------------------------------------------------------------------------


def post_regressor():
    """The post's model: MinMax-scaled inputs, least squares with every coefficient >= 0,
    fitted to log10 of the total (the caller passes log10 targets)."""
    from sklearn.linear_model import LinearRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import MinMaxScaler

    return make_pipeline(MinMaxScaler(), LinearRegression(positive=True))


def _matrix(frame: pd.DataFrame, columns) -> tuple[np.ndarray, np.ndarray]:
    d = frame.dropna(subset=[*columns, "total_params_b"])
    return d[list(columns)].to_numpy(float), np.log10(d["total_params_b"].to_numpy(float))


def post_cv(frame: pd.DataFrame, columns, random_state: int = POST_RANDOM_STATE, n_splits: int = POST_SPLITS,
            test_size: int = POST_TEST_SIZE) -> dict:
    """The post's validation on ``frame`` (rows with every column and a total): the mean over
    ``n_splits`` random splits of R² (log10 totals), MAE and RMSE (billions, on the raw
    counts). Fewer rows than ``test_size + 2`` give NaN, as the post skipped such specs."""
    from sklearn.metrics import mean_absolute_error, r2_score, root_mean_squared_error
    from sklearn.model_selection import ShuffleSplit

    x, y = _matrix(frame, columns)
    out = {"n_models": len(y), "post_r2": math.nan, "post_mae_b": math.nan, "post_rmse_b": math.nan}
    if len(y) < test_size + 2:
        return out
    r2, mae, rmse = [], [], []
    for train, test in ShuffleSplit(n_splits=n_splits, test_size=test_size, random_state=random_state).split(x):
        pred = post_regressor().fit(x[train], y[train]).predict(x[test])
        r2.append(r2_score(y[test], pred))
        mae.append(mean_absolute_error(10 ** y[test], 10 ** pred))
        rmse.append(root_mean_squared_error(10 ** y[test], 10 ** pred))
    out.update(post_r2=float(np.mean(r2)), post_mae_b=float(np.mean(mae)), post_rmse_b=float(np.mean(rmse)))
    return out


def post_r2_spread(frame: pd.DataFrame, columns, n_states: int = 500, level: float = 0.95) -> dict:
    """How much the post's R² moves when only the split's random state does: its median and
    central ``level`` range over random states 0 .. n_states-1 (each the mean of five splits)."""
    r2 = np.array([post_cv(frame, columns, random_state=s)["post_r2"] for s in range(n_states)], dtype=float)
    r2 = r2[np.isfinite(r2)]
    if not len(r2):
        return {"n_states": 0, "post_r2_median": math.nan, "post_r2_low": math.nan, "post_r2_high": math.nan}
    lo, hi = np.quantile(r2, [(1 - level) / 2, 1 - (1 - level) / 2])
    return {"n_states": len(r2), "post_r2_median": float(np.median(r2)), "post_r2_low": float(lo), "post_r2_high": float(hi)}


def clipping(frame: pd.DataFrame, covariate: str = "active_ratio") -> dict:
    """Fit the score + ``covariate`` on the rows that have both, by ordinary least squares and
    by the post's positive least squares (same MinMax scaling): each fit's coefficients, and
    whether the positive fit's predictions equal the score-alone positive fit's on those rows."""
    from sklearn.linear_model import LinearRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import MinMaxScaler

    x, y = _matrix(frame, ["score", covariate])
    out = {"n_models": len(y), "score_coef_ols": math.nan, f"{covariate}_coef_ols": math.nan,
           "score_coef_positive": math.nan, f"{covariate}_coef_positive": math.nan, "positive_equals_alone": None}
    if len(y) < 3:
        return out
    ols = make_pipeline(MinMaxScaler(), LinearRegression()).fit(x, y)
    pos = post_regressor().fit(x, y)
    alone = post_regressor().fit(x[:, :1], y)
    same = bool(np.allclose(pos.predict(x), alone.predict(x[:, :1]), rtol=0, atol=1e-9))
    c_ols, c_pos = ols[-1].coef_, pos[-1].coef_
    out.update({"score_coef_ols": float(c_ols[0]), f"{covariate}_coef_ols": float(c_ols[1]),
                "score_coef_positive": float(c_pos[0]), f"{covariate}_coef_positive": float(c_pos[1]),
                "positive_equals_alone": same})
    return out
