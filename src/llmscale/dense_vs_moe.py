"""06_dense_vs_moe: do mixture-of-experts models score differently from dense ones of the
same size, counting total parameters, or active parameters?

For one benchmark in one setting, OLS fits (statsmodels) on open models of known
architecture, total and active size and release date (a dense model's active size is its
total):

- ``score ~ log10_total + moe`` and ``score ~ log10_total + moe + years``: the ``moe``
  coefficient is the MoE - dense difference in points at equal total size, without and with
  the release date (MoE models in these data are newer, and newer models score higher);
- ``score ~ log10_active + moe (+ years)``: the same at equal active size;
- ``score ~ log10_total + log10_active (+ years)``: how the score splits between total and
  active parameters, in points per tenfold, each holding the other fixed.

Fine-tunes of one network are not independent evidence about architecture: standard errors
are clustered by lineage (:func:`lineages`) (``cov_type="cluster"``, small-sample correction, t with G - 1
degrees of freedom), and a setting is compared only with enough distinct MoE and dense
lineages.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf

from .io import read_table
from .presenting import TEXT_PT, effect, room_at_top, short_setting
from .predict_params import frames
from .settings import benchmark_label
from .tables import MODELS

YEAR = 365.25
DATE_ORIGIN = pd.Timestamp("2024-01-01")  # years are counted from here (the intercept's date)

FITS = {  # name: (formula, the terms reported)
    "equal total": ("score ~ log10_total + moe", ("moe", "log10_total")),
    "equal total + date": ("score ~ log10_total + moe + years", ("moe", "log10_total", "years")),
    "equal active": ("score ~ log10_active + moe", ("moe", "log10_active")),
    "equal active + date": ("score ~ log10_active + moe + years", ("moe", "log10_active", "years")),
    "total + active": ("score ~ log10_total + log10_active", ("log10_total", "log10_active")),
    "total + active + date": ("score ~ log10_total + log10_active + years", ("log10_total", "log10_active", "years")),
}
COLUMNS = ["benchmark", "setting", "fit", "term", "points", "low", "high", "p_value", "n_models", "n_dense", "n_moe",
           "n_lineages", "n_dense_lineages", "n_moe_lineages", "r2"]

_SIZE = re.compile(r"^(?:a|e)?\d+(?:\.\d+)?[bmk]$|^\d+x\d+(?:\.\d+)?b$")


def _name_parts(model_id: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """An id's name stem and size tags: "tokyotech-llm/qwen-3-swallow-30b-a3b-sft-v0.2" ->
    (("qwen3", "swallow"), ("30b", "a3b")); the stem is the words before the first size tag."""
    name = model_id.split("/")[-1].lower()
    name = re.sub(r"(?<=[a-z])[-_ ](?=\d+(?:\.\d+)?(?:[-_ ]|$))", "", name)  # "qwen-3-..." -> "qwen3-..."
    words = [w for w in re.split(r"[-_ ]+", name) if w]
    sizes = [i for i, w in enumerate(words) if _SIZE.match(w)]
    if not sizes:
        return tuple(words), ()
    return tuple(words[: sizes[0]]), tuple(w for w in words[sizes[0]:] if _SIZE.match(w))


def lineages(models: pd.DataFrame, size_tolerance: float = 0.1) -> pd.Series:
    """Each model's lineage (indexed like ``models``): the connected groups of these links,
    each joining two models of one network and its fine-tunes:

    - the same ``lineage`` in models.csv (:mod:`llmscale.lineage`: base models and everything
      post-trained from them, from base-model facts, sources' base-model fields and ids);
      where models.csv has no ``lineage`` column, the same ``family`` or one being the other's
      ``base_model_id`` instead;
    - the same size tags in their names and totals within ``size_tolerance``, one name's stem
      starting with the other's ("gpt-oss-swallow-120b-rl" and "gpt-oss-120b"): a fine-tune by
      another maker, named after its base, which no source's base-model field records.

    The lineage id is the smallest model_id of its group.
    """
    ids = models["model_id"].astype(str).tolist()
    parent = {m: m for m in ids}

    def find(m):
        while parent[m] != m:
            parent[m] = parent[parent[m]]
            m = parent[m]
        return m

    def union(a, b):
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    shared = ["lineage"] if "lineage" in models.columns else ["family"]
    for col in shared:
        for _, g in models.dropna(subset=[col]).groupby(col):
            for m in g["model_id"].iloc[1:]:
                union(str(g["model_id"].iloc[0]), str(m))
    if "lineage" not in models.columns:
        for m, b in zip(models["model_id"], models["base_model_id"]):
            if isinstance(b, str) and b in parent:
                union(str(m), b)
    parts = {m: _name_parts(m) for m in ids}
    total = dict(zip(ids, models["total_params_b"]))
    by_sizes: dict[tuple, list[str]] = {}
    for m, (_stem, sizes) in parts.items():
        if sizes:
            by_sizes.setdefault(sizes, []).append(m)
    for group in by_sizes.values():
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                sa, sb = parts[a][0], parts[b][0]
                short, long_ = (sa, sb) if len(sa) <= len(sb) else (sb, sa)
                if not short or long_[: len(short)] != short:
                    continue
                ta, tb = total.get(a), total.get(b)
                if pd.notna(ta) and pd.notna(tb) and abs(ta - tb) > size_tolerance * max(ta, tb):
                    continue
                union(a, b)
    return pd.Series([find(m) for m in ids], index=models.index, name="lineage")


def points(processed_dir, benchmarks) -> pd.DataFrame:
    """Open models of known architecture with a total (and, for MoE, an active) size: one
    score per model, benchmark and setting, with its lineage and release date in years."""
    d = frames(processed_dir, benchmarks)
    d = d[d["label"] & d["architecture"].isin(["dense", "moe"])].copy()
    d["active_params_b"] = d["active_params_b"].fillna(d["total_params_b"].where(d["architecture"] == "dense"))
    d = d.dropna(subset=["active_params_b"])
    d["moe"] = (d["architecture"] == "moe").astype(int)
    models = read_table(Path(processed_dir) / MODELS)
    d["lineage"] = d["model_id"].map(pd.Series(lineages(models).to_numpy(), index=models["model_id"]))
    d["years"] = (pd.to_datetime(d["release_date"]) - DATE_ORIGIN).dt.days / YEAR
    return d.reset_index(drop=True)


def counts(g: pd.DataFrame) -> dict:
    """Models and distinct lineages, all and by kind."""
    return {"n_models": len(g), "n_dense": int((g["moe"] == 0).sum()), "n_moe": int(g["moe"].sum()),
            "n_lineages": g["lineage"].nunique(), "n_dense_lineages": g.loc[g["moe"] == 0, "lineage"].nunique(),
            "n_moe_lineages": g.loc[g["moe"] == 1, "lineage"].nunique()}


def fit(g: pd.DataFrame, formula: str):
    """OLS with lineage-clustered standard errors (t with G - 1 degrees of freedom)."""
    groups = pd.factorize(g["lineage"], sort=True)[0]
    return smf.ols(formula, data=g).fit(cov_type="cluster", cov_kwds={"groups": groups}, use_t=True)


def compare(d: pd.DataFrame, min_moe_lineages: int = 4, min_dense_lineages: int = 8, level: float = 0.95) -> pd.DataFrame:
    """One row per (benchmark, setting, fit, term) for each setting with at least
    ``min_moe_lineages`` MoE and ``min_dense_lineages`` dense lineages among its dated models:
    the coefficient in points (per tenfold for a log10 size, per year for ``years``, MoE -
    dense for ``moe``), its ``level`` interval and p-value, and the counts behind it. Every fit
    of a setting uses the same models (those with a release date)."""
    rows = []
    for (bench, setting), g in d.groupby(["benchmark", "setting"], sort=True):
        g = g.dropna(subset=["years"]).assign(log10_total=lambda x: np.log10(x["total_params_b"]),
                                               log10_active=lambda x: np.log10(x["active_params_b"]))
        n = counts(g)
        if n["n_moe_lineages"] < min_moe_lineages or n["n_dense_lineages"] < min_dense_lineages:
            continue
        for name, (formula, terms) in FITS.items():
            r = fit(g, formula)
            ci = r.conf_int(alpha=1 - level)
            for term in terms:
                rows.append({"benchmark": bench, "setting": setting, "fit": name, "term": term,
                             "points": float(r.params[term]), "low": float(ci.loc[term, 0]), "high": float(ci.loc[term, 1]),
                             "p_value": float(r.pvalues[term]), **n, "r2": float(r.rsquared)})
    return pd.DataFrame(rows, columns=COLUMNS)


MAX_ROWS = 11  # two-line row labels at the minimum text size: what 900 px hold under the title and legend


def draw(table: pd.DataFrame, headline: tuple[str, str], credit: str, min_moe_lineages: int = 6):
    """A coefficient plot, one row per benchmark and setting compared with at least
    ``min_moe_lineages`` MoE lineages (and the headline setting): left, the MoE - dense
    difference at equal total size without (open) and with (filled) the date term; right, the
    points per tenfold of total and of active parameters when both are in the fit (with the
    date). 95 % intervals clustered by lineage. The headline setting's answer is written on top.
    At most :data:`MAX_ROWS` rows: past that, the headline and the settings with the most MoE
    lineages, and the x label says how many were left out (the table has them all)."""
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    from . import plotting

    plotting.set_theme()
    fig, (left, right) = plt.subplots(1, 2, figsize=(plotting.WIDTH_PX / plotting.DPI, plotting.HEIGHT_PX / plotting.DPI),
                                      layout="constrained", sharey=True, gridspec_kw={"width_ratios": [1, 1]})
    keys = table[(table["n_moe_lineages"] >= min_moe_lineages)
                 | ((table["benchmark"] == headline[0]) & (table["setting"] == headline[1]))]
    keys = keys.drop_duplicates(["benchmark", "setting"])
    left_out = max(len(keys) - MAX_ROWS, 0)
    if left_out:  # what fits the figure: the headline and the settings with the most MoE lineages
        head = (keys["benchmark"] == headline[0]) & (keys["setting"] == headline[1])
        keys = keys.assign(_head=head).sort_values(["_head", "n_moe_lineages", "benchmark", "setting"],
                                                   ascending=[False, False, True, True], kind="mergesort").head(MAX_ROWS)
    keys = keys[["benchmark", "setting"]].sort_values(["benchmark", "setting"]).reset_index(drop=True)
    if keys.empty:
        left.text(0.5, 0.5, "no benchmark and setting has enough MoE and dense lineages", transform=left.transAxes,
                  ha="center", va="center", fontsize=TEXT_PT, color="0.4")
        plotting.footer(fig, credit)
        return fig
    colour = plotting.sns.color_palette(plotting.PALETTE, 4)
    labels = []
    for i, k in keys.iterrows():
        g = table[(table["benchmark"] == k["benchmark"]) & (table["setting"] == k["setting"])]
        n = g.iloc[0]
        bold = (k["benchmark"], k["setting"]) == tuple(headline)
        labels.append(f"{benchmark_label(k['benchmark'])}, {short_setting(k['setting'])}\n{int(n['n_moe'])} MoE "
                      f"({int(n['n_moe_lineages'])} lineages), {int(n['n_dense'])} dense ({int(n['n_dense_lineages'])})")
        for fit_name, dy, filled in (("equal total", -0.15, False), ("equal total + date", 0.15, True)):
            r = g[(g["fit"] == fit_name) & (g["term"] == "moe")].iloc[0]
            left.plot([r["low"], r["high"]], [i + dy, i + dy], color=colour[0], lw=2.5 if bold else 1.8)
            left.plot([r["points"]], [i + dy], "o", ms=10, mec=colour[0], mew=2, mfc=colour[0] if filled else "white")
        for term, dy, c in (("log10_total", -0.15, colour[1]), ("log10_active", 0.15, colour[2])):
            r = g[(g["fit"] == "total + active + date") & (g["term"] == term)].iloc[0]
            right.plot([r["low"], r["high"]], [i + dy, i + dy], color=c, lw=2.5 if bold else 1.8)
            right.plot([r["points"]], [i + dy], "s", ms=10, color=c)
    for ax in (left, right):
        ax.axvline(0, color="0.3", lw=1.2, zorder=1)
        ax.tick_params(labelsize=TEXT_PT)
    left.set_yticks(range(len(keys)), labels, fontsize=TEXT_PT)
    for tick, (_, k) in zip(left.get_yticklabels(), keys.iterrows()):
        tick.set_linespacing(1.0)  # a label's two lines closer to each other than to the next label's
        if (k["benchmark"], k["setting"]) == tuple(headline):
            tick.set_fontweight("bold")
    left.set_ylim(len(keys) - 0.5, -0.5)
    left.set_xlabel("MoE − dense at equal total size (points)"
                    + (f"\n{left_out} more setting{'s' if left_out > 1 else ''}, with fewer MoE lineages: dense_vs_moe.csv"
                       if left_out else ""), fontsize=TEXT_PT + 1)
    right.set_xlabel("Points per tenfold, total and active in one fit", fontsize=TEXT_PT + 1)
    handles = [Line2D([], [], marker="o", ls="-", color=colour[0], mfc="white", mew=2, ms=10),
               Line2D([], [], marker="o", ls="-", color=colour[0], mew=2, ms=10),
               Line2D([], [], marker="s", color=colour[1], ms=10), Line2D([], [], marker="s", color=colour[2], ms=10)]
    fig.legend(handles, ["MoE − dense, without the date", "with the release date", "total parameters",
                         "active parameters (with the date)"], loc="upper left", bbox_to_anchor=(0.005, 0.91), ncol=4,
               fontsize=TEXT_PT, frameon=False, borderaxespad=0, handlelength=1.8, columnspacing=1.5)
    fig.suptitle(headline_sentence(table, *headline), x=0.01, ha="left", fontsize=17, fontweight="bold")
    plotting.footer(fig, credit)
    room_at_top(fig, 0.1)
    return fig


def headline_sentence(table: pd.DataFrame, bench: str, setting: str) -> str:
    """The answer for one setting, in two lines."""
    a, b = effect(table, bench, setting, "equal total"), effect(table, bench, setting, "equal total + date")
    t, s = effect(table, bench, setting, "total + active + date", "log10_total"), \
        effect(table, bench, setting, "total + active + date", "log10_active")
    if a is None:
        return f"Dense vs mixture-of-experts: {benchmark_label(bench)} ({setting}) has too few MoE lineages to compare"
    return (f"{benchmark_label(bench)} ({setting}): MoE {b['points']:+.1f} points at equal total size "
            f"(95 % CI {b['low']:+.1f} to {b['high']:+.1f}); {a['points']:+.1f} without the date\n"
            f"{int(a['n_moe'])} MoE models from {int(a['n_moe_lineages'])} lineages · per tenfold: total "
            f"{t['points']:.1f} points ({t['low']:.1f} to {t['high']:.1f}), active {s['points']:.1f} ({s['low']:+.1f} to {s['high']:+.1f})")
