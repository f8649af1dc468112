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


_BENCHMARK_NAMES = {
    "mmlu": "MMLU", "mmlu_pro": "MMLU-Pro", "mmlu_redux": "MMLU-Redux", "gpqa": "GPQA",
    "gpqa_diamond": "GPQA Diamond", "math_500": "MATH-500", "math_lvl5": "MATH Level 5",
}


def benchmark_label(benchmark: str) -> str:
    """A benchmark id as charts and tables print it: "mmlu_pro" -> "MMLU-Pro"."""
    return _BENCHMARK_NAMES.get(benchmark, benchmark.replace("_", "-").upper())
