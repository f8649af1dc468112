"""Atomic, deterministic writes of tables and text."""

from __future__ import annotations

import os
import re
import tempfile
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

FLOAT_FORMAT = "%.6g"
_UMASK = os.umask(0)
os.umask(_UMASK)
_DIGITS = re.compile(r"(\d+)")


def natural_key(values: pd.Series) -> pd.Series:
    """Sort key that orders "row 2" before "row 10" in text columns."""
    if values.dtype.kind in "biufcmM" or values.dtype == bool:
        return values
    return values.map(lambda v: v if not isinstance(v, str) else _DIGITS.sub(lambda m: m.group(1).zfill(12), v))


def _natural_rank(values: pd.Series) -> np.ndarray:
    """Each value's rank in :func:`natural_key` order, blanks last, computed once per distinct
    value so that sorting a long table costs one pass over it."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    if values.dtype.kind in "biufcmM" or values.dtype == bool:
        order = np.asarray(uniques.argsort(), dtype=np.int64)
    else:
        keys = natural_key(pd.Series(uniques, dtype=object)).tolist()
        order = np.array(sorted(range(len(keys)), key=keys.__getitem__), dtype=np.int64)
    rank = np.empty(len(uniques) + 1, dtype=np.int64)
    rank[order] = np.arange(len(uniques))
    rank[-1] = len(uniques)  # the blank code (-1) sorts last
    return rank[codes]


def sort_rows(df: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Rows sorted by ``by`` in natural order (stable, blanks last)."""
    order = np.lexsort([_natural_rank(df[c]) for c in reversed(by)])
    return df.iloc[order]


@contextmanager
def _atomic(path: str | os.PathLike, mode: str = "wb", **kwargs):
    """A handle on a temporary file in ``path``'s folder, renamed to ``path`` once the block
    ends without an error (and removed if it raises): readers see the old file or the new."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, mode, **kwargs) as fh:
            yield fh
        os.chmod(tmp, 0o666 & ~_UMASK)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then rename."""
    with _atomic(path) as fh:
        fh.write(data)
    return Path(path)


def atomic_write_text(path, text: str) -> Path:
    return atomic_write_bytes(path, text.encode("utf-8"))


def format_floats(values: pd.Series) -> pd.Series:
    """A float column as the text :data:`FLOAT_FORMAT` gives each value, blank for NaN.

    Each distinct value is formatted once (a long table repeats few distinct numbers); values
    are told apart by their bits, so that ``-0.0`` keeps its sign."""
    x = values.to_numpy(dtype=float, na_value=np.nan)
    codes, uniques = pd.factorize(x.view(np.int64))
    text = np.array([FLOAT_FORMAT % v for v in uniques.view(np.float64)], dtype=object)[codes]
    text[np.isnan(x)] = ""
    return pd.Series(text, index=values.index, dtype=object)


def write_table(df: pd.DataFrame, path, sort_by: list[str] | None = None) -> Path:
    """Write a CSV atomically with sorted rows, a fixed float format and ``\\n`` line ends."""
    if sort_by:
        df = sort_rows(df, sort_by)
    floats = [c for c, t in df.dtypes.items() if t.kind == "f"]
    if floats:
        df = df.assign(**{c: format_floats(df[c]) for c in floats})
    with _atomic(path, "w", encoding="utf-8", newline="") as fh:
        df.to_csv(fh, index=False, lineterminator="\n")
    return Path(path)


def read_table(path, **kwargs) -> pd.DataFrame:
    """Read a table written by :func:`write_table` (or any curated CSV) as strings-first."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: missing input table (run the earlier notebooks first: make data)")
    return pd.read_csv(path, keep_default_na=False, na_values=[""], **kwargs)
