"""What the source readers share: reading CSV as strings, locating errors, tidy frames."""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import pandas as pd

from ..errors import DataError
from ..io import read_text
from ..units import params_b, parse_score

MODEL_COLUMNS = [
    "source", "source_row", "source_name", "model_id", "weights",
    "release_date", "total_params_b", "active_params_b", "architecture", "country", "params_note",
]
SCORE_COLUMNS = [
    "model_id", "benchmark", "value", "shots", "cot", "variant", "reasoning", "reporter", "harness",
    "index_version", "source", "source_row", "note",
]


def check_complete(path, text: str) -> None:
    """Refuse a CSV cut short: one that ends inside a quoted field, or whose last line has no
    newline and fewer fields than the header (a download or copy that stopped early)."""
    if not text or text.endswith(("\n", "\r")):
        return
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as exc:
        line = text.count("\n") + 1
        raise DataError(path, None, None, text.rsplit("\n", 1)[-1][-40:],
                        f"a complete file; it ends inside a quoted field ({exc}): cut short?", line=line) from None
    if len(rows) > 1 and len(rows[-1]) < len(rows[0]) and any(c.strip() for c in rows[-1]):
        line = text.count("\n") + 1
        raise DataError(path, None, None, text.rsplit("\n", 1)[-1][-40:],
                        f"a complete last line; it has no newline and {len(rows[-1])} of the header's "
                        f"{len(rows[0])} fields: the file looks cut short", line=line)


def read_csv_strings(path: Path, expected_columns: list[str]) -> pd.DataFrame:
    """Every cell as a string; ``source_row`` is the row as a spreadsheet shows it (header = 1).

    Blank rows are skipped but still counted, so row numbers always point into the file.
    """
    path = Path(path)
    if not path.exists():
        raise DataError(path, None, None, None, "the raw file to exist (see data/raw/MANIFEST.csv)")
    text = read_text(path)
    check_complete(path, text)
    with io.StringIO(text, newline="") as fh:
        reader = csv.reader(fh)
        try:
            header = next(reader)
        except StopIteration:
            raise DataError(path, 1, None, "", "a header row") from None
        missing = [c for c in expected_columns if c not in header]
        if missing:
            raise DataError(path, 1, missing[0], header, f"a header with the columns {expected_columns}")
        rows = []
        for i, rec in enumerate(reader, start=2):
            if not any(cell.strip() for cell in rec):
                continue
            if len(rec) != len(header):
                raise DataError(path, i, None, rec, f"{len(header)} fields like the header, got {len(rec)}")
            rows.append([str(i), *rec])
    return pd.DataFrame(rows, columns=["source_row", *header], dtype=str)


def ingest_single_csv(raw_dir, key: str, rel: str, columns: list[str]) -> pd.DataFrame:
    """The ingest of a one-file CSV source: its rows as strings, ``source`` and ``source_row`` first."""
    df = read_csv_strings(Path(raw_dir) / key / rel, columns)
    df.insert(0, "source", key)
    return df


def records(rows: pd.DataFrame) -> list[dict]:
    """The rows as dicts of plain Python values, like ``to_dict("records")`` but built column by
    column (each column converted once, not each cell)."""
    cols = list(rows.columns)
    return [dict(zip(cols, values)) for values in zip(*(rows[c].tolist() for c in cols))]


def cell(file, row, column, func, value, *args):
    """Apply a unit parser to one cell, turning its ValueError into a located DataError."""
    try:
        return func(value, *args)
    except ValueError as exc:
        raise DataError(file, row, column, value, str(exc)) from None


def params_cell(file, row, column, value, unit):
    return cell(file, row, column, params_b, value, unit)


def score_cell(file, row, column, value, scale):
    return cell(file, row, column, parse_score, value, scale)


def blank(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or str(value).strip() == ""


def json_text(value) -> str:
    """A JSON or YAML value as the string cell an ingested table keeps (null -> "", booleans
    as true/false)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def models_frame(records: list[dict]) -> pd.DataFrame:
    """The ``source_models`` rows of a reader; keys missing from a record are blank."""
    return pd.DataFrame(records, columns=MODEL_COLUMNS)


def scores_frame(records: list[dict]) -> pd.DataFrame:
    """The ``scores`` rows of a reader; keys missing from a record are blank."""
    df = pd.DataFrame(records, columns=SCORE_COLUMNS)
    df["shots"] = df["shots"].astype("Int64")
    df["cot"] = df["cot"].astype("boolean")
    for col in ("reasoning", "index_version"):  # blank unless the source states them
        df[col] = df[col].astype(object).where(df[col].notna() & (df[col].astype(str) != ""), None)
    return df
