"""Published claims about model size and scores, checked against the processed tables.

``data/raw/curated/claims.yaml`` is a list of claims: ``id``, ``text`` (as published),
``made_in`` (URL or document) and a ``check``. A check is one of these kinds:

- ``value``: a selection's value is ``expected`` within ``tolerance`` (points) or
  ``rel_tolerance`` (a fraction);
- ``compare``: ``left`` ``op`` ``right``, two selections (op: < <= > >= == !=);
- ``equals``: a selection's text (or ordered list of texts) equals ``expected``, ignoring case;
- ``all``: every check in ``checks`` (supported if all are, contradicted if any is);
- ``group_top``: in ``table``, the top row by ``by`` in each group of ``group_by`` satisfies
  ``where``.

A selection is ``{table, where, column, agg}``: ``where`` maps a column to a value, a list of
values, or ``{op: value}``; ``agg`` is ``one`` (exactly one row, else the claim is ambiguous
and the YAML is wrong: add a filter), ``max``, ``min``, ``mean``, ``count`` or ``list``
(values in the order of ``order_by``).

Verdicts: ``supported``, ``contradicted``, or ``not checkable`` when the data lacks the
table, column or rows the check needs (the reason says which). Every verdict comes with the
rows it rests on.
"""

from __future__ import annotations

import operator
from pathlib import Path

import pandas as pd
import yaml

from .errors import DataError
from .io import read_table

VERDICTS = ("supported", "contradicted", "not checkable")
KINDS = {"value", "compare", "equals", "all", "group_top"}
OPS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "==": operator.eq, "!=": operator.ne}
AGGS = {"one", "max", "min", "mean", "count", "list"}
CLAIM_KEYS = {"id", "text", "made_in", "check", "note"}
KEYS = {
    "value": {"kind", "select", "expected", "tolerance", "rel_tolerance"},
    "compare": {"kind", "left", "op", "right"},
    "equals": {"kind", "select", "expected"},
    "all": {"kind", "checks"},
    "group_top": {"kind", "table", "filter", "group_by", "by", "where"},
}
SELECT_KEYS = {"table", "where", "column", "agg", "order_by"}
EVIDENCE_COLUMNS = ["model_id", "benchmark", "setting", "threshold", "measure", "value", "score", "total_params_b",
                    "active_params_b", "architecture", "release_date", "source", "source_row"]
TABLES = ["scores", "models", "over_time_steps", "size_vs_mmlu_frontier", "predict_metrics", "dense_vs_moe"]


class NotCheckable(Exception):
    """The data lacks what the check needs."""


# --- loading and validating -------------------------------------------------------------------


def _bad(file, claim, key, value, expected):
    raise DataError(file, claim, key, value, expected)


def _check_select(file, cid, sel, where):
    if not isinstance(sel, dict):
        _bad(file, cid, where, sel, "a selection {table, where, column, agg}")
    for k in sel:
        if k not in SELECT_KEYS:
            _bad(file, cid, f"{where}.{k}", sel[k], f"one of {sorted(SELECT_KEYS)}")
    for k in ("table", "column"):
        if k not in sel:
            _bad(file, cid, f"{where}.{k}", None, "a value")
    if sel.get("agg", "one") not in AGGS:
        _bad(file, cid, f"{where}.agg", sel.get("agg"), f"one of {sorted(AGGS)}")
    if not isinstance(sel.get("where", {}), dict):
        _bad(file, cid, f"{where}.where", sel.get("where"), "a mapping of column to value")


def _check_check(file, cid, chk, where="check"):
    if not isinstance(chk, dict) or chk.get("kind") not in KINDS:
        _bad(file, cid, f"{where}.kind", chk.get("kind") if isinstance(chk, dict) else chk, f"one of {sorted(KINDS)}")
    kind = chk["kind"]
    for k in chk:
        if k not in KEYS[kind]:
            _bad(file, cid, f"{where}.{k}", chk[k], f"a key of a {kind} check: {sorted(KEYS[kind])}")
    if kind in ("value", "equals"):
        if "expected" not in chk:
            _bad(file, cid, f"{where}.expected", None, "the value the claim states")
        _check_select(file, cid, chk.get("select"), f"{where}.select")
    if kind == "value" and not ({"tolerance", "rel_tolerance"} & set(chk)):
        _bad(file, cid, f"{where}.tolerance", None, "a tolerance or rel_tolerance")
    if kind == "compare":
        if chk.get("op") not in OPS:
            _bad(file, cid, f"{where}.op", chk.get("op"), f"one of {sorted(OPS)}")
        _check_select(file, cid, chk.get("left"), f"{where}.left")
        _check_select(file, cid, chk.get("right"), f"{where}.right")
    if kind == "all":
        if not isinstance(chk.get("checks"), list) or not chk["checks"]:
            _bad(file, cid, f"{where}.checks", chk.get("checks"), "a non-empty list of checks")
        for i, sub in enumerate(chk["checks"]):
            _check_check(file, cid, sub, f"{where}.checks[{i}]")
    if kind == "group_top":
        for k in ("table", "group_by", "by", "where"):
            if k not in chk:
                _bad(file, cid, f"{where}.{k}", None, "a value")


def load_claims(path) -> list[dict]:
    """The claims of a YAML file, each validated; a malformed one raises a DataError naming
    the claim id (as the row) and the key."""
    path = Path(path)
    if not path.exists():
        raise DataError(path, None, None, None, "the claims file")
    try:
        claims = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise DataError(path, None, None, str(exc).splitlines()[0], "valid YAML") from None
    if not isinstance(claims, list):
        raise DataError(path, None, None, type(claims).__name__, "a YAML list of claims")
    seen = set()
    for i, c in enumerate(claims):
        cid = c.get("id") if isinstance(c, dict) else None
        if not cid:
            _bad(path, f"item {i + 1}", "id", cid, "an id")
        if cid in seen:
            _bad(path, cid, "id", cid, "an id used once")
        seen.add(cid)
        for k in c:
            if k not in CLAIM_KEYS:
                _bad(path, cid, k, c[k], f"one of {sorted(CLAIM_KEYS)}")
        for k in ("text", "made_in", "check"):
            if not c.get(k):
                _bad(path, cid, k, c.get(k), "a value")
        _check_check(path, cid, c["check"])
    return claims


# --- evaluating -------------------------------------------------------------------------------


def load_tables(processed_dir) -> dict[str, pd.DataFrame]:
    """The processed tables a check may name; a missing file is simply absent."""
    out = {}
    for name in TABLES:
        p = Path(processed_dir) / f"{name}.csv"
        if p.exists():
            out[name] = read_table(p, dtype={"source_row": str})
    return out


def _rows(tables, sel) -> pd.DataFrame:
    name = sel["table"]
    if name not in tables:
        raise NotCheckable(f"no table {name!r} in this build")
    t = tables[name]
    for col, cond in (sel.get("where") or {}).items():
        if col not in t.columns:
            raise NotCheckable(f"table {name!r} has no column {col!r}")
        col_v = t[col]
        if isinstance(cond, dict):
            for op, v in cond.items():
                t = t[OPS[op](col_v.loc[t.index], v)]
        elif isinstance(cond, list):
            t = t[col_v.loc[t.index].isin(cond)]
        else:
            t = t[col_v.loc[t.index] == cond]
    if sel["column"] not in t.columns:
        raise NotCheckable(f"table {name!r} has no column {sel['column']!r}")
    if t.empty:
        raise NotCheckable(f"no row of {name!r} matches {sel.get('where') or {}}")
    t = t[t[sel["column"]].notna()]
    if t.empty:
        raise NotCheckable(f"the rows of {name!r} matching {sel.get('where') or {}} have no {sel['column']}")
    return t


def _evidence(name, t: pd.DataFrame) -> list[str]:
    cols = [c for c in EVIDENCE_COLUMNS if c in t.columns]
    return [f"{name}: " + ", ".join(f"{c}={r[c]:g}" if isinstance(r[c], float) else f"{c}={r[c]}" for c in cols if pd.notna(r[c]))
            for _, r in t.head(8).iterrows()]


def _select(tables, sel, claim_id):
    t = _rows(tables, sel)
    col, agg = sel["column"], sel.get("agg", "one")
    if agg == "one":
        if len(t) > 1:
            raise DataError("claims.yaml", claim_id, "where", sel.get("where"),
                            f"a selection of one row of {sel['table']!r}; {len(t)} match (add a filter)")
        value = t[col].iloc[0]
    elif agg == "list":
        if sel.get("order_by"):
            t = t.sort_values(sel["order_by"], kind="mergesort")
        value = list(t[col])
    elif agg == "count":
        value = len(t)
    else:
        value = getattr(t[col].astype(float), agg)()
        if agg in ("max", "min"):
            t = t[t[col].astype(float) == value]
    return value, _evidence(sel["table"], t)


def _fmt(v):
    return f"{v:g}" if isinstance(v, float) else str(v)


def _verdict(ok: bool) -> str:
    return "supported" if ok else "contradicted"


def _run(tables, chk, cid):
    kind = chk["kind"]
    if kind == "value":
        got, ev = _select(tables, chk["select"], cid)
        exp = float(chk["expected"])
        tol = float(chk["tolerance"]) if "tolerance" in chk else abs(exp) * float(chk["rel_tolerance"])
        ok = abs(float(got) - exp) <= tol + 1e-9  # a tolerance is inclusive; no float noise at its edge
        return _verdict(ok), f"{_fmt(float(got))} vs the claimed {_fmt(exp)} (tolerance {_fmt(tol)})", ev
    if kind == "compare":
        a, ev_a = _select(tables, chk["left"], cid)
        b, ev_b = _select(tables, chk["right"], cid)
        ok = OPS[chk["op"]](float(a), float(b))
        return _verdict(ok), f"{_fmt(float(a))} {chk['op']} {_fmt(float(b))} is {'true' if ok else 'false'}", ev_a + ev_b
    if kind == "equals":
        got, ev = _select(tables, chk["select"], cid)
        exp = chk["expected"]
        norm = (lambda x: [str(v).strip().lower() for v in x]) if isinstance(exp, list) else (lambda x: str(x).strip().lower())
        ok = norm(got) == norm(exp)
        return _verdict(ok), f"{got} vs the claimed {exp}", ev
    if kind == "all":
        parts = []
        for sub in chk["checks"]:
            try:
                parts.append(_run(tables, sub, cid))
            except NotCheckable as exc:
                parts.append(("not checkable", str(exc), []))
        verdicts = [p[0] for p in parts]
        v = "contradicted" if "contradicted" in verdicts else "not checkable" if "not checkable" in verdicts else "supported"
        return v, "; ".join(f"{p[0]}: {p[1]}" for p in parts), [e for p in parts for e in p[2]]
    if kind == "group_top":
        name = chk["table"]
        if name not in tables:
            raise NotCheckable(f"no table {name!r} in this build")
        t = _rows(tables, {"table": name, "where": chk.get("filter") or {}, "column": chk["by"]})
        for col in [chk["group_by"], *chk["where"]]:
            if col not in t.columns:
                raise NotCheckable(f"table {name!r} has no column {col!r}")
        top = t.sort_values(chk["by"], ascending=False, kind="mergesort").groupby(chk["group_by"], sort=True).head(1)
        held = top
        for col, cond in chk["where"].items():
            held = held[held[col].isin(cond) if isinstance(cond, list) else held[col] == cond]
        ok = len(held) == len(top)
        return _verdict(ok), f"{len(held)} of {len(top)} groups' top row meets {chk['where']}", _evidence(name, top)
    raise ValueError(kind)


def evaluate(claims: list[dict], tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    rows = []
    for c in claims:
        try:
            verdict, reason, evidence = _run(tables, c["check"], c["id"])
        except NotCheckable as exc:
            verdict, reason, evidence = "not checkable", str(exc), []
        rows.append({"claim_id": c["id"], "text": " ".join(str(c["text"]).split()), "made_in": c["made_in"],
                     "verdict": verdict, "reason": reason, "evidence": " | ".join(evidence), "note": c.get("note")})
    return pd.DataFrame(rows, columns=["claim_id", "text", "made_in", "verdict", "reason", "evidence", "note"])
