"""The processed tables from Python, typed by the data dictionary, and where a number came from.

``llmscale.load("models")`` reads ``data/processed/models.csv`` with each column typed as
``data/processed/dictionary.csv`` describes it: counts as nullable ``Int64``, flags as
``boolean``, dates (unit YYYY-MM-DD) as ``datetime64``, text as ``string``, measures as
``float64``. :func:`explain` follows one number of the model table or one score to the raw
file, commit and row it was read from.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pandas as pd

from .errors import DataError
from .io import read_table
from .tables import DICTIONARY, MODELS, SCORES

PROCESSED = Path(__file__).resolve().parents[2] / "data" / "processed"
MANIFEST = Path(__file__).resolve().parents[2] / "data" / "raw" / "MANIFEST.csv"
COUNT_UNITS = {"count", "tokens", "models", "predictions", "examples"}
_TRUE, _FALSE = {"true", "True", "TRUE"}, {"false", "False", "FALSE"}


def dictionary(processed_dir=None) -> pd.DataFrame:
    return read_table(Path(processed_dir or PROCESSED) / DICTIONARY, dtype=str)


def tables(processed_dir=None) -> list[str]:
    """The names :func:`load` accepts: every table the dictionary describes, without ``.csv``."""
    return sorted({t.removesuffix(".csv") for t in dictionary(processed_dir)["table"]})


def _kind(dtype, unit, values: pd.Series) -> str:
    dtype, unit = (dtype if isinstance(dtype, str) else ""), (unit if isinstance(unit, str) else "")
    present = values.dropna()
    if unit == "YYYY-MM-DD":
        return "date"
    if dtype in ("bool", "boolean") or ((not dtype or dtype.startswith("string")) and len(present)
                                        and present.isin(_TRUE | _FALSE).all()):
        return "boolean"
    if dtype in ("Int64", "int64") or unit in COUNT_UNITS:
        return "integer"
    if dtype.startswith("string"):
        return "string"
    numeric = pd.to_numeric(present, errors="coerce")
    if dtype == "float64" or (not dtype and len(present) and numeric.notna().all()):
        if dtype == "float64" and not unit and len(present) and (numeric % 1 == 0).all():
            return "integer"  # a size the schema stores as float, such as hidden_size
        return "float"
    return "string"


def _convert(values: pd.Series, kind: str, path: Path, column: str) -> pd.Series:
    def bad(mask, expected):
        i = int(mask.to_numpy().nonzero()[0][0])
        raise DataError(path, i + 2, column, values.iloc[i], expected)

    if kind == "string":
        return values.astype("string")
    if kind == "boolean":
        known = values.isna() | values.isin(_TRUE | _FALSE)
        if not known.all():
            bad(~known, "true or false")
        return values.map(lambda v: pd.NA if pd.isna(v) else v in _TRUE).astype("boolean")
    if kind == "date":
        out = pd.to_datetime(values, format="%Y-%m-%d", errors="coerce")
        if (out.isna() & values.notna()).any():
            bad(out.isna() & values.notna(), "a date YYYY-MM-DD")
        return out
    out = pd.to_numeric(values, errors="coerce")
    if (out.isna() & values.notna()).any():
        bad(out.isna() & values.notna(), "a number")
    if kind == "integer":
        if (out.dropna() % 1 != 0).any():
            bad(out.notna() & (out % 1 != 0), "a whole number")
        return out.astype("Int64")
    return out.astype("float64")


def load(name: str, processed_dir=None) -> pd.DataFrame:
    """A processed table ("models", "scores", "over_time_steps", ...) with typed columns."""
    pdir = Path(processed_dir or PROCESSED)
    table = name if name.endswith(".csv") else f"{name}.csv"
    d = dictionary(pdir)
    cols = d[d["table"] == table]
    if cols.empty:
        names = tables(pdir)
        near = difflib.get_close_matches(name.removesuffix(".csv"), names, n=3)
        raise KeyError(f"no table {name!r}" + (f"; did you mean {' or '.join(map(repr, near))}?" if near else "")
                       + f" ({len(names)} tables: llmscale.api.tables())")
    path = pdir / table
    raw = read_table(path, dtype=str)
    described = dict(zip(cols["column"], zip(cols["type"], cols["unit"])))
    out = {}
    for c in raw.columns:
        if c not in described:
            raise DataError(path, 1, c, c, f"a column described in {pdir / DICTIONARY}")
        out[c] = _convert(raw[c], _kind(*described[c], raw[c]), path, c)
    return pd.DataFrame(out, index=raw.index)


def _manifest_rows(ref: str, manifest=MANIFEST) -> tuple[pd.DataFrame, int | None]:
    """The MANIFEST row(s) of the raw file a ``<source>:<row>`` or ``<source>:<file>:<row>``
    reference points into, and the row number when it is a spreadsheet row."""
    from .sources import READERS

    source, _, rest = ref.partition(":")
    m = read_table(manifest, dtype=str)
    reader = READERS.get(source)
    dated = hasattr(reader, "REFRESHED") & m["source"].str.startswith(source + "@")  # refreshed folders it reads
    m = m[(m["source"] == source) | dated]
    file, _, row = rest.rpartition(":")
    if not file and reader is not None and len(reader.FILES) == 1:
        file = reader.FILES[0]
    if file:
        hit = m[m["path"].str.startswith(file.split("#")[0]) | m["file"].str.endswith(file.split("#")[0])]
        m = hit if len(hit) else m
    return m, (int(row) if row.isdigit() else None)


def _raw_row(path: Path, row: int) -> str | None:
    """Row ``row`` of a raw CSV as a spreadsheet numbers it (header = 1), as "column=value" pairs."""
    import csv

    if path.suffix != ".csv" or not path.exists():
        return None
    with path.open(newline="", encoding="utf-8-sig") as fh:
        rows = csv.reader(fh)
        header = next(rows, [])
        for i, values in enumerate(rows, start=2):
            if i == row:
                pairs = [f"{h.strip()}={v}" for h, v in zip(header, values) if v.strip()]
                return "; ".join(pairs)[:400]
    return None


def explain(model: str, item: str, processed_dir=None, manifest=MANIFEST) -> list[str]:
    """Lines saying where one number comes from: a fact of models.csv (``total_params_b``,
    ``release_date``, ...) with its ``_ref``, or every score of a benchmark with its setting and
    source row; a ``<source>:<row>`` reference is followed to the raw file's repository,
    commit and path in MANIFEST.csv."""
    from .settings import setting_label

    pdir = Path(processed_dir or PROCESSED)
    models = read_table(pdir / MODELS, dtype=str)
    ids = models["model_id"].tolist()
    if model not in ids:
        near = difflib.get_close_matches(model.lower(), ids, n=3, cutoff=0.5)
        raise KeyError(f"no model {model!r} in {pdir / MODELS}" + (f"; did you mean {' or '.join(map(repr, near))}?" if near else ""))
    row = models[models["model_id"] == model].iloc[0]
    refs: list[tuple[str, str]] = []
    if item in models.columns and not item.endswith("_ref"):
        value, ref = row[item], row.get(f"{item}_ref")
        lines = [f"{model} {item} = {'(blank)' if pd.isna(value) else value}"]
        if isinstance(ref, str):
            lines.append(f"  {item}_ref: {ref}")
            refs.append((item, ref))
        elif pd.notna(value):
            lines.append("  computed in 02_clean from this row's other facts (see the data dictionary)")
    else:
        scores = read_table(pdir / SCORES, dtype={"source_row": str})
        s = scores[(scores["model_id"] == model) & (scores["benchmark"] == item)]
        if s.empty:
            known = sorted(set(scores.loc[scores["model_id"] == model, "benchmark"]))
            facts = [c for c in models.columns if not c.endswith("_ref")]
            near = difflib.get_close_matches(item, known + facts, n=3)
            raise KeyError(f"{model!r} has no fact or score {item!r}" + (f"; did you mean {' or '.join(map(repr, near))}?" if near else ""))
        s = s.assign(setting=setting_label(s)).sort_values(["setting", "source", "source_row"], kind="mergesort")
        lines = [f"{model} {item}: {len(s)} score(s)"]
        for r in s.itertuples(index=False):
            ref = f"{r.source}:{r.source_row}"
            lines.append(f"  {r.value:g} ({r.setting}; reporter {r.reporter}) from {ref}")
            refs.append((item, ref))
    for _, ref in refs:
        if ref.startswith(("curated:", "derived:")):
            continue
        rows, number = _manifest_rows(ref, manifest)
        for m in rows.itertuples(index=False):
            lines.append(f"    {ref} -> data/raw/{m.file}, from {m.repo} at commit {m.commit}, path {m.path}")
            raw = _raw_row(Path(manifest).parent / m.file, number) if number and len(rows) == 1 else None
            if raw:
                lines.append(f"      row {number}: {raw}")
    return lines
