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


def headline_setting(scores: pd.DataFrame, benchmark: str) -> str | None:
    """The setting of ``benchmark`` that the most models have a score in, among settings whose
    variant and shots are both stated (a catch-all setting is never a headline): for MMLU,
    "base, 5-shot". Ties go to the first label in sort order; ``None`` if no score is stated."""
    s = scores[(scores["benchmark"] == benchmark) & scores["variant"].isin(["base", "instruct"]) & scores["shots"].notna()]
    if not len(s):
        return None
    n = s.assign(setting=setting_label(s)).groupby("setting")["model_id"].nunique()
    return n.sort_index().idxmax()


def plain_setting(label: str) -> str:
    """A setting label in the words a chart's reader knows: "base, 5-shot" ->
    "pretrained base models, 5 examples in the prompt"; "instruct, 0-shot, CoT" ->
    "instruction-tuned models, no examples in the prompt, step-by-step reasoning"."""
    parts = [p.strip() for p in label.split(",")]
    words = {"base": "pretrained base models", "instruct": "instruction-tuned models",
             "variant not stated": "models whose variant the source does not state",
             "shots not stated": "examples in the prompt not stated", "0-shot": "no examples in the prompt",
             "1-shot": "1 example in the prompt", "CoT": "step-by-step reasoning"}
    return ", ".join(words.get(p, p.replace("-shot", " examples in the prompt")) for p in parts)
