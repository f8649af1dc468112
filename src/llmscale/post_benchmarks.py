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

import functools
import math
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import DataError
from .io import read_table

POST_URL = "https://aimlbling-about.ninerealmlabs.com/blog/benchmarks-predict-model-size"
PUBLISHED_FILE = "post_published.csv"
PUBLISHED_COLUMNS = ("kind", "post_spec", "benchmark", "covariates", "model", "model_id", "quantity", "published", "citation_url",
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


def _positive_fit_predict(x_train: np.ndarray, y_train: np.ndarray, x_test: np.ndarray) -> np.ndarray:
    """:func:`post_regressor` fitted on the training rows, its predictions for the test rows
    (see :func:`_positive_fits`, which computes them for many splits at once). A test checks
    it against the scikit-learn pipeline."""
    x = np.vstack([x_train, x_test])
    y = np.concatenate([y_train, np.zeros(len(x_test))])  # test rows' targets are never used
    return _positive_fits(x, y, np.arange(len(x_train), len(x))[None])[0]


def _positive_fits(x: np.ndarray, y: np.ndarray, test: np.ndarray) -> np.ndarray:
    """:func:`post_regressor` fitted once per split on every row but the split's test rows,
    its predictions for them: ``x`` (rows, columns), ``y`` (rows), ``test`` (splits, test
    rows) positions; returns (splits, test rows).

    The post's MinMax scaling does not change these predictions (scaling a column by a
    positive factor scales its non-negative coefficient inversely, and the shift goes into the
    intercept), so the fit is non-negative least squares on the training rows' centred inputs,
    the intercept from their means, as ``LinearRegression(positive=True)`` fits it. Each
    split's sums are the sums over all rows minus those over its few test rows (the inputs
    centred on all rows first, so that the subtraction loses no precision that matters), so a
    split costs its test rows, not its training rows. Non-negative least squares is convex and
    its solution is the least-squares fit on the columns it keeps, so it is found exactly by
    fitting every subset of the columns (the post has one or two) and keeping the feasible fit
    (every coefficient >= 0) of least squared error; a subset of linearly dependent columns is
    left to its smaller subsets, which reach the same fit."""
    from itertools import combinations

    x0, y0 = x.mean(axis=0), y.mean()
    xc, yc = x - x0, y - y0
    n_tr = len(y) - test.shape[1]
    xt, yt = xc[test], yc[test]  # (splits, test rows, columns), (splits, test rows)
    mx = (xc.sum(axis=0) - xt.sum(axis=1)) / n_tr
    my = (yc.sum() - yt.sum(axis=1)) / n_tr
    gram = xc.T @ xc - np.einsum("stp,stq->spq", xt, xt) - n_tr * mx[:, :, None] * mx[:, None, :]
    cross = xc.T @ yc - np.einsum("stp,st->sp", xt, yt) - n_tr * mx * my[:, None]
    total = yc @ yc - np.einsum("st,st->s", yt, yt) - n_tr * my ** 2
    n_splits, n_cols = mx.shape
    spread = np.maximum(np.diag(xc.T @ xc), np.finfo(float).tiny)
    coef, best = np.zeros((n_splits, n_cols)), total  # the empty fit: every coefficient 0
    for k in range(1, n_cols + 1):
        for cols in map(list, combinations(range(n_cols), k)):
            g = gram[:, cols][:, :, cols]
            ok = np.linalg.det(g) > 1e-10 * np.prod(spread[cols])  # dependent columns: their subsets fit as well
            c = np.linalg.solve(np.where(ok[:, None, None], g, np.eye(k)), cross[:, cols][..., None])[..., 0]
            sse = total - 2 * np.einsum("sp,sp->s", c, cross[:, cols]) + np.einsum("sp,spq,sq->s", c, g, c)
            take = ok & (c >= 0).all(axis=1) & (sse < best)
            best = np.where(take, sse, best)
            full = np.zeros_like(coef)
            full[:, cols] = c
            coef = np.where(take[:, None], full, coef)
    return y0 + my[:, None] + np.einsum("stp,sp->st", xt - mx[:, None, :], coef)


def _shuffle_splits(n: int, state: int, n_splits: int = POST_SPLITS, test_size: int = POST_TEST_SIZE,
                    rng: np.random.RandomState | None = None) -> list:
    """``ShuffleSplit(n_splits, test_size=test_size, random_state=state).split`` of ``n`` rows
    as a list of (train, test) positions, drawn as scikit-learn draws them. ``rng``: a
    generator to reseed with ``state`` (the same stream as ``RandomState(state)``, without the
    cost of making one for each state)."""
    rng = np.random.RandomState() if rng is None else rng
    rng.seed(state)
    out = []
    for _ in range(n_splits):
        perm = rng.permutation(n)
        out.append((perm[test_size:], perm[:test_size]))
    return out


@functools.lru_cache(maxsize=64)
def _permutations(n: int, n_states: int, n_splits: int) -> np.ndarray:
    """The row permutations of ``ShuffleSplit``'s states 0 .. n_states-1 over ``n`` rows, shape
    (n_states, n_splits, n): they depend on the number of rows alone, so specs of the same size
    share them (drawn once, not once per spec). Read-only."""
    out = np.empty((n_states, n_splits, n), dtype=np.intp)
    rng = np.random.RandomState()
    for state in range(n_states):
        for i, (train, test) in enumerate(_shuffle_splits(n, state, n_splits, test_size=0, rng=rng)):
            out[state, i] = train
    out.flags.writeable = False
    return out


def post_r2_spread(frame: pd.DataFrame, columns, n_states: int = 500, level: float = 0.95) -> dict:
    """How much the post's R² moves when only the split's random state does: its median and
    central ``level`` range over random states 0 .. n_states-1 (each the mean R² of the five
    ``ShuffleSplit`` splits of that state, as :func:`post_cv` computes it). The splits are
    ``ShuffleSplit``'s own, drawn without its per-state overhead: a ``RandomState(state)``
    permuting the rows once per split, the first ``POST_TEST_SIZE`` positions the test rows
    and the rest the training rows (a test checks them against scikit-learn's), drawn once
    for all specs with the same number of rows (:func:`_permutations`)."""
    x, y = _matrix(frame, columns)
    none = {"n_states": 0, "post_r2_median": math.nan, "post_r2_low": math.nan, "post_r2_high": math.nan}
    if len(y) < POST_TEST_SIZE + 2 or n_states < 1:
        return none
    perms = _permutations(len(y), n_states, POST_SPLITS).reshape(n_states * POST_SPLITS, len(y))
    test = perms[:, :POST_TEST_SIZE]
    truth = y[test]
    pred = _positive_fits(x, y, test)
    sse = ((truth - pred) ** 2).sum(axis=1)
    sst = ((truth - truth.mean(axis=1, keepdims=True)) ** 2).sum(axis=1)
    # sklearn.metrics.r2_score's formula, constant truths too (1 if predicted exactly, else 0)
    split_r2 = np.where(sst > 0, 1.0 - sse / np.where(sst > 0, sst, 1.0), np.where(sse == 0, 1.0, 0.0))
    r2 = split_r2.reshape(n_states, POST_SPLITS).mean(axis=1)
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


# --- our data, one spec at a time ---------------------------------------------------------------------

AA_HARNESS = "artificial-analysis"
POOLED = "every reasoning setting"
_REASONING = r", (?:non-)?reasoning(?: \([^)]*\))?"


def frames(processed_dir, benchmarks, harness: str | None = AA_HARNESS) -> pd.DataFrame:
    """One row per (model, benchmark, setting) of ``harness`` (see
    :func:`llmscale.predict_params.frames`, which gives each its ``lineage``), with
    ``weights_id`` (the set of weights: the model id) and ``base_setting`` (the setting
    without its reasoning mode, which :func:`pooled_reasoning` pools over)."""
    from . import predict_params as pp

    d = pp.frames(processed_dir, benchmarks, harness)
    d["weights_id"] = d["model_id"]
    d["base_setting"] = d["setting"].str.replace(_REASONING, "", regex=True)
    return d


def pooled_reasoning(data: pd.DataFrame, benchmark: str, base_setting: str) -> pd.DataFrame:
    """Every reasoning setting of one benchmark and base setting as one frame, a row per (set of
    weights, setting): ``model_id`` becomes the row's key ("<model id> @ <setting>"), and
    ``weights_id`` keeps the weights, so that validation can hold all rows of one set of
    weights out together. The setting reads "<base setting>, every reasoning setting"."""
    d = data[(data["benchmark"] == benchmark) & (data["base_setting"] == base_setting)].copy()
    d["model_id"] = d["weights_id"] + " @ " + d["setting"]
    d["setting"] = f"{base_setting}, {POOLED}"
    return d.reset_index(drop=True)


def spec_frames(data: pd.DataFrame, min_models: int, covariates=(("log10_price",), ("active_ratio",))):
    """(spec, training frame) for every benchmark and setting with at least ``min_models``
    labelled open models (alone and with each covariate, as :func:`llmscale.predict_params.specs`
    picks them), and, where a benchmark has several reasoning settings, the pooled frame of
    all of them (:func:`pooled_reasoning`) when its rows come from at least ``min_models`` sets of weights."""
    from . import predict_params as pp

    out = [(sp, pp.train(data, sp)) for sp in pp.specs(data, min_models, covariates)]
    lab = data[data["label"]]
    for (bench, base), g in lab.groupby(["benchmark", "base_setting"], sort=True):
        if g["setting"].nunique() < 2 or g["weights_id"].nunique() < min_models:
            continue
        frame = pooled_reasoning(data, bench, base)
        for sp in pp.specs(frame, min_models, covariates):
            out.append((sp, pp.train(frame, sp)))
    return out


def _cv(frame: pd.DataFrame, spec, groups: str, k: int, repeats: int, seed: int) -> pd.DataFrame:
    """Held-out predictions of a K-fold over whole groups (``groups``: a column naming them),
    repeated with shuffled group assignments (:func:`llmscale.fit.cv_grouped_kfold`)."""
    from . import fit

    return fit.cv_grouped_kfold(frame, spec, groups=groups, k=k, repeats=repeats, seed=seed)


OUR_SCHEMES = {"lineage": "lineage", "weights": "weights_id"}


def our_validation(frame: pd.DataFrame, spec, k: int = 5, repeats: int = 10, seed: int = 0) -> dict:
    """The project's validation of one spec: grouped K-fold with whole lineages held out, and
    with whole sets of weights held out (every row and setting of one set of weights in one
    fold); for each, R², MAE (log10), 90 % interval coverage and the range of R² over the
    repeats (2.5 % and 97.5 % quantiles)."""
    from . import fit

    used = fit.usable(frame, spec)  # checked once, for both schemes (:func:`_cv` on these rows)
    out = {"n_weights": int(used["weights_id"].nunique()), "n_lineages": int(used["lineage"].nunique())}
    for name, col in OUR_SCHEMES.items():
        held = fit._cross_validate(used, len(frame) - len(used), spec, "grouped_kfold", col, k, repeats, seed, None, 0.90)
        m = fit.metrics(held)
        out[f"{name}_coverage_over_100b"] = m["coverage_over_100b"]
        reps = fit.per_repeat_r2(held)
        reps = reps[np.isfinite(reps)]
        lo, hi = np.quantile(reps, [0.025, 0.975]) if len(reps) else (math.nan, math.nan)
        out.update({f"{name}_r2": m["r2"], f"{name}_r2_low": float(lo), f"{name}_r2_high": float(hi),
                    f"{name}_mae_log10": m["mae_log10"], f"{name}_coverage": m["coverage"]})
    return out


def _post_frame(frame: pd.DataFrame, spec) -> pd.DataFrame:
    """The rows the post's procedure sees: one per set of weights; a pooled frame keeps each
    set of weights' best score over its settings, as the post did ("optimistic" unification)."""
    if spec.setting.endswith(POOLED):
        frame = frame.sort_values(["weights_id", "score"], ascending=[True, False], kind="mergesort")
        return frame.drop_duplicates("weights_id")
    return frame


SIDE_COLUMNS = [
    "benchmark", "setting", "covariates", "harness", "n_models", "n_weights", "n_lineages",
    "published_r2", "published_mae_b", "published_rmse_b", "post_spec",
    "post_r2", "post_mae_b", "post_rmse_b", "n_states", "post_r2_median", "post_r2_low", "post_r2_high",
    "lineage_r2", "lineage_r2_low", "lineage_r2_high", "lineage_mae_log10", "lineage_coverage", "lineage_coverage_over_100b",
    "weights_r2", "weights_r2_low", "weights_r2_high", "weights_mae_log10", "weights_coverage", "weights_coverage_over_100b",
    "active_ratio_coef_ols", "active_ratio_coef_positive", "positive_equals_alone", "published_active_equals_alone",
]


def _covariate_key(spec) -> str:
    return " + ".join(spec.covariates) or "score alone"


def side_by_side(pairs, published: pd.DataFrame, harness: str = AA_HARNESS, n_states: int = 500, k: int = 5,
                 repeats: int = 10, seed: int = 0) -> pd.DataFrame:
    """One row per (benchmark, setting, covariates): the post's published numbers (its price
    rows beside our log10-price rows), its procedure on our data with its R² spread over
    ``n_states`` random states, our validation, and for the "+ active_ratio" rows the
    coefficient clipping that makes the post's "+active" equal its "alone"."""
    pub = published_metrics(published).assign(covariates=lambda d: d["covariates"].replace({"price": "log10_price"}))
    same = published_active_equals_alone(published)
    if harness != AA_HARNESS:  # the post's numbers are AA's runs: beside other harnesses they would mislead
        pub, same = pub.iloc[0:0], same.iloc[0:0]
    rows = []
    for spec, frame in pairs:
        post_rows = _post_frame(frame, spec)
        row = {"benchmark": spec.benchmark, "setting": spec.setting, "covariates": _covariate_key(spec), "harness": harness,
               **post_cv(post_rows, spec.columns), **post_r2_spread(post_rows, spec.columns, n_states),
               **our_validation(frame, spec, k, repeats, seed)}
        if spec.covariates == ("active_ratio",):
            c = clipping(post_rows)
            row.update({k_: c[k_] for k_ in ("active_ratio_coef_ols", "active_ratio_coef_positive", "positive_equals_alone")})
        rows.append(row)
    ours = [c for c in SIDE_COLUMNS if c not in pub.columns or c in ("benchmark", "covariates")]
    out = pd.DataFrame(rows).reindex(columns=[c for c in ours if c != "published_active_equals_alone"])
    out = out.merge(pub, on=["benchmark", "covariates"], how="outer").merge(same, on="benchmark", how="left")
    out["harness"] = out["harness"].fillna(harness)
    return out[SIDE_COLUMNS].sort_values(["benchmark", "setting", "covariates"], na_position="first").reset_index(drop=True)


# --- closed models ------------------------------------------------------------------------------------

# The closed models the post sized: GPT-5.x, Gemini 3 Pro and Flash, Claude Opus, Sonnet and Haiku 4.5.
CLOSED_TARGETS = (r"gpt-5|gemini-3-(?:pro|flash)|claude-(?:opus|sonnet|haiku)-4[-.]5|claude-4[-.]5-(?:opus|sonnet|haiku)")
CLOSED_COLUMNS = ["benchmark", "setting", "covariates", "model_id", "name", "score", "estimate_b", "low_b", "high_b",
                  "extrapolated", "n_train", "n_lineages", "r2_grouped_kfold", "eligible", "why_not", "post_estimate_b",
                  "post_spec", "source", "source_row"]


def _universe(data: pd.DataFrame, spec) -> pd.DataFrame:
    """The rows a spec's setting covers, closed models included (pooled specs: all settings)."""
    if spec.setting.endswith(POOLED):
        return pooled_reasoning(data, spec.benchmark, spec.setting[: -len(POOLED) - 2])
    return data


def eligibility(side: pd.DataFrame, spec) -> dict:
    """May ``spec`` speak about a closed model, by the project's rule
    (:func:`llmscale.predict_params.closed_eligibility`: enough lineages and a lineage-CV R²
    high enough), read from its row of the side-by-side table."""
    from . import predict_params as pp

    r = side[(side["benchmark"] == spec.benchmark) & (side["setting"] == spec.setting)
             & (side["covariates"] == _covariate_key(spec))]
    r2, n_lin = (float(r["lineage_r2"].iloc[0]), int(r["n_lineages"].iloc[0])) if len(r) else (math.nan, 0)
    over = float(r["lineage_coverage_over_100b"].iloc[0]) if len(r) else math.nan
    if n_lin < pp.MIN_LINEAGES_CLOSED:
        why = f"{n_lin} lineages, fewer than {pp.MIN_LINEAGES_CLOSED}"
    elif not r2 >= pp.MIN_R2_CLOSED:
        why = f"lineage-CV R² {r2:.2f}, under {pp.MIN_R2_CLOSED}"
    else:
        why = ""
    return {"spec": spec.name, "eligible": not why, "why_not": why, "r2_grouped_kfold": r2, "coverage_over_100b": over,
            "n_lineages": n_lin}


def predict_closed(data: pd.DataFrame, pairs, side: pd.DataFrame, published: pd.DataFrame | None = None,
                   level: float = 0.90, targets: str = CLOSED_TARGETS) -> pd.DataFrame:
    """Each target closed model's total predicted by every spec that has its score (specs with
    a covariate computed from the total, the active ratio, are left out: a closed model has
    none), with the ``level`` prediction interval, the flag for a score outside the training
    range, whether the spec passes the project's rule for closed models (:func:`eligibility`),
    and the post's own estimate for the same model and benchmark where it gave one."""
    from . import fit
    from . import predict_params as pp

    parts = []
    for spec, frame in pairs:
        if any(c in fit.TARGET_DERIVED for c in spec.covariates):
            continue
        elig = pd.DataFrame([eligibility(side, spec)])
        p = pp.predict_closed(_universe(data, spec), [fit.fit_spec(frame, spec)], level, elig)
        if len(p):
            parts.append(p)
    if not parts:
        return pd.DataFrame(columns=CLOSED_COLUMNS)
    out = pd.concat(parts, ignore_index=True)
    out["model_id"] = out["model_id"].str.split(" @ ").str[0]
    out = out[out["model_id"].str.contains(targets, regex=True)].copy()
    est = _post_estimates(published)
    out = out.merge(est, on=["model_id", "benchmark"], how="left")
    return out.reindex(columns=CLOSED_COLUMNS).sort_values(["model_id", "benchmark", "setting", "covariates"]).reset_index(drop=True)


def _post_estimates(published: pd.DataFrame | None) -> pd.DataFrame:
    if published is None or "model_id" not in published.columns:
        return pd.DataFrame(columns=["model_id", "benchmark", "post_estimate_b", "post_spec"])
    e = published[(published["kind"] == "estimate") & published["model_id"].notna()]
    return e[["model_id", "benchmark", "value", "post_spec"]].rename(columns={"value": "post_estimate_b"})


# --- figures ------------------------------------------------------------------------------------------

TEXT_PT = 16  # 16 pt at 100 dpi is 22 px: still 9-10 px when the 1600 px figure is shown 700 px wide


def _readable(fig, ax, credit: str) -> None:
    """The project's footer, and every text of the figure at least :data:`TEXT_PT`."""
    from . import plotting

    plotting.footer(fig, credit, width=125)
    foot = fig.texts[-1]
    foot.set_fontsize(TEXT_PT - 2.5)
    lines = foot.get_text().count("\n") + 1
    bottom = 0.015 + 0.034 * lines
    fig.get_layout_engine().set(rect=(0, bottom, 1, 1 - bottom))
    ax.tick_params(labelsize=TEXT_PT)
    ax.xaxis.label.set_fontsize(TEXT_PT + 1)
    ax.yaxis.label.set_fontsize(TEXT_PT + 1)
    ax.title.set_fontsize(TEXT_PT + 4)
    leg = ax.get_legend()
    if leg is not None:
        for t in leg.get_texts():
            t.set_fontsize(TEXT_PT - 1)


def display_name(name: str, width: int = 20) -> str:
    """A point label: the model's name without its organisation prefix ("Qwen/Qwen2.5-72B" ->
    "Qwen2.5-72B"), cut to ``width`` characters."""
    from . import plotting

    return plotting.short_label(str(name).split("/")[-1], width)


def label_choice(points: pd.DataFrame, max_labels: int) -> pd.Series:
    """Which open models get a name on the chart: all when they fit, else the largest, the
    smallest and, per tenfold size band, the best and worst scorers, up to ``max_labels``."""
    if len(points) <= max_labels:
        return pd.Series(True, index=points.index)
    band = np.floor(np.log10(points["total_params_b"]))
    pick = [points["total_params_b"].idxmax(), points["total_params_b"].idxmin()]
    for _, g in points.groupby(band, sort=True):
        pick += [g["score"].idxmax(), g["score"].idxmin()]
    rest = points.drop(index=list(dict.fromkeys(pick))).sort_values("total_params_b", ascending=False)
    pick = list(dict.fromkeys(pick))
    pick += list(rest.index[: max(0, max_labels - len(pick))])
    return points.index.isin(pick[:max_labels])


def chart_data(pairs, closed: pd.DataFrame, benchmark: str):
    """What the opening chart draws for ``benchmark``: the score-alone spec with the most sets
    of weights (the pooled reasoning setting where there is one), its fit, one point per open
    set of weights and one per closed model the post sized, each at its best score over the
    settings (as the post unified reasoning modes). (None, None, empty, empty) without a fit."""
    from . import fit

    cands = [(sp, fr) for sp, fr in pairs if sp.benchmark == benchmark and not sp.covariates]
    if not cands:
        return None, None, pd.DataFrame(columns=["total_params_b", "score", "name", "source"]), closed.iloc[0:0]
    spec, frame = max(cands, key=lambda p: (p[1]["weights_id"].nunique(), p[0].setting))
    best = lambda d, key: d.sort_values([key, "score"], ascending=[True, False], kind="mergesort").drop_duplicates(key)  # noqa: E731
    points = best(fit.usable(frame, spec), "weights_id")
    c = closed[(closed["benchmark"] == benchmark) & (closed["setting"] == spec.setting) & (closed["covariates"] == "score alone")]
    return spec, fit.fit_spec(frame, spec), points, best(c[c["post_estimate_b"].notna()], "model_id")


def draw_size_vs_score(points: pd.DataFrame, closed: pd.DataFrame, fitted, credit: str, max_labels: int = 22):
    """The post's opening chart on our data: the score (y) against total parameters (log x)
    for labelled open models, the fitted line of log10 size on the score, and each closed
    model as a horizontal bar: its 90 % prediction interval at its score."""
    from . import plotting
    from .settings import benchmark_label

    fig, ax = plotting.new_figure()
    if fitted is None:
        ax.text(0.5, 0.5, "No open model of known size has this score in this build", ha="center", va="center",
                transform=ax.transAxes, fontsize=TEXT_PT + 2)
        ax.set_axis_off()
        _readable(fig, ax, credit)
        return fig
    spec = fitted.spec
    ax.scatter(points["total_params_b"], points["score"], s=60, color="#0173b2", edgecolor="white", lw=0.6, zorder=3,
               label=f"open models ({len(points)}), size from maker or source")
    b = fitted.result.params
    ys = np.linspace(points["score"].min(), points["score"].max(), 50)
    ax.plot(10 ** (b["Intercept"] + b["score"] * ys), ys, color="0.35", lw=2, zorder=2, label="fit: log10 size on score (OLS)")
    if len(closed):
        c = closed.sort_values("score")
        ax.errorbar(c["estimate_b"], c["score"], xerr=[c["estimate_b"] - c["low_b"], c["high_b"] - c["estimate_b"]],
                    fmt="D", ms=8, color="#de8f05", ecolor="#de8f05", elinewidth=2.5, capsize=4, zorder=4,
                    label="closed model: 90 % prediction interval")
    plotting.params_axis(ax, "x")
    if len(closed):
        _name_interval_ends(ax, c["high_b"].to_numpy(float), c["score"].to_numpy(float), [display_name(n, 22) for n in c["name"]])
    show = points[label_choice(points, max_labels)]
    plotting.label_points(ax, show["total_params_b"].tolist(), show["score"].tolist(),
                          [display_name(n) for n in show["name"]], fontsize=TEXT_PT - 2)
    ax.set_xlabel("Total parameters (billions, log scale)")
    ax.set_ylabel(f"{benchmark_label(spec.benchmark)} (%)")
    ax.set_title(f"{benchmark_label(spec.benchmark)} against total parameters\n{spec.setting}", loc="left")
    ax.legend(loc="upper left")
    _readable(fig, ax, credit)
    return fig


def _name_interval_ends(ax, xs, ys, names, fontsize: float = TEXT_PT - 2, pad_pt: float = 6.0) -> None:
    """Each closed model's name just right of its interval's end, moved up (in whole points)
    where it would sit on a name below it: a name is as tall as its font, so two scores a
    point apart would otherwise print one name over the other."""
    from . import plotting

    renderer, to_pt = ax.figure.canvas.get_renderer(), 72 / ax.figure.dpi
    placed = []  # the window extents of the names drawn so far
    for i in np.argsort(ys, kind="mergesort"):
        note = ax.annotate(names[i], (xs[i], ys[i]), xytext=(pad_pt, 0.0), textcoords="offset points", va="center",
                           fontsize=fontsize, color="#8a4f00")
        box = note.get_window_extent(renderer)
        lift = 0.0
        for other in sorted(placed, key=lambda b: b.y0):
            if plotting.overlap(box.translated(0, lift / to_pt), other, 0.0):
                lift = float(np.ceil((other.y1 - box.y0) * to_pt)) + 1  # whole points: no last bit of a fitted value moves it
        note.xyann = (pad_pt, lift)
        placed.append(box.translated(0, lift / to_pt))


def chart_rows(side: pd.DataFrame) -> pd.DataFrame:
    """The fit-quality chart's rows: for each benchmark and covariate set, the setting fitted on
    the most sets of weights; the post's published rows where we have no fit of that kind."""
    fitted = side[side["setting"].notna() & side["post_r2_median"].notna()]
    best = fitted.sort_values(["n_weights", "setting"], ascending=[False, True], kind="mergesort")
    best = best.drop_duplicates(["benchmark", "covariates"])
    only_pub = side[side["setting"].isna() & side["published_r2"].notna()]
    only_pub = only_pub[~only_pub.set_index(["benchmark", "covariates"]).index.isin(best.set_index(["benchmark", "covariates"]).index)]
    out = pd.concat([best, only_pub.assign(setting="published only")], ignore_index=True)
    return out.sort_values(["benchmark", "covariates", "setting"]).reset_index(drop=True)


def draw_fit_quality(side: pd.DataFrame, credit: str, floor: float = -1.0):
    """R² across specs with intervals: the post's procedure (median and 95 % range over random
    states; its random state 7 as a cross), our grouped cross-validation by lineage (value
    and range over repeats), and the post's published R² (diamond). Values below ``floor``
    are drawn at it, marked with an arrow."""
    from . import plotting
    from .settings import benchmark_label

    d = chart_rows(side)
    fig, ax = plotting.new_figure()
    y = np.arange(len(d))[::-1]
    clip = lambda v: np.maximum(np.asarray(v, dtype=float), floor)  # noqa: E731
    med, lo, hi = clip(d["post_r2_median"]), clip(d["post_r2_low"]), clip(d["post_r2_high"])
    po = d["post_r2_median"].notna().to_numpy()
    if po.any():
        ax.errorbar(med[po], y[po] + 0.17, xerr=[(med - lo)[po], (hi - med)[po]], fmt="o", color="#de8f05", capsize=3, ms=7,
                    elinewidth=2, label="post's procedure: median, 95 % range over random states")
        ax.scatter(clip(d["post_r2"])[po], y[po] + 0.17, marker="x", s=70, color="#8a4f00", zorder=4,
                   label="post's procedure, random state 7")
    ok = d["lineage_r2"].notna().to_numpy()
    lr, ll, lh = clip(d["lineage_r2"]), clip(d["lineage_r2_low"]), clip(d["lineage_r2_high"])
    if ok.any():
        ax.errorbar(lr[ok], y[ok] - 0.17, xerr=[(lr - ll)[ok], (lh - lr)[ok]], fmt="s", color="#0173b2", capsize=3, ms=7,
                    elinewidth=2, label="ours: lineages held out (range over repeats)")
    pub = d["published_r2"].notna().to_numpy()
    if pub.any():
        ax.scatter(clip(d["published_r2"])[pub], y[pub], marker="D", s=80, facecolor="white", edgecolor="black", lw=1.5,
                   zorder=5, label="post's published R²")
    below = np.nan_to_num(d["post_r2_low"].to_numpy(float), nan=0.0) < floor
    for yy in y[below]:
        ax.annotate("", (floor, yy + 0.17), xytext=(floor + 0.12, yy + 0.17), arrowprops=dict(arrowstyle="->", color="#8a4f00"))
    ax.axvline(0, color="0.5", lw=1)
    ax.set_xlim(floor - 0.05, 1.0)
    short = {"active_ratio": " + active ratio", "log10_price": " + log price", "score alone": ""}
    names = [f"{benchmark_label(b)} · " + s.replace("instruct, 0-shot, ", "").replace(POOLED, "all reasoning modes")
             .replace("AA index of ", "index ") + short.get(c, f" + {c}")
             for b, s, c in zip(d["benchmark"], d["setting"], d["covariates"])]
    ax.set_yticks(y)
    ax.set_yticklabels([plotting.short_label(n.replace(", all reasoning modes", ", all modes"), 80) for n in names])  # one line a row
    ax.set_xlabel(f"R² of log10 total parameters, held-out (values below {floor:g} drawn at {floor:g})")
    fig.suptitle("Size from one benchmark: held-out R², with its spread", x=0.01, ha="left", fontsize=20, fontweight="bold")
    from matplotlib.transforms import blended_transform_factory

    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), bbox_transform=blended_transform_factory(fig.transFigure, ax.transAxes),
              ncol=2, frameon=False)  # centred on the figure, under the axes
    _readable(fig, ax, credit)
    ax.tick_params(axis="y", labelsize=max(10, min(TEXT_PT, 380 / max(len(d), 1))))
    return fig


# --- the write-up -------------------------------------------------------------------------------------

SIDE_FILE, CLOSED_FILE = "post_side_by_side.csv", "post_closed.csv"


def _f(v, digits=2) -> str:
    return "n/a" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:,.{digits}f}"


def _size(b) -> str:
    """Billions as the post writes sizes: 87B, 1.4T, 1,254T."""
    if b is None or (isinstance(b, float) and math.isnan(b)):
        return "n/a"
    if b >= 100_000:
        return f"{b / 1000:,.0f}T"
    return f"{b / 1000:,.3g}T" if b >= 1000 else f"{b:,.3g}B"


def closed_summary(closed: pd.DataFrame) -> pd.DataFrame:
    """The write-up's closed-model table: the models the post sized, on the benchmarks it sized
    them by, from the score alone, in the pooled reasoning setting where there is one (the
    post pooled reasoning modes too), else every setting; the full set is ``post_closed.csv``."""
    from .settings import benchmark_label

    c = closed[closed["covariates"].eq("score alone") & closed["post_estimate_b"].notna()] if len(closed) else closed
    if not len(c):
        return pd.DataFrame()
    has_pooled = c.groupby(["model_id", "benchmark"])["setting"].transform(lambda v: v.str.endswith(POOLED).any())
    c = c[~has_pooled | c["setting"].str.endswith(POOLED)]
    c = c.sort_values(["model_id", "benchmark", "setting", "score"], ascending=[True, True, True, False], kind="mergesort")
    c = c.drop_duplicates(["model_id", "benchmark", "setting"])  # each model at its best score, as the post took it
    yes_no = {"true": "yes", "false": "no"}
    return pd.DataFrame({
        "model": c["model_id"], "benchmark": c["benchmark"].map(benchmark_label), "setting": c["setting"],
        "score": c["score"].map(lambda v: _f(v, 1)), "estimate": c["estimate_b"].map(_size),
        "90 % interval": [f"{_size(a)} to {_size(b)}" for a, b in zip(c["low_b"], c["high_b"])],
        "outside training range": c["extrapolated"].astype(str).str.lower().map(yes_no),
        "fit passes the closed-model rule": c["eligible"].astype(str).str.lower().map(yes_no),
        "post's estimate": c["post_estimate_b"].map(_size)}).sort_values(["model", "benchmark", "setting"])


def writeup_numbers(processed_dir) -> dict[str, str]:
    """The placeholders of the write-up's section on the post's benchmarks."""
    from .settings import benchmark_label
    from .writeup import _md_table

    pdir = Path(processed_dir)
    side = read_table(pdir / SIDE_FILE) if (pdir / SIDE_FILE).exists() else pd.DataFrame(columns=SIDE_COLUMNS)
    closed = read_table(pdir / CLOSED_FILE) if (pdir / CLOSED_FILE).exists() else pd.DataFrame(columns=CLOSED_COLUMNS)
    alone = side[(side["covariates"] == "score alone") & side["setting"].notna()]
    alone = alone.sort_values(["n_weights", "setting"], ascending=[False, True], kind="mergesort").drop_duplicates("benchmark")
    rows = []
    for r in alone.sort_values("lineage_r2", ascending=False, na_position="last").itertuples(index=False):
        rows.append({"benchmark": benchmark_label(r.benchmark), "setting": r.setting, "open models": int(r.n_weights),
                     "R² (lineages held out)": _f(r.lineage_r2), "coverage of 90 % intervals": _f(r.lineage_coverage),
                     "R² (weights held out)": _f(r.weights_r2),
                     "post's procedure R², random state 7": _f(r.post_r2),
                     "median and 95 % range over random states": f"{_f(r.post_r2_median)} ({_f(r.post_r2_low)} to {_f(r.post_r2_high)})",
                     "post's published R²": _f(r.published_r2)})
    out = {"post_side_table": _md_table(pd.DataFrame(rows)), "post_n_benchmarks": str(len(rows))}
    act = side[side["covariates"].eq("active_ratio") & side["positive_equals_alone"].notna()]
    clipped = act[act["active_ratio_coef_positive"].eq(0)]
    out["post_active_clipped"] = (f"{len(clipped)} of {len(act)}" if len(act) else "none (no fit with the active ratio in this build)")
    neg = act[act["active_ratio_coef_ols"] < 0]
    out["post_active_negative"] = f"{len(neg)} of {len(act)}" if len(act) else "none"
    pub_same = side.drop_duplicates("benchmark")["published_active_equals_alone"].astype(str).str.lower().eq("true").sum()
    out["post_published_same"] = str(int(pub_same))
    out["post_closed_table"] = _md_table(closed_summary(closed))
    return out
