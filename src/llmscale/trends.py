"""Capability over time: the smallest model that clears a score, and how fast that size falls."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm

DAYS_PER_YEAR = 365.25


def staircase(df: pd.DataFrame, threshold: float, size_col: str = "total_params_b", score_col: str = "value",
              date_col: str = "release_date", id_col: str = "model_id") -> pd.DataFrame:
    """The record-setting models: each one clears ``threshold`` with fewer parameters than every
    model released before it (or on the same day) that also clears it.

    Rows without a date, a size or a score are ignored. Returns one row per step, in date
    order, with the size it replaced (``previous_b``).
    """
    d = df.dropna(subset=[size_col, score_col, date_col])
    d = d[d[score_col] >= threshold].copy()
    d["when"] = pd.to_datetime(d[date_col])
    d = d.sort_values(["when", size_col, id_col], kind="mergesort")
    steps, best = [], math.inf
    for r in d.itertuples(index=False):
        size = getattr(r, size_col)
        if size < best:
            steps.append({id_col: getattr(r, id_col), date_col: r.when.strftime("%Y-%m-%d"),
                          size_col: size, score_col: getattr(r, score_col), "previous_b": None if best == math.inf else best})
            best = size
    return pd.DataFrame(steps, columns=[id_col, date_col, size_col, score_col, "previous_b"])


@dataclass(frozen=True)
class Halving:
    """The fitted halving time of the staircase's size, in months, with a bootstrap interval."""

    threshold: float
    n_steps: int
    months: float | None
    low: float | None
    high: float | None
    status: str  # "fitted", or why no fit was made


def _slope(years: np.ndarray, log10_size: np.ndarray) -> float:
    fit = sm.OLS(log10_size, sm.add_constant(years, has_constant="add")).fit()
    return float(fit.params[1])


def _months(slope: float) -> float:
    return -math.log10(2) / slope * 12 if slope < 0 else math.inf


def halving_time(steps: pd.DataFrame, threshold: float, size_col: str = "total_params_b", date_col: str = "release_date",
                 min_steps: int = 4, n_boot: int = 2000, level: float = 0.90, seed: int = 0) -> Halving:
    """OLS of log10(size) on time over the staircase's steps; halving time = -log10(2) / slope.

    The interval resamples the steps with replacement (``n_boot`` times, fixed ``seed``) and
    takes the central ``level`` of the halving times. With fewer than ``min_steps`` steps, or
    a size that does not fall, it refuses to fit and says so in ``status``.
    """
    n = len(steps)
    if n < min_steps:
        return Halving(threshold, n, None, None, None, f"not fitted: {n} step(s), fewer than {min_steps}")
    t = pd.to_datetime(steps[date_col])
    years = ((t - t.min()).dt.days / DAYS_PER_YEAR).to_numpy(float)
    y = np.log10(steps[size_col].to_numpy(float))
    slope = _slope(years, y)
    if not slope < 0:
        return Halving(threshold, n, None, None, None, "not fitted: the size does not fall over time")
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, n, (n_boot, n))
    bx, by = years[idx], y[idx]
    # the OLS slope of each resample, in closed form (the same estimate sm.OLS gives);
    # resamples with a single distinct date have no slope and are skipped
    dx = bx - bx.mean(axis=1, keepdims=True)
    sxx = (dx * dx).sum(axis=1)
    ok = sxx > 1e-12 * max(1.0, float(np.ptp(years)) ** 2)
    slopes = (dx[ok] * (by[ok] - by[ok].mean(axis=1, keepdims=True))).sum(axis=1) / sxx[ok]
    boots = np.where(slopes < 0, -math.log10(2) / np.where(slopes < 0, slopes, -1) * 12, math.inf)
    lo, hi = np.quantile(boots, [(1 - level) / 2, 1 - (1 - level) / 2])
    return Halving(threshold, n, _months(slope), float(lo), float(hi), "fitted")
