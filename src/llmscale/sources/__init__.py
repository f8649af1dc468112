"""One reader per raw source.

Each reader module defines ``KEY`` (its folder under ``data/raw``), ``FILES`` (the raw files
it reads, relative to that folder), ``ingest(raw_dir)`` returning the source's rows as
strings, names and units untouched, with ``source_row``, and ``tidy(rows, file)`` turning
those rows into the common ``source_models`` and ``scores`` tables.

Every reader in :data:`READERS` feeds the chain.
"""

from . import (
    artificial_analysis,
    cjtrowbridge,
    epoch_aa_prices,
    epoch_benchmarking_hub,
    epoch_hub_2026,
    epoch_notable_models,
    epoch_open_model_trends,
    llm_prices,
    llm_stats,
    obsscaling,
    open_llm_leaderboard,
    reported_scores,
    swallow,
)

READERS = {m.KEY: m for m in (
    cjtrowbridge, epoch_open_model_trends, epoch_notable_models, epoch_benchmarking_hub, epoch_aa_prices,
    obsscaling, open_llm_leaderboard, reported_scores, swallow, llm_stats, llm_prices, artificial_analysis, epoch_hub_2026,
)}

__all__ = ["READERS"]
