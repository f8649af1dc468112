"""Names of the processed tables, and the credit line each chart carries."""

from __future__ import annotations

from pathlib import Path

from .io import read_table

SOURCE_MODELS = "source_models.csv"
SCORES = "scores.csv"
AS_PUBLISHED = "as_published_cjtrowbridge.csv"
SOURCES = "sources.csv"
FRONTIER = "size_vs_mmlu_frontier.csv"
MODELS = "models.csv"
CONFLICTS = "conflicts.csv"
UNMATCHED = "unmatched.csv"
DICTIONARY = "dictionary.csv"
PRICES = "prices.csv"
SIZE_FLAGS = "size_flags.csv"


def credit_line(processed_dir, sources) -> str:
    table = read_table(Path(processed_dir) / SOURCES, dtype=str).set_index("source")
    missing = [s for s in sources if s not in table.index]
    if missing:
        raise KeyError(f"{Path(processed_dir) / SOURCES}: no credit for {missing}")
    parts = []
    for s in sources:
        licence = table.at[s, "licence"].split(";")[0].split(" (")[0]
        item = table.at[s, "credit"] + ("" if licence.startswith("none") else f" ({licence})")
        if item not in parts:
            parts.append(item)
    return "Data: " + "; ".join(parts)
