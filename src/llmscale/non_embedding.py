"""07_non_embedding: the Memory3 paper's chart redone from curated facts.

x is non-embedding parameters, computed in ``02_clean`` from curated vocabulary size, hidden
size and tied-embedding facts (``non_embedding_params_b`` in ``models.csv``); y is one
harness's average over one fixed benchmark set (by default ObsScaling's mean of MMLU, ARC-C,
HellaSwag, Winogrande, TruthfulQA and GSM8K for base models; the Swallow leaderboard's
``swallow_en_pre_avg`` is the other choice). Models that beat their size are
picked by their residual from an OLS fit of the average on log10(non-embedding params).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf

from .io import read_table
from .tables import MODELS, SCORES


def points(processed_dir, average: str, variant: str = "base") -> pd.DataFrame:
    """Models with both a computed non-embedding count and the ``average`` score.

    ``average`` is either one benchmark id that already is an average (``swallow_en_pre_avg``)
    or ``"<source>:<benchmark>,<benchmark>,..."``: the mean of that fixed set as one source
    reports it for ``variant`` models, only for models that have every benchmark of the set
    (one harness, one set: a model missing one is left out, never averaged over fewer)."""
    models = read_table(Path(processed_dir) / MODELS)
    scores = read_table(Path(processed_dir) / SCORES, dtype={"source_row": str})
    if ":" in average:
        source, _, names = average.partition(":")
        bench = [b.strip() for b in names.split(",") if b.strip()]
        s = scores[(scores["source"] == source) & scores["benchmark"].isin(bench) & (scores["variant"] == variant)]
        s = s.sort_values(["model_id", "benchmark", "source_row"]).drop_duplicates(["model_id", "benchmark"])
        s = s[s.groupby("model_id")["benchmark"].transform("size") == len(bench)]
        s = s.groupby("model_id", as_index=False).agg(
            value=("value", "mean"), source=("source", "first"), source_row=("source_row", lambda r: ";".join(r)))
    else:
        s = scores[scores["benchmark"] == average][["model_id", "value", "source", "source_row"]]
        s = s.sort_values(["model_id", "source", "source_row"]).drop_duplicates("model_id")
    m = models[["model_id", "name", "architecture", "total_params_b", "non_embedding_params_b", "vocab_size", "hidden_size",
                "tied_embeddings"]]
    out = s.merge(m, on="model_id")
    return out.rename(columns={"value": "average"}).reset_index(drop=True)


def fit_residuals(pts: pd.DataFrame, x: str = "non_embedding_params_b", top: int = 5, min_models: int = 5):
    """OLS of the average on log10(x); each model's residual, and the ``top`` models above the
    line flagged as beating their size. Returns (points with residual and flag, fit or None)."""
    d = pts.dropna(subset=[x, "average"]).copy()
    d["beats_its_size"] = False
    d["residual"] = np.nan
    if len(d) < min_models:
        return d, None
    d["log10_x"] = np.log10(d[x])
    r = smf.ols("average ~ log10_x", data=d).fit()
    d["residual"] = r.resid
    d.loc[d.sort_values("residual", ascending=False).head(top).index, "beats_its_size"] = True
    d.loc[d["residual"] <= 0, "beats_its_size"] = False
    return d.drop(columns="log10_x"), r


def draw(d: pd.DataFrame, fit, average_label: str, credit: str, x: str = "non_embedding_params_b",
         label_all_up_to: int = 40):
    from . import plotting

    fig, ax = plotting.new_figure()
    moe = d["architecture"].eq("moe") if "architecture" in d else pd.Series(False, index=d.index)
    for is_moe, marker, kind in ((False, "o", "dense"), (True, "^", "mixture-of-experts (all experts counted)")):
        plain = d[~d["beats_its_size"] & (moe == is_moe)]
        best = d[d["beats_its_size"] & (moe == is_moe)]
        if len(plain):
            ax.scatter(plain[x], plain["average"], s=45, marker=marker, color="#0173b2", alpha=0.8, label=kind, zorder=3)
        if len(best):
            ax.scatter(best[x], best["average"], s=70, marker=marker, color="#de8f05", edgecolor="black", lw=0.6,
                       label=f"{kind}: largest positive residuals (beats its size)", zorder=4)
    best = d[d["beats_its_size"]]
    if fit is not None:
        grid = np.logspace(np.log10(d[x].min()), np.log10(d[x].max()), 50)
        ax.plot(grid, fit.params["Intercept"] + fit.params["log10_x"] * np.log10(grid), color="0.3", lw=2,
                label=f"OLS fit (R² {fit.rsquared:.2f})")
    plotting.params_axis(ax, "x")
    shown = d if len(d) <= label_all_up_to else best  # every model by name while the labels stay legible
    plotting.label_points(ax, shown[x].tolist(), shown["average"].tolist(),
                          [plotting.short_label(n.split("/")[-1]) for n in shown["model_id"]])
    ax.set_xlabel("Non-embedding parameters (billions, log scale; from vocabulary, hidden size and tied embeddings)")
    ax.set_ylabel(average_label)
    ax.set_title("Score against non-embedding parameters (the Memory3 chart, redone)", loc="left")
    ax.legend(loc="lower right", fontsize=11)
    plotting.footer(fig, credit)
    return fig
