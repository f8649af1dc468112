"""A score's setting as one readable label: scores are compared only within one."""

from __future__ import annotations

import pandas as pd


def setting_label(scores: pd.DataFrame) -> pd.Series:
    """A readable setting: "base, 5-shot", "instruct, 0-shot, CoT", "variant not stated,
    shots not stated"."""
    shots = scores["shots"].astype("Int64").astype(object).map(lambda v: "shots not stated" if pd.isna(v) else f"{v}-shot")
    variant = scores["variant"].where(scores["variant"] != "unknown", "variant not stated")
    cot = scores["cot"].astype("boolean").fillna(False).map({True: ", CoT", False: ""})
    return variant + ", " + shots + cot
