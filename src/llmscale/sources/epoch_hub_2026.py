"""Epoch AI Benchmarking Hub export, April 2026 (a copy in madhu24raj/bayes-llm-saturation).

Three CSV files under ``benchmark_data/`` (and a README with Epoch's CC BY 4.0 terms):

- ``gpqa_diamond.csv`` (157 model versions) and ``simpleqa_verified.csv`` (41): Epoch's own
  runs: ``Model version``, ``mean_score`` (0-1), ``Best score (across scorers)``, ``Release
  date``, ``Organization``, ``Country``, training compute, ``stderr`` (0-1), log links,
  ``Started at`` and the run ``id``.
- ``epoch_capabilities_index.csv`` (591 versions, 348 with a score): ``Model version``, ``ECI
  Score`` (Epoch's composite capability estimate, an open-ended scale: 63-158 here), ``Release
  date``, ``Organization``, ``Country``, ``Model accessibility``, ``Confidence``, ``Model name``,
  ``Display name``.

``ingest`` reads every row as strings; ``source_row`` is ``"benchmark_data/<file>:<row>"``.

How each field is read:

- ``Model version`` is an API id, sometimes with an inference provider in front
  (``chutes/``, ``fireworks/``, ``parasail-``) and a reasoning effort or thinking budget after
  an underscore (``openai/gpt-oss-120b_high``, ``claude-opus-4-20250514_32K``). The name column
  ``epoch_model`` is the version without provider and suffix (``kimi-k2p5``); it is mapped to a
  ``model_id`` by the alias table (source ``epoch-hub-2026``), else as a repository id or by its
  match key. ``deepseek-reasoner`` and ``deepseek-chat`` are DeepSeek's API names of their
  model as of the run (the sources README: DeepSeek V3.2 in 2026).
- ``reasoning``: the suffix: an effort (``minimal``, ``low``, ``medium``, ``high``, ``xhigh``,
  ``max``, ``none``) as is; a budget ``_32K`` or "(16K thinking)" as ``budget-32k``;
  ``_thinking`` as ``reasoning``; ``_unknown`` (Epoch's own word: a version whose effort it does
  not know, listed beside the version without a suffix) as ``effort-unknown``; no suffix is
  blank (not stated). DeepSeek's API names are modes of one model (:data:`API_MODES`):
  ``deepseek-reasoner`` reasoning, ``deepseek-chat`` non-reasoning.
- Scores: ``gpqa_diamond`` and ``simpleqa_verified`` from ``mean_score`` x 100, ``reporter``
  independent, ``harness`` :data:`HARNESS` (``"... via <provider>"`` for a provider's endpoint,
  which is part of the setting); the stderr (x 100) and the run id go in ``note``. ``shots`` and
  ``cot`` are not stated. ``variant`` is instruct unless the name says base (Epoch runs the
  served, post-trained endpoints). ``epoch_capabilities_index`` is Epoch's fitted composite,
  ``reporter`` aggregator, ``harness`` "Epoch Capabilities Index" (with the provider, as above),
  ``variant`` from the name's words; a version without a score gives
  neither a score nor a model row.
- A score listed under several spellings of one model (same setting, same value) is read once
  (:func:`once`).
- ``release_date`` as given; no parameter counts. ``Country`` is a country name, not read.
"""

from __future__ import annotations

import re

import pandas as pd

from ..errors import DataError
from ..schema import score_range
from ._common import blank, cell, models_frame, records, score_cell, scores_frame
from .epoch_benchmarking_hub import locate, read_files, release_date, variant_from_words

KEY = "epoch-hub-2026"
GPQA = "benchmark_data/gpqa_diamond.csv"
SIMPLEQA = "benchmark_data/simpleqa_verified.csv"
ECI = "benchmark_data/epoch_capabilities_index.csv"
FILES = (ECI, GPQA, SIMPLEQA)
NAME = "epoch_model"
VERSION = "Model version"
HARNESS = "Epoch AI Benchmarking Hub"
RUN_COLUMNS = [VERSION, "mean_score", "Best score (across scorers)", "Release date", "Organization", "Country",
               "stderr", "id"]
ECI_COLUMNS = [VERSION, "ECI Score", "Release date", "Organization", "Country", "Model accessibility", "Confidence",
               "Model name", "Display name"]
BENCHMARKS = {GPQA: "gpqa_diamond", SIMPLEQA: "simpleqa_verified", ECI: "epoch_capabilities_index"}
PROVIDERS = ("chutes/", "fireworks/", "parasail-")
# API names that are a mode of one model, not a model: the mode is the score's reasoning setting
API_MODES = {"deepseek-reasoner": "reasoning", "deepseek-chat": "non-reasoning"}
_EFFORTS = {"minimal", "low", "medium", "high", "xhigh", "max", "none"}
_BUDGET = re.compile(r"^(\d+)k$", re.I)
_PAREN_BUDGET = re.compile(r"\s*\((\d+)K thinking\)$", re.I)


def split_version(version: str) -> tuple[str, str | None, str | None]:
    """``(name, provider, reasoning)`` of an Epoch model version (see the module docstring)."""
    v = str(version).strip()
    provider = next((p.rstrip("/-") for p in PROVIDERS if v.lower().startswith(p)), None)
    if provider:
        v = v[len(provider) + 1:]
    m = _PAREN_BUDGET.search(v)
    if m:
        return v[:m.start()], provider, f"budget-{m.group(1)}k"
    if v in API_MODES:
        return v, provider, API_MODES[v]
    name, _, suffix = v.rpartition("_")
    if not name:
        return v, provider, None
    s = suffix.lower()
    if s in _EFFORTS:
        return name, provider, s
    if s == "thinking":
        return name, provider, "reasoning"
    if s == "unknown":
        return name, provider, "effort-unknown"
    if _BUDGET.match(s):
        return name, provider, f"budget-{s}"
    return v, provider, None


def ingest(raw_dir) -> pd.DataFrame:
    """The three files' rows as strings, with ``epoch_model``, ``provider`` and ``reasoning``."""
    rows = read_files(raw_dir, KEY, {ECI: ECI_COLUMNS, GPQA: RUN_COLUMNS, SIMPLEQA: RUN_COLUMNS})
    parts = [split_version(v) for v in rows[VERSION]]
    rows[NAME] = [p[0] for p in parts]
    rows["provider"] = [p[1] or "" for p in parts]
    rows["reasoning"] = [p[2] or "" for p in parts]
    return rows


def _model(r, file, row) -> dict:
    date, note = release_date(file, row, "Release date", r["Release date"])
    return {
        "source": KEY, "source_row": r["source_row"], "source_name": r[VERSION], "model_id": r["model_id"],
        "weights": "unknown", "release_date": date, "total_params_b": float("nan"), "active_params_b": float("nan"),
        "architecture": None, "country": None, "params_note": note,
    }


def _score(r, rel, file, row) -> dict | None:
    bench = BENCHMARKS[rel]
    column = "ECI Score" if rel == ECI else "mean_score"
    if blank(r[column]):
        return None
    if rel == ECI:
        value = cell(file, row, column, float, r[column])
        lo, hi = score_range(bench)
        if not lo <= value <= hi:
            raise DataError(file, row, column, r[column], f"an ECI score between {lo:g} and {hi:g}")
        reporter, variant = "aggregator", variant_from_words(r[NAME])
        harness = "Epoch Capabilities Index" + (f" via {r['provider']}" if r["provider"] else "")
        note = f"Epoch Capabilities Index ({r['Confidence'] or 'confidence not stated'}); {r['Display name']}".rstrip("; ")
    else:
        value = score_cell(file, row, column, r[column], "fraction")
        if not 0 <= value <= 100:
            raise DataError(file, row, column, r[column], "a fraction between 0 and 1")
        reporter = "independent"
        harness = HARNESS + (f" via {r['provider']}" if r["provider"] else "")
        variant = "base" if variant_from_words(r[NAME]) == "base" else "instruct"
        stderr = "" if blank(r["stderr"]) else f"stderr {score_cell(file, row, 'stderr', r['stderr'], 'fraction'):.2f} points; "
        note = f"{stderr}Epoch run {r['id']}"
    return {
        "model_id": r["model_id"], "benchmark": bench, "value": value, "shots": None, "cot": None,
        "variant": variant, "reasoning": r["reasoning"] or None, "reporter": reporter, "harness": harness,
        "index_version": None, "source": KEY, "source_row": r["source_row"], "note": f"{r[VERSION]}: {note}",
    }


def tidy(rows, base):
    models, scores = [], []
    for r in records(rows):
        rel, file, row = locate(base, r["source_row"], FILES)
        if rel == ECI and blank(r["ECI Score"]):  # a version Epoch lists without an estimate
            continue
        models.append(_model(r, file, row))
        s = _score(r, rel, file, row)
        if s:
            scores.append(s)
    return models_frame(models), once(scores_frame(scores))


def once(scores: pd.DataFrame) -> pd.DataFrame:
    """A score Epoch lists under several spellings of one model version (``zai-org/GLM-4.7``,
    ``zai-org/glm-4.7``, ``glm-4.7``) with the same value and setting is one score: the first
    row keeps it and its note names the rows that repeat it. Different values stay (the
    chain's duplicate check then asks for an alias or a correction)."""
    key = ["model_id", "benchmark", "reasoning", "harness", "value"]
    k = scores[key].astype(object).where(scores[key].notna(), "")
    again = k.duplicated(keep="first")
    if not again.any():
        return scores
    first = scores[~again].copy()
    tuples = list(map(tuple, k.to_numpy()))
    repeats: dict[tuple, list[str]] = {}
    for t, row, dup in zip(tuples, scores["source_row"], again):
        if dup:
            repeats.setdefault(t, []).append(row.rsplit(":", 1)[1])
    first["note"] = [n if t not in repeats else f"{n}; the same estimate under another spelling on rows {', '.join(repeats[t])}"
                     for n, t in zip(first["note"], (tt for tt, d in zip(tuples, again) if not d))]
    return first.reset_index(drop=True)
