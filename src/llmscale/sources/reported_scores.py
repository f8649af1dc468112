"""Officially reported benchmark scores, compiled by yiyuanli939/LLM-Benchmark-Reported-Data.

Two CSV files under ``data/``, one row per model: ``model_name``, ``organization``,
``release_date`` (ISO), ``source_url`` (the maker's post, card or paper), ``report_path``,
``notes``, then for each benchmark a value column ``<B>`` and a setting column ``<B>__setting``
(free text as the compiler wrote it: "5-shot", "0-shot CoT", "not disclosed", "Open LLM
Leaderboard v2", ...). Values are percents written as ``"86.8% (accuracy)"``, ``"58.2 (reported
score)"`` or bare numbers.

- ``metadata.csv``: 47 flagship models (2022-11 to 2025-12), open and closed, 137 benchmarks.
- ``open_metadata.csv``: 133 open-weight models (2023-04 to 2025-12), 31 benchmarks.

Every score is the maker's (``reporter`` maker). Only the benchmarks in :data:`BENCHMARKS` are
read (knowledge, reasoning, maths, code and instruction following on a 0-100 scale); the other
columns are exams graded otherwise (AP 1-5, GRE, LSAT, SAT, bar, sommelier), ratings (Codeforces,
LMArena, WebDev Arena Elo, OCRBench 0-1000), multilingual, Chinese, multimodal, agentic and
long-context benchmarks, and are not read.

How settings are kept: ``note`` quotes the value and the setting as given; ``shots`` is read
from an "N-shot" in the setting (one N only), ``cot`` is True where it says "CoT" (blank
otherwise: not stated), ``variant`` from explicit words in the setting, else the model name,
else ``notes`` ("instruct", "base pretrained models table", "PT results", ...; see
:func:`~llmscale.sources.epoch_benchmarking_hub.variant_from_words`).

Known problems and how they are handled:

- One cell can hold several results, ``"88.7% (accuracy) | 88.3% (accuracy) | 90.4% (accuracy)"``
  with the setting ``"5-shot | 0-shot CoT | 5-shot CoT"`` (Claude 3.5 Sonnet, MMLU and GPQA
  Diamond): one score row per result, ``source_row`` ``"<file>:<row>#<n>"`` (n from 1). A
  value and setting count that differ stops the run.
- Mistral Small 3 24B's scores are 0-1 fractions; its ``notes`` say so ("scores reported as
  fractions (0-1)"), and such a row is read as fractions.
- Rows whose setting names the Open LLM Leaderboard carry its numbers (IBM Granite 3.1 cards):
  ``harness`` names the leaderboard. The v2 numbers for BBH, GPQA and MMLU-Pro are the
  leaderboard's normalised scores (random guessing = 0; Granite 3.1 1B-A400M GPQA = 0.0), not
  accuracies: they get their own ids (``bbh_oll_normalised`` etc.). "MATH" with the setting
  "Open LLM Leaderboard v2 (MATH Lvl 5)" is MATH level 5 (``math_lvl5``).
- There is no parameter column. ``notes`` state a total only in the form "<N>B total"
  ("Open weights; MoE 46.7B total parameters", "Flagship MoE (235B total, 22B active)"): read
  as ``total_params_b`` (and "<N>B active" as ``active_params_b``), with ``architecture`` moe
  where ``notes`` say "MoE". A plain "7B parameters" does not say total or active: not read,
  quoted in ``params_note``.
- Release dates the notes call approximate ("Release date approximated; ...") stay blank,
  with the date and the note in ``params_note``.
- ``weights`` is open for ``open_metadata.csv`` (its notes say "Open weights" or "Open-source
  release"); ``metadata.csv`` does not say (unknown).
- Left alone (fix with corrections, not here): ``open_metadata.csv`` lists nine models twice
  under two spellings. Rows 63-66 ("Qwen2-1.5B" ... "Qwen2-7B") repeat the scores of rows 59-62
  ("Qwen2 1.5B" ... "Qwen2 7B") with a licence note; rows 83-87 ("Qwen2.5-1.5B" ...) have no
  scores beside rows 77-82 ("Qwen2.5 1.5B" ...). "MiniMax (flagship)" is a placeholder row.
"""

from __future__ import annotations

import re

import pandas as pd

from ..errors import DataError
from ._common import blank, models_frame, params_cell, records, score_cell, scores_frame
from .epoch_benchmarking_hub import locate, read_files, release_date, variant_from_words

KEY = "reported-scores"
FLAGSHIP = "data/metadata.csv"
OPEN = "data/open_metadata.csv"
FILES = (FLAGSHIP, OPEN)
NAME = "model_name"  # the column holding the model name, in both files
META = ["model_name", "organization", "release_date", "source_url", "report_path", "notes"]
BENCHMARKS = {
    "MMLU": "mmlu", "MMLU-Pro": "mmlu_pro", "MMLU-redux": "mmlu_redux", "GPQA": "gpqa",
    "GPQA (Diamond)": "gpqa_diamond", "BIG-Bench Hard": "bbh", "ARC-Challenge": "arc_c",
    "HellaSwag": "hellaswag", "WinoGrande": "winogrande", "TruthfulQA": "truthfulqa", "GSM8K": "gsm8k",
    "HumanEval": "humaneval", "HumanEval+": "humaneval_plus", "MBPP": "mbpp", "MBPP+": "mbpp_plus",
    "MATH": "math", "MATH 500": "math_500", "IFEval": "ifeval",
}
SETTING = "__setting"
_IN_FILE = {FLAGSHIP: list(BENCHMARKS), OPEN: [b for b in BENCHMARKS if b != "MATH 500"]}
COLUMNS = {rel: META + [c + s for c in cols for s in ("", SETTING)] for rel, cols in _IN_FILE.items()}
WEIGHTS = {FLAGSHIP: "unknown", OPEN: "open"}
OLL = {"v1": "Open LLM Leaderboard v1 (lm-eval-harness)", "v2": "Open LLM Leaderboard v2 (lm-eval-harness)"}
OLL_NORMALISED = {"bbh", "gpqa", "mmlu_pro"}  # the leaderboard v2 rescales these (random = 0)
FRACTIONS_NOTE = "fractions (0-1)"

_OLL = re.compile(r"Open LLM Leaderboard (v[12])", re.I)
_SHOTS = re.compile(r"(\d+)-shot", re.I)
_COT = re.compile(r"\bCoT\b", re.I)
# a number-like run before "B total" is read whole, so "4.6.7B total" is an error, not 6.7
_TOTAL = re.compile(r"(?<![\w.])([\d.]+)B total\b")
_ACTIVE = re.compile(r"(?<![\w.])([\d.]+)B active\b")
_PLAIN = re.compile(r"(?<![\w.])[\d.]+B parameters\b")


def ingest(raw_dir) -> pd.DataFrame:
    """Both files as strings, one row per model; ``source_row`` is ``"<file>:<row>"``, and a
    column only one file has is blank in the other's rows."""
    return read_files(raw_dir, KEY, COLUMNS)


def _params(r, file, row) -> dict:
    notes = r["notes"]
    out = {"total_params_b": float("nan"), "active_params_b": float("nan"),
           "architecture": "moe" if re.search(r"\bMoE\b", notes) else None, "params_note": []}
    total, active = _TOTAL.search(notes), _ACTIVE.search(notes)
    if total:
        out["total_params_b"] = params_cell(file, row, "notes", total.group(1), "billions")
        out["params_note"].append(f"total from notes: {total.group(0)!r}")
    if active:
        out["active_params_b"] = params_cell(file, row, "notes", active.group(1), "billions")
        out["params_note"].append(f"active from notes: {active.group(0)!r}")
    plain = _PLAIN.search(notes)
    if plain and not total:
        out["params_note"].append(f"notes say {plain.group(0)!r}, not whether total or active: not read")
    return out


def _model(r, rel, file, row) -> dict:
    params = _params(r, file, row)
    date, date_note = release_date(file, row, "release_date", r["release_date"])
    if date and re.search(r"approximat", r["notes"], re.I):
        date, date_note = None, f"date given as {date}, approximate per the notes: {r['notes']!r}"
    notes = ([date_note] if date_note else []) + params.pop("params_note")
    return {
        "source": KEY, "source_row": r["source_row"], "source_name": r[NAME], "model_id": r["model_id"],
        "weights": WEIGHTS[rel], "release_date": date, **params, "params_note": "; ".join(notes) or None,
    }


def _results(file, row, col, value, setting) -> list[tuple[str, str]]:
    """The (value, setting) pairs of one cell: several when separated by '|'."""
    values = [v.strip() for v in str(value).split("|")]
    if len(values) == 1:
        return [(values[0], str(setting).strip())]
    settings = [s.strip() for s in str(setting).split("|")]
    if len(settings) != len(values):
        raise DataError(file, row, col + SETTING, setting, f"{len(values)} settings separated by '|', one per value")
    return list(zip(values, settings))


def _setting(bench, setting) -> dict:
    """What a setting text states: shots, chain of thought, harness; and the benchmark id."""
    shots = {int(n) for n in _SHOTS.findall(setting)}
    oll = _OLL.search(setting)
    if bench == "math" and re.search(r"lvl\s*5|level\s*5", setting, re.I):
        bench = "math_lvl5"
    if oll and oll.group(1).lower() == "v2" and bench in OLL_NORMALISED:
        bench = f"{bench}_oll_normalised"
    return {
        "benchmark": bench, "shots": shots.pop() if len(shots) == 1 else None,
        "cot": True if _COT.search(setting) else None, "harness": OLL[oll.group(1).lower()] if oll else None,
    }


def _scores(r, file, row) -> list[dict]:
    scale = "fraction" if FRACTIONS_NOTE in r["notes"] else "percent"
    out = []
    for col, bench in BENCHMARKS.items():
        if blank(r.get(col)):
            continue
        results = _results(file, row, col, r[col], r[col + SETTING])
        for n, (text, setting) in enumerate(results, start=1):
            out.append({
                "model_id": r["model_id"], **_setting(bench, setting),
                "value": score_cell(file, row, col, text, scale),
                "variant": variant_from_words(setting, r[NAME], r["notes"]), "reporter": "maker", "source": KEY,
                "source_row": r["source_row"] + (f"#{n}" if len(results) > 1 else ""),
                "note": f"as given: {text!r}; setting: {setting or '(blank)'!r}; source: {r['source_url']}",
            })
    return out


def tidy(rows, base):
    models, scores = [], []
    for r in records(rows):
        rel, file, row = locate(base, r["source_row"], FILES)
        models.append(_model(r, rel, file, row))
        scores.extend(_scores(r, file, row))
    return models_frame(models), scores_frame(scores)
