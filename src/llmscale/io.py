"""Atomic, deterministic writes of tables, JSON, text and figure data.

Every float the chain writes is rounded to a stated precision first, so that differences
below it (another CPU, another BLAS summing in another order) cannot change a byte:
CSV cells :data:`CSV_DIGITS` significant digits (:data:`FLOAT_FORMAT`; a cell below
:data:`CSV_ZERO` in magnitude, such as a spread that is 0 on one machine and 1e-17 on another,
is written as 0), JSON numbers
:data:`JSON_DIGITS` significant digits (:func:`write_json`), and the coordinates a figure is
drawn from :data:`FIGURE_DIGITS` significant digits (:func:`round_figure`).
"""

from __future__ import annotations

import errno
import json
import math
import os
import re
import tempfile
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

CSV_DIGITS = 6
FLOAT_FORMAT = f"%.{CSV_DIGITS}g"
CSV_ZERO = 1e-12
JSON_DIGITS = 8
FIGURE_DIGITS = 6
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
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TMP_SUFFIX)
        with os.fdopen(fd, mode, **kwargs) as fh:
            yield fh
        os.chmod(tmp, 0o666 & ~_UMASK)
        os.replace(tmp, path)
    except OSError as exc:
        if tmp:
            Path(tmp).unlink(missing_ok=True)
        if exc.filename is not None and exc.errno not in (errno.ENOSPC, errno.EDQUOT):
            raise
        raise WriteError(path, exc) from None
    except BaseException:
        if tmp:
            Path(tmp).unlink(missing_ok=True)
        raise


TMP_SUFFIX = ".tmp"


class WriteError(OSError):
    """An output could not be written (a full disk, say), named by its path."""

    def __init__(self, path, exc: OSError):
        what = {errno.ENOSPC: "the disk is full", errno.EDQUOT: "the disk quota is exhausted"}.get(exc.errno, exc.strerror)
        super().__init__(exc.errno, f"could not write {path}: {what} ([Errno {exc.errno}] {exc.strerror}); "
                                    "the previous version of the file, if any, is unchanged")
        self.path = path

    def __str__(self) -> str:
        return self.strerror


def sweep_temporary(folder) -> list[Path]:
    """Remove the temporary files an interrupted :func:`_atomic` write left in ``folder`` and
    below (hidden ``.<name>.<random>.tmp`` files); returns them."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    found = sorted(p for p in folder.rglob(f".*{TMP_SUFFIX}") if p.is_file())
    for p in found:
        p.unlink(missing_ok=True)
    return found


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
    x = values.to_numpy(dtype=float, na_value=np.nan).copy()
    x[(np.abs(x) < CSV_ZERO) & (x != 0)] = 0.0  # -0.0 keeps its sign
    codes, uniques = pd.factorize(x.view(np.int64))
    text = np.array([FLOAT_FORMAT % v for v in uniques.view(np.float64)], dtype=object)[codes]
    text[np.isnan(x)] = ""
    return pd.Series(text, index=values.index, dtype=object)


def round_sig(value: float, digits: int) -> float:
    """``value`` rounded to ``digits`` significant digits (NaN and infinities unchanged)."""
    if not math.isfinite(value) or value == 0:
        return value
    return float(f"{value:.{digits}g}")


def round_floats(obj, digits: int = JSON_DIGITS):
    """``obj`` (dicts, lists, tuples of plain values and numpy scalars) with every float
    rounded to ``digits`` significant digits."""
    if isinstance(obj, dict):
        return {k: round_floats(v, digits) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [round_floats(v, digits) for v in obj]
    if isinstance(obj, np.ndarray):
        return round_floats(obj.tolist(), digits)
    if isinstance(obj, (bool, np.bool_)):
        return bool(obj)
    if isinstance(obj, (int, np.integer)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        return round_sig(float(obj), digits)
    return obj


def json_text(obj, digits: int = JSON_DIGITS) -> str:
    """The JSON the chain writes: floats to ``digits`` significant digits, keys sorted,
    indent 2, UTF-8 as is, no NaN, a final newline."""
    return json.dumps(round_floats(obj, digits), indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False) + "\n"


def write_json(path, obj, digits: int = JSON_DIGITS) -> Path:
    """Write ``obj`` as :func:`json_text`, atomically."""
    return atomic_write_text(path, json_text(obj, digits))


def _round_array(values, digits: int) -> np.ndarray:
    """Float array rounded to ``digits`` significant digits, element by element (NaN kept)."""
    a = np.asarray(values, dtype=float)
    out = a.copy()
    finite = np.isfinite(a) & (a != 0)
    if finite.any():
        mag = np.floor(np.log10(np.abs(a[finite])))
        scale = 10.0 ** (digits - 1 - mag)
        out[finite] = np.round(a[finite] * scale) / scale
    return out


def round_figure(fig, digits: int = FIGURE_DIGITS):
    """Round the data every artist of ``fig`` is drawn from (lines, markers, filled areas,
    bars, text positions, annotated points, axis limits) to ``digits`` significant digits, so that fitted values
    that differ only in their last bits give the same SVG and PNG. Call it just before saving."""
    from matplotlib.collections import Collection
    from matplotlib.lines import Line2D
    from matplotlib.patches import Polygon, Rectangle
    from matplotlib.text import Text

    def r(v):
        return _round_array(v, digits)

    for ax in fig.axes:
        for line in ax.findobj(Line2D):
            x, y = line.get_data(orig=True)
            if np.asarray(x).dtype.kind in "fiu" and np.asarray(y).dtype.kind in "fiu":
                line.set_data(r(x), r(y))
        for coll in ax.findobj(Collection):
            offsets = coll.get_offsets()
            if len(offsets) and np.asarray(offsets).dtype.kind == "f":
                coll.set_offsets(r(offsets))
            for path in coll.get_paths() or ():
                if not path.readonly:
                    path.vertices = r(path.vertices)
        for patch in ax.findobj(Rectangle):
            if patch is not ax.patch:
                patch.set_bounds(*(float(v) for v in r([patch.get_x(), patch.get_y(), patch.get_width(), patch.get_height()])))
        for poly in ax.findobj(Polygon):
            poly.set_xy(r(poly.get_xy()))
        for t in ax.findobj(Text):
            pos = t.get_position()
            if all(isinstance(v, (int, float, np.floating)) and not isinstance(v, bool) for v in pos):
                t.set_position(tuple(float(v) for v in r(pos)))
            xy = getattr(t, "xy", None)  # an annotation's point: its text, and the room the layout makes for it, follow it
            if isinstance(xy, tuple) and all(isinstance(v, (int, float, np.floating)) and not isinstance(v, bool) for v in xy):
                t.xy = tuple(float(v) for v in r(xy))
        ax.set_xlim(tuple(float(v) for v in r(ax.get_xlim())))
        ax.set_ylim(tuple(float(v) for v in r(ax.get_ylim())))
    return fig


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


def read_text(path) -> str:
    """A text file's contents (UTF-8, an optional BOM dropped). Bytes that are not UTF-8
    raise a :class:`~llmscale.errors.DataError` naming the file, line and character."""
    from .errors import DataError

    path = Path(path)
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        start = data.rfind(b"\n", 0, exc.start) + 1
        char = len(data[start:exc.start].decode("utf-8", errors="replace")) + 1
        raise DataError(path, None, None, data[exc.start:exc.end + 8],
                        "UTF-8 text (re-save the file as UTF-8, or fix this byte)", line=line, char=char) from None


def read_json(path):
    """A JSON file's value; bad bytes or syntax raise a DataError with line and character."""
    from .errors import DataError

    text = read_text(path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(path, None, None, exc.doc[exc.pos:exc.pos + 30], f"valid JSON ({exc.msg})",
                        line=exc.lineno, char=exc.colno) from None


def read_yaml(path):
    """A YAML file's value; bad bytes or syntax raise a DataError with line and character."""
    import yaml

    from .errors import DataError

    text = read_text(path)
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = " ".join(str(getattr(exc, "problem", None) or exc).split())
        near = text.splitlines()[mark.line] if mark and mark.line < len(text.splitlines()) else None
        raise DataError(path, None, None, near, f"valid YAML ({problem})",
                        line=mark.line + 1 if mark else None, char=mark.column + 1 if mark else None) from None
