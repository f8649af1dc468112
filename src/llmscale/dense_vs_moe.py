"""06_dense_vs_moe: do mixture-of-experts models score differently from dense ones of the
same size, counting total parameters, or active parameters?

For one benchmark in one setting, two OLS fits (statsmodels):
``score ~ log10(total_params_b) + moe`` and ``score ~ log10(active_params_b) + moe``, where
``moe`` is 1 for a mixture-of-experts model. The ``moe`` coefficient is the fitted
difference in points at equal total (resp. active) size, with its 95 % confidence interval.
A dense model's active size is its total.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf

from .predict_params import frames
from .settings import benchmark_label

MEASURES = {"total": "total_params_b", "active": "active_params_b"}


def points(processed_dir, benchmarks) -> pd.DataFrame:
    """Open models of known architecture with a total (and, for MoE, an active) size: one
    score per model, benchmark and setting."""
    d = frames(processed_dir, benchmarks)
    d = d[d["label"] & d["architecture"].isin(["dense", "moe"])].copy()
    d["active_params_b"] = d["active_params_b"].fillna(d["total_params_b"].where(d["architecture"] == "dense"))
    d = d.dropna(subset=["active_params_b"])
    d["moe"] = (d["architecture"] == "moe").astype(int)
    return d.reset_index(drop=True)


def compare(d: pd.DataFrame, min_moe: int = 5, min_dense: int = 10, level: float = 0.95) -> pd.DataFrame:
    """One row per (benchmark, setting, measure) with enough models of each kind: the fitted
    MoE - dense difference in points at equal size, its interval and p-value."""
    rows = []
    for (bench, setting), g in d.groupby(["benchmark", "setting"], sort=True):
        n_moe, n_dense = int(g["moe"].sum()), int((g["moe"] == 0).sum())
        if n_moe < min_moe or n_dense < min_dense:
            continue
        for measure, col in MEASURES.items():
            x = g.assign(log10_size=np.log10(g[col]))
            r = smf.ols("score ~ log10_size + moe", data=x).fit()
            lo, hi = r.conf_int(alpha=1 - level).loc["moe"]
            rows.append({"benchmark": bench, "setting": setting, "measure": measure, "n_dense": n_dense, "n_moe": n_moe,
                         "moe_minus_dense_points": float(r.params["moe"]), "low": float(lo), "high": float(hi),
                         "p_value": float(r.pvalues["moe"]), "slope_per_10x": float(r.params["log10_size"]),
                         "r2": float(r.rsquared)})
    return pd.DataFrame(rows, columns=["benchmark", "setting", "measure", "n_dense", "n_moe", "moe_minus_dense_points",
                                       "low", "high", "p_value", "slope_per_10x", "r2"])


def draw(g: pd.DataFrame, bench: str, setting: str, credit: str):
    """Dense models as points; each MoE model twice, at its active (open marker) and total
    (filled) size, joined by a line; a fitted line per family and measure."""
    from . import plotting

    fig, ax = plotting.new_figure()
    if g.empty:
        ax.text(0.5, 0.5, f"no model with a known architecture and size has a {bench} score ({setting})",
                transform=ax.transAxes, ha="center", va="center", color="0.4")
        plotting.footer(fig, credit)
        return fig
    colours = dict(zip(["dense", "moe"], plotting.sns.color_palette(plotting.PALETTE, 2)))
    dense, moe = g[g["moe"] == 0], g[g["moe"] == 1]
    ax.scatter(dense["total_params_b"], dense["score"], color=colours["dense"], s=40, alpha=0.8, label="dense", zorder=3)
    for r in moe.itertuples(index=False):
        ax.plot([r.active_params_b, r.total_params_b], [r.score, r.score], color=colours["moe"], lw=1, alpha=0.6, zorder=2)
    ax.scatter(moe["active_params_b"], moe["score"], facecolor="white", edgecolor=colours["moe"], s=45, lw=1.5,
               label="MoE at its active size", zorder=4)
    ax.scatter(moe["total_params_b"], moe["score"], color=colours["moe"], s=45, label="MoE at its total size", zorder=4)
    grid = np.logspace(np.log10(g["active_params_b"].min()), np.log10(g["total_params_b"].max()), 50)
    for name, part, col, style in (("dense", dense, "total_params_b", "-"), ("MoE, by total", moe, "total_params_b", "-"),
                                   ("MoE, by active", moe, "active_params_b", "--")):
        if len(part) >= 3:
            b = np.polyfit(np.log10(part[col]), part["score"], 1)
            span = grid[(grid >= part[col].min()) & (grid <= part[col].max())]
            ax.plot(span, np.polyval(b, np.log10(span)), style, lw=2,
                    color=colours["dense" if name == "dense" else "moe"], label=f"fit: {name}")
    plotting.params_axis(ax, "x")
    ax.set_xlabel("Parameters (billions, log scale): total, or active for the open MoE markers")
    ax.set_ylabel(f"{benchmark_label(bench)} (%), {setting}")
    ax.set_title(f"Dense vs mixture-of-experts on {benchmark_label(bench)} ({setting})", loc="left")
    ax.legend(loc="lower right", fontsize=11)
    big = moe.sort_values("total_params_b").tail(6)
    plotting.label_points(ax, big["total_params_b"].tolist(), big["score"].tolist(),
                          [plotting.short_label(n.split("/")[-1]) for n in big["model_id"]])
    plotting.footer(fig, credit)
    return fig
