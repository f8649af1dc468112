"""04_over_time: the staircases and halving times, from the processed tables."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from . import trends
from .io import read_table
from .presenting import TEXT_PT, room_at_top, short_setting
from .reconcile import source_rank
from .settings import benchmark_label, setting_label
from .tables import MODELS, SCORES

SIZES = {"total": "total_params_b", "active": "active_params_b"}
KEY = ["benchmark", "setting", "threshold", "measure"]
WINDOW_ENDS = ("setting", "data", "last step")  # where a halving fit's window ends (see window_end)
FIT_COLUMNS = KEY + ["steps", "window_start", "window_end", "months_in_window", "block_months", "halving_months",
                     "low_90", "high_90", "status", "same_as"]


def points(processed_dir, benchmarks=("mmlu", "mmlu_pro")) -> pd.DataFrame:
    """One score per model, benchmark and setting (the highest-ranked source's), with the
    model's release date and sizes. Active size is the total for dense models."""
    scores = read_table(Path(processed_dir) / SCORES, dtype={"source_row": str})
    models = read_table(Path(processed_dir) / MODELS)
    s = scores[scores["benchmark"].isin(benchmarks)].copy()
    s["setting"] = setting_label(s)
    s["rank"] = source_rank(s["source"])
    s = s.sort_values(["rank", "source", "source_row"], kind="mergesort").drop_duplicates(["model_id", "benchmark", "setting"])
    m = models[["model_id", "name", "release_date", "release_date_ref", "total_params_b", "active_params_b", "architecture", "weights"]].copy()
    m["active_params_b"] = m["active_params_b"].fillna(m["total_params_b"].where(m["architecture"] == "dense"))
    out = s[["model_id", "benchmark", "setting", "value", "source", "source_row"]].merge(m, on="model_id", how="left")
    return out.sort_values(["benchmark", "setting", "model_id"]).reset_index(drop=True)


def window_end(pts: pd.DataFrame, benchmark: str, setting: str, rule: str = "setting"):
    """The last date a smaller record could have been seen: ``"setting"``, the last release
    date of any model scored on ``benchmark`` in ``setting`` (the default: after it the
    setting observes nothing); ``"data"``, the last release date in ``pts``; ``"last step"``,
    None (the fit stops at the staircase's last record, ignoring the flat tail)."""
    if rule == "last step":
        return None
    if rule == "data":
        return pd.Timestamp(pts["release_date"].dropna().max())
    if rule == "setting":
        g = pts[(pts["benchmark"] == benchmark) & (pts["setting"] == setting)]
        return pd.Timestamp(g["release_date"].dropna().max())
    raise ValueError(f"window end rule {rule!r}: expected one of {WINDOW_ENDS}")


def cell_name(benchmark: str, setting: str, threshold: float, measure: str) -> str:
    """The key of one staircase as one string: "mmlu | base, 5-shot | 50 | total"."""
    return f"{benchmark} | {setting} | {threshold:g} | {measure}"


def plain_setting(setting: str) -> str:
    """A setting label in the words of a chart's reader: "base, 5-shot, CoT" -> "base models,
    5-shot, chain of thought"; "variant not stated" -> "base or instruct not stated"."""
    parts = [p.strip() for p in setting.split(",")]
    words = {"base": "base models", "instruct": "instruct models", "variant not stated": "base or instruct not stated",
             "CoT": "chain of thought"}
    return ", ".join(words.get(p, p) for p in parts)


def _representative_order(fr: pd.DataFrame) -> pd.DataFrame:
    """Rows of one set of identical staircases, best-described first: settings that state
    more (fewer "not stated"), then by name, total before active, the highest threshold."""
    return fr.assign(_vague=fr["setting"].str.count("not stated"), _active=fr["measure"].eq("active"),
                     _thr=-fr["threshold"]).sort_values(["_vague", "setting", "_active", "_thr"], kind="mergesort")


def all_staircases(pts: pd.DataFrame, thresholds: dict[str, list[float]], min_steps: int, n_boot: int, seed: int,
                   end_rule: str = "setting"):
    """Every (benchmark, setting, threshold, size measure): its steps, and one halving time per
    distinct staircase.

    Identical staircases (the same models at the same dates and sizes, from two settings,
    thresholds or size measures) are one result: it is fitted once, on the row that describes
    it best, with the latest of their window ends (the longest any of them watched for a
    smaller model); the others name it in ``same_as`` and carry no fit of their own."""
    steps, rows, sigs = [], [], {}
    for (bench, setting), g in pts.groupby(["benchmark", "setting"], sort=True):
        end = window_end(pts, bench, setting, end_rule)
        for thr in thresholds.get(bench, []):
            for measure, col in SIZES.items():
                st = trends.staircase(g, thr, size_col=col)
                st = st.rename(columns={col: "params_b"}).assign(benchmark=bench, setting=setting, threshold=thr, measure=measure)
                steps.append(st)
                rows.append({"benchmark": bench, "setting": setting, "threshold": thr, "measure": measure, "steps": len(st),
                             "end_date": end, "sig": (bench, trends.signature(st)) if len(st) else None})
                sigs[cell_name(bench, setting, thr, measure)] = st
    cells = pd.DataFrame(rows)
    fits = []
    for sig, same in cells.groupby(cells["sig"].map(repr), sort=True):
        same = _representative_order(same)
        rep = same.iloc[0]
        ends = [e for e in same["end_date"] if e is not None and not pd.isna(e)]
        end = max(ends) if ends and end_rule != "last step" else None
        st = sigs[cell_name(rep["benchmark"], rep["setting"], rep["threshold"], rep["measure"])]
        h = trends.halving_time(st.rename(columns={"params_b": "total_params_b"}), rep["threshold"], end=end,
                                min_steps=min_steps, n_boot=n_boot, seed=seed)
        rep_name = cell_name(rep["benchmark"], rep["setting"], rep["threshold"], rep["measure"])
        for i, r in enumerate(same.itertuples(index=False)):
            row = {k: getattr(r, k) for k in KEY} | {"steps": r.steps}
            if i == 0 or r.sig is None:
                row |= {"window_start": h.window_start, "window_end": h.window_end, "months_in_window": h.n_months,
                        "block_months": h.block_months, "halving_months": h.months, "low_90": h.low, "high_90": h.high,
                        "status": h.status, "same_as": None}
            else:
                row |= {"status": f"same staircase as {rep_name}", "same_as": rep_name}
            fits.append(row)
    cols = ["benchmark", "setting", "threshold", "measure", "model_id", "release_date", "params_b", "value", "previous_b"]
    fits = pd.DataFrame(fits).reindex(columns=FIT_COLUMNS)
    fits = fits.sort_values(KEY, kind="mergesort").reset_index(drop=True)
    return pd.concat(steps, ignore_index=True)[cols], fits


def distinct_fits(fits: pd.DataFrame) -> pd.DataFrame:
    """One row per distinct fitted staircase, with ``label``: its benchmark, threshold(s),
    setting(s) and measure(s) in plain words, every identical staircase folded in."""
    ok = fits[fits["status"] == "fitted"].copy()
    labels = []
    for r in ok.itertuples(index=False):
        name = cell_name(r.benchmark, r.setting, r.threshold, r.measure)
        same = pd.concat([pd.DataFrame([{k: getattr(r, k) for k in KEY}]), fits.loc[fits["same_as"] == name, KEY]])
        thr = "/".join(f"{t:g}" for t in sorted(same["threshold"].unique()))
        settings = [plain_setting(s) for s in dict.fromkeys([r.setting] + sorted(set(same["setting"]) - {r.setting}))]
        measure = " = ".join(m for m in ("total", "active") if m in set(same["measure"]))
        also = f" (same as {'; '.join(settings[1:])})" if len(settings) > 1 else ""
        labels.append(f"{benchmark_label(r.benchmark)} ≥ {thr}, {settings[0]}{also}, {measure}")
    ok["label"] = labels
    return ok.sort_values(["halving_months", "label"], kind="mergesort").reset_index(drop=True)


def sensitivity(pts: pd.DataFrame, cells: list, min_steps: int, n_boot: int, seed: int, every_months: int = 3,
                threshold_step: float = 2.5, threshold_span: float = 10) -> pd.DataFrame:
    """How each headline cell's halving time moves with the window end (from the last record
    to the data's last release date, every ``every_months`` months, plus the named rules) and
    with the threshold (±``threshold_span`` in steps of ``threshold_step``, window to the
    setting's last release)."""
    rows = []
    for bench, setting, thr, measure in cells:
        g = pts[(pts["benchmark"] == bench) & (pts["setting"] == setting)]
        col = SIZES[measure]
        st = trends.staircase(g, thr, size_col=col).rename(columns={col: "total_params_b"})
        base = {"benchmark": bench, "setting": setting, "measure": measure}
        if st.empty:
            continue
        last = pd.Timestamp(st["release_date"].max())
        named = {rule: window_end(pts, bench, setting, rule) or last for rule in WINDOW_ENDS}
        sweep = pd.date_range(last, named["data"], freq=pd.DateOffset(months=every_months))
        ends = {e: "" for e in sweep}
        for rule, e in named.items():  # rules that give the same date share its row: "setting; data"
            ends[e] = f"{ends[e]}; {rule}" if ends.get(e) else rule
        for e in sorted(ends):
            h = trends.halving_time(st, thr, end=e, min_steps=min_steps, n_boot=n_boot, seed=seed)
            rows.append(base | {"vary": "window end", "threshold": thr, "window_end": e.strftime("%Y-%m-%d"),
                                "end_rule": ends[e], "steps": h.n_steps, "halving_months": h.months, "low_90": h.low,
                                "high_90": h.high, "status": h.status})
        for t in np.arange(thr - threshold_span, thr + threshold_span + 1e-9, threshold_step):
            s2 = trends.staircase(g, float(t), size_col=col).rename(columns={col: "total_params_b"})
            h = trends.halving_time(s2, float(t), end=named["setting"], min_steps=min_steps, n_boot=n_boot, seed=seed)
            rows.append(base | {"vary": "threshold", "threshold": float(t), "window_end": named["setting"].strftime("%Y-%m-%d"),
                                "end_rule": "setting", "steps": h.n_steps, "halving_months": h.months, "low_90": h.low,
                                "high_90": h.high, "status": h.status})
    cols = ["benchmark", "setting", "threshold", "measure", "vary", "window_end", "end_rule", "steps", "halving_months",
            "low_90", "high_90", "status"]
    return pd.DataFrame(rows, columns=cols)


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


def halving_rows(fits: pd.DataFrame) -> pd.DataFrame:
    """The halving chart's rows: one per benchmark, threshold(s) and setting(s) of a distinct
    fitted staircase, total and active side by side (one marker where they are the same
    staircase). Columns: ``row`` (its label), ``measure`` (total, active or "total = active"),
    the fit, and ``order`` (rows sorted by their fastest halving time)."""
    d = distinct_fits(fits)
    recs = []
    for r in d.itertuples(index=False):
        name = cell_name(r.benchmark, r.setting, r.threshold, r.measure)
        same = pd.concat([pd.DataFrame([{k: getattr(r, k) for k in KEY}]), fits.loc[fits["same_as"] == name, KEY]])
        thr = "/".join(f"{t:g}" for t in sorted(same["threshold"].unique()))
        others = sorted(set(same["setting"]) - {r.setting})
        row = f"{benchmark_label(r.benchmark)} ≥ {thr} · {short_setting(r.setting)}"
        row += "".join(f"\n(= {short_setting(o)})" for o in others)
        measure = " = ".join(m for m in ("total", "active") if m in set(same["measure"]))
        recs.append({"row": row, "measure": measure, "halving_months": r.halving_months, "low_90": r.low_90,
                     "high_90": r.high_90, "steps": r.steps, "label": r.label})
    out = pd.DataFrame(recs, columns=["row", "measure", "halving_months", "low_90", "high_90", "steps", "label"])
    order = out.groupby("row")["halving_months"].min().sort_values(kind="mergesort")
    out["order"] = out["row"].map({k: i for i, k in enumerate(order.index)})
    return out.sort_values(["order", "measure"], kind="mergesort").reset_index(drop=True)


def _months_axis(axis) -> None:
    """A log axis of months with ticks 0.5, 1, 2, 3, 6, 12, 24, 48, 100, 200."""
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullFormatter

    axis.set_major_locator(FixedLocator([0.5, 1, 2, 3, 6, 12, 24, 48, 100, 200]))
    axis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:g}"))
    axis.set_minor_formatter(NullFormatter())


def draw_halving(fits: pd.DataFrame, published: pd.DataFrame, credit: str, xlim=(0.5, 200)):
    """Each distinct staircase's halving time with its 90 % block-bootstrap interval, on a log
    axis, one row per benchmark, threshold and setting (filled: total parameters, open: active,
    diamond: the two are one staircase); an interval that reaches a flat trend runs off the
    right edge. Published rates (``published``: label, low, high months and a matplotlib style)
    are vertical lines, or bands where ``low`` < ``high``."""
    from . import plotting

    rows = halving_rows(fits)
    fig, ax = plotting.new_figure()
    if rows.empty:
        ax.text(0.5, 0.5, "no staircase has enough steps for a fit in this data", transform=ax.transAxes, ha="center",
                va="center", fontsize=TEXT_PT, color="0.4")
        plotting.footer(fig, credit)
        return fig
    colour = plotting.sns.color_palette(plotting.PALETTE, 6)
    marker = {"total": dict(marker="o", mfc=colour[0]), "active": dict(marker="o", mfc="white"),
              "total = active": dict(marker="D", mfc=colour[0])}
    offset = {"total": -0.17, "active": 0.17, "total = active": 0.0}
    for r in rows.itertuples(index=False):
        y = r.order + offset[r.measure]
        hi = min(r.high_90, xlim[1])
        ax.plot([r.low_90, hi], [y, y], color=colour[0], lw=2.2, solid_capstyle="butt", zorder=3)
        if not math.isfinite(r.high_90) or r.high_90 > xlim[1]:
            ax.plot([xlim[1]], [y], marker=">", color=colour[0], ms=9, clip_on=False, zorder=4)
        ax.plot([r.halving_months], [y], ls="none", mec=colour[0], mew=2, ms=10, zorder=5, **marker[r.measure])
    for r in published.itertuples(index=False):
        style = r.style if isinstance(r.style, dict) else {}
        if r.low == r.high:
            ax.axvline(r.low, zorder=2, label=r.label, lw=2.5, **style)
        else:
            ax.axvspan(r.low, r.high, zorder=2, label=r.label, lw=0, alpha=0.55, **style)
    labels = rows.drop_duplicates("row").sort_values("order")
    ax.set_yticks(labels["order"], labels["row"], fontsize=TEXT_PT)
    ax.set_ylim(len(labels) - 0.5, -0.5)
    ax.set_xscale("log")
    ax.set_xlim(*xlim)
    _months_axis(ax.xaxis)
    ax.tick_params(axis="x", labelsize=TEXT_PT)
    ax.set_xlabel("Months for the smallest model that clears the score to halve in size (log scale)", fontsize=TEXT_PT + 1)
    fig.suptitle("How fast the smallest model that clears a score shrinks: one row per distinct staircase", x=0.01,
                 ha="left", fontsize=20, fontweight="bold")
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], ls="none", mec=colour[0], mew=2, ms=10, **marker[m]) for m in marker]
    names = ["total parameters", "active parameters", "total = active (one staircase)"]
    handles += [Line2D([], [], color=colour[0], lw=2.2, marker=">", ms=9, markevery=[1])]
    names += ["90 % interval; ▶ no upper end"]
    h2, l2 = ax.get_legend_handles_labels()
    fig.legend(handles + h2, names + l2, loc="upper left", bbox_to_anchor=(0.005, 0.955), ncol=3, fontsize=TEXT_PT,
               frameon=False, handlelength=1.6, columnspacing=1.5, borderaxespad=0)
    plotting.footer(fig, credit)
    room_at_top(fig, 0.1)
    return fig



def draw_sensitivity(sens: pd.DataFrame, credit: str, ylim=(1, 100)):
    """Two panels for the headline cells: the halving time (with its 90 % interval) against the
    window's end date, and against the threshold."""
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt
    from . import plotting

    plotting.set_theme()
    fig, (left, right) = plt.subplots(1, 2, figsize=(plotting.WIDTH_PX / plotting.DPI, plotting.HEIGHT_PX / plotting.DPI),
                                      layout="constrained", sharey=True)
    cells = sens[["benchmark", "setting", "measure"]].drop_duplicates().reset_index(drop=True)
    colours = plotting.sns.color_palette(plotting.PALETTE, max(len(cells), 1))
    rule_marker = {"last step": "s", "setting": "o", "data": "^"}
    rule_name = {"last step": "ends at the last record", "setting": "ends at the setting's last release",
                 "data": "ends at the data's last release"}
    for i, c in cells.iterrows():
        part = sens[(sens["benchmark"] == c["benchmark"]) & (sens["setting"] == c["setting"]) & (sens["measure"] == c["measure"])]
        thr = part.loc[part["vary"] == "window end", "threshold"].iloc[0]
        name = f"{benchmark_label(c['benchmark'])} ≥ {thr:g}, {short_setting(c['setting'])}, {c['measure']}"
        for ax, vary, xcol in ((left, "window end", "window_end"), (right, "threshold", "threshold")):
            p = part[(part["vary"] == vary) & (part["status"] == "fitted")].sort_values(xcol)
            if vary == "window end":
                p = p.drop_duplicates("window_end")
                x = mdates.date2num(pd.to_datetime(p["window_end"]))
            else:
                x = p["threshold"].to_numpy(float)
            hi = np.minimum(p["high_90"].to_numpy(float), ylim[1])
            ax.fill_between(x, p["low_90"].to_numpy(float), hi, color=colours[i], alpha=0.18, lw=0)
            ax.plot(x, p["halving_months"], color=colours[i], lw=2.5, label=name if vary == "window end" else None,
                    marker="o" if vary == "threshold" else None, ms=8)
            if vary == "window end":
                for rule, m in rule_marker.items():
                    has = part["end_rule"].fillna("").str.split("; ").map(lambda rules, rule=rule: rule in rules)
                    q = part[(part["vary"] == vary) & has & (part["status"] == "fitted")]
                    ax.plot(mdates.date2num(pd.to_datetime(q["window_end"])), q["halving_months"], ls="none", marker=m,
                            ms=11, color=colours[i], mec="black", zorder=5)
    for ax in (left, right):
        ax.set_yscale("log")
        ax.set_ylim(*ylim)
        _months_axis(ax.yaxis)
        ax.tick_params(labelsize=TEXT_PT)
    left.xaxis_date()
    left.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 7)))
    left.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
    left.tick_params(axis="x", rotation=30)
    left.set_xlabel("End of the fitted window (release date)", fontsize=TEXT_PT + 1)
    left.set_ylabel("Halving time (months, log scale), 90 % interval shaded", fontsize=TEXT_PT + 1)
    right.set_xlabel("Score threshold (window to the setting's last release)", fontsize=TEXT_PT + 1)
    left.set_title("…with where the window ends", loc="left", fontsize=18)
    right.set_title("…with the threshold", loc="left", fontsize=18)
    from matplotlib.lines import Line2D

    handles, names = left.get_legend_handles_labels()
    handles += [Line2D([], [], ls="none", marker=m, ms=11, color="0.6", mec="black") for m in rule_marker.values()]
    names += [rule_name[r] for r in rule_marker]
    left.legend(handles, names, loc="upper left", fontsize=TEXT_PT, framealpha=0.95)
    fig.suptitle("How the halving time moves", x=0.01, ha="left", fontsize=20, fontweight="bold")
    plotting.footer(fig, credit)
    return fig
