"""Published claims about model size and scores, checked against the processed tables.

A claims file (``data/raw/curated/claims.yaml``) is a YAML list. Each claim has ``id``,
``text`` (the claim as published), ``made_in`` (URL or document), an optional ``note`` (how
the check reads the claim) and a ``check``. :func:`evaluate` gives each claim a verdict:
``supported``, ``contradicted`` or ``not checkable`` (the data lacks the table, column or
rows the check needs), a one-sentence ``reason`` computed from the values, and the
``evidence``: the rows used, each as ``table:model_id/benchmark/value/source:source_row``.

Selections
----------
A selection picks values out of one table::

    {table: scores, join: {...}, where: {...}, column: value, agg: one, pick: ..., order_by: ...}

- ``where`` maps a column to a condition: a value (equality; text ignores case and
  surrounding blanks, ``60`` equals ``60.0``), a list of values (any of them), ``null``
  (blank cells), or ``{op: value}`` with op in ``< <= > >= == !=`` (numbers compare as
  numbers, text such as ISO dates as text). A blank cell meets no condition but ``null``.
- ``join: {table: models, on: model_id, columns: [weights]}`` first adds columns of another
  table, matched on ``on`` (default ``model_id``), so ``where`` can test them.
- ``agg`` says what the rows give (rows with a blank ``column`` are left out and counted):
  ``one`` (the default: exactly one row), ``max``, ``min``, ``mean``, ``count``, ``list``
  (the values in ``order_by`` order, else table order), ``first_by:<col>`` / ``last_by:<col>``
  (the row with the smallest / largest ``<col>``; ties go to the earlier row in the table),
  ``top_mean:<k>`` (mean of the k largest values; fewer than k rows is not checkable).
- ``agg: one`` with several matching rows is an error in the claims file (a DataError naming
  the claim and the selection), because which value a claim is about must be stated, not
  guessed. A ``pick`` rule resolves it: ``first`` / ``last`` (table order, or ``order_by``),
  ``max`` / ``min`` (of ``column``; ties go to the earlier row), or ``{<col>: [v1, v2, ...]}``
  (prefer rows whose ``<col>`` comes earliest in the list; rows with other values come after
  them; remaining ties go to the earlier row). The processed tables are written sorted, so
  table order is deterministic.

Checks
------
- ``value``: ``select`` is ``expected`` within ``tolerance`` (absolute) or ``rel_tolerance``
  (a fraction of ``expected``); exactly one of the two; the tolerance is inclusive. With
  ``divide_by: <selection>`` the value checked is the ratio of the two selections.
- ``compare``: ``left`` ``op`` ``right`` (op in ``< <= > >= == !=``); ``right`` is a
  selection or a number.
- ``equals``: ``select`` equals ``expected`` (text ignoring case; with ``agg: list``,
  ``expected`` is a list and order matters).
- ``all``: ``checks``, a list of checks: contradicted if any is, else not checkable if any
  is, else supported.
- ``group_top``: in ``table`` (with optional ``join`` and ``filter``, a ``where``-style
  mapping), the top row by ``by`` (largest) in each group of ``group_by`` meets ``where``.
  ``groups`` lists the groups the claim is about (a missing one is not checkable). Rows tied
  at the top all count: a group passes if any of them meets ``where``; a blank cell in a
  ``where`` column makes that row unknown.

A table or column that no table of the chain has but that misspells one that does
(``scorez``, ``valeu``) is a mistake in the claims file: :func:`load_claims` raises a
DataError naming it and the name meant. A table or column absent from this build (or not
yet in any table), or no matching rows, makes the check not checkable and the reason says
what is missing; it never stops the run. A malformed claims file stops it with a
DataError naming the file, the claim id (as the row) and the key (as a dotted path).
"""

from __future__ import annotations

import datetime as _dt
import math
import operator
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from .errors import DataError
from .io import read_table, read_yaml

VERDICTS = ("supported", "contradicted", "not checkable")
COLUMNS = ["claim_id", "text", "made_in", "verdict", "reason", "evidence", "note"]
OPS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "==": operator.eq, "!=": operator.ne}
CLAIM_KEYS = ("id", "text", "made_in", "note", "check")
CHECK_KEYS = {
    "value": ("kind", "select", "expected", "tolerance", "rel_tolerance", "divide_by"),
    "compare": ("kind", "left", "op", "right"),
    "equals": ("kind", "select", "expected"),
    "all": ("kind", "checks"),
    "group_top": ("kind", "table", "join", "filter", "group_by", "by", "where", "groups"),
}
SELECT_KEYS = ("table", "join", "where", "column", "agg", "pick", "order_by")
JOIN_KEYS = ("table", "on", "columns")
PICKS = ("first", "last", "max", "min")
AGG_FORMS = "one, max, min, mean, count, list, first_by:<column>, last_by:<column> or top_mean:<k>"
_AGG = re.compile(r"^(one|max|min|mean|count|list)$|^(first_by|last_by):([A-Za-z0-9_]+)$|^top_mean:([0-9]+)$")
_NUMBER = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")
_MAX_EVIDENCE = 25
_SCALARS = (str, int, float, bool, _dt.date, type(None))


class NotCheckable(Exception):
    """The data lacks what a check needs; the message says what."""


class Claims(list):
    """The claims of one file: a plain list of dicts that remembers the file it came from."""

    def __init__(self, items, file):
        super().__init__(items)
        self.file = file


# --- reading and validating the claims file -----------------------------------------------------


def load_claims(path) -> list[dict]:
    """The claims of a YAML file, each validated; a malformed one raises a DataError naming the
    file, the claim id (as the row) and the key (as a dotted path such as ``check.left.op``)."""
    path = Path(path)
    if not path.exists():
        raise DataError(path, None, None, None, "a claims YAML file")
    claims = read_yaml(path)
    validate_claims(claims, path)
    check_names(claims, path)
    return Claims(claims, path)


def known_columns() -> dict[str, set[str]]:
    """Every processed table (by file stem) and its columns, from the data dictionary."""
    from .dictionary import dictionary

    d = dictionary()
    out: dict[str, set[str]] = {}
    for table, col in zip(d["table"], d["column"]):
        out.setdefault(Path(table).stem, set()).add(col)
    return out


def check_names(claims, file="claims", known: dict[str, set[str]] | None = None) -> None:
    """A table or column a check names that no table of the chain has, but that is a
    misspelling of one that does (``scorez`` for ``scores``, ``valeu`` for ``value``), is a
    mistake in the claims file: a DataError naming the claim, the key and the name meant.
    ``known`` defaults to the data dictionary. A name like no known one (a column the tables
    do not have yet) stays a "not checkable" verdict, with the reason saying what is missing."""
    import difflib

    known = known if known is not None else known_columns()

    def misspelt(cid, name, choices, key, what):
        if name in choices or not isinstance(name, str):
            return
        near = difflib.get_close_matches(name, sorted(choices), n=1, cutoff=0.75)
        if near:
            raise DataError(file, cid, key, name, f"{what} (did you mean {near[0]!r}?)")

    def table_cols(cid, table, join, path):
        misspelt(cid, table, known, f"{path}.table", "one of the processed tables")
        cols = set(known.get(table, ()))
        if isinstance(join, dict):
            jt = join.get("table")
            misspelt(cid, jt, known, f"{path}.join.table", "one of the processed tables")
            jcols = set(known.get(jt, ()))
            for i, c in enumerate(join.get("columns") or []):
                if jcols:
                    misspelt(cid, c, jcols, f"{path}.join.columns[{i}]", f"a column of {jt}")
            cols |= jcols
        return table, cols

    def need(cid, tc, name, key):
        table, cols = tc
        if cols:
            misspelt(cid, name, cols, key, f"a column of {table}")

    def selection(cid, sel, path):
        tc = table_cols(cid, sel["table"], sel.get("join"), path)
        if sel.get("column") is not None:
            need(cid, tc, sel["column"], f"{path}.column")
        for c in sel.get("where") or {}:
            need(cid, tc, c, f"{path}.where.{c}")
        ob = sel.get("order_by")
        for c in ([ob] if isinstance(ob, str) else ob or []):
            need(cid, tc, c, f"{path}.order_by")
        if isinstance(sel.get("pick"), dict):
            for c in sel["pick"]:
                need(cid, tc, c, f"{path}.pick.{c}")
        m = _AGG.match(str(sel.get("agg", "one")))
        if m and m.group(3):
            need(cid, tc, m.group(3), f"{path}.agg")

    def check(cid, chk, path):
        kind = chk.get("kind")
        if kind == "all":
            for i, sub in enumerate(chk["checks"]):
                check(cid, sub, f"{path}.checks[{i}]")
        elif kind == "group_top":
            tc = table_cols(cid, chk["table"], chk.get("join"), path)
            for key in ("group_by", "by"):
                need(cid, tc, chk[key], f"{path}.{key}")
            for part in ("filter", "where"):
                for c in chk.get(part) or {}:
                    need(cid, tc, c, f"{path}.{part}.{c}")
        else:
            for key in ("select", "divide_by", "left", "right"):
                if isinstance(chk.get(key), dict):
                    selection(cid, chk[key], f"{path}.{key}")

    for c in claims:
        check(c["id"], c["check"], "check")


def validate_claims(claims, file="claims") -> None:
    """Check the structure of a list of claims (as :func:`load_claims` reads them)."""
    if not isinstance(claims, list):
        raise DataError(file, None, None, type(claims).__name__, "a YAML list of claims")
    seen = set()
    for i, c in enumerate(claims, start=1):
        if not isinstance(c, dict):
            raise DataError(file, f"item {i}", None, c, "a mapping with id, text, made_in and check")
        cid = c.get("id")
        if not isinstance(cid, str) or not cid.strip():
            raise DataError(file, f"item {i}", "id", cid, "an id (text)")
        if cid in seen:
            raise DataError(file, cid, "id", cid, "an id used once in the file")
        seen.add(cid)
        for k in c:
            if k not in CLAIM_KEYS:
                raise DataError(file, cid, k, c[k], f"a claim key: {', '.join(CLAIM_KEYS)}")
        for k in ("text", "made_in"):
            if not isinstance(c.get(k), str) or not c[k].strip():
                raise DataError(file, cid, k, c.get(k), "non-empty text")
        if "note" in c and not isinstance(c["note"], str):
            raise DataError(file, cid, "note", c["note"], "text")
        if "check" not in c:
            raise DataError(file, cid, "check", None, "a check")
        _validate_check(file, cid, c["check"], "check")


def _need(cond, file, cid, key, value, expected):
    if not cond:
        raise DataError(file, cid, key, value, expected)


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _validate_check(file, cid, chk, path):
    _need(isinstance(chk, dict), file, cid, path, chk, "a mapping with a kind")
    kind = chk.get("kind")
    _need(kind in CHECK_KEYS, file, cid, f"{path}.kind", kind, f"one of {', '.join(CHECK_KEYS)}")
    for k in chk:
        _need(k in CHECK_KEYS[kind], file, cid, f"{path}.{k}", chk[k], f"a key of a {kind} check: {', '.join(CHECK_KEYS[kind])}")
    if kind == "value":
        _validate_select(file, cid, chk.get("select"), f"{path}.select", numeric=True)
        if "divide_by" in chk:
            _validate_select(file, cid, chk["divide_by"], f"{path}.divide_by", numeric=True)
        _need(_is_number(chk.get("expected")), file, cid, f"{path}.expected", chk.get("expected"), "the number the claim states")
        tols = [k for k in ("tolerance", "rel_tolerance") if k in chk]
        _need(len(tols) == 1, file, cid, f"{path}.tolerance", {k: chk[k] for k in tols} or None,
              "exactly one of tolerance (absolute) or rel_tolerance (a fraction)")
        _need(_is_number(chk[tols[0]]) and chk[tols[0]] >= 0, file, cid, f"{path}.{tols[0]}", chk[tols[0]], "a number >= 0")
    elif kind == "compare":
        _need(chk.get("op") in OPS, file, cid, f"{path}.op", chk.get("op"), f"one of {' '.join(OPS)}")
        _validate_select(file, cid, chk.get("left"), f"{path}.left", numeric=True)
        if not _is_number(chk.get("right")):
            _validate_select(file, cid, chk.get("right"), f"{path}.right", numeric=True)
    elif kind == "equals":
        sel = chk.get("select")
        _validate_select(file, cid, sel, f"{path}.select", numeric=False)
        _need("expected" in chk, file, cid, f"{path}.expected", None, "the value the claim states")
        exp, is_list = chk["expected"], sel.get("agg") == "list"
        if is_list:
            _need(isinstance(exp, list) and all(isinstance(v, _SCALARS) for v in exp), file, cid, f"{path}.expected", exp,
                  "a list of values (the selection has agg: list)")
        else:
            _need(isinstance(exp, _SCALARS) and exp is not None, file, cid, f"{path}.expected", exp,
                  "one value (use agg: list in the selection to compare a list)")
    elif kind == "all":
        subs = chk.get("checks")
        _need(isinstance(subs, list) and subs, file, cid, f"{path}.checks", subs, "a non-empty list of checks")
        for i, sub in enumerate(subs):
            _validate_check(file, cid, sub, f"{path}.checks[{i}]")
    elif kind == "group_top":
        for k in ("table", "group_by", "by"):
            _need(isinstance(chk.get(k), str) and chk[k], file, cid, f"{path}.{k}", chk.get(k), "a table or column name")
        _validate_where(file, cid, chk.get("where"), f"{path}.where", required=True)
        _validate_where(file, cid, chk.get("filter", {}), f"{path}.filter")
        if "join" in chk:
            _validate_join(file, cid, chk["join"], f"{path}.join")
        if "groups" in chk:
            g = chk["groups"]
            _need(isinstance(g, list) and g and all(isinstance(v, _SCALARS) for v in g), file, cid, f"{path}.groups", g,
                  "a non-empty list of group values")


def _validate_select(file, cid, sel, path, numeric):
    _need(isinstance(sel, dict), file, cid, path, sel, "a selection {table, where, column, agg}")
    for k in sel:
        _need(k in SELECT_KEYS, file, cid, f"{path}.{k}", sel[k], f"a selection key: {', '.join(SELECT_KEYS)}")
    for k in ("table", "column"):
        _need(isinstance(sel.get(k), str) and sel[k], file, cid, f"{path}.{k}", sel.get(k), "a table or column name")
    agg = sel.get("agg", "one")
    m = _AGG.match(agg) if isinstance(agg, str) else None
    _need(m is not None and (m.group(4) is None or int(m.group(4)) >= 1), file, cid, f"{path}.agg", agg, f"one of {AGG_FORMS} (k >= 1)")
    _need(not (numeric and agg == "list"), file, cid, f"{path}.agg", agg, "an aggregate giving one number (list only in an equals check)")
    _validate_where(file, cid, sel.get("where", {}), f"{path}.where")
    if "join" in sel:
        _validate_join(file, cid, sel["join"], f"{path}.join")
    if "pick" in sel:
        pick = sel["pick"]
        ok = pick in PICKS or (isinstance(pick, dict) and len(pick) == 1 and isinstance(next(iter(pick)), str)
                               and isinstance(next(iter(pick.values())), list) and next(iter(pick.values())))
        _need(ok, file, cid, f"{path}.pick", pick, "first, last, max, min or {column: [preferred values, ...]}")
        _need(agg == "one", file, cid, f"{path}.pick", pick, "a pick rule only with agg: one")
    if "order_by" in sel:
        ob = sel["order_by"]
        ok = isinstance(ob, str) or (isinstance(ob, list) and ob and all(isinstance(c, str) for c in ob))
        _need(ok, file, cid, f"{path}.order_by", ob, "a column name or a list of them")


def _validate_where(file, cid, where, path, required=False):
    _need(isinstance(where, dict) and (where or not required), file, cid, path, where,
          "a mapping of column to value, [values] or {op: value}")
    for col, cond in where.items():
        key = f"{path}.{col}"
        if isinstance(cond, dict):
            _need(bool(cond), file, cid, key, cond, "{op: value} with op in " + " ".join(OPS))
            for op, v in cond.items():
                _need(op in OPS, file, cid, key, op, "an operator: " + " ".join(OPS))
                _need(isinstance(v, _SCALARS) and v is not None, file, cid, key, v, "one value after the operator")
        elif isinstance(cond, list):
            _need(bool(cond) and all(isinstance(v, _SCALARS) for v in cond), file, cid, key, cond, "a non-empty list of values")
        else:
            _need(isinstance(cond, _SCALARS), file, cid, key, cond, "a value, [values] or {op: value}")


def _validate_join(file, cid, join, path):
    _need(isinstance(join, dict), file, cid, path, join, "{table, on, columns}")
    for k in join:
        _need(k in JOIN_KEYS, file, cid, f"{path}.{k}", join[k], f"a join key: {', '.join(JOIN_KEYS)}")
    _need(isinstance(join.get("table"), str) and join["table"], file, cid, f"{path}.table", join.get("table"), "a table name")
    _need(isinstance(join.get("on", "model_id"), str), file, cid, f"{path}.on", join.get("on"), "a column name")
    cols = join.get("columns")
    _need(isinstance(cols, list) and cols and all(isinstance(c, str) for c in cols), file, cid, f"{path}.columns", cols,
          "a list of column names")


# --- tables -------------------------------------------------------------------------------------


def load_tables(processed_dir, names=None) -> dict[str, pd.DataFrame]:
    """The processed tables by name (file stem), read with :func:`llmscale.io.read_table`.

    ``names`` limits the tables read; by default every ``*.csv`` in the folder except
    ``claims.csv`` (this module's own output). A missing file is simply absent from the dict,
    so a check that needs it is not checkable. ``source_row`` is read as text.
    """
    folder = Path(processed_dir)
    if names is None:
        names = sorted(p.stem for p in folder.glob("*.csv") if p.stem != "claims")
    out = {}
    for name in names:
        p = folder / f"{name}.csv"
        if p.exists():
            out[name] = read_table(p, dtype={"source_row": str})
    return out


def tables_used(claims: list[dict]) -> list[str]:
    """The table names the checks of ``claims`` read, sorted."""
    found = set()

    def walk(x):
        if isinstance(x, dict):
            if isinstance(x.get("table"), str):
                found.add(x["table"])
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)

    walk([c.get("check") for c in claims])
    return sorted(found)


# --- values -------------------------------------------------------------------------------------


def _isna(v) -> bool:
    try:
        return v is None or bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _fmt(v) -> str:
    """A value as the reason and evidence show it (numbers to 6 significant digits)."""
    if _isna(v):
        return "blank"
    if isinstance(v, bool) or type(v).__name__ == "bool_":
        return "true" if v else "false"
    if isinstance(v, (int, float)) or (hasattr(v, "dtype") and getattr(v.dtype, "kind", "") in "iuf"):
        f = float(v)
        return str(int(f)) if math.isfinite(f) and f == int(f) and abs(f) < 1e15 else f"{f:.6g}"
    if isinstance(v, _dt.date):
        return v.isoformat()
    return str(v)


def _key(v):
    """A comparable form: None for blanks, text lowercased, numbers (also numeric text) as
    floats, booleans as 'true'/'false', dates as ISO text."""
    if _isna(v):
        return None
    if isinstance(v, bool) or type(v).__name__ == "bool_":
        return "true" if v else "false"
    if isinstance(v, _dt.date):
        return v.isoformat()
    if isinstance(v, (int, float)) or (hasattr(v, "dtype") and getattr(v.dtype, "kind", "") in "iuf"):
        return float(v)
    s = str(v).strip().lower()
    return float(s) if _NUMBER.match(s) else s


def _match(series: pd.Series, cond, table: str, col: str) -> pd.Series:
    """Which cells of ``series`` meet ``cond`` (a value, a list, null or {op: value})."""
    keys = series.map(_key)
    if cond is None:
        return keys.isna()
    if isinstance(cond, list):
        wanted = {_key(v) for v in cond}
        return keys.map(lambda k: k is not None and k in wanted).astype(bool)
    if not isinstance(cond, dict):
        want = _key(cond)
        return keys.map(lambda k: k is not None and k == want).astype(bool)
    out = pd.Series(True, index=series.index)
    for op, v in cond.items():
        want = _key(v)
        if op in ("==", "!="):
            hit = keys.map(lambda k, w=want: k is not None and k == w)
            out &= hit.astype(bool) if op == "==" else (~hit.astype(bool) & keys.notna())
            continue
        present = keys.dropna()
        if isinstance(want, float):
            if len(present) and not present.map(lambda k: isinstance(k, float)).all():
                raise NotCheckable(f"'{table}' column {col} holds text, so it cannot be compared with {op} {_fmt(v)}")
        elif len(present) and present.map(lambda k: isinstance(k, float)).all():
            raise NotCheckable(f"'{table}' column {col} holds numbers, so it cannot be compared with {op} '{_fmt(v)}'")
        out &= keys.map(lambda k, w=want, f=OPS[op]: k is not None and type(k) is type(w) and bool(f(k, w))).astype(bool)
    return out


def _n(k: int, what="row") -> str:
    return f"{k} {what}" + ("" if k == 1 else "s")


def _cond_text(col, cond) -> str:
    if cond is None:
        return f"{col} blank"
    if isinstance(cond, list):
        return f"{col} in [{', '.join(_fmt(v) for v in cond)}]"
    if isinstance(cond, dict):
        return ", ".join(f"{col} {op} {_fmt(v)}" for op, v in cond.items())
    return f"{col} = {_fmt(cond)}"


def _where_text(where) -> str:
    return ", ".join(_cond_text(c, v) for c, v in (where or {}).items()) or "no condition"


# --- selecting rows -----------------------------------------------------------------------------


@dataclass
class Selection:
    """What a selection gave: ``value``, the ``rows`` it rests on, and a ``desc`` for reasons."""

    value: object
    rows: pd.DataFrame
    table: str
    column: str
    desc: str
    notes: list[str] = field(default_factory=list)
    also: tuple = ()

    def evidence(self) -> list[str]:
        return _evidence(self.table, self.rows, self.column, self.also)


@dataclass
class _Ctx:
    file: object
    claim_id: str


def _table(tables, name, join) -> pd.DataFrame:
    if name not in tables:
        raise NotCheckable(f"there is no table '{name}' in this build")
    df = tables[name]
    if join:
        jname, on = join["table"], join.get("on", "model_id")
        if jname not in tables:
            raise NotCheckable(f"there is no table '{jname}' (to join) in this build")
        other = tables[jname]
        for t, d, cols in ((name, df, [on]), (jname, other, [on, *join["columns"]])):
            for c in cols:
                if c not in d.columns:
                    raise NotCheckable(f"table '{t}' has no column '{c}'")
        other = other[[on, *[c for c in join["columns"] if c != on]]]
        dup = other[on][other[on].notna() & other[on].duplicated()]
        if len(dup):
            raise NotCheckable(f"table '{jname}' has several rows for {on} {_fmt(dup.iloc[0])}, so it cannot be joined")
        clash = [c for c in other.columns if c != on and c in df.columns]
        df = df.merge(other, on=on, how="left", suffixes=("", f"_{jname}"), sort=False)
        if clash:
            df = df.drop(columns=clash).rename(columns={f"{c}_{jname}": c for c in clash})
    return df


def _require(df, table, cols):
    for c in cols:
        if c not in df.columns:
            raise NotCheckable(f"table '{table}' has no column '{c}'")


def _filter(df, table, where) -> pd.DataFrame:
    """Rows meeting every condition; if none do, say which condition left no row."""
    done = []
    for col, cond in (where or {}).items():
        kept = df[_match(df[col], cond, table, col)]
        if kept.empty:
            among = f" among the {len(df)} rows with {', '.join(done)}" if done else ""
            raise NotCheckable(f"'{table}' has no row with {_cond_text(col, cond)}{among}")
        df = kept
        done.append(_cond_text(col, cond))
    return df


def _label(row, column) -> list[str]:
    """model_id / benchmark / (column) / value, as far as the table has them. When the
    selected column is the model_id itself (a timeline), the row's score is shown."""
    shown = "value" if column == "model_id" and "value" in row.index else column
    parts = []
    if "model_id" in row.index and not _isna(row["model_id"]):
        parts.append(str(row["model_id"]))
    if "benchmark" in row.index and not _isna(row["benchmark"]) and shown != "benchmark":
        parts.append(str(row["benchmark"]))
    if shown not in ("value", "model_id", "benchmark"):
        parts.append(shown)
    if shown != "model_id":
        parts.append(_fmt(row[shown]))
    return parts


def _prov(row, column) -> str:
    if {"source", "source_row"} <= set(row.index) and not _isna(row["source"]):
        return f"{row['source']}:{_fmt(row['source_row'])}"
    ref = f"{column}_ref"
    if ref in row.index and not _isna(row[ref]):
        return str(row[ref])
    for c in ("dataset", "setting", "spec"):
        if c in row.index and not _isna(row[c]):
            return str(row[c])
    return ""


def _row_text(row, column) -> str:
    p = _prov(row, column)
    return " ".join(_label(row, column)) + (f" ({p})" if p else "")


def _evidence(table, rows: pd.DataFrame, column, also=()) -> list[str]:
    """``table:model_id/benchmark/value/source:source_row`` per row (``also``: the columns a
    check ordered by, shown as col=value)."""
    out = []
    for _, r in rows.head(_MAX_EVIDENCE).iterrows():
        p = _prov(r, column)
        extra = [f"{c}={_fmt(r[c])}" for c in also if c in r.index and c != column]
        out.append(f"{table}:" + "/".join([*_label(r, column), *extra]) + (f"/{p}" if p else ""))
    if len(rows) > _MAX_EVIDENCE:
        out.append(f"... and {len(rows) - _MAX_EVIDENCE} more rows of {table}")
    return out


def _numbers(rows, table, column) -> pd.Series:
    nums = pd.to_numeric(rows[column], errors="coerce")
    if nums.isna().any():
        bad = rows[column][nums.isna()].iloc[0]
        raise NotCheckable(f"'{table}' column {column} holds '{_fmt(bad)}', not a number")
    return nums.astype(float)


def _sorted(rows, cols) -> pd.DataFrame:
    return rows.sort_values(cols, kind="mergesort", na_position="last", key=lambda s: s.map(_sort_key))


def _sort_key(v):
    k = _key(v)
    return (2, "") if k is None else (0, k) if isinstance(k, float) else (1, k)


def _what(rows, column) -> str:
    if column == "value" and "benchmark" in rows.columns and rows["benchmark"].nunique() == 1:
        return str(rows["benchmark"].iloc[0])
    return column


def _select(tables, sel, ctx: _Ctx, path: str) -> Selection:
    name, column, agg = sel["table"], sel["column"], sel.get("agg", "one")
    df = _table(tables, name, sel.get("join"))
    m = _AGG.match(agg)
    by = m.group(3)
    order = sel.get("order_by")
    order = [order] if isinstance(order, str) else list(order or [])
    pick = sel.get("pick")
    pick_col = next(iter(pick)) if isinstance(pick, dict) else None
    _require(df, name, [*(sel.get("where") or {}), column, *order, *([by] if by else []), *([pick_col] if pick_col else [])])
    rows = _filter(df, name, sel.get("where"))
    notes = []
    blank = rows[column].isna()
    if blank.all():
        raise NotCheckable(f"'{name}' has no {column} in the {_n(len(rows))} with {_where_text(sel.get('where'))}")
    if blank.any():
        notes.append(f"{_n(int(blank.sum()))} with no {column} left out")
        rows = rows[~blank]
    if order:
        rows = _sorted(rows, order)

    if agg == "one":
        if len(rows) > 1:
            if pick is None:
                shown = "; ".join(_row_text(r, column) for _, r in rows.head(3).iterrows())
                raise DataError(ctx.file, ctx.claim_id, path, sel.get("where"),
                                f"a selection matching one row of '{name}', but {len(rows)} match ({shown}"
                                f"{'; ...' if len(rows) > 3 else ''}); add a condition or a pick rule")
            n = len(rows)
            rows = _pick(rows, pick, name, column)
            if isinstance(pick, str):
                how = pick
            else:
                (pcol, prefs), = pick.items()
                how = f"by {pcol} preference [{', '.join(_fmt(v) for v in prefs)}]"
            notes.append(f"1 of {n} rows, picked {how}")
        r = rows.iloc[0]
        return Selection(r[column], rows, name, column, _row_text(r, column), notes)
    if agg == "list":
        values = list(rows[column])
        order_txt = f" by {', '.join(order)}" if order else ""
        return Selection(values, rows, name, column, f"{name} {column}{order_txt} [{', '.join(_fmt(v) for v in values)}]",
                         notes, tuple(order))
    if agg == "count":
        return Selection(len(rows), rows, name, column, f"{_n(len(rows))} of '{name}' with {_where_text(sel.get('where'))}", notes)
    if by:
        has = rows[by].notna()
        if not has.any():
            raise NotCheckable(f"no row of '{name}' with {_where_text(sel.get('where'))} has a {by}")
        if not has.all():
            notes.append(f"{_n(int((~has).sum()))} with no {by} left out")
        n = int(has.sum())
        ranked = _sorted(rows[has], [by])  # stable: tied rows keep table order
        if m.group(2) == "last_by":
            top = _sort_key(ranked[by].iloc[-1])
            ranked = ranked[ranked[by].map(_sort_key) == top]
        r = ranked.iloc[0]
        word = "earliest" if m.group(2) == "first_by" else "latest"
        return Selection(r[column], rows.loc[[r.name]], name, column,
                         f"{_row_text(r, column)}, the {word} by {by} of {_n(n)}", notes, (by,))
    nums = _numbers(rows, name, column)
    what = _what(rows, column)
    if agg in ("max", "min"):
        best = nums.max() if agg == "max" else nums.min()
        idx = nums[nums == best].index[0]
        r = rows.loc[idx]
        return Selection(best, rows.loc[[idx]], name, column, f"the {agg} {what} of {_n(len(rows))}: {_row_text(r, column)}", notes)
    if agg == "mean":
        v = float(nums.mean())
        return Selection(v, rows, name, column, f"the mean {what} {_fmt(v)} of {_n(len(rows))}", notes)
    k = int(m.group(4))
    if len(rows) < k:
        raise NotCheckable(f"only {_n(len(rows))} of '{name}' with {_where_text(sel.get('where'))}; top_mean:{k} needs {k}")
    top = nums.sort_values(ascending=False, kind="mergesort").head(k)
    v = float(top.mean())
    return Selection(v, rows.loc[top.index], name, column, f"the mean {_fmt(v)} of the top {k} {what} of {_n(len(rows))}", notes)


def _pick(rows, pick, table, column) -> pd.DataFrame:
    if pick == "first":
        return rows.iloc[[0]]
    if pick == "last":
        return rows.iloc[[-1]]
    if pick in ("max", "min"):
        nums = _numbers(rows, table, column)
        best = nums.max() if pick == "max" else nums.min()
        return rows.loc[[nums[nums == best].index[0]]]
    col, prefs = next(iter(pick.items()))
    rank = {}
    for i, v in enumerate(prefs):
        rank.setdefault(_key(v), i)
    pos = rows[col].map(lambda v: rank.get(_key(v), len(prefs)))
    return rows.loc[[pos.sort_values(kind="mergesort").index[0]]]


# --- checks -------------------------------------------------------------------------------------


def _as_number(s: Selection) -> float:
    try:
        return float(s.value)
    except (TypeError, ValueError):
        raise NotCheckable(f"{s.desc} is not a number") from None


def _notes(*sels) -> str:
    notes = [n for s in sels for n in s.notes]
    return f" ({'; '.join(notes)})" if notes else ""


def _close(a, b) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def _run(tables, chk, ctx: _Ctx, path: str):
    """(verdict, reason, evidence) of one check; NotCheckable when the data lacks something."""
    kind = chk["kind"]
    if kind == "all":
        parts = []
        for i, sub in enumerate(chk["checks"]):
            try:
                parts.append(_run(tables, sub, ctx, f"{path}.checks[{i}]"))
            except NotCheckable as exc:
                parts.append(("not checkable", str(exc), []))
        verdicts = {p[0] for p in parts}
        verdict = next(v for v in ("contradicted", "not checkable", "supported") if v in verdicts)
        evidence = list(dict.fromkeys(e for p in parts for e in p[2]))
        return verdict, "; ".join(f"{v}: {r}" for v, r, _ in parts), evidence
    if kind == "value":
        s = _select(tables, chk["select"], ctx, f"{path}.select")
        got, desc, ev, sels = _as_number(s), s.desc, s.evidence(), [s]
        if "divide_by" in chk:
            d = _select(tables, chk["divide_by"], ctx, f"{path}.divide_by")
            den = _as_number(d)
            if den == 0:
                raise NotCheckable(f"{d.desc} is 0, so the ratio is undefined")
            got, desc = got / den, f"{s.desc} / {d.desc} = {_fmt(got / den)}"
            ev, sels = ev + d.evidence(), [s, d]
        exp = float(chk["expected"])
        if "tolerance" in chk:
            tol = float(chk["tolerance"])
            tol_txt = _fmt(tol)
        else:
            tol = abs(exp) * float(chk["rel_tolerance"])
            tol_txt = f"{_fmt(100 * float(chk['rel_tolerance']))} % = {_fmt(tol)}"
        diff = abs(got - exp)
        ok = diff <= tol or _close(diff, tol)  # inclusive, without float noise at the edge
        if ok:
            reason = f"{desc} is within {tol_txt} of the claimed {_fmt(exp)}"
        else:
            reason = f"{desc} is {_fmt(diff)} from the claimed {_fmt(exp)}, beyond the tolerance {tol_txt}"
        return ("supported" if ok else "contradicted"), reason + _notes(*sels), ev
    if kind == "compare":
        a = _select(tables, chk["left"], ctx, f"{path}.left")
        av, sels, ev = _as_number(a), [a], a.evidence()
        if isinstance(chk["right"], dict):
            b = _select(tables, chk["right"], ctx, f"{path}.right")
            bv, bdesc = _as_number(b), b.desc
            sels.append(b)
            ev += b.evidence()
        else:
            bv = float(chk["right"])
            bdesc = _fmt(bv)
        op = chk["op"]
        rel = "=" if _close(av, bv) else "<" if av < bv else ">"
        ok = OPS[op](0, 0) if rel == "=" else OPS[op](av, bv)
        tail = f", as claimed ({op})" if ok else f", so the claimed {op} does not hold"
        return ("supported" if ok else "contradicted"), f"{a.desc} {rel} {bdesc}{tail}" + _notes(*sels), ev
    if kind == "equals":
        s = _select(tables, chk["select"], ctx, f"{path}.select")
        exp, ev = chk["expected"], s.evidence()
        if isinstance(exp, list):
            got = [_key(v) for v in s.value]
            want = [_key(v) for v in exp]
            ok = got == want
            if ok:
                reason = f"{s.desc}, as claimed"
            else:
                i = next((i for i, (g, w) in enumerate(zip(got, want)) if g != w), min(len(got), len(want)))
                g = _fmt(s.value[i]) if i < len(got) else "nothing"
                w = _fmt(exp[i]) if i < len(want) else "nothing"
                reason = f"{s.desc}; the claim lists [{', '.join(_fmt(v) for v in exp)}], which differs at position {i + 1} ({g} vs {w})"
        else:
            ok = _key(s.value) == _key(exp)
            reason = f"{s.desc}, as claimed" if ok else f"{s.desc}, not the claimed {_fmt(exp)}"
        return ("supported" if ok else "contradicted"), reason + _notes(s), ev
    if kind == "group_top":
        return _group_top(tables, chk)
    raise AssertionError(kind)  # validate_claims admits no other kind


def _group_top(tables, chk):
    name, gcol, by, where = chk["table"], chk["group_by"], chk["by"], chk["where"]
    df = _table(tables, name, chk.get("join"))
    _require(df, name, [*(chk.get("filter") or {}), gcol, by, *where])
    rows = _filter(df, name, chk.get("filter"))
    nums = _numbers(rows[rows[by].notna()], name, by)
    left_out = len(rows) - len(nums)
    rows = rows.loc[nums.index]
    if rows.empty:
        raise NotCheckable(f"no row of '{name}' with {_where_text(chk.get('filter'))} has a {by}")
    if "groups" in chk:
        groups = list(chk["groups"])
    else:
        groups = sorted(rows[gcol].dropna().unique(), key=_sort_key)
    gkeys = rows[gcol].map(_key)
    results, tops = [], []
    for g in groups:
        grows = rows[gkeys == _key(g)]
        if grows.empty:
            results.append((g, None, f"{_fmt(g)}: no row of '{name}'"))
            continue
        best = nums.loc[grows.index].max()
        top = grows[nums.loc[grows.index] == best]
        tops.append(top)
        states = []
        for _, r in top.iterrows():
            cells = [None if (_isna(r[c]) and cond is not None) else bool(_match(pd.Series([r[c]]), cond, name, c).iloc[0])
                     for c, cond in where.items()]
            states.append(False if False in cells else None if None in cells else True)
        state = True if True in states else False if all(s is False for s in states) else None
        shown = ", ".join(
            f"{_fmt(r.get('model_id', r[gcol]))} ({by} {_fmt(r[by])}; " + ", ".join(f"{c} {_fmt(r[c])}" for c in where) + ")"
            for _, r in top.iterrows())
        results.append((g, state, f"{_fmt(g)}: {shown}"))
    states = [s for _, s, _ in results]
    verdict = "contradicted" if False in states else "not checkable" if None in states else "supported"
    n_ok = sum(s is True for s in states)
    fails = [t for _, s, t in results if s is not True]
    reason = (f"in {n_ok} of {len(results)} {gcol} groups of '{name}' the top row by {by} has {_where_text(where)}"
              + (f"; not in {'; '.join(fails)}" if fails else f" ({'; '.join(t for _, _, t in results)})")
              + (f" ({_n(left_out)} with no {by} left out)" if left_out else ""))
    top_rows = pd.concat(tops) if tops else rows.iloc[:0]
    return verdict, reason, _evidence(name, top_rows, by)


def evaluate(claims: list[dict], tables: dict[str, pd.DataFrame], file=None) -> pd.DataFrame:
    """One row per claim, in file order: claim_id, text, made_in, verdict, reason, evidence, note.

    A selection that matches several rows without a pick rule raises a DataError naming
    ``file`` (by default the file :func:`load_claims` read, else "claims"), the claim and the
    selection's key. The tables are not modified.
    """
    file = file or getattr(claims, "file", None) or "claims"
    validate_claims(claims, file)
    rows = []
    for c in claims:
        ctx = _Ctx(file, c["id"])
        try:
            verdict, reason, evidence = _run(tables, c["check"], ctx, "check")
        except NotCheckable as exc:
            verdict, reason, evidence = "not checkable", str(exc), []
        rows.append({"claim_id": c["id"], "text": " ".join(c["text"].split()), "made_in": c["made_in"].strip(),
                     "verdict": verdict, "reason": reason, "evidence": "; ".join(evidence),
                     "note": " ".join(c["note"].split()) if c.get("note") else None})
    return pd.DataFrame(rows, columns=COLUMNS)
