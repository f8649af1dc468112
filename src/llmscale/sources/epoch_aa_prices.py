"""Epoch AI's LLM price data with benchmark scores (epoch-research/llm-benchmark-efficiency).

Two CSV files under ``data/`` with the same twelve columns: ``Model Name``, ``Release Date``,
``USD per 1M Tokens`` (a blended price of input and output tokens, as given), ``MMLU``,
``GPQA Diamond``, ``HumanEval``, ``MATH-500``, ``LMSys Chatbot Arena ELO``, ``MATH 5``,
``Tokens per Second``, ``Prefill Latency (s)``, ``Prompt Length (tk)``. Scores are percents,
mostly whole numbers.

- ``aa_data_with_math5.csv``: 38 models from a 2024-25 snapshot of Artificial Analysis (AA),
  with AA's own MMLU, GPQA Diamond, HumanEval and MATH-500 measurements (``reporter``
  independent, ``harness`` "Artificial Analysis") and AA's release dates.
- ``epoch_ai_price_data_not_in_aa_with_benchmarks.csv``: 35 priced rows of models AA did not
  cover, scores gathered by Epoch from elsewhere (``reporter`` aggregator). A model appears
  once per price change (GPT-3 175B (davinci) four times, Llama 2-7B twice...), and its
  ``Release Date`` dates the price, not the model (Claude 2 "2024-08-12"; it was released in
  2023-07): ``release_date`` stays blank there and ``params_note`` quotes the date. A score
  repeated on the later price rows is read once, from the first row.

``tidy`` returns ``(models, scores)`` like every reader; the prices are not scores, so they come
from a separate function, :func:`prices` ``(rows, base)``, one row per record with a price:
``source, source_row, model_id, usd_per_1m_blended, note``.

Known problems and how they are handled:

- ``MATH 5`` (MATH level 5, added by Epoch to the AA table) does not say who measured it: it
  becomes ``math_lvl5`` with ``reporter`` unknown in the AA file (aggregator in the other).
- ``LMSys Chatbot Arena ELO`` is a rating, not a 0-100 score, and the last three columns are
  speed measurements: none is read as a score.
- Shots, chain of thought and harness settings are not stated: ``shots`` and ``cot`` blank;
  ``variant`` only from an explicit "Instruct"/"Chat" in the name.
- No parameter counts and no open/closed flag (``weights`` unknown).
- Left alone, though implausible: Llama-2-Chat-7B MMLU 13 and GPQA 6 (below chance),
  Llama-3-Instruct-70B HumanEval 18, Gemini-1.5-Flash-8B HumanEval 12.
"""

from __future__ import annotations

import pandas as pd

from ..units import usd
from ._common import blank, cell, models_frame, records, score_cell, scores_frame
from .epoch_benchmarking_hub import locate, read_files, release_date, variant_from_words

KEY = "epoch-aa-prices"
AA = "data/aa_data_with_math5.csv"
NOT_AA = "data/epoch_ai_price_data_not_in_aa_with_benchmarks.csv"
FILES = (AA, NOT_AA)
NAME = "Model Name"  # the column holding the model name, in both files
PRICE = "USD per 1M Tokens"
BENCHMARKS = {"MMLU": "mmlu", "GPQA Diamond": "gpqa_diamond", "HumanEval": "humaneval", "MATH-500": "math_500",
              "MATH 5": "math_lvl5"}
NOT_SCORES = ["LMSys Chatbot Arena ELO", "Tokens per Second", "Prefill Latency (s)", "Prompt Length (tk)"]
COLUMNS = [NAME, "Release Date", PRICE, *BENCHMARKS, *NOT_SCORES]
AA_HARNESS = "Artificial Analysis"
PRICE_COLUMNS = ["source", "source_row", "model_id", "usd_per_1m_blended", "price_from", "note"]


def ingest(raw_dir) -> pd.DataFrame:
    """Both files as strings, one row per priced record; ``source_row`` is ``"<file>:<row>"``."""
    return read_files(raw_dir, KEY, {rel: COLUMNS for rel in FILES})


def _model(r, rel, file, row) -> dict:
    date, note = None, None
    if rel == AA:
        date, note = release_date(file, row, "Release Date", r["Release Date"])
    elif not blank(r["Release Date"]):
        note = f"date given as {r['Release Date']}: in this file it dates the price, not the release"
    return {
        "source": KEY, "source_row": r["source_row"], "source_name": r[NAME], "model_id": r["model_id"],
        "weights": "unknown", "release_date": date, "total_params_b": float("nan"),
        "active_params_b": float("nan"), "architecture": None, "params_note": note,
    }


def _who(rel, bench) -> tuple[str, str | None, str]:
    """(reporter, harness, note) of a score from file ``rel``."""
    if rel == NOT_AA:
        return "aggregator", None, "collected by Epoch AI for a model Artificial Analysis did not cover"
    if bench == "math_lvl5":
        return "unknown", None, "column 'MATH 5', added by Epoch AI to the AA table; measurer not stated"
    return "independent", AA_HARNESS, "Artificial Analysis measurement (2024-25 snapshot via Epoch AI)"


def _scores(r, rel, file, row) -> list[dict]:
    out = []
    for col, bench in BENCHMARKS.items():
        if blank(r[col]):
            continue
        reporter, harness, note = _who(rel, bench)
        out.append({
            "model_id": r["model_id"], "benchmark": bench, "value": score_cell(file, row, col, r[col], "percent"),
            "shots": None, "cot": None, "variant": variant_from_words(r[NAME]), "reporter": reporter,
            "harness": harness, "source": KEY, "source_row": r["source_row"], "note": note,
        })
    return out


def tidy(rows, base):
    models, scores = [], []
    for r in records(rows):
        rel, file, row = locate(base, r["source_row"], FILES)
        models.append(_model(r, rel, file, row))
        scores.extend(_scores(r, rel, file, row))
    return models_frame(models), _once(scores_frame(scores))


def _once(scores: pd.DataFrame) -> pd.DataFrame:
    """A score repeated on a model's later price rows is one score: the first row keeps it and
    its note lists the rows that repeat it. A repeated model whose score changes stays twice
    (the chain's duplicate check then asks for a correction)."""
    key = ["model_id", "benchmark", "value"]
    again = scores.duplicated(key, keep="first")
    rows = scores[again].groupby(key, sort=False)["source_row"].agg(lambda s: ", ".join(x.rsplit(":", 1)[1] for x in s))
    first = scores[~again].copy()
    repeats = first.set_index(key).index.map(rows.to_dict())
    first["note"] = [n if not isinstance(r, str) else f"{n}; repeated unchanged on the price rows {r}"
                     for n, r in zip(first["note"], repeats)]
    return first.reset_index(drop=True)


def prices(rows, base) -> pd.DataFrame:
    """One row per record with a price: the blended USD per 1M tokens, as the file gives it."""
    out = []
    for r in records(rows):
        if blank(r[PRICE]):
            continue
        rel, file, row = locate(base, r["source_row"], FILES)
        dated = "" if blank(r["Release Date"]) or rel == AA else f", price as of {r['Release Date']}"
        who = "Artificial Analysis" if rel == AA else "Epoch AI"
        out.append({
            "source": KEY, "source_row": r["source_row"], "model_id": r["model_id"],
            "usd_per_1m_blended": cell(file, row, PRICE, usd, r[PRICE]),
            "price_from": None if rel == AA else release_date(file, row, "Release Date", r["Release Date"])[0],
            "note": f"{who} blended price{dated}",
        })
    return pd.DataFrame(out, columns=PRICE_COLUMNS)
