"""The data behind the widely shared "Parameter Count vs MMLU Score" chart (cjtrowbridge.com).

One row per model: ``Model``, ``MMLU`` as ``"49.30%"``, a citation URL, and ``B Params``
(billions, bare numbers). Settings (shots, base or instruct) are not stated, and the
parameter column mixes totals, active counts (DeepSeek-V3 = 37) and rumours (GPT-4 = 1800).
"""

from __future__ import annotations

from pathlib import Path

from ._common import blank, ingest_single_csv, models_frame, params_cell, records, score_cell, scores_frame

KEY = "cjtrowbridge"
FILES = ("ai/mmlu-params/data.csv",)
NAME = "Model"  # the column holding the model name
COLUMNS = ["Model", "MMLU", "MMLU Citation", "B Params"]


def ingest(raw_dir):
    return ingest_single_csv(raw_dir, KEY, FILES[0], COLUMNS)


def tidy(rows, base):
    file = Path(base) / FILES[0]
    models, scores = [], []
    for r in records(rows):
        row = r["source_row"]
        models.append(
            {
                "source": KEY,
                "source_row": row,
                "source_name": r["Model"],
                "model_id": r["model_id"],
                "weights": "unknown",
                "release_date": None,
                "total_params_b": params_cell(file, row, "B Params", r["B Params"], "billions"),
                "active_params_b": float("nan"),
                "params_note": "as published; the column mixes total, active and rumoured sizes",
            }
        )
        if not blank(r["MMLU"]):
            scores.append(
                {
                    "model_id": r["model_id"],
                    "benchmark": "mmlu",
                    "value": score_cell(file, row, "MMLU", r["MMLU"], "percent"),
                    "shots": None,
                    "cot": None,
                    "variant": "unknown",
                    "reporter": "aggregator",
                    "harness": None,
                    "source": KEY,
                    "source_row": row,
                    "note": f"cited: {r['MMLU Citation']}" if not blank(r["MMLU Citation"]) else None,
                }
            )
    return models_frame(models), scores_frame(scores)
