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


_RE_SCORE = re.compile(rf"^{_NUM}\s*(%?)(?:\s*\(.*\))?$")


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
        raise ValueError(f"unreadable score {text!r}")
    value = float(m.group(1))
    if m.group(2) == "%" or scale == "percent":
        out = value
    else:
        out = value * 100.0
    if not 0.0 <= out <= 100.0:
        raise ValueError(f"score {text!r} is outside 0-100 after reading it as {scale}")
    return round(out, 6)
