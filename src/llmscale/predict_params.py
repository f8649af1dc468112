"""05_predict_params: which benchmark scores predict total parameters, and what they say of
closed models.

Training labels are open-weight models whose total comes from a source or a curated fact
(``models.csv``); closed models are never labels, whatever size is rumoured for them. Each
(benchmark, setting) is fitted on its own: a score is only compared with scores taken in the
same setting (variant, shots, chain of thought; see
:func:`llmscale.over_time.setting_label`), one per model, from the highest-ranked source.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from . import fit
from .io import read_table
from .reconcile import PRECEDENCE
from .settings import benchmark_label, setting_label
from .tables import MODELS, PRICES, SCORES

# The numbers published in "Predicting LLM Parameters Using Benchmarks" (January 2026), as
# quoted in this project's issue tracker; each is compared with ours in the notebook.
PUBLISHED = pd.DataFrame([
    {"benchmark": "aa_omniscience_accuracy", "covariates": "score alone", "published_r2": 0.84, "published_note": "cross-validated R²"},
    {"benchmark": "mmlu_pro", "covariates": "score alone", "published_r2": 0.75, "published_note": "cross-validated R²"},
    {"benchmark": "aa_intelligence_index", "covariates": "score alone", "published_r2": 0.07, "published_note": "cross-validated R²"},
    {"benchmark": "tau2_bench", "covariates": "score alone", "published_r2": -math.inf, "published_note": "negative R²"},
    {"benchmark": "gdpval", "covariates": "score alone", "published_r2": -math.inf, "published_note": "negative R²"},
    {"benchmark": "any", "covariates": "log10_price", "published_r2": math.nan,
     "published_note": "adding price made every fit worse; MAE about 150-235B parameters"},
])


def _one_per_model(scores: pd.DataFrame) -> pd.DataFrame:
    s = scores.copy()
    s["setting"] = setting_label(s)
    s["rank"] = s["source"].map({k: i for i, k in enumerate(PRECEDENCE)}).fillna(len(PRECEDENCE))
    s = s.sort_values(["rank", "source", "source_row"], kind="mergesort")
    return s.drop_duplicates(["model_id", "benchmark", "setting"])


def current_prices(prices: pd.DataFrame) -> pd.Series:
    """log10 of each model's current blended price (USD per 1M tokens); where two sources
    price one model, the lower current price (a model is bought at its cheapest listing)."""
    p = prices[prices["current"].astype(str).str.lower().eq("true") & (prices["usd_per_1m_blended"] > 0)]
    return np.log10(p.groupby("model_id")["usd_per_1m_blended"].min())


def frames(processed_dir, benchmarks, harness: str | None = None) -> pd.DataFrame:
    """One row per (model, benchmark, setting): the score, the model's total (labels only for
    open models), family, date, weights, the price and the active:total ratio. ``harness``
    keeps only the scores of that harness (``artificial-analysis``: AA's own runs)."""
    pdir = Path(processed_dir)
    scores = read_table(pdir / SCORES, dtype={"source_row": str})
    models = read_table(pdir / MODELS)
    prices = read_table(pdir / PRICES, dtype={"source_row": str})
    keep = scores["benchmark"].isin(benchmarks)
    if harness is not None:
        keep &= scores["harness"].eq(harness)
    s = _one_per_model(scores[keep])
    m = models[["model_id", "name", "family", "weights", "release_date", "total_params_b", "active_params_b",
                "architecture", "rumoured_total_params_b"]].copy()
    m["active_ratio"] = (m["active_params_b"] / m["total_params_b"]).where(m["architecture"] == "moe")
    m.loc[m["architecture"] == "dense", "active_ratio"] = 1.0
    m["log10_price"] = m["model_id"].map(current_prices(prices))
    out = s[["model_id", "benchmark", "setting", "value", "source", "source_row"]].rename(columns={"value": "score"})
    out = out.merge(m, on="model_id", how="left")
    out["label"] = out["weights"].eq("open") & out["total_params_b"].notna()
    return out.sort_values(["benchmark", "setting", "model_id"]).reset_index(drop=True)


def specs(data: pd.DataFrame, min_models: int, covariates=(("log10_price",), ("active_ratio",)),
          min_varied: int = 5) -> list[fit.Spec]:
    """Every (benchmark, setting) with at least ``min_models`` labelled models, alone and with
    each covariate that at least ``fit.MIN_MODELS`` of them have and that varies: at least
    ``min_varied`` of them differ from the most common value (``active_ratio`` is 1 for every
    dense model, so it needs MoE models to say anything)."""
    out = []
    for (bench, setting), g in data[data["label"]].groupby(["benchmark", "setting"], sort=True):
        if len(g) < min_models:
            continue
        out.append(fit.Spec(bench, setting))
        for cov in covariates:
            have = g.dropna(subset=list(cov))
            varied = all((have[c] != have[c].mode().iloc[0]).sum() >= min_varied for c in cov) if len(have) else False
            if len(have) >= fit.MIN_MODELS and varied:
                out.append(fit.Spec(bench, setting, cov))
    return out


def train(data: pd.DataFrame, spec: fit.Spec) -> pd.DataFrame:
    d = data[(data["benchmark"] == spec.benchmark) & (data["setting"] == spec.setting) & data["label"]]
    return d.reset_index(drop=True)


METRIC_COLUMNS = ["spec", "benchmark", "setting", "covariates", "scheme", "n_models", "n", "r2", "mae_log10", "rmse_log10",
                  "mae_b", "rmse_b", "median_abs_error_b", "coverage"]


def evaluate_all(data, spec_list, cutoff, seed, k, repeats) -> pd.DataFrame:
    parts = [fit.evaluate(train(data, sp), sp, cutoff, seed, k, repeats) for sp in spec_list]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=METRIC_COLUMNS)


def predict_closed(data, fitted: list[fit.FittedSpec], level=0.90) -> pd.DataFrame:
    """Each closed model with a score in a fitted spec's setting (and the spec's covariates)."""
    rows = []
    for f in fitted:
        sp = f.spec
        c = data[(data["benchmark"] == sp.benchmark) & (data["setting"] == sp.setting) & data["weights"].eq("closed")]
        c = c.dropna(subset=sp.columns)
        if not len(c):
            continue
        p = fit.predict(f, c, level)
        rows.append(pd.concat([c[["model_id", "name", "benchmark", "setting", "score", "source", "source_row",
                                  "rumoured_total_params_b"]].reset_index(drop=True),
                               p.reset_index(drop=True)], axis=1).assign(spec=sp.name, covariates=" + ".join(sp.covariates) or "score alone",
                                                                          n_train=f.n))
    cols = ["spec", "benchmark", "setting", "covariates", "model_id", "name", "score", "estimate_b", "low_b", "high_b",
            "extrapolated", "n_train", "rumoured_total_params_b", "source", "source_row"]
    if not rows:
        return pd.DataFrame(columns=cols)
    return pd.concat(rows, ignore_index=True)[cols]


def heldout_points(data, spec: fit.Spec, seed=0) -> pd.DataFrame:
    """One out-of-fold prediction per labelled model (5-fold, one repeat), for the figure."""
    d = train(data, spec)
    h = fit.cv_repeated_kfold(d, spec, k=5, repeats=1, seed=seed)
    return h.merge(d[["model_id", "name", "score", "total_params_b"]], on="model_id")


def beside_published(metrics: pd.DataFrame) -> pd.DataFrame:
    """Our best cross-validated R² per benchmark and covariate set (repeated K-fold), beside
    the post's published figure where it gave one."""
    ours = metrics[metrics["scheme"] == "repeated_kfold"].astype({"r2": float}).sort_values("r2", ascending=False)
    ours = ours.drop_duplicates(["benchmark", "covariates"])[["benchmark", "covariates", "setting", "n_models", "r2", "mae_b", "coverage"]]
    out = PUBLISHED.merge(ours, on=["benchmark", "covariates"], how="outer")
    return out.sort_values(["benchmark", "covariates"]).reset_index(drop=True)


# --- figures ----------------------------------------------------------------------------------


def closed_labels(model_ids: pd.Series) -> list[str]:
    """Short point labels for closed models: the id's last part without a trailing snapshot
    date ("gpt-5-mini-2025-08-07" -> "gpt-5-mini"), unless two ids would then read the same."""
    from . import plotting

    tail = model_ids.str.split("/").str[-1]
    short = tail.str.replace(r"-\d{4}-\d{2}-\d{2}$", "", regex=True)
    short = short.where(~short.duplicated(keep=False), tail)
    return [plotting.short_label(n) for n in short]


def draw_actual_vs_predicted(points: pd.DataFrame, closed: pd.DataFrame, spec: fit.Spec, credit: str):
    """The post's style: labelled models' actual size (circles) and out-of-fold prediction
    (triangles) against the score, coloured by the error; closed models' predictions as
    hollow triangles with their interval."""

    from . import plotting

    fig, ax = plotting.new_figure()
    err = points["pred_log10"] - points["truth_log10"]
    lim = max(0.5, float(np.abs(err).quantile(0.95)))
    ax.scatter(points["score"], 10 ** points["truth_log10"], marker="o", s=40, facecolor="none", edgecolor="0.35",
               lw=1, label="actual total (open models)", zorder=3)
    sc = ax.scatter(points["score"], 10 ** points["pred_log10"], marker="^", s=55, c=err, cmap="coolwarm",
                    vmin=-lim, vmax=lim, label="predicted, held out (5-fold)", zorder=4, edgecolor="0.2", lw=0.3)
    fig.colorbar(sc, ax=ax, label="prediction error (log10; >0 = too large)", pad=0.01)
    c = closed[closed["spec"] == spec.name]
    plotting.params_axis(ax, "y")
    if len(c):
        ax.errorbar(c["score"], c["estimate_b"], yerr=[c["estimate_b"] - c["low_b"], c["high_b"] - c["estimate_b"]],
                    fmt="^", ms=9, mfc="white", mec="black", ecolor="0.4", capsize=3, label="closed model: 90 % interval", zorder=5)
        # each closed model named above its interval, upright, clear of the open models' markers
        for x, top, name in zip(c["score"], c["high_b"], closed_labels(c["model_id"])):
            ax.annotate(name, (x, top), xytext=(0, 5), textcoords="offset points", rotation=90,
                        ha="center", va="bottom", fontsize=10)
        lo, hi = ax.get_ylim()
        ax.set_ylim(lo, max(hi, float(c["high_b"].max()) * 10))
    ax.set_xlabel(f"{benchmark_label(spec.benchmark)} score (%), {spec.setting}")
    ax.set_ylabel("Total parameters (billions, log scale)")
    ax.set_title(f"Total parameters predicted from {benchmark_label(spec.benchmark)} ({spec.setting})", loc="left")
    ax.legend(loc="upper left", fontsize=11)
    plotting.footer(fig, credit)
    return fig


def draw_forest(closed: pd.DataFrame, credit: str):
    """Every closed model's 90 % interval under every spec that could predict it."""
    from . import plotting

    c = closed.sort_values(["model_id", "spec"]).reset_index(drop=True)
    fig, ax = plotting.new_figure()
    y = np.arange(len(c))[::-1]
    colours = {False: "#0173b2", True: "#de8f05"}
    for ext in (False, True):
        sel = c["extrapolated"] == ext
        if sel.any():
            ax.errorbar(c.loc[sel, "estimate_b"], y[sel.to_numpy()], xerr=[c.loc[sel, "estimate_b"] - c.loc[sel, "low_b"],
                        c.loc[sel, "high_b"] - c.loc[sel, "estimate_b"]], fmt="o", color=colours[ext], capsize=3,
                        label="score outside the training range" if ext else "score inside the training range")
    ax.set_yticks(y)
    ax.set_yticklabels([f"{m.split('/')[-1]} · {s}" for m, s in zip(c["model_id"], c["spec"])], fontsize=9)
    plotting.params_axis(ax, "x")
    ax.set_xlabel("Predicted total parameters (billions, log scale), 90 % prediction interval")
    ax.set_title("Closed models: predicted size under each fit", loc="left")
    ax.legend(loc="lower right", fontsize=11)
    plotting.footer(fig, credit)
    return fig
