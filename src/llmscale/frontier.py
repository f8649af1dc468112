"""Size classes and the efficient frontier (the best score for the size) within each class."""

from __future__ import annotations

import numpy as np
import pandas as pd


def class_labels(edges_b) -> list[str]:
    """Labels for the classes cut at ``edges_b`` (billions): e.g. [10, 100] gives
    ``["under 10B", "10-100B", "over 100B"]``."""
    edges = [float(e) for e in edges_b]
    if edges != sorted(edges) or len(set(edges)) != len(edges) or any(e <= 0 for e in edges):
        raise ValueError(f"class edges must be positive and increasing, got {edges_b!r}")
    fmt = lambda e: f"{e:g}"  # noqa: E731
    labels = [f"under {fmt(edges[0])}B"]
    labels += [f"{fmt(a)}-{fmt(b)}B" for a, b in zip(edges, edges[1:])]
    labels.append(f"over {fmt(edges[-1])}B")
    return labels


def size_class(params_b: pd.Series, edges_b) -> pd.Series:
    """The class of each size; a size equal to an edge belongs to the class above it."""
    labels = class_labels(edges_b)
    idx = np.searchsorted(np.asarray(edges_b, dtype=float), params_b.to_numpy(dtype=float), side="right")
    return pd.Series(pd.Categorical([labels[i] for i in idx], categories=labels, ordered=True), index=params_b.index)


def on_frontier(params_b: pd.Series, score: pd.Series) -> pd.Series:
    """True for the models no other model beats: none at most as large scores higher.

    Ties in size keep only the best score; a larger model is on the frontier only if it
    scores strictly higher than every smaller one.
    """
    df = pd.DataFrame({"p": params_b.to_numpy(float), "s": score.to_numpy(float)}, index=params_b.index)
    df = df.sort_values(["p", "s"], ascending=[True, False], kind="mergesort")
    best = -np.inf
    flags = {}
    for i, p, s in zip(df.index, df["p"], df["s"]):
        flags[i] = bool(s > best)
        if s > best:
            best = s
    return pd.Series(flags).reindex(params_b.index)


def frontier_table(df: pd.DataFrame, edges_b, params_col="total_params_b", score_col="score", group="dataset") -> pd.DataFrame:
    """Add ``size_class`` and ``on_frontier`` (computed within each class and ``group``)."""
    out = df.copy()
    out["size_class"] = size_class(out[params_col], edges_b)
    out["on_frontier"] = False
    for _, part in out.groupby([group, "size_class"], observed=True):
        out.loc[part.index, "on_frontier"] = on_frontier(part[params_col], part[score_col])
    out["size_class"] = out["size_class"].astype(str)
    return out
