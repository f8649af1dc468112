"""Observational Scaling Laws (Ruan, Maddison & Hashimoto 2024): benchmark tables of public models.

Three CSV files under ``eval_results/``, every score a 0-1 fraction, names as Hugging Face
repository ids (or short API names for the instruct file):

- ``base_llm_benchmark_eval.csv``: 148 base (pretrained) models with ``Model Family``,
  ``Model Size (B)`` (billions), pretraining tokens and FLOPs, and MMLU, ARC-C, HellaSwag,
  ``Winograd`` (the values are WinoGrande's, e.g. Llama-2-7B 0.7403), TruthfulQA, GSM8K,
  XWinograd and HumanEval;
- ``base_llm_leaderboard_v2_eval.csv``: 72 of those base models on the Open LLM Leaderboard v2
  tasks, named by their lm-eval-harness task ids (``leaderboard_mmlu_pro`` etc.); no sizes.
  ``leaderboard_math_hard`` is MATH level 5 only, so it becomes ``math_lvl5``, not ``math``.
  ``leaderboard_ifeval`` is the instruction-level strict accuracy (every value is k/834, the
  number of instructions), not the leaderboard's IFEval (the mean of prompt- and
  instruction-level strict accuracy, ~6 points lower), so it becomes ``ifeval_inst_strict``;
- ``instruct_llm_benchmark_eval.csv``: 27 instruction-tuned or chat models, open and closed.

Known problems and how they are handled:

- ``Model Size (B)`` mixes total and active counts for mixture-of-experts models
  (DeepSeek-V2 21 = active, Mixtral-8x22B 39 = active, Mixtral-8x7B 45 ~ total,
  Qwen2-57B-A14B 24 = neither, Jamba 12 = active). MoE rows are recognised by family or
  name (:func:`moe_by_name`); for them neither ``total_params_b`` nor ``active_params_b`` is
  filled and ``params_note`` quotes the source's value. Other sizes are taken as totals, as
  published (they are often the nominal size in the name, e.g. gemma-7b = 7.0).
- Shots are not stated in these files (the repository README says the standard benchmarks
  follow the Open LLM Leaderboard v1 protocol, HumanEval uses EvalPlus, XWinograd
  lm-eval-harness; https://github.com/ryoungj/ObsScaling#collecting-additional-benchmark-results),
  so ``shots`` and ``cot`` stay blank. ``harness`` names what the README says.
- Not every number was measured by one harness: harness outputs are full-precision
  fractions (21/164 = 0.1280487804878048), but some cells are rounded to three decimals and
  repeat published tables (gemma-2 rows, some HumanEval cells; GPT-4 and Claude rows of the
  instruct file, where gpt-4-0314 and gpt-4-0613 share every benchmark value but HumanEval).
  Such a score keeps its value with ``reporter`` unknown, no harness and a note saying so.
- ``Arena-Elo`` (scaled within the file: gpt-4-0314 = 1, dolly-v2-12b = 0) and ``MTBench``
  (apparently the 1-10 judge score divided by 10) are not accuracies on a 0-100 scale and
  are not read as scores.
- The files do not say whether weights are open (``weights`` unknown) and give no dates.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..errors import DataError
from ._common import blank, models_frame, params_cell, read_csv_strings, records, score_cell, scores_frame

KEY = "obsscaling"
BASE = "eval_results/base_llm_benchmark_eval.csv"
LEADERBOARD = "eval_results/base_llm_leaderboard_v2_eval.csv"
INSTRUCT = "eval_results/instruct_llm_benchmark_eval.csv"
FILES = (BASE, LEADERBOARD, INSTRUCT)
NAME = "Model"  # the column holding the model name, in all three files
SIZE = "Model Size (B)"
_META = ["Model", "Model Family", SIZE, "Pretraining Data Size (T)", "FLOPs (1E21)"]
_COMMON = {"MMLU": "mmlu", "ARC-C": "arc_c", "HellaSwag": "hellaswag"}
_TAIL = {"TruthfulQA": "truthfulqa", "GSM8K": "gsm8k"}
BENCHMARKS = {
    BASE: {**_COMMON, "Winograd": "winogrande", **_TAIL, "XWinograd": "xwinograd", "HumanEval": "humaneval"},
    LEADERBOARD: {
        "leaderboard_bbh": "bbh", "leaderboard_gpqa": "gpqa", "leaderboard_ifeval": "ifeval_inst_strict",
        "leaderboard_math_hard": "math_lvl5", "leaderboard_mmlu_pro": "mmlu_pro", "leaderboard_musr": "musr",
    },
    INSTRUCT: {**_COMMON, "Winogrande": "winogrande", **_TAIL, "HumanEval": "humaneval"},
}
COLUMNS = {
    BASE: _META + list(BENCHMARKS[BASE]),
    LEADERBOARD: ["Model"] + list(BENCHMARKS[LEADERBOARD]),
    INSTRUCT: _META + ["Arena-Elo", "MTBench"] + list(BENCHMARKS[INSTRUCT]),
}
VARIANT = {BASE: "base", LEADERBOARD: "base", INSTRUCT: "instruct"}
_LB_HARNESS = "Open LLM Leaderboard v2 (lm-eval-harness)"
_V1_HARNESS = "Open LLM Leaderboard v1 protocol (lm-eval-harness), via ObsScaling"
_HARNESS = {"humaneval": "EvalPlus, via ObsScaling", "xwinograd": "lm-eval-harness, via ObsScaling"}

_MOE_FAMILIES = {"mixtral", "deepseek-v2", "deepseek-coder-v2", "deepseek-moe", "jamba"}
_MOE_NAME = re.compile(r"moe|mixtral|jamba|deepseek-(coder-)?v2|-a\d+(\.\d+)?[mb]\b|\d+x\d+(\.\d+)?b\b", re.I)
_ROUNDED = re.compile(r"^\d*\.\d{1,3}$")  # at most three decimals, as published tables print them
_ROUNDED_NOTE = (
    "rounded to 3 decimals, unlike this file's harness outputs: copied from a published table, measurer not stated"
)
_ITEMS = {"humaneval": 164}  # a short value that is exactly k/items is still a harness output (41/164 = 0.25)


def moe_by_name(name, family=None) -> bool:
    """Whether a model name (or its family) marks a mixture of experts: Mixtral, Jamba,
    DeepSeek-V2, ``*MoE*``, an ``A14B``/``a400m`` active-size marker or an ``8x7B`` size."""
    if not blank(family) and str(family).strip().lower() in _MOE_FAMILIES:
        return True
    return bool(_MOE_NAME.search(str(name)))


def _rounded(text, value, bench) -> bool:
    """A non-zero score printed with at most three decimals that is not an exact k/items."""
    if value == 0 or not _ROUNDED.match(str(text).strip()):
        return False
    items = _ITEMS.get(bench)
    return items is None or abs(value / 100 * items - round(value / 100 * items)) > 1e-6


def ingest(raw_dir) -> pd.DataFrame:
    """All three files as strings, one row per model and file; ``source_row`` is
    ``"<file>:<row>"`` and a column missing from a file is blank."""
    frames = []
    for rel in FILES:
        df = read_csv_strings(Path(raw_dir) / KEY / rel, COLUMNS[rel])
        df["source_row"] = rel + ":" + df["source_row"]
        frames.append(df)
    rows = pd.concat(frames, ignore_index=True).fillna("")
    rows.insert(0, "source", KEY)
    return rows


def _where(base, source_row):
    rel, _, row = str(source_row).rpartition(":")
    if rel not in FILES:
        raise DataError(Path(base), source_row, "source_row", source_row, f"'<file>:<row>' with a file of {FILES}")
    return rel, Path(base) / rel, int(row)


def _model(r, file, row, rel) -> dict:
    rec = {
        "source": KEY, "source_row": r["source_row"], "source_name": r["Model"], "model_id": r["model_id"],
        "weights": "unknown", "release_date": None, "total_params_b": float("nan"), "active_params_b": float("nan"),
        "architecture": None, "params_note": None,
    }
    family = r.get("Model Family")
    if moe_by_name(r["Model"], family):
        rec["architecture"] = "moe"
    if SIZE not in COLUMNS[rel]:
        rec["params_note"] = "this file has no size column"
        return rec
    size = params_cell(file, row, SIZE, r[SIZE], "billions")
    if rec["architecture"] == "moe":
        if not blank(r[SIZE]):
            rec["params_note"] = (
                f"{SIZE} given as {r[SIZE]}: ObsScaling's size column mixes total and active counts "
                "for mixture-of-experts models, so it is used as neither"
            )
    else:
        rec["total_params_b"] = size
    return rec


def _scores(r, file, row, rel) -> list[dict]:
    out = []
    for col, bench in BENCHMARKS[rel].items():
        text = r[col]
        if blank(text):
            continue
        value = score_cell(file, row, col, text, "fraction")
        if _rounded(text, value, bench):
            reporter, harness = "unknown", None
            note = f"{rel} column {col!r}: {_ROUNDED_NOTE}"
        else:
            reporter = "independent"
            harness = _LB_HARNESS if rel == LEADERBOARD else _HARNESS.get(bench, _V1_HARNESS)
            note = f"{rel} column {col!r}"
        out.append({
            "model_id": r["model_id"], "benchmark": bench, "value": value, "shots": None, "cot": None,
            "variant": VARIANT[rel], "reporter": reporter, "harness": harness, "source": KEY,
            "source_row": r["source_row"], "note": note,
        })
    return out


def tidy(rows, base):
    models, scores = [], []
    for r in records(rows):
        rel, file, row = _where(base, r["source_row"])
        models.append(_model(r, file, row, rel))
        scores.extend(_scores(r, file, row, rel))
    return models_frame(models), scores_frame(scores)
