"""Epoch AI "Notable AI Models", export of 2025-02-24 (via IyngkarranKumar/compute_thresholds_public).

One CSV, 895 systems from 1950 to 2025, 42 columns. Read here: ``Model``, ``Domain`` (a
comma-separated list such as "Multimodal,Language,Vision"), ``Publication date`` (ISO),
``Parameters`` (a raw count written as a float, ``"671000000000.0"``), ``Model accessibility``
and ``Confidence``. The file has no benchmark scores: ``tidy`` returns no score rows.

Only language models are kept. ``ingest`` returns the rows whose ``Domain`` list contains
"Language" (399 rows, 307 of them with a parameter count, multimodal systems such as GPT-4
included). The other 496 rows (vision, games, speech, biology, image generation, robotics,
...) are left out: :func:`left_out` returns them for inspection, and ``source_row`` stays the
spreadsheet row of the full file, so the gaps show where they were. A blank ``Domain`` stops
the run (the row could not be classified).

Known problems and how they are handled:

- ``Parameters`` for closed models (``Model accessibility`` "API access", "Hosted access (no
  API)" or "Unreleased") are Epoch's estimates or reported rumours (PaLM 2 = 340e9): their
  ``total_params_b`` stays blank and ``params_note`` quotes the value. For open-weight models
  and those whose accessibility is blank, the value is Epoch's total as recorded (mixtures of
  experts included: DeepSeek-V3 = 671e9, Mixtral 8x7B = 46.7e9).
- There is no structured active-parameter or architecture column (sparsity is mentioned only
  in the free-text ``Parameters notes``): ``active_params_b`` and ``architecture`` stay blank.
- ``Base model`` names the system a model was trained from, as Epoch spells its systems
  ("Llama 2-7B", "DeepSeek-V3"): :func:`base_models` gives it for the model's lineage, unless it
  lists several ("Qwen2-72B,InternViT-6B": a vision-language system built on two).
- ``weights``: "Open weights (...)" -> open, the three closed labels -> closed, blank -> unknown;
  any other label stops the run.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import DataError
from ._common import blank, ingest_single_csv, models_frame, params_cell, records, scores_frame
from .epoch_benchmarking_hub import release_date

KEY = "epoch-notable-models"
FILES = ("data/notable_ai_models_24_02_2025.csv",)
NAME = "Model"  # the column holding the model name
COLUMNS = ["Model", "Domain", "Publication date", "Parameters", "Model accessibility", "Confidence"]
LANGUAGE = "Language"
WEIGHTS = {
    "Open weights (unrestricted)": "open",
    "Open weights (restricted use)": "open",
    "Open weights (non-commercial)": "open",
    "API access": "closed",
    "Hosted access (no API)": "closed",
    "Unreleased": "closed",
    "": "unknown",
}


def is_language(file, row, domain) -> bool:
    """Whether a ``Domain`` list names "Language"; a blank one raises a located error."""
    if blank(domain):
        raise DataError(file, row, "Domain", domain, "a comma-separated list of domains")
    return LANGUAGE in [d.strip() for d in str(domain).split(",")]


def _split(raw_dir):
    rows = ingest_single_csv(raw_dir, KEY, FILES[0], COLUMNS)
    file = Path(raw_dir) / KEY / FILES[0]
    keep = [is_language(file, row, d) for row, d in zip(rows["source_row"], rows["Domain"])]
    return rows[keep].reset_index(drop=True), rows[[not k for k in keep]].reset_index(drop=True)


def ingest(raw_dir):
    """The language-model rows as strings (see the module docstring for what is left out)."""
    return _split(raw_dir)[0]


def left_out(raw_dir):
    """The rows ``ingest`` leaves out (no "Language" in ``Domain``), as strings."""
    return _split(raw_dir)[1]


def _weights(file, row, value) -> str:
    text = "" if blank(value) else str(value).strip()
    if text not in WEIGHTS:
        raise DataError(file, row, "Model accessibility", value, f"one of {sorted(k for k in WEIGHTS if k)} or blank")
    return WEIGHTS[text]


def _model(r, file) -> dict:
    row = r["source_row"]
    weights = _weights(file, row, r["Model accessibility"])
    date, date_note = release_date(file, row, "Publication date", r["Publication date"])
    total = params_cell(file, row, "Parameters", r["Parameters"], "count")
    notes = [date_note] if date_note else []
    if weights == "closed" and total == total:
        confidence = f", Epoch confidence {r['Confidence']}" if not blank(r["Confidence"]) else ""
        notes.append(f"Parameters given as {r['Parameters']} ({total:g}B{confidence}): an estimate for a closed "
                     "model, not used as a total")
        total = float("nan")
    return {
        "source": KEY, "source_row": row, "source_name": r["Model"], "model_id": r["model_id"],
        "weights": weights, "release_date": date, "total_params_b": total, "active_params_b": float("nan"),
        "architecture": None, "params_note": "; ".join(notes) or None,
    }


BASE = "Base model"


def base_models(rows) -> pd.DataFrame:
    """The system each model was trained from (``Base model``), where it names one other system."""
    b = rows[BASE].fillna("").str.strip() if BASE in rows else pd.Series("", index=rows.index)
    keep = (b != "") & ~b.str.contains(",", regex=False) & (b.str.lower() != rows[NAME].str.strip().str.lower())
    return pd.DataFrame({"model_id": rows.loc[keep, "model_id"], "base_name": b[keep],
                         "source": KEY, "source_row": rows.loc[keep, "source_row"]})


def tidy(rows, base):
    file = Path(base) / FILES[0]
    models = [_model(r, file) for r in records(rows)]
    return models_frame(models), scores_frame([])
