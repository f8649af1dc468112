"""04_over_time: the staircases and halving times, from the processed tables."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import trends
from .io import read_table
from .reconcile import PRECEDENCE
from .settings import benchmark_label, setting_label
from .tables import MODELS, SCORES

SIZES = {"total": "total_params_b", "active": "active_params_b"}


def points(processed_dir, benchmarks=("mmlu", "mmlu_pro")) -> pd.DataFrame:
    """One score per model, benchmark and setting (the highest-ranked source's), with the
    model's release date and sizes. Active size is the total for dense models."""
    scores = read_table(Path(processed_dir) / SCORES, dtype={"source_row": str})
    models = read_table(Path(processed_dir) / MODELS)
    s = scores[scores["benchmark"].isin(benchmarks)].copy()
    s["setting"] = setting_label(s)
    s["rank"] = s["source"].map({k: i for i, k in enumerate(PRECEDENCE)}).fillna(len(PRECEDENCE))
    s = s.sort_values(["rank", "source", "source_row"], kind="mergesort").drop_duplicates(["model_id", "benchmark", "setting"])
    m = models[["model_id", "name", "release_date", "release_date_ref", "total_params_b", "active_params_b", "architecture", "weights"]].copy()
    m["active_params_b"] = m["active_params_b"].fillna(m["total_params_b"].where(m["architecture"] == "dense"))
    out = s[["model_id", "benchmark", "setting", "value", "source", "source_row"]].merge(m, on="model_id", how="left")
    return out.sort_values(["benchmark", "setting", "model_id"]).reset_index(drop=True)


def all_staircases(pts: pd.DataFrame, thresholds: dict[str, list[float]], min_steps: int, n_boot: int, seed: int):
    """Every (benchmark, setting, threshold, size measure): its steps and its halving time."""
    steps, fits = [], []
    for (bench, setting), g in pts.groupby(["benchmark", "setting"], sort=True):
        for thr in thresholds.get(bench, []):
            for measure, col in SIZES.items():
                st = trends.staircase(g, thr, size_col=col)
                st = st.rename(columns={col: "params_b"}).assign(benchmark=bench, setting=setting, threshold=thr, measure=measure)
                steps.append(st)
                h = trends.halving_time(st.rename(columns={"params_b": col}), thr, size_col=col, min_steps=min_steps, n_boot=n_boot, seed=seed)
                fits.append({"benchmark": bench, "setting": setting, "threshold": thr, "measure": measure, "steps": h.n_steps,
                             "halving_months": h.months, "low_90": h.low, "high_90": h.high, "status": h.status})
    cols = ["benchmark", "setting", "threshold", "measure", "model_id", "release_date", "params_b", "value", "previous_b"]
    return pd.concat(steps, ignore_index=True)[cols], pd.DataFrame(fits)


def undated_contenders(pts: pd.DataFrame, thresholds: dict[str, list[float]]) -> pd.DataFrame:
    """Models that clear a threshold with a known size but have no sourced release date: they
    could belong on a staircase, and are listed rather than guessed."""
    rows = []
    for bench, thrs in thresholds.items():
        g = pts[(pts["benchmark"] == bench) & pts["release_date"].isna() & pts["total_params_b"].notna()]
        for thr in thrs:
            for r in g[g["value"] >= thr].itertuples(index=False):
                rows.append({"benchmark": bench, "threshold": thr, "setting": r.setting, "model_id": r.model_id,
                             "total_params_b": r.total_params_b, "value": r.value})
    return pd.DataFrame(rows, columns=["benchmark", "threshold", "setting", "model_id", "total_params_b", "value"])


def main_settings(steps: pd.DataFrame, per_benchmark: int = 3) -> pd.DataFrame:
    """The steps of the ``per_benchmark`` settings with the most total-parameter steps in each
    benchmark (ties: by name): what the staircase figure draws; the table keeps them all."""
    n = steps[steps["measure"] == "total"].groupby(["benchmark", "setting"]).size().rename("n").reset_index()
    n = n.sort_values(["benchmark", "n", "setting"], ascending=[True, False, True], kind="mergesort")
    keep = n.groupby("benchmark").head(per_benchmark)
    return steps.merge(keep[["benchmark", "setting"]], on=["benchmark", "setting"])


def draw_staircases(steps: pd.DataFrame, thresholds: dict[str, list[float]], credit: str):
    """One panel per threshold: the staircase of each setting, total (solid) and active (dashed).
    Each panel labels the steps of its longest staircase."""
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt
    import seaborn as sns

    from . import plotting

    panels = [(b, t) for b, ts in thresholds.items() for t in ts]
    plotting.set_theme()
    ncols = 4
    nrows = -(-len(panels) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(plotting.WIDTH_PX / plotting.DPI, plotting.HEIGHT_PX / plotting.DPI),
                             layout="constrained", sharey=True, squeeze=False)
    fig.get_layout_engine().set(rect=(0, 0.035, 1, 0.965))
    settings = sorted(steps["setting"].unique())
    colours = dict(zip(settings, sns.color_palette(plotting.PALETTE, len(settings))))
    for ax, (bench, thr) in zip(axes.flat, panels):
        part = steps[(steps["benchmark"] == bench) & (steps["threshold"] == thr)]
        if part.empty:
            ax.text(0.5, 0.5, "no dated model with a known size\nclears it in this data", transform=ax.transAxes,
                    ha="center", va="center", fontsize=11, color="0.4")
            ax.set_xticks([])
        totals = part[part["measure"] == "total"]
        longest = totals.groupby("setting").size().sort_index().idxmax() if len(totals) else None
        for (setting, measure), g in part.groupby(["setting", "measure"], sort=True):
            g = g.sort_values("release_date")
            x = mdates.date2num(pd.to_datetime(g["release_date"]))
            ax.step(x, g["params_b"], where="post", color=colours[setting], ls="-" if measure == "total" else "--", lw=1.8)
            ax.scatter(x, g["params_b"], color=colours[setting], s=18, zorder=3)
            if measure == "total" and setting == longest:
                plotting.label_points(ax, x.tolist(), g["params_b"].tolist(), [plotting.short_label(m.split("/")[-1], 18) for m in g["model_id"]], fontsize=8)
        ax.set_title(f"{benchmark_label(bench)} ≥ {thr:g}", fontsize=13, loc="left")
        if not part.empty:
            ax.xaxis_date()
            ax.xaxis.set_major_locator(mdates.AutoDateLocator(maxticks=6))
            ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
        plotting.params_axis(ax, "y")
        ax.tick_params(axis="x", labelsize=9, rotation=30)
        ax.tick_params(axis="y", labelsize=10)
    for ax in list(axes.flat)[len(panels):]:
        ax.axis("off")
    handles = [plt.Line2D([], [], color=c, lw=2) for c in colours.values()]
    handles += [plt.Line2D([], [], color="0.3", ls="-"), plt.Line2D([], [], color="0.3", ls="--")]
    labels = list(colours) + ["total parameters", "active parameters"]
    axes.flat[-1].legend(handles, labels, loc="center", fontsize=10, title="setting / measure", title_fontsize=11)
    fig.supylabel("Smallest model clearing the threshold (parameters, log scale)", fontsize=13)
    fig.suptitle("The smallest model that clears each score, as of each release date", x=0.01, ha="left", fontsize=18, fontweight="bold")
    plotting.footer(fig, credit)
    return fig


def draw_halving(fits: pd.DataFrame, published: pd.DataFrame, credit: str):
    """Each fitted halving time with its 90 % interval, beside published rates."""
    from . import plotting

    f = fits[fits["status"] == "fitted"].copy()
    f["label"] = f["benchmark"].map(benchmark_label) + " ≥ " + f["threshold"].map("{:g}".format) + ", " + f["setting"] + " (" + f["measure"] + ")"
    fig, ax = plotting.new_figure()
    y = list(range(len(f)))
    ax.errorbar(f["halving_months"], y, xerr=[f["halving_months"] - f["low_90"], f["high_90"] - f["halving_months"]],
                fmt="o", color="C0", capsize=4, label="this data: OLS on the staircase, bootstrap 90 % interval")
    for i, r in enumerate(published.itertuples(index=False)):
        ax.axvline(r.months, color=f"C{i + 1}", ls=":", lw=2, label=f"{r.label}: {r.months:g} months")
    ax.set_yticks(y, f["label"], fontsize=11)
    ax.set_xlabel("Halving time of the smallest sufficient model (months)")
    ax.set_title("How fast the smallest model that clears a score shrinks", loc="left")
    ax.legend(loc="center right", fontsize=11)
    plotting.footer(fig, credit)
    return fig
