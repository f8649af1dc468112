"""llm-prices.com (simonw/llm-prices): API prices of hosted models, with their history.

One JSON file per vendor under ``data/``: ``{"vendor": ..., "models": [{"id", "name",
"price_history": [{"input", "output", "input_cached", "from_date", "to_date"}]}]}``, prices in
US dollars per million tokens, dates ISO or ``null`` (open-ended).

``ingest`` gives one row per price period, ``source_row`` the JSON path
``"data/<vendor>.json#models[<i>].price_history[<n>]"`` (both counted from 0), every cell a string. ``vendor_model`` is what identity
reads: ``<org>/<id>`` with the vendor's folder name mapped to the org of our ids
(:data:`ORGS`: ``mistral`` -> ``mistralai``, ``xai`` -> ``xai-org``, ...).

``tidy`` gives one ``source_models`` row per model (its first period; no sizes, dates or
scores: the files have none) and no scores; :func:`prices` gives every period with its
input, output and blended price. ``blended`` weighs input and output 3:1
(``(3 x input + output) / 4``), the convention of Artificial Analysis' blended price, so both
sources' prices sit on one scale.

Known problems: ``xai.json`` lists ``grok-4-fast`` twice with the same price (the second is
left out by a correction); long-context
tiers are separate ids (``gemini-2.5-pro-200k``, ``gpt-5.4-272k``), which are prices of the same
model, not other models. Image models (``gpt-image-1``) are listed too; they match nothing.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd

from ..errors import DataError
from ..io import read_json
from ..units import usd
from ._common import blank, cell, json_text, models_frame, records, scores_frame

KEY = "llm-prices"
DATA = "data"
FILES = (DATA,)
NAME = "vendor_model"
ORGS = {"amazon": "amazon", "anthropic": "anthropic", "deepseek": "deepseek-ai", "google": "google",
        "meta-ai": "meta", "minimax": "minimaxai", "mistral": "mistralai", "moonshot-ai": "moonshotai",
        "openai": "openai", "qwen": "qwen", "xai": "xai-org"}
COLUMNS = ["source", "source_row", NAME, "vendor", "id", "name", "input", "output", "input_cached", "from_date", "to_date"]
PRICE_COLUMNS = ["source", "source_row", "model_id", "usd_per_1m_input", "usd_per_1m_output", "usd_per_1m_blended",
                 "price_from", "price_to", "note"]


def ingest(raw_dir) -> pd.DataFrame:
    """One row per price period of every model, as strings."""
    folder = Path(raw_dir) / KEY / DATA
    files = sorted(folder.glob("*.json"))
    if not files:
        raise DataError(folder, None, None, None, "the vendor price files (see data/raw/MANIFEST.csv)")
    rows = []
    for path in files:
        rel = path.relative_to(Path(raw_dir) / KEY).as_posix()
        data = read_json(path)
        vendor = data.get("vendor") if isinstance(data, dict) else None
        if vendor not in ORGS:
            raise DataError(path, None, "vendor", vendor, f"one of the known vendors {sorted(ORGS)}")
        for i, m in enumerate(data.get("models", [])):
            mid = m.get("id") if isinstance(m, dict) else None
            if blank(mid) or not isinstance(m.get("price_history"), list):
                raise DataError(path, None, "models", m, "a model with an id and a price_history list")
            for n, p in enumerate(m["price_history"], start=1):
                if not isinstance(p, dict):
                    raise DataError(path, f"#models[{i}].price_history[{n - 1}]", "price_history", p, "a price period object")
                rows.append({"source": KEY, "source_row": f"{rel}#models[{i}].price_history[{n - 1}]", NAME: f"{ORGS[vendor]}/{mid}",
                             "vendor": vendor, "id": mid, "name": json_text(m.get("name")),
                             **{k: json_text(p.get(k)) for k in ("input", "output", "input_cached", "from_date", "to_date")}})
    return pd.DataFrame(rows, columns=COLUMNS, dtype=str).fillna("")


def tidy(rows, base):
    first = rows[rows["source_row"].str.endswith(".price_history[0]")]
    models = [{
        "source": KEY, "source_row": r["source_row"], "source_name": r[NAME], "model_id": r["model_id"],
        "weights": "unknown", "release_date": None, "total_params_b": math.nan, "active_params_b": math.nan,
        "architecture": None, "params_note": None,
    } for r in records(first)]
    return models_frame(models), scores_frame([])


def prices(rows, base) -> pd.DataFrame:
    """Every price period: input, output and the 3:1 blended price per million tokens."""
    out = []
    for r in records(rows):
        file, where = Path(base) / r["source_row"].partition("#")[0], "#" + r["source_row"].partition("#")[2]
        inp = cell(file, where, "input", usd, r["input"])
        outp = cell(file, where, "output", usd, r["output"])
        out.append({
            "source": KEY, "source_row": r["source_row"], "model_id": r["model_id"],
            "usd_per_1m_input": inp, "usd_per_1m_output": outp, "usd_per_1m_blended": (3 * inp + outp) / 4,
            "price_from": r["from_date"] or None, "price_to": r["to_date"] or None,
            "note": f"llm-prices.com, {r['name']}".strip(", "),
        })
    return pd.DataFrame(out, columns=PRICE_COLUMNS)
