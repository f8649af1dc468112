"""How the over-time and dense-vs-MoE results are worded and laid out, shared by their
notebooks and the write-up: settings in plain words, the text size that stays legible in a
blog column, room under a title for a legend, and one coefficient looked up in a result table."""

from __future__ import annotations

import pandas as pd

TEXT_PT = 15  # at 100 dpi 15 pt is 21 px: 9 px when the 1600 px figure is shown 700 px wide


def short_setting(setting: str) -> str:
    """A setting as a chart row names it: "variant not stated, shots not stated, CoT" ->
    "variant unstated, shots unstated, chain of thought"."""
    words = {"variant not stated": "variant unstated", "shots not stated": "shots unstated", "CoT": "chain of thought"}
    return ", ".join(words.get(p.strip(), p.strip()) for p in setting.split(","))


def room_at_top(fig, height: float) -> None:
    """Lower the top of the layout by ``height`` (figure fraction), for a legend under the title."""
    engine = fig.get_layout_engine()
    x0, y0, w, h = engine.get()["rect"]
    engine.set(rect=(x0, y0, w, h - height))


def effect(table: pd.DataFrame, bench: str, setting: str, fit_name: str, term: str = "moe"):
    """One coefficient row of the dense-vs-MoE table (``dense_vs_moe.compare``), or None."""
    r = table[(table["benchmark"] == bench) & (table["setting"] == setting) & (table["fit"] == fit_name) & (table["term"] == term)]
    return r.iloc[0] if len(r) else None
