"""One figure style for every chart, labelled scatters, and byte-identical saving."""

from __future__ import annotations

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
            "axes.titlesize": 20,
            "font.size": 13,
        }
    )


def new_figure():
    set_theme()
    fig, ax = plt.subplots(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), layout="constrained")
    fig.get_layout_engine().set(rect=(0, 0.035, 1, 0.965))  # room for the footer
    return fig, ax


def footer(fig, text: str, width: int = 170) -> None:
    """The data credit, bottom right, wrapped to ``width`` characters, with room made for it."""
    import textwrap

    lines = textwrap.wrap(text, width) or [""]
    fig.text(0.995, 0.008, "\n".join(lines), ha="right", va="bottom", fontsize=11, color="0.3", linespacing=1.3)
    bottom = 0.012 + 0.026 * len(lines)
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


def short_label(name: str, width: int = 24) -> str:
    """A point label: the name without a trailing parenthetical, cut to ``width`` characters."""
    s = str(name).split(" (")[0].strip()
    return s if len(s) <= width else s[: width - 1] + "…"


def save_figure(fig, stem, formats=("svg", "png")) -> list[Path]:
    """Save ``fig`` as ``stem.svg`` and ``stem.png`` (1600x900), atomically and reproducibly."""
    stem = Path(stem)
    round_figure(fig)  # fitted values that differ in their last bits draw the same bytes
    written = []
    for fmt in formats:
        buf = io.BytesIO()
        meta = {"svg": {"Date": None, "Creator": None}, "png": {"Software": None}}[fmt]
        fig.savefig(buf, format=fmt, dpi=DPI, metadata=meta)
        written.append(atomic_write_bytes(stem.with_suffix(f".{fmt}"), buf.getvalue()))
    plt.close(fig)
    return written


def label_points(ax, xs, ys, labels, fontsize=10) -> None:
    """Label points so that labels do not overlap each other or the points (adjustText)."""
    texts = [ax.text(x, y, str(t), fontsize=fontsize) for x, y, t in zip(xs, ys, labels)]
    if texts:
        texts, arrows = adjust_text(
            texts, x=list(xs), y=list(ys), ax=ax,
            arrowprops=dict(arrowstyle="-", color="0.5", lw=0.6),
            expand=(1.15, 1.3), time_lim=None, iter_lim=400,
        )
        _snap_labels(ax, texts, arrows, xs, ys)


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


def size_score_scatter(df, title, credit, x="total_params_b", y="score", hue="size_class", label="label",
                       frontier="on_frontier", xlabel="Total parameters (billions, log scale)", ylabel="MMLU (%)",
                       label_all=True):
    """Size (log x) vs score, coloured by size class, frontier of each class as a step line.
    Every point is labelled, or (``label_all`` False) the frontier's points only."""
    fig, ax = new_figure()
    order = list(df.groupby(hue, sort=False)[x].min().sort_values().index)  # classes from small to large
    palette = dict(zip(order, sns.color_palette(PALETTE, len(order))))
    for cls in order:
        part = df[df[hue] == cls]
        ax.scatter(part[x], part[y], s=45, color=palette[cls], label=cls, alpha=0.85, edgecolor="white", lw=0.5, zorder=3)
        fr = part[part[frontier]].sort_values(x)
        if len(fr):
            ax.step(fr[x], fr[y], where="post", color=palette[cls], lw=2, alpha=0.9, zorder=2)
    params_axis(ax, "x")
    lo, hi = df[y].min(), df[y].max()
    ax.set_ylim(lo - 0.04 * (hi - lo), hi + 0.08 * (hi - lo))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, loc="left")
    ax.legend(title="Size class (line: efficient frontier)", loc="lower right", fontsize=12, title_fontsize=12)
    shown = df if label_all else df[df[frontier]]
    label_points(ax, shown[x].tolist(), shown[y].tolist(), [short_label(t) for t in shown[label]])
    footer(fig, credit)
    return fig, ax
