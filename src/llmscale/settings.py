"""A score's setting as one readable label: scores are compared only within one."""

from __future__ import annotations

import pandas as pd

# The columns of a score that make its setting (with the source's harness): scores are
# compared, deduplicated or fitted together only within one setting.
SETTING_COLUMNS = ["shots", "cot", "variant", "reasoning", "index_version"]


def with_setting_columns(scores: pd.DataFrame) -> pd.DataFrame:
    """``scores`` with every :data:`SETTING_COLUMNS` column, blank where a table has none
    (a table written before ``reasoning`` and ``index_version`` existed states neither)."""
    missing = [c for c in SETTING_COLUMNS if c not in scores.columns]
    return scores.assign(**{c: None for c in missing}) if missing else scores


def _text(scores: pd.DataFrame, column: str) -> pd.Series:
    """A text setting column, blank ("" ) where not stated or absent from the table."""
    if column not in scores:
        return pd.Series("", index=scores.index, dtype=object)
    return scores[column].astype(object).where(scores[column].notna(), "").astype(str).str.strip()


def setting_label(scores: pd.DataFrame) -> pd.Series:
    """A readable setting: "base, 5-shot", "instruct, 0-shot, CoT", "variant not stated,
    shots not stated", "instruct, 0-shot, reasoning (high)", "instruct, 0-shot, AA index of
    2026-06-15".

    ``reasoning`` (a model's reasoning mode or effort as the source states it) reads
    "reasoning" / "non-reasoning" as is and an effort level as "reasoning (<level>)";
    ``index_version`` (the snapshot date of a composite index) as "AA index of <date>"."""
    shots = scores["shots"].astype("Int64").astype(object).map(lambda v: "shots not stated" if pd.isna(v) else f"{v}-shot")
    variant = scores["variant"].where(scores["variant"] != "unknown", "variant not stated")
    cot = scores["cot"].astype("boolean").fillna(False).map({True: ", CoT", False: ""})
    reasoning = _text(scores, "reasoning").map(_reasoning_words)
    version = _text(scores, "index_version").map(lambda v: f", AA index of {v}" if v else "")
    return variant + ", " + shots + cot + reasoning + version


def _reasoning_words(value: str) -> str:
    if not value:
        return ""
    if value in ("reasoning", "non-reasoning"):
        return f", {value}"
    return f", reasoning ({value})"


_BENCHMARK_NAMES = {
    "mmlu": "MMLU", "mmlu_pro": "MMLU-Pro", "mmlu_redux": "MMLU-Redux", "gpqa": "GPQA",
    "gpqa_diamond": "GPQA Diamond", "math_500": "MATH-500", "math_lvl5": "MATH Level 5",
    "aa_intelligence_index": "AA Intelligence Index", "aa_omniscience_accuracy": "AA-Omniscience accuracy",
    "aa_omniscience_index": "AA-Omniscience index", "aa_lcr": "AA-LCR", "tau2_bench": "tau2-bench",
    "gdpval_aa": "GDPval-AA", "terminal_bench_hard": "Terminal-Bench Hard", "scicode": "SciCode",
    "ifbench": "IFBench", "livecodebench": "LiveCodeBench", "aime_2025": "AIME 2025",
    "simpleqa_verified": "SimpleQA Verified", "epoch_capabilities_index": "Epoch Capabilities Index",
}


def benchmark_label(benchmark: str) -> str:
    """A benchmark id as charts and tables print it: "mmlu_pro" -> "MMLU-Pro"."""
    return _BENCHMARK_NAMES.get(benchmark, benchmark.replace("_", "-").upper())
