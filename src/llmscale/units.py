"""Parsing of parameter counts and benchmark scores as sources write them.

Parameter counts come back in billions; scores on a 0-100 scale. Anything that cannot be
read unambiguously raises :class:`ValueError` with the offending text, which the source
readers turn into a :class:`~llmscale.errors.DataError` naming file, row and column.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

_SUFFIX = {"": None, "k": 1e-6, "m": 1e-3, "b": 1.0, "t": 1e3}
_NUM = r"(\d+(?:\.\d+)?|\.\d+)"
_RE_PLAIN = re.compile(rf"^{_NUM}\s*([kmbt]?)$", re.I)
_RE_EXPERTS = re.compile(rf"^(\d+)\s*[x×]\s*{_NUM}\s*([kmbt])$", re.I)
_RE_ACTIVE = re.compile(rf"^a{_NUM}\s*([kmbt])$", re.I)


@dataclass(frozen=True)
class ParamCount:
    """What a parameter string states, in billions.

    ``kind`` is ``"total"`` for a plain count, ``"active"`` for an ``A22B``-style active
    count, and ``"experts"`` for an ``8x7B``-style name, whose product (``value_b``) is a
    nominal size, not the true total: experts share attention and embeddings.
    """

    value_b: float
    kind: str = "total"
    experts: int | None = None


def _clean(text) -> str:
    s = unicodedata.normalize("NFKC", str(text)).strip().replace(",", "").replace("_", "")
    return s.replace("\u2011", "-").replace("\u2010", "-")


def parse_params(text, unit: str | None = None) -> ParamCount:
    """Parse ``"7B"``, ``"1.7T"``, ``"8x7B"``, ``"A22B"``, ``"176,000,000,000"`` and the like.

    A bare number needs ``unit``: ``"count"`` (raw parameters) or ``"billions"``.
    """
    s = _clean(text)
    if not s:
        raise ValueError(f"empty parameter count {text!r}")
    m = _RE_EXPERTS.match(s)
    if m:
        n, size, suf = int(m.group(1)), float(m.group(2)), m.group(3).lower()
        return ParamCount(n * size * _SUFFIX[suf], "experts", n)
    m = _RE_ACTIVE.match(s)
    if m:
        return ParamCount(float(m.group(1)) * _SUFFIX[m.group(2).lower()], "active")
    m = _RE_PLAIN.match(s)
    if not m:
        raise ValueError(f"unknown parameter count {text!r} (expected forms like 7B, 1.7T, 8x7B, A22B or a number)")
    value, suf = float(m.group(1)), m.group(2).lower()
    if suf:
        return ParamCount(value * _SUFFIX[suf])
    if unit == "count":
        return ParamCount(value / 1e9)
    if unit == "billions":
        return ParamCount(value)
    raise ValueError(f"parameter count {text!r} has no unit (expected a suffix K/M/B/T or a declared unit)")


def params_b(value, unit: str) -> float:
    """A total parameter count in billions, or NaN for a blank cell."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or _clean(value) == "":
        return math.nan
    pc = parse_params(value, unit)
    if pc.kind != "total":
        raise ValueError(f"{value!r} is an {pc.kind} size, not a total parameter count")
    return pc.value_b


def usd(value) -> float:
    """A non-negative price in US dollars, written as a bare number."""
    try:
        price = float(str(value).strip())
    except ValueError:
        raise ValueError(f"unreadable price {value!r} (expected a number of US dollars)") from None
    if not price >= 0:
        raise ValueError(f"price {value!r} is not a non-negative number")
    return price


_RE_SCORE = re.compile(rf"^([-+]?){_NUM}\s*(%?)(?:\s*\(.*\))?$")


def parse_score(text, scale: str) -> float:
    """A benchmark score on a 0-100 scale, or NaN for a blank cell.

    ``scale`` says how the source writes bare numbers: ``"fraction"`` (0-1) or
    ``"percent"`` (0-100). A trailing ``%`` always means percent; a trailing note in
    parentheses (``"58.2 (reported score)"``) is ignored.
    """
    if scale not in ("fraction", "percent"):
        raise ValueError(f"unknown score scale {scale!r}")
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return math.nan
    s = _clean(text)
    if s == "":
        return math.nan
    m = _RE_SCORE.match(s)
    if not m:
        raise ValueError(f"unreadable score {text!r} (expected a number, a percentage like 77.0% or a {scale})")
    value = float(m.group(1) + m.group(2))
    if m.group(3) == "%" or scale == "percent":
        out = value
    else:
        out = value * 100.0
    if out < 0:
        raise ValueError(f"score {text!r} is below 0 (expected 0-100, read as {scale})")
    if out > 100.0:
        raise ValueError(f"score {text!r} is above 100 after reading it as {scale} (expected 0-100)")
    return round(out, 6)


# What a curated number may be, per field: a plain positive decimal (no exponent, no inf or
# nan) within a range no real model falls outside of.
PLAUSIBLE = {
    "total_params_b": (1e-3, 1e5), "active_params_b": (1e-3, 1e5), "non_embedding_params_b": (1e-4, 1e5),
    "experts_total": (1, 10_000), "experts_active": (1, 1_000), "vocab_size": (100, 5_000_000),
    "hidden_size": (16, 1_000_000), "num_layers": (1, 10_000),
}
INTEGER_FIELDS = {"experts_total", "experts_active", "vocab_size", "hidden_size", "num_layers"}
_RE_DECIMAL = re.compile(r"^\d+(?:\.\d+)?$")


def plain_number(text, field: str) -> float:
    """A curated value of ``field``: a plain decimal (``7.24``, ``4096``; no ``7e9``, ``inf``,
    ``nan``, sign or thousands separator) within :data:`PLAUSIBLE`; integers for counts."""
    s = str(text).strip()
    lo, hi = PLAUSIBLE.get(field, (0, math.inf))
    kind = "a whole number" if field in INTEGER_FIELDS else "a plain decimal number"
    unit = " (billions)" if field.endswith("_b") else ""
    if not _RE_DECIMAL.match(s) or (field in INTEGER_FIELDS and "." in s):
        raise ValueError(f"{kind} for {field}{unit} between {lo:g} and {hi:g}, like 7.24 or 4096 (no exponent, sign, inf or nan)")
    v = float(s)
    if not lo <= v <= hi:
        raise ValueError(f"{field}{unit} between {lo:g} and {hi:g} (a plausible size); {s} is outside it")
    return v


def iso_date(text) -> str:
    """A real calendar date written YYYY-MM-DD (``2024-13-45`` and ``2023-02-29`` are refused)."""
    import datetime as dt

    s = str(text).strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", s):
        raise ValueError("a date as YYYY-MM-DD")
    try:
        dt.date.fromisoformat(s)
    except ValueError:
        raise ValueError("a real calendar date as YYYY-MM-DD (month 01-12, a day that month has)") from None
    return s
