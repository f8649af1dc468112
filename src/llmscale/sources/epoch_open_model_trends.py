"""Epoch AI's curated benchmark table (open-model-trends, 2019-10 to 2024-09).

``Model size (parameters)`` is the total count (blank where Epoch knew only the active
count); ``Active Parameters`` is a string with thousands separators; MMLU and GPQA are 0-1
fractions; ``Date`` is ISO; ``Open/Closed`` says whether weights are public.
"""

from __future__ import annotations

from pathlib import Path

from ._common import blank, ingest_single_csv, models_frame, params_cell, records, score_cell, scores_frame
from ..errors import DataError

KEY = "epoch-open-model-trends"
FILES = ("data/benchmarks_with_model_accessibility.csv",)
NAME = "System"  # the column holding the model name
COLUMNS = ["System", "Model size (parameters)", "Active Parameters", "Date", "Open/Closed", "MMLU", "GPQA", "MMLU Notes", "GPQA Notes"]
_WEIGHTS = {"open": "open", "closed": "closed"}


def ingest(raw_dir):
    return ingest_single_csv(raw_dir, KEY, FILES[0], COLUMNS)


def tidy(rows, base):
    file = Path(base) / FILES[0]
    models, scores = [], []
    for r in records(rows):
        row = r["source_row"]
        weights = r["Open/Closed"].strip().lower()
        if weights not in _WEIGHTS:
            raise DataError(file, row, "Open/Closed", r["Open/Closed"], "Open or Closed")
        total = params_cell(file, row, "Model size (parameters)", r["Model size (parameters)"], "count")
        active = params_cell(file, row, "Active Parameters", r["Active Parameters"], "count")
        note = None
        if total != total and active == active:
            note = "only the active count is given; total left blank"
        models.append(
            {
                "source": KEY,
                "source_row": row,
                "source_name": r["System"],
                "model_id": r["model_id"],
                "weights": _WEIGHTS[weights],
                "release_date": r["Date"] or None,
                "total_params_b": total,
                "active_params_b": active,
                "params_note": note,
            }
        )
        for bench, col, notes in (("mmlu", "MMLU", "MMLU Notes"), ("gpqa", "GPQA", "GPQA Notes")):
            if blank(r[col]):
                continue
            scores.append(
                {
                    "model_id": r["model_id"],
                    "benchmark": bench,
                    "value": score_cell(file, row, col, r[col], "fraction"),
                    "shots": None,
                    "cot": None,
                    "variant": "unknown",
                    "reporter": "aggregator",
                    "harness": None,
                    "source": KEY,
                    "source_row": row,
                    "note": r[notes] or None,
                }
            )
    return models_frame(models), scores_frame(scores)
