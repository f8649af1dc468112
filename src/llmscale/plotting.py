"""One figure style for every chart, labelled scatters, and byte-identical saving."""

from __future__ import annotations

import functools
import io
from pathlib import Path

import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import seaborn as sns  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from adjustText import adjust_text  # noqa: E402

from .io import atomic_write_bytes, round_figure  # noqa: E402

PALETTE = "colorblind"
WIDTH_PX, HEIGHT_PX, DPI = 1600, 900, 100
# A figure is cited shrunk to a blog column: every text must still be MIN_COLUMN_TEXT_PX tall there.
COLUMN_PX, MIN_COLUMN_TEXT_PX = 700, 9
MIN_TEXT_PT = 15.0  # 15 pt = 20.8 px at 100 dpi = 9.1 px at 700/1600; nothing is drawn smaller
LABEL_PT = 16.0  # point labels and footers


def set_theme() -> None:
    """The project's seaborn theme: colour-blind-safe, readable at 1600x900."""
    sns.set_theme(context="talk", style="whitegrid", palette=PALETTE, font="DejaVu Sans")
    plt.rcParams.update(
        {
            "svg.hashsalt": "llmscale",
            "svg.fonttype": "path",
            "figure.dpi": DPI,
            "savefig.dpi": DPI,
            "axes.titleweight": "bold",
            "axes.titlesize": 24,
            "figure.titlesize": 24,
            "font.size": LABEL_PT,
            "axes.labelsize": 19,
            "xtick.labelsize": 17,
            "ytick.labelsize": 17,
            "legend.fontsize": LABEL_PT,
            "legend.title_fontsize": LABEL_PT,
        }
    )


def new_figure():
    set_theme()
    fig, ax = plt.subplots(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), layout="constrained")
    fig.get_layout_engine().set(rect=(0, 0.035, 1, 0.965))  # room for the footer
    return fig, ax


def footer(fig, text: str, width: int = 120) -> None:
    """The data credit, bottom right, wrapped to ``width`` characters, with room made for it."""
    import textwrap

    lines = textwrap.wrap(text, width) or [""]
    fig.text(0.995, 0.008, "\n".join(lines), ha="right", va="bottom", fontsize=LABEL_PT, color="0.3", linespacing=1.3)
    bottom = 0.014 + 1.3 * LABEL_PT * DPI / 72 / HEIGHT_PX * len(lines)
    if fig.get_layout_engine() is not None:
        fig.get_layout_engine().set(rect=(0, bottom, 1, 1 - bottom))


def _billions(value, _pos=None) -> str:
    if value >= 1000:
        return f"{value / 1000:g}T"
    return f"{value:g}B"


def params_axis(ax, axis="x") -> None:
    """A log axis of parameter counts with ticks written 1B, 10B, 100B, 1T."""
    from matplotlib.ticker import FuncFormatter, LogLocator

    target = ax.xaxis if axis == "x" else ax.yaxis
    (ax.set_xscale if axis == "x" else ax.set_yscale)("log")
    target.set_major_locator(LogLocator(base=10))
    target.set_major_formatter(FuncFormatter(_billions))


def short_label(name: str, width: int = 22) -> str:
    """A point label: the model's display name (:func:`llmscale.display.display_name`), broken
    onto a second line at a space or hyphen when longer than ``width``; never cut."""
    from .display import display_name, wrap

    return wrap(display_name(name), width)


def column_px(points: float) -> float:
    """How tall text of ``points`` is once the 1600 px figure is shrunk to a 700 px column."""
    return points * DPI / 72 * COLUMN_PX / WIDTH_PX


def visible_texts(fig) -> list:
    """Every visible, non-empty text of ``fig`` (titles, labels, ticks, legend, footer)."""
    from matplotlib.text import Text

    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip() and t.get_figure() is not None]


def _shown_tick_labels(axis) -> list:
    lo, hi = sorted(axis.get_view_interval())
    pad = 1e-9 * abs(hi - lo)
    return [lab for tick in [*axis.get_major_ticks(), *axis.get_minor_ticks()] if lo - pad <= tick.get_loc() <= hi + pad
            for lab in (tick.label1, tick.label2) if lab.get_visible() and lab.get_text().strip()]


def off_canvas(fig, tolerance_px: float = 1.0) -> list[str]:
    """The drawn texts of ``fig`` (titles, tick labels, legend entries, labels, footer) that
    reach past the figure's edge by more than ``tolerance_px``, each as "text (side)"; call
    after a draw. A tick label of a tick outside the axis' view is not drawn and not counted."""
    renderer = fig.canvas.get_renderer()
    w, h = fig.bbox.width, fig.bbox.height
    hidden = {id(lab) for ax in fig.axes for axis in (ax.xaxis, ax.yaxis)
              for tick in [*axis.get_major_ticks(), *axis.get_minor_ticks()] for lab in (tick.label1, tick.label2)}
    hidden -= {id(lab) for ax in fig.axes for axis in (ax.xaxis, ax.yaxis) for lab in _shown_tick_labels(axis)}
    out = []
    for t in visible_texts(fig):
        if id(t) in hidden:
            continue
        box = t.get_window_extent(renderer)
        sides = [name for name, past in (("left", -box.x0), ("right", box.x1 - w), ("bottom", -box.y0),
                                         ("top", box.y1 - h)) if past > tolerance_px]
        if sides:
            out.append(f"{t.get_text()!r} ({', '.join(sides)})")
    return out


def overlap(a, b, tolerance_px: float = 1.0) -> bool:
    """Whether two window extents (display boxes) overlap by more than ``tolerance_px`` both ways."""
    return min(a.x1, b.x1) - max(a.x0, b.x0) > tolerance_px and min(a.y1, b.y1) - max(a.y0, b.y0) > tolerance_px


def collisions(fig, tolerance_px: float = 1.0) -> list[str]:
    """Pairs of the figure's furniture that overlap by more than ``tolerance_px`` each way:
    two tick labels of one axis, or a legend's title or entry and another one or a
    figure-level text (title, footer); call after a draw. Point labels are :func:`label_points`' business."""
    renderer = fig.canvas.get_renderer()
    hit = functools.partial(overlap, tolerance_px=tolerance_px)
    out = []
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            labs = [(lab.get_text(), lab.get_window_extent(renderer)) for lab in _shown_tick_labels(axis)]
            out += [f"tick labels {a!r} and {b!r}" for i, (a, ba) in enumerate(labs) for b, bb in labs[i + 1:] if hit(ba, bb)]
    legends = [lg for lg in [*fig.legends, *(ax.get_legend() for ax in fig.axes)] if lg is not None and lg.get_visible()]
    entries = [t for lg in legends for t in [lg.get_title(), *lg.get_texts()] if t.get_visible() and t.get_text().strip()]
    boxes = [(f"legend entry {t.get_text()[:40]!r}", t.get_window_extent(renderer)) for t in entries]
    boxes += [(repr(t.get_text()[:40]), t.get_window_extent(renderer)) for t in [*fig.texts, fig._suptitle]
              if t is not None and t.get_visible() and t.get_text().strip()]
    out += [f"{a} and {b}" for i, (a, ba) in enumerate(boxes[:len(entries)]) for b, bb in boxes[i + 1:] if hit(ba, bb)]
    return out


def enforce_min_text(fig, min_pt: float = MIN_TEXT_PT) -> int:
    """Raise every text smaller than ``min_pt`` to it (the layout engine then makes room);
    returns how many were raised. Run by :func:`save_figure`, so no saved figure has text
    under :data:`MIN_COLUMN_TEXT_PX` in a 700 px column."""
    for ax in fig.axes:  # tick labels are made anew at each draw, from the axis' tick parameters
        for axis in (ax.xaxis, ax.yaxis):
            for which, ticks in (("major", axis.get_major_ticks()), ("minor", axis.get_minor_ticks())):
                if ticks and ticks[0].label1.get_fontsize() < min_pt:
                    axis.set_tick_params(which=which, labelsize=min_pt)
    small = [t for t in visible_texts(fig) if t.get_fontsize() < min_pt]
    for t in small:
        t.set_fontsize(min_pt)
    return len(small)


def _in_kernel() -> bool:
    import sys

    if "IPython" not in sys.modules:
        return False
    from IPython import get_ipython

    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def save_figure(fig, stem, formats=("svg", "png")) -> list[Path]:
    """Save ``fig`` as ``stem.svg`` and ``stem.png`` (1600x900), atomically and reproducibly,
    with no text under the column minimum; in a notebook, show the PNG as it is written."""
    stem = Path(stem)
    enforce_min_text(fig)
    round_figure(fig)  # fitted values that differ in their last bits draw the same bytes
    _fix_layout(fig)
    problems = [f"past the figure's edge: {t}" for t in off_canvas(fig)] + [f"overlapping: {c}" for c in collisions(fig)]
    if problems:
        plt.close(fig)
        more = f"; and {len(problems) - 3} more" if len(problems) > 3 else ""
        raise ValueError(f"{stem.name}: text would be unreadable, not saved: {'; '.join(problems[:3])}{more}")
    written, png = [], None
    for fmt in dict.fromkeys([*formats, "png"]):
        buf = io.BytesIO()
        meta = {"svg": {"Date": None, "Creator": None}, "png": {"Software": None}}[fmt]
        fig.savefig(buf, format=fmt, dpi=DPI, metadata=meta)
        if fmt == "png":
            png = buf.getvalue()
        if fmt in formats:
            written.append(atomic_write_bytes(stem.with_suffix(f".{fmt}"), buf.getvalue()))
    plt.close(fig)
    if _in_kernel():
        from IPython.display import Image, display

        display(Image(data=png, format="png", width=WIDTH_PX // 2))
    return written


def _fix_layout(fig, digits: int = 6) -> None:
    """Lay the figure out once more, then fix each axes' position, rounded to ``digits``
    decimals of the figure, and save without a further layout pass. The layout solver starts
    from the positions of the last draw (made while labels were placed, before the values were
    rounded), so its result carries that draw's last bits; the SVG names each clip path by a
    hash of its exact rectangle, and another BLAS kernel's last bits would rename it."""
    fig.draw_without_rendering()  # also places every text for the edge check
    if fig.get_layout_engine() is None:
        return
    fig.set_layout_engine(None)  # no engine at all (rcParams ask for none), so savefig draws no extra layout pass
    if fig.get_layout_engine() is not None:
        fig.set_layout_engine("none")
    for ax in fig.axes:
        ax.set_position([round(float(v), digits) for v in ax.get_position().bounds])


def label_points(ax, xs, ys, labels, fontsize=LABEL_PT) -> None:
    """Label points so that labels do not overlap each other, the points, or the texts and
    legend already in the axes (adjustText); never smaller than :data:`MIN_TEXT_PT`, so that
    the placement is done at the size saved."""
    fontsize = max(float(fontsize), MIN_TEXT_PT)
    others = [t for t in ax.texts if t.get_visible() and t.get_text().strip()]  # a note or a subtitle, say
    if ax.get_legend() is not None and ax.get_legend().get_visible():
        others.append(ax.get_legend())
    texts = [ax.text(x, y, str(t), fontsize=fontsize, linespacing=1.0) for x, y, t in zip(xs, ys, labels)]
    if texts:
        renderer, to_data = ax.figure.canvas.get_renderer(), ax.transData.inverted()  # no draw of its own: adjustText draws
        avoid = [to_data.transform_bbox(a.get_window_extent(renderer)) for a in others]  # adjustText takes them in data units
        texts, arrows = adjust_text(
            texts, x=list(xs), y=list(ys), ax=ax, objects=avoid or None,
            arrowprops=dict(arrowstyle="-", color="0.5", lw=0.6),
            expand=(1.15, 1.3), time_lim=None, iter_lim=400,
        )
        _clear_of(ax, texts, others, renderer)
        _snap_labels(ax, texts, arrows, xs, ys)


def _clear_of(ax, texts, others, renderer, gap_px: float = 3.0) -> None:
    """Move each label that adjustText left on one of ``others`` (a legend, say) straight up
    or down, whichever is the shorter way out that stays in the axes."""
    frame = ax.get_window_extent(renderer)
    to_data = ax.transData.inverted()
    for t in texts:
        for other in others:
            box, ob = t.get_window_extent(renderer), other.get_window_extent(renderer)
            if not overlap(box, ob):
                continue
            moves = [d for d in (ob.y1 + gap_px - box.y0, ob.y0 - gap_px - box.y1)
                     if frame.y0 <= box.y0 + d and box.y1 + d <= frame.y1]
            if moves:
                x, y = ax.transData.transform(t.get_position())
                t.set_position(tuple(float(v) for v in to_data.transform((x, y + min(moves, key=abs)))))


_GRID_PX = 1 / 64  # FreeType's unit: glyph widths are multiples of it
_GRID_OFFSET = 0.37  # of a grid step: keeps a snapped label (and its half-width) clear of pixel and subpixel edges


def _snap(px: np.ndarray) -> np.ndarray:
    return (np.floor(np.asarray(px, dtype=float) / _GRID_PX) + _GRID_OFFSET) * _GRID_PX


def _snap_labels(ax, texts, arrows, xs, ys, gap_px: float = 3.0) -> None:
    """Put each label on a fixed sub-pixel grid and replace its arrow by a straight leader line
    from the label's edge to the exact data point.

    adjustText's floating-point work can differ in the last bits from run to run (numpy's
    vectorised sums depend on memory alignment, which differs between kernel runs), and its
    arrows are curves clipped to their label by tolerance tests that such bits can tip. The
    SVG hides that, but the PNG's glyph placement and antialiasing round positions to
    sub-pixels. Labels and line starts are put on a grid offset from those edges and lines are
    two plain points, so that the PNG is a function of the data alone."""
    to_px, to_data = ax.transData, ax.transData.inverted()
    index = {id(t): i for i, t in enumerate(texts)}
    for t in texts:
        t.set_position(tuple(float(v) for v in to_data.transform(_snap(to_px.transform(t.get_position())))))
    renderer = ax.figure.canvas.get_renderer()
    for a in arrows:
        i = index.get(id(getattr(a, "patchA", None)))
        if i is None or not hasattr(a, "set_positions"):
            continue
        target = (float(xs[i]), float(ys[i]))
        box = texts[i].get_window_extent(renderer)
        centre = np.array([(box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2])
        d = np.asarray(to_px.transform(target), dtype=float) - centre
        reach = min(((box.width / 2 + gap_px) / abs(d[0])) if d[0] else np.inf,
                    ((box.height / 2 + gap_px) / abs(d[1])) if d[1] else np.inf)
        a.remove()  # adjustText's arrow: a curve clipped by bisection; replaced by a straight two-point line
        if not np.isfinite(reach) or reach >= 1:  # the point is under its label: no line
            continue
        start = to_data.transform(_snap(centre + reach * d))
        line = Line2D([float(start[0]), target[0]], [float(start[1]), target[1]], color="0.5", lw=0.6, zorder=1.5)
        line.label_index = i
        ax.add_artist(line)  # not add_line: a leader line must not move the axis limits


def chance_line(ax, chance: float | None) -> None:
    """A dotted line at the score of random guessing, named in the axes' legend (a label
    beside the line would sit among the smallest models' labels, and the final layout
    moves those, placed in data units, against a label fixed in points)."""
    if chance is None:
        return
    ax.axhline(chance, color="0.35", ls=":", lw=2, zorder=1, label=f"chance ({chance:g} %)")


def size_score_scatter(df, title, credit, x="total_params_b", y="score", hue="size_class", label="label",
                       frontier="on_frontier", xlabel="Total parameters (billions, log scale)", ylabel="MMLU (%)",
                       label_all=True, chance=None, subtitle=None):
    """Size (log x) vs score, coloured by size class, frontier of each class as a step line,
    and a dotted chance line where the benchmark has one. Every point is labelled, or
    (``label_all`` False) the frontier's points and the highest score only."""
    fig, ax = new_figure()
    order = list(df.groupby(hue, sort=False)[x].min().sort_values().index)  # classes from small to large
    palette = dict(zip(order, sns.color_palette(PALETTE, len(order))))
    for cls in order:
        part = df[df[hue] == cls]
        ax.scatter(part[x], part[y], s=60, color=palette[cls], label=cls, alpha=0.85, edgecolor="white", lw=0.5, zorder=3)
        fr = part[part[frontier]].sort_values(x)
        if len(fr):
            ax.step(fr[x], fr[y], where="post", color=palette[cls], lw=2.5, alpha=0.9, zorder=2)
    params_axis(ax, "x")
    lo, hi = df[y].min(), df[y].max()
    if chance is not None:
        lo = min(lo, chance)
    ax.set_ylim(lo - 0.06 * (hi - lo), hi + 0.1 * (hi - lo))
    chance_line(ax, chance)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, loc="left", pad=34 if subtitle else 6)
    if subtitle:  # a second line in regular weight under the title: the setting, in words
        ax.text(0, 1.012, subtitle, transform=ax.transAxes, ha="left", va="bottom", fontsize=LABEL_PT + 2, color="0.25")
    ax.legend(title="Size class (line: efficient frontier)", loc="lower right")
    shown = df if label_all else df[df[frontier] | (df[y] == df[y].max())]
    label_points(ax, shown[x].tolist(), shown[y].tolist(), [short_label(t) for t in shown[label]])
    footer(fig, credit)
    return fig, ax


def _record_label(ax, x, y, text, gap_pt: float = 7.0):
    """Name a staircase's last step beside its point, on the side of the panel with room
    (left of a point in the right half), vertically centred on it; the offset is in points,
    so the final layout cannot move the label onto the point."""
    lo, hi = ax.get_xlim()
    left = (x - lo) / (hi - lo) > 0.5
    ax.annotate(text, (x, y), xytext=(-gap_pt if left else gap_pt, 0), textcoords="offset points",
                ha="right" if left else "left", va="center", fontsize=max(float(LABEL_PT), MIN_TEXT_PT), linespacing=1.0)


def draw_staircases(steps, thresholds: dict, credit: str, measure: str = "total"):
    """The smallest model clearing each threshold over time, made to be read in a column: one
    row of panels per benchmark, one panel per threshold, one line per setting (``measure``
    parameters only; the table keeps the others), the panel's current record holder named."""
    import matplotlib.dates as mdates
    import pandas as pd

    from .display import plain_setting, wrap
    from .settings import benchmark_label

    set_theme()
    benches = list(thresholds)
    ncols = max(len(t) for t in thresholds.values())
    fig, axes = plt.subplots(len(benches), ncols, figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), layout="constrained",
                             sharey=True, sharex=True, squeeze=False)
    part = steps[steps["measure"] == measure]
    records = []
    settings = sorted(part["setting"].unique())
    colours = dict(zip(settings, sns.color_palette(PALETTE, len(settings))))
    for r, bench in enumerate(benches):
        for c in range(ncols):
            ax = axes[r][c]
            if c >= len(thresholds[bench]):
                ax.axis("off")
                continue
            thr = thresholds[bench][c]
            panel = part[(part["benchmark"] == bench) & (part["threshold"] == thr)]
            ax.set_title(f"{benchmark_label(bench)} ≥ {thr:g}", loc="left", fontsize=LABEL_PT + 2)
            if panel.empty:
                ax.text(0.5, 0.5, "no dated model\nof known size\nclears it", transform=ax.transAxes, ha="center",
                        va="center", fontsize=LABEL_PT, color="0.4")
            ends = []
            for setting, g in panel.groupby("setting", sort=True):
                g = g.sort_values("release_date")
                x = mdates.date2num(pd.to_datetime(g["release_date"]))
                ax.step(x, g["params_b"], where="post", color=colours[setting], lw=2.5)
                ax.scatter(x, g["params_b"], color=colours[setting], s=30, zorder=3)
                ends.append((x[-1], float(g["params_b"].iloc[-1]), g["model_id"].iloc[-1]))
            params_axis(ax, "y")
            ax.xaxis_date()
            ax.xaxis.set_major_locator(mdates.YearLocator(2))  # every other year: five years fit a narrow panel
            ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
            if ends:  # the smallest model clearing it today, across the settings drawn
                records.append((ax, *min(ends, key=lambda e: (e[1], e[0]))))
    for ax, x, y, model in records:  # named once every panel has its data, so the shared axes are final
        _record_label(ax, x, y, short_label(model, 16))
    for r in range(len(benches) - 1):  # a panel above an empty slot shows its own dates
        for c in range(ncols):
            if axes[r][c].axison and not axes[r + 1][c].axison:
                axes[r][c].tick_params(axis="x", labelbottom=True)
    handles = [Line2D([], [], color=colours[s], lw=3) for s in settings]
    spare = [ax for row in axes for ax in row if not ax.axison]
    where = spare[-1] if spare else axes[-1][-1]
    where.legend(handles, [wrap(plain_setting(s), 30) for s in settings], loc="center", frameon=False,
                 title="Setting (one line each)", alignment="left", labelspacing=0.25)
    fig.supylabel(f"Smallest model clearing it ({measure} parameters, log scale)", fontsize=19)
    fig.suptitle("The smallest model that clears each score keeps shrinking", x=0.01, ha="left", fontsize=24,
                 fontweight="bold")
    footer(fig, credit)
    return fig
