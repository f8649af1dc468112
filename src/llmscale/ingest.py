"""01_ingest: verify raw files against the manifest and read each source as strings."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import manifest
from .io import write_table
from .sources import READERS


def ingest_all(raw_dir, interim_dir, sources) -> pd.DataFrame:
    """Verify the raw files of ``sources`` (all readers if empty) against the manifest and
    write each source's rows as a table of strings."""
    sources = list(sources) or list(READERS)
    # a reader that also reads dated folders written by `make refresh` (``<source>@<date>``)
    # has each checked against the manifest too
    dated = [folder for key in sources if key in READERS and hasattr(READERS[key], "refreshed")
             for folder in (rel.split("/")[0] for _, rel in READERS[key].refreshed(raw_dir))]
    manifest.verify(raw_dir, sources + dated)
    counts = []
    for key in sources:
        if key not in READERS:
            raise KeyError(f"no reader for source {key!r}; known: {sorted(READERS)}")
        rows = READERS[key].ingest(raw_dir)
        write_table(rows, Path(interim_dir) / f"{key}.csv")
        counts.append({"source": key, "rows": len(rows)})
    return pd.DataFrame(counts)
