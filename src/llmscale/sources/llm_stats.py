"""LLM-Stats (JonathanChavezTamales/llm-leaderboard): models and their benchmark scores.

One folder per model, ``data/organizations/<org>/models/<model>/``, with ``model.json``
(``model_id``, ``name``, ``organization_id``, ``release_date``, ``license_id``, ``param_count``
as a raw count, ``source_weights_link``, ...) and ``benchmarks.json``, a list of scores
(``benchmark_id``, ``score`` as a 0-1 fraction, ``is_self_reported``,
``self_reported_source_link``, ``verified_by_llmstats``, ``analysis_method`` free text such as
"5-shot", "0-shot, CoT", "Chain-of-Thought accuracy"). ``data/benchmarks/<id>.json`` describes
each benchmark, with its ``max_score``.

``ingest`` gives one row per model (``record`` "model", ``source_row``
``"organizations/<org>/models/<model>/model.json"``) and one per score (``record`` "score",
``source_row`` ``".../benchmarks.json#[<i>]"``, the record's position in the list from 0:
``model_benchmark_id`` is not unique within a file), every cell a string, JSON
``null`` as blank. Its ``name_or_repo`` column is what identity reads: the Hugging Face
repository of ``source_weights_link`` (``Qwen/Qwen2.5-72B-Instruct``) when there is one, else
``<organization_id>/<model_id>`` as LLM-Stats spells them (``openai/gpt-4o-2024-08-06``). A model
whose name says Instruct but whose link is a repository without an instruct tag (Qwen2 72B
Instruct -> ``Qwen/Qwen2-72B``) links to its base model: it keeps the LLM-Stats spelling, so
that its scores stay with the instruct checkpoint.

How fields are read:

- ``total_params_b`` from ``param_count`` (a raw count); a blank stays blank. The files do not
  say dense or MoE, nor active parameters. Closed models' counts are not there (blank).
- ``weights``: ``license_id`` "proprietary" is closed, any named licence open.
- ``release_date``: ``release_date`` (ISO).
- ``fine_tuned_from_model_id`` names the model's base (:func:`base_models`, for its lineage).
- Scores: only :data:`BENCHMARKS` (0-1 fractions, ``max_score`` 1) are read, as 0-100.
  ``reporter`` is maker where ``is_self_reported`` is true, independent (harness "LLM-Stats")
  where LLM-Stats verified it, otherwise aggregator. ``shots`` from one "N-shot" in
  ``analysis_method``, ``cot`` True where it says CoT or chain-of-thought; a ``gpqa`` score whose
  method names the Diamond subset ("Diamond, Pass@1") is ``gpqa_diamond``; ``variant`` from the
  model's name ("Instruct", "Chat", "-it"), else unknown. ``note`` keeps the method and the
  link the score was taken from.

Known problems (the sources README): ``nvidia-nemotron-nano-9b-v2`` has ``param_count``
88.9e9 (its card says 8.9B) and ``deepseek-v3.1`` a ``release_date`` of 2025-01-10 (released
2025-08): both are corrected in ``data/raw/curated/corrections.csv``, not here.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd

from ..errors import DataError
from ..io import read_json
from ._common import blank, json_text, models_frame, params_cell, records, score_cell, scores_frame
from .epoch_benchmarking_hub import release_date, variant_from_words

KEY = "llm-stats"
FOLDER = "data/organizations"
FILES = (FOLDER,)
NAME = "name_or_repo"
BENCHMARKS = {
    "mmlu": "mmlu", "mmlu-pro": "mmlu_pro", "mmlu-redux": "mmlu_redux", "gpqa": "gpqa",
    "humaneval": "humaneval", "math": "math", "math-500": "math_500", "gsm8k": "gsm8k", "ifeval": "ifeval",
    "simpleqa": "simpleqa", "tau-bench-retail": "tau_bench_retail", "tau-bench-airline": "tau_bench_airline",
    "livecodebench": "livecodebench", "aime-2024": "aime_2024", "aime-2025": "aime_2025", "bbh": "bbh",
    "hellaswag": "hellaswag", "winogrande": "winogrande", "truthfulqa": "truthfulqa", "arc-c": "arc_c",
}
MODEL_FIELDS = ["model_id", "name", "organization_id", "release_date", "license_id", "param_count",
                "source_weights_link", "fine_tuned_from_model_id"]
SCORE_FIELDS = ["model_benchmark_id", "benchmark_id", "score", "is_self_reported", "self_reported_source_link",
                "verified_by_llmstats", "analysis_method"]
# LLM-Stats' own ``model_id`` is kept as ``llm_stats_id``: ``model_id`` is the chain's id.
COLUMNS = ["source", "source_row", "record", NAME, "llm_stats_id", *MODEL_FIELDS[1:], *SCORE_FIELDS]
# LLM-Stats organisation folders -> the org part of our ids
ORGS = {"ai21": "ai21labs", "cohere": "cohereforai", "deepseek": "deepseek-ai", "ibm": "ibm-granite",
        "meta": "meta-llama", "mistral": "mistralai", "xai": "xai-org"}
_HF = re.compile(r"^https?://huggingface\.co/([^/\s]+/[^/\s?#]+)")
_SHOTS = re.compile(r"(\d+)[- ]shot", re.I)
_COT = re.compile(r"\bcot\b|chain[- ]of[- ]thought", re.I)
_DIAMOND = re.compile(r"diamond", re.I)


def _load(path: Path, kind: type):
    data = read_json(path)
    if not isinstance(data, kind):
        raise DataError(path, None, None, type(data).__name__, f"a JSON {kind.__name__}")
    return data


def _field(path, record, data: dict, key: str):
    if key not in data:
        raise DataError(path, record, key, None, f"the field {key!r}")
    return data[key]


def ingest(raw_dir) -> pd.DataFrame:
    """One row per model and one per score, as strings."""
    base = Path(raw_dir) / KEY
    orgs = base / FOLDER
    if not orgs.is_dir():
        raise DataError(orgs, None, None, None, "the folder of LLM-Stats models (see data/raw/MANIFEST.csv)")
    rows = []
    found = [(p, _load(p, dict)) for p in sorted(orgs.glob("*/models/*/model.json"))]
    links = pd.Series([json_text(m.get("source_weights_link")) for _, m in found])
    shared = set(links[links.duplicated() & (links != "")])
    for model_json, m in found:
        rel = model_json.relative_to(base / "data").as_posix()
        info = {k: json_text(_field(model_json, m.get("model_id"), m, k)) for k in MODEL_FIELDS}
        info["llm_stats_id"] = info.pop("model_id")
        hf = _HF.match(info["source_weights_link"])
        org = ORGS.get(info["organization_id"], info["organization_id"])
        name = hf.group(1) if hf and info["source_weights_link"] not in shared else f"{org}/{info['llm_stats_id']}"
        if hf and variant_from_words(info["name"]) == "instruct" and variant_from_words(name.split("/")[-1]) != "instruct":
            name = f"{org}/{info['llm_stats_id']}"  # the link is the base model's repository: not this checkpoint
        rows.append({"source": KEY, "source_row": rel, "record": "model", NAME: name, **info})
        bench_json = model_json.with_name("benchmarks.json")
        if not bench_json.exists():
            continue
        brel = bench_json.relative_to(base / "data").as_posix()
        for i, b in enumerate(_load(bench_json, list)):
            if not isinstance(b, dict):
                raise DataError(bench_json, f"#[{i}]", None, b, "a score record (a JSON object)")
            s = {k: json_text(_field(bench_json, f"#[{i}]", b, k)) for k in SCORE_FIELDS}
            if b.get("model_id") != m["model_id"]:
                raise DataError(bench_json, f"#[{i}]", "model_id", b.get("model_id"), f"the folder's model {m['model_id']!r}")
            rows.append({"source": KEY, "source_row": f"{brel}#[{i}]", "record": "score", NAME: name, **info, **s})
    return pd.DataFrame(rows, columns=COLUMNS, dtype=str).fillna("")


def _where(base: Path, source_row: str) -> tuple[Path, str | None]:
    rel, _, key = source_row.partition("#")
    return base / "data" / rel, (f"#{key}" if key else None)


def _weights(file, row, value) -> str:
    if blank(value):
        return "unknown"
    return "closed" if value.strip() == "proprietary" else "open"


def _model(r, base) -> dict:
    file, row = _where(base, r["source_row"])
    date, note = release_date(file, row, "release_date", r["release_date"])
    return {
        "source": KEY, "source_row": r["source_row"], "source_name": r[NAME], "model_id": r["model_id"],
        "weights": _weights(file, row, r["license_id"]), "release_date": date,
        "total_params_b": params_cell(file, row, "param_count", r["param_count"], "count"),
        "active_params_b": float("nan"), "architecture": None, "params_note": note,
    }


def _flag(file, row, column, value) -> bool:
    if value not in ("true", "false"):
        raise DataError(file, row, column, value, "true or false")
    return value == "true"


def _score(r, base) -> dict | None:
    bench = BENCHMARKS.get(r["benchmark_id"])
    if bench is None:
        return None
    file, row = _where(base, r["source_row"])
    if blank(r["score"]):  # left out by a correction
        return None
    self_reported = _flag(file, row, "is_self_reported", r["is_self_reported"])
    verified = _flag(file, row, "verified_by_llmstats", r["verified_by_llmstats"])
    value = score_cell(file, row, "score", r["score"], "fraction")
    if not 0 <= value <= 100:
        raise DataError(file, row, "score", r["score"], "a fraction between 0 and 1")
    method = r["analysis_method"].strip()
    if bench == "gpqa" and _DIAMOND.search(method):
        bench = "gpqa_diamond"  # the method names the Diamond subset: never in one column with full GPQA
    shots = _SHOTS.findall(method)
    reporter, harness = ("maker", None) if self_reported else ("independent", "LLM-Stats") if verified else ("aggregator", None)
    note = "; ".join(p for p in (f"method: {method}" if method else "",
                                  f"from: {r['self_reported_source_link'].strip()}" if r["self_reported_source_link"].strip() else "") if p)
    return {
        "model_id": r["model_id"], "benchmark": bench, "value": value,
        "shots": int(shots[0]) if len(set(shots)) == 1 else None, "cot": True if _COT.search(method) else None,
        "variant": variant_from_words(r["name"]), "reporter": reporter, "harness": harness,
        "source": KEY, "source_row": r["source_row"], "note": note or None,
    }


def base_models(rows) -> pd.DataFrame:
    """The model each model was fine-tuned from (``fine_tuned_from_model_id``), spelled as this
    source spells that model (its ``name_or_repo`` when LLM-Stats has it, else its id)."""
    m = rows[(rows["record"] == "model")]
    spelling = dict(zip(m["llm_stats_id"], m[NAME]))
    m = m[m["fine_tuned_from_model_id"] != ""]
    return pd.DataFrame({
        "model_id": m["model_id"], "base_name": [spelling.get(b, b) for b in m["fine_tuned_from_model_id"]],
        "source": KEY, "source_row": m["source_row"],
    })


def tidy(rows, base):
    base = Path(base)
    models = [_model(r, base) for r in records(rows[rows["record"] == "model"])]
    scores = [s for r in records(rows[rows["record"] == "score"]) if (s := _score(r, base)) is not None]
    return models_frame(models), scores_frame(scores)
