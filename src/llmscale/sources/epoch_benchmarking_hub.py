"""Epoch AI Benchmarking Hub: MMLU results collected from papers and leaderboards (to 2025-11).

Two CSV files under ``data/`` (an Airtable export, from epoch-research/benchmark-stitching):

- ``external_benchmark_mmlu.csv``: 246 MMLU results, one per row: ``Name`` (the model as the
  cited source spells it, sometimes with trailing spaces, kept as given), ``EM`` (exact match,
  ``"77.0%"``), ``Model version`` (an ``id`` of ``model_versions.csv``; blank in 32 rows),
  ``Shots`` (0, 2, 5 or blank), ``Source`` (a paper title or "Stanford CRFM Leaderboard"),
  ``Source link`` and free-text ``Notes`` (some span several lines, e.g. ``"5-shot top-1\\n"``).
- ``model_versions.csv``: 574 model versions of every Epoch benchmark, keyed by ``id``, with
  ``Model`` (Epoch's model name) and ``Version release date`` (ISO, blank for 36).

One record per MMLU row: ``ingest`` joins each row to its model version, adding
``model_versions.row`` (the version's spreadsheet row), ``model_versions.Model`` and
``model_versions.Version release date``; unreferenced versions are not read.
``source_row`` is ``"data/external_benchmark_mmlu.csv:<row>"``.

How each field is read, and the known problems:

- ``release_date`` is the version's release date; a partial date stays blank with the value in
  ``params_note``. The files give no parameter counts and do not say whether weights are open.
- ``shots`` is the ``Shots`` column; ``cot`` is True only where ``Notes`` says "CoT" (the three
  Claude model-card rows, "5-shot CoT"), otherwise blank (not stated).
- ``variant`` comes from explicit words in ``Name`` ("Instruct", "Chat", "Base"; see
  :func:`variant_from_words`), the model as the cited source printed it. ``Model version`` is
  Epoch's link to a version and is not used for it: it is sometimes wrong (below), e.g. the
  Gemma paper's "Mistral 7B" (62.5, the base model's published score) links to
  ``Mistral-7B-Instruct-v0.2``. The version stays in ``note``.
- ``reporter``: the Stanford CRFM rows are HELM Lite runs (independent, harness
  "HELM Lite (Stanford CRFM)"). A paper row is ``maker`` when the paper's authors made the model
  (:data:`PAPER_MAKERS`: a regular expression on ``Name`` per paper title), otherwise
  ``unknown``: a paper printing a competitor's score does not say whether it ran the evaluation
  or copied it. ``note`` keeps the Epoch record id, the source title and link, and ``Notes``.
- One model often has several results from different sources with the same setting (Falcon-7B
  5-shot: 35.0, 26.2, 26.2, 26.0 and 26.9). All are kept, one row each; nothing is averaged.
  Each paper ran its own evaluation (prompt format, answer extraction), so the paper is part of
  the setting: ``harness`` is ``"reported in: <paper title>"`` for a paper's row.
- Left alone, as Epoch gives them: ``Qwen2.5-Coder-3B`` points to version ``Qwen2.5-Coder-32B``;
  HELM's "Llama 3 (8B)"/"(70B)" point to the Instruct versions; "GPT-3" in the Gopher and LLaMA
  papers points to ``text-davinci-001`` (InstructGPT); the 14B and 7B Qwen2.5 instruct versions
  are dated 2025-02-26; one ``Source`` repeats its title ("Falcon2-11B Technical
  ReportFalcon2-11B Technical Report").

The helpers below (:func:`read_files`, :func:`locate`, :func:`release_date`,
:func:`variant_from_words`) are shared with the other Epoch, Artificial Analysis and
reported-scores readers.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..errors import DataError
from ._common import blank, models_frame, read_csv_strings, records, score_cell, scores_frame

KEY = "epoch-benchmarking-hub"
MMLU = "data/external_benchmark_mmlu.csv"
VERSIONS = "data/model_versions.csv"
FILES = (MMLU, VERSIONS)
NAME = "Name"  # the model as the cited source spells it
COLUMNS = ["id", "Name", "EM", "Model version", "Shots", "Source", "Source link", "Notes"]
VERSION_COLUMNS = ["id", "Model", "Version release date"]
V_ROW, V_MODEL, V_DATE = "model_versions.row", "model_versions.Model", "model_versions.Version release date"
HELM = "Stanford CRFM Leaderboard"
HELM_HARNESS = "HELM Lite (Stanford CRFM)"
# Paper title -> the models its authors made (a regular expression on ``Name``, case-insensitive).
PAPER_MAKERS = {
    "XGen-7B Technical Report": r"^xgen",
    "Yi: Open Foundation Models by 01.AI": r"^yi\b",
    "Baichuan 2: Open Large-scale Language Models": r"^baichuan",
    "Qwen Technical Report": r"^qwen",
    "Qwen2.5-Coder Technical Report": r"^(code)?qwen",
    "Llama 2: Open Foundation and Fine-Tuned Chat Models": r"^llama",
    "LLaMA: Open and Efficient Foundation Language Models": r"^llama",
    "Phi-3 Technical Report: A Highly Capable Language Model Locally on Your Phone": r"^phi",
    "Phi-4 Technical Report": r"^phi",
    "Textbooks Are All You Need II: phi-1.5 technical report": r"^phi",
    "Nemotron-4 15B Technical Report": r"^nemotron",
    "Mixtral of Experts": r"^mi[sx]tral",
    "Gemma: Open Models Based on Gemini Research and Technology": r"^gemma",
    "DeepSeek-V3 Technical Report": r"^deepseek",
    "Model Card and Evaluations for Claude Models": r"^claude",
    "Releasing Claude Instant 1.2": r"^claude",
    "Falcon2-11B Technical Report": r"^falcon",
    "Falcon2-11B Technical ReportFalcon2-11B Technical Report": r"^falcon",
    "The Falcon Series of Open Language Models": r"^falcon",
    "Scaling Language Models: Methods, Analysis & Insights from Training Gopher": r"^gopher",
    "GPT-4 Technical Report": r"^gpt",
    "Inflection-1": r"^inflection",
    "InternLM: A Multilingual Language Model with Progressively Enhanced Capabilities": r"^internlm",
}


# --- helpers shared with the other readers of this batch ------------------------------------


def read_files(raw_dir, key: str, columns: dict[str, list[str]]) -> pd.DataFrame:
    """Several CSV files of one source as strings: ``source``, then ``source_row`` as
    ``"<file>:<row>"``; a column one file lacks is blank in its rows."""
    frames = []
    for rel, cols in columns.items():
        df = read_csv_strings(Path(raw_dir) / key / rel, cols)
        df["source_row"] = rel + ":" + df["source_row"]
        frames.append(df)
    rows = pd.concat(frames, ignore_index=True).fillna("")
    rows.insert(0, "source", key)
    return rows


def locate(base, source_row, files) -> tuple[str, Path, int]:
    """The file (relative and full path) and spreadsheet row of a ``"<file>:<row>"`` source row."""
    rel, _, row = str(source_row).rpartition(":")
    if rel not in files or not row.isdigit():
        expected = f"'<file>:<row>' with a file of {tuple(files)}"
        raise DataError(Path(base), source_row, "source_row", source_row, expected)
    return rel, Path(base) / rel, int(row)


_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PARTIAL = re.compile(r"^\d{4}(-\d{2})?$")


def release_date(file, row, column, value) -> tuple[str | None, str | None]:
    """``(date, note)``: an ISO date as is; a year or year-month stays blank with
    "date given as <value>"; anything else raises a located :class:`DataError`."""
    if blank(value):
        return None, None
    text = str(value).strip()
    if _ISO.match(text):
        return text, None
    if _PARTIAL.match(text):
        return None, f"date given as {text}"
    raise DataError(file, row, column, value, "a date YYYY-MM-DD (or YYYY-MM)")


_INSTRUCT = re.compile(r"\b(instruct|instructed|chat)\b|instruction[- ](tuned|model)|-it\b", re.I)
# "base" of a benchmark (EvalPlus "base" tests, "MBPP++ base version") is not a base model.
_BASE = re.compile(r"(?<!evalplus )\bbase\b(?! version)|\bpre-?train|\bPT\b", re.I)


def variant_from_words(*texts) -> str:
    """``instruct`` or ``base`` from the first text that says which in so many words
    ("Instruct", "Chat", "-it", "instruction-tuned"; "Base", "pretrained", "PT", but not a
    benchmark's "base" version); ``unknown`` when none does, or when the first text that
    mentions one mentions both."""
    for text in texts:
        if blank(text):
            continue
        inst, base = bool(_INSTRUCT.search(str(text))), bool(_BASE.search(str(text)))
        if inst and base:
            return "unknown"
        if inst or base:
            return "instruct" if inst else "base"
    return "unknown"


# --- this source ----------------------------------------------------------------------------


def _versions(raw_dir) -> pd.DataFrame:
    versions = read_csv_strings(Path(raw_dir) / KEY / VERSIONS, VERSION_COLUMNS)
    dup = versions[versions["id"].duplicated()]
    if len(dup):
        first = dup.iloc[0]
        raise DataError(Path(raw_dir) / KEY / VERSIONS, int(first["source_row"]), "id", first["id"], "each id once")
    return versions.set_index("id")


def ingest(raw_dir) -> pd.DataFrame:
    """The MMLU rows as strings, each joined to its model version (see the module docstring)."""
    rows = read_csv_strings(Path(raw_dir) / KEY / MMLU, COLUMNS)
    versions = _versions(raw_dir)
    extra = {V_ROW: [], V_MODEL: [], V_DATE: []}
    for row, version in zip(rows["source_row"], rows["Model version"]):
        if blank(version):
            found = {V_ROW: "", V_MODEL: "", V_DATE: ""}
        elif version in versions.index:
            v = versions.loc[version]
            found = {V_ROW: v["source_row"], V_MODEL: v["Model"], V_DATE: v["Version release date"]}
        else:
            file = Path(raw_dir) / KEY / MMLU
            raise DataError(file, int(row), "Model version", version, f"an id listed in {VERSIONS}")
        for k in extra:
            extra[k].append(found[k])
    rows = rows.assign(**extra)
    rows["source_row"] = MMLU + ":" + rows["source_row"]
    rows.insert(0, "source", KEY)
    return rows


def _reporter(r) -> tuple[str, str | None]:
    source = r["Source"].strip()
    if source == HELM:
        return "independent", HELM_HARNESS
    printed = "reported in: " + " ".join(source.split())
    pattern = PAPER_MAKERS.get(source)
    if pattern and re.search(pattern, r["Name"].strip(), re.I):
        return "maker", printed
    return "unknown", printed


def _note(r, reporter) -> str:
    parts = [f"Epoch record {r['id']}", f"source: {r['Source'].strip()} {r['Source link'].strip()}".strip()]
    if reporter == "unknown":
        parts.append("printed by another maker than the model's; who ran it is not stated")
    if not blank(r["Notes"]):
        parts.append(f"notes: {' '.join(r['Notes'].split())}")
    if not blank(r["Model version"]):
        parts.append(f"model version {r['Model version']}")
    return "; ".join(parts)


def _shots(file, row, value):
    if blank(value):
        return None
    if not str(value).strip().isdigit():
        raise DataError(file, row, "Shots", value, "a whole number of shots or blank")
    return int(value)


def _model(r, base) -> dict:
    date, note = None, None
    if not blank(r[V_DATE]):
        date, note = release_date(Path(base) / VERSIONS, int(r[V_ROW]), "Version release date", r[V_DATE])
    return {
        "source": KEY, "source_row": r["source_row"], "source_name": r["Name"], "model_id": r["model_id"],
        "weights": "unknown", "release_date": date, "total_params_b": float("nan"),
        "active_params_b": float("nan"), "architecture": None, "params_note": note,
    }


def _score(r, file, row) -> dict:
    reporter, harness = _reporter(r)
    return {
        "model_id": r["model_id"], "benchmark": "mmlu", "value": score_cell(file, row, "EM", r["EM"], "percent"),
        "shots": _shots(file, row, r["Shots"]), "cot": True if re.search(r"\bCoT\b", r["Notes"]) else None,
        "variant": variant_from_words(r["Name"]), "reporter": reporter, "harness": harness,
        "source": KEY, "source_row": r["source_row"], "note": _note(r, reporter),
    }


def tidy(rows, base):
    models, scores = [], []
    for r in records(rows):
        _, file, row = locate(base, r["source_row"], (MMLU,))
        models.append(_model(r, base))
        if blank(r["EM"]):
            continue
        scores.append(_score(r, file, row))
    return models_frame(models), scores_frame(scores)
