"""Swallow LLM Leaderboard (swallow-llm/leaderboard): one harness, base and post-trained models.

Three YAML files under ``_data/``:

- ``model.yml``: a list of 118 models: ``id``, ``model_id`` (the Hugging Face repository, or an
  API name such as ``gpt-5-2025-08-07`` for closed models), ``name``, ``date``, ``params`` and
  ``active_params`` (billions, rounded; they differ for the 20 MoE models), ``family``,
  ``is_post`` (post-trained or not), ``reasoning``, ``url`` and ``results``: per task group
  (``en_pre``, ``ja_pre``, ``en_post``, ``ja_post``, ``en_mtb``, ``ja_mtb``) a mapping of task
  name to a 0-1 score.
- ``task_pre.yml`` / ``task_post.yml``: each task group's tasks with their prompt setting
  (``input``: "5-shot", "3-shot, CoT", "zero-shot, chain-of-thought prompt", ...) and metric.

``ingest`` gives one row per model (``record`` "model", ``source_row`` ``"_data/model.yml#<id>"``)
and one per English score (``record`` "score", ``source_row`` ``"..#<id>/<group>/<task>"``),
every cell a string. ``repo`` is what identity reads: ``model_id``, prefixed with ``openai/``
for the OpenAI API names (their ``url`` is OpenAI's platform docs).

How fields are read:

- ``total_params_b`` = ``params``; ``active_params_b`` = ``active_params``; ``architecture`` moe
  where active < total, dense where equal. The sizes are rounded (gpt-oss-20b: 22 and 3.6).
  The closed API models have ``params: 0``, meaning not disclosed: blank.
- ``release_date`` = ``date``; ``weights`` open for a Hugging Face ``url``, closed for OpenAI's
  API, else unknown.
- Scores: the English groups only: ``en_pre`` (base models: MMLU 5-shot, BBH 3-shot CoT, ...)
  and ``en_post`` (post-trained models: MMLU-Pro and GPQA Diamond zero-shot with a
  chain-of-thought prompt, ...), with each group's average as ``swallow_en_pre_avg`` /
  ``swallow_en_post_avg``. Shots and CoT come from the task definition, ``variant`` base for
  ``en_pre`` and instruct for ``en_post``; ``reporter`` independent, ``harness``
  :data:`HARNESS`. The Japanese groups and MT-Bench (graded by an LLM judge) are not read.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import yaml

from ..errors import DataError
from ..io import read_yaml
from ._common import blank, json_text, models_frame, params_cell, records, score_cell, scores_frame
from .epoch_benchmarking_hub import release_date

KEY = "swallow"
MODELS = "_data/model.yml"
TASKS = ("_data/task_pre.yml", "_data/task_post.yml")
FILES = (MODELS, *TASKS)
NAME = "repo"
HARNESS = "Swallow LLM Leaderboard (swallow-evaluation)"
GROUPS = {"en_pre": "base", "en_post": "instruct"}
BENCHMARKS = {
    "en_pre": {"avg": "swallow_en_pre_avg", "OpenBookQA": "openbookqa", "TriviaQA": "triviaqa",
               "HellaSwag": "hellaswag", "SQuAD2": "squad2", "XWINO": "xwinograd_en", "MMLU": "mmlu",
               "GSM8K": "gsm8k", "MATH": "math", "BBH": "bbh", "HumanEval": "humaneval"},
    "en_post": {"avg": "swallow_en_post_avg", "HellaSwag": "hellaswag", "MIFEvalJa": "ifbench",
                "MMLU-Pro": "mmlu_pro", "GPQA": "gpqa_diamond", "MATH500": "math_500", "AIME": "aime_2024_2025",
                "LCB": "livecodebench_v6"},
}
MODEL_FIELDS = ["id", "model_id", "name", "date", "params", "active_params", "is_post", "url"]
COLUMNS = ["source", "source_row", "record", NAME, "id", "swallow_model_id", *MODEL_FIELDS[2:], "group", "task", "score"]
_API = {"platform.openai.com": "openai"}
_SHOTS = re.compile(r"(\d+)-shot", re.I)
_ZERO = re.compile(r"zero-shot", re.I)
_COT = re.compile(r"\bcot\b|chain-of-thought", re.I)


def _yaml(path: Path):
    if not path.exists():
        raise DataError(path, None, None, None, "the raw file to exist (see data/raw/MANIFEST.csv)")
    return read_yaml(path)


def _repo(model_id: str, url: str) -> str:
    if "/" in model_id:
        return model_id
    host = re.sub(r"^https?://", "", url).split("/")[0]
    return f"{_API[host]}/{model_id}" if host in _API else model_id


def ingest(raw_dir) -> pd.DataFrame:
    """One row per model and one per English score, as strings."""
    path = Path(raw_dir) / KEY / MODELS
    models = _yaml(path)
    if not isinstance(models, list):
        raise DataError(path, None, None, type(models).__name__, "a YAML list of models")
    rows = []
    for i, m in enumerate(models):
        if not isinstance(m, dict) or blank(m.get("id")):
            raise DataError(path, f"item {i + 1}", "id", m, "a model with an id")
        rec = f"{MODELS}#{m['id']}"
        missing = [k for k in MODEL_FIELDS if k not in m]
        if missing:
            raise DataError(path, f"#{m['id']}", missing[0], None, f"the field {missing[0]!r}")
        info = {k: json_text(m[k]) for k in MODEL_FIELDS}
        info["swallow_model_id"] = info.pop("model_id")
        base = {"source": KEY, NAME: _repo(info["swallow_model_id"], info["url"]), **info}
        rows.append({**base, "source_row": rec, "record": "model"})
        results = m.get("results") or {}
        if not isinstance(results, dict):
            raise DataError(path, f"#{m['id']}", "results", results, "a mapping of task groups")
        for group in GROUPS:
            scores = results.get(group) or {}
            if not isinstance(scores, dict):
                raise DataError(path, f"#{m['id']}", f"results.{group}", scores, "a mapping of task to score")
            for task, value in scores.items():
                rows.append({**base, "source_row": f"{rec}/{group}/{task}", "record": "score",
                             "group": group, "task": str(task), "score": json_text(value)})
    return pd.DataFrame(rows, columns=COLUMNS, dtype=str).fillna("")


def settings(base) -> dict[tuple[str, str], tuple[int | None, bool | None, str]]:
    """(group, task) -> (shots, cot, input as written) from the task definitions."""
    out = {}
    for rel in TASKS:
        path = Path(base) / rel
        data = _yaml(path)
        for group in GROUPS:
            for t in (data or {}).get(group, {}).get("tasks", []):
                inp = t.get("input")
                inp = inp.get("en") if isinstance(inp, dict) else inp
                text = "" if inp is None else str(inp)
                shots = _SHOTS.findall(text)
                n = 0 if _ZERO.search(text) else int(shots[0]) if len(set(shots)) == 1 else None
                out[(group, str(t.get("name")))] = (n, True if _COT.search(text) else None, text)
    return out


def _weights(url: str) -> str:
    if url.startswith("https://huggingface.co/"):
        return "open"
    return "closed" if url.startswith("https://platform.openai.com/") else "unknown"


def _model(r, file) -> dict:
    row = r["source_row"].partition("#")[2]
    undisclosed = r["params"].strip() == "0" and r["active_params"].strip() == "0"
    if undisclosed:  # the closed API models: 0 stands for "not disclosed"
        r = {**r, "params": "", "active_params": ""}
    total = params_cell(file, f"#{row}", "params", r["params"], "billions")
    active = params_cell(file, f"#{row}", "active_params", r["active_params"], "billions")
    if active == active and total == total and active > total:
        raise DataError(file, f"#{row}", "active_params", r["active_params"], f"at most params ({r['params']})")
    arch = None if total != total or active != active else "moe" if active < total else "dense"
    date, note = release_date(file, f"#{row}", "date", r["date"])
    return {
        "source": KEY, "source_row": r["source_row"], "source_name": r[NAME], "model_id": r["model_id"],
        "weights": _weights(r["url"]), "release_date": date, "total_params_b": total,
        "active_params_b": active, "architecture": arch,
        "params_note": "; ".join(p for p in (note, "size given as 0: not disclosed" if undisclosed else "sizes rounded by the source") if p),
    }


def _score(r, file, setting) -> dict | None:
    bench = BENCHMARKS[r["group"]].get(r["task"])
    if bench is None:
        return None
    where = f"#{r['source_row'].partition('#')[2]}"
    if (r["group"], r["task"]) not in setting:
        raise DataError(file, where, "task", r["task"], f"a task defined in {' or '.join(TASKS)}")
    shots, cot, text = setting[(r["group"], r["task"])]
    value = score_cell(file, where, "score", r["score"], "fraction")
    if not 0 <= value <= 100:
        raise DataError(file, where, "score", r["score"], "a fraction between 0 and 1")
    return {
        "model_id": r["model_id"], "benchmark": bench, "value": value, "shots": shots, "cot": cot,
        "variant": GROUPS[r["group"]], "reporter": "independent", "harness": HARNESS,
        "source": KEY, "source_row": r["source_row"],
        "note": f"{r['group']} {r['task']}" + (f" ({text})" if text else ""),
    }


def tidy(rows, base):
    file = Path(base) / MODELS
    setting = settings(base)
    models = [_model(r, file) for r in records(rows[rows["record"] == "model"])]
    scores = [s for r in records(rows[rows["record"] == "score"]) if (s := _score(r, file, setting))]
    return models_frame(models), scores_frame(scores)
