"""Hugging Face Open LLM Leaderboard v2, official-provider rows (as exported by hlzhang109/causal-eval).

One CSV, one row per evaluation run (459 runs of 439 repositories: some were run in both
bfloat16 and float16). ``fullname`` is the repository id (``Model`` is the same as HTML);
``#Params (B)`` is the parameter count in billions that the leaderboard reads from the
weights, so it counts every expert of a mixture of experts (Mixtral-8x7B = 46.703): a total.
The leaderboard's submission code (``get_model_size``) takes the Hugging Face safetensors
metadata of the repository, ``round(safetensors["total"] / 1e9, 3)``, an exact count of the
weights; where a repository had no safetensors metadata, earlier versions of that code read
the first ``<N>b`` / ``<N>m`` of the name instead (:func:`leaderboard_name_size`).
``MoE`` is a True/False flag, ``Type`` the submitter's category (an emoji and a label),
``Chat Template`` whether the chat template was applied. Each benchmark comes twice: ``<X> Raw``
(accuracy, 0-1) and ``<X>`` (the leaderboard's score rescaled so that random guessing is 0);
only the raw value is read, as a 0-100 value. All six are run with lm-eval-harness.
``IFEval Raw`` is the mean of prompt- and instruction-level strict accuracy (ObsScaling's
``leaderboard_ifeval`` for the same runs is the instruction-level one alone, hence its own id).

Known problems and how they are handled:

- ``Upload To Hub Date`` and ``Submission Date`` are upload/submission dates, not release
  dates: ``release_date`` stays blank and ``params_note`` quotes the upload date.
- ``#Params (B)`` is 0 or negative for three runs (google/umt5-base and
  dolphin-2.9.2-Phi-3-Medium = -1.0, google/gemma-2-2b float16 = 0.0): taken as not given,
  with the value in ``params_note``.
- The ``MoE`` flag misses some mixtures of experts (Qwen2-57B-A14B-Instruct, dbrx-instruct,
  zephyr-orpo-141b-A35b, granite-3.x-*-a400m/a800m, switch-base-8): ``architecture`` is ``moe`` when the flag
  is True, the ``Architecture`` class is a MoE class, or the name has an active-size marker
  (:func:`~llmscale.sources.obsscaling.moe_by_name`); ``dense`` only when none of these holds.
- ``Type`` gives the variant: pretrained and continuously pretrained -> base, chat models ->
  instruct, anything else (domain fine-tunes, merges, multimodal, other) -> unknown, since
  those labels cover both (Qwen2-Math-7B and Yi-Coder-9B-Chat are both "fine-tuned"). The
  labels are the submitter's and sometimes wrong (microsoft/phi-4 is "pretrained" in one run
  and "chat" in the other); fix them with a correction on ``Type``, not here.
- Shots are not stated in this file; they are the leaderboard's fixed protocol (:data:`SHOTS`:
  IFEval 0, BBH 3, MATH Lvl 5 4, GPQA 0, MuSR 0, MMLU-Pro 5 shots, as the leaderboard's
  documentation, https://huggingface.co/docs/leaderboards/open_llm_leaderboard/about, and the
  ``num_few_shot`` of the model-index entries its bot writes into model cards state). No
  chain-of-thought prompting is part of it, but the file does not say so: ``cot`` stays blank.
  Chat template and type go into each score's ``note``.
- ``Base Model`` names the repository a run's model was trained from (:func:`base_models`,
  for its lineage), unless it is the model itself or a merge.
- 89 runs have exactly the size that name rule reads (Mistral-7B-OpenOrca 7.000 where Mistral
  7B's weights hold 7.24B; internlm2-1_8b 8.000, the "8b" of "1_8b"): those are not counts of
  the weights, and ``params_note`` says so (:data:`FROM_NAME`); every other positive value is
  the safetensors count (:data:`FROM_SAFETENSORS`). A run whose weights hold exactly the round
  number of its name is counted with the name-read ones: the file cannot tell them apart.
- ``Available on the hub`` True is read as open weights (``weights`` open), else unknown.
- 20 repositories have two runs (bfloat16 and float16, sometimes with different ``Type``
  labels or commits): both are kept, as different settings are never merged here; the
  precision is part of the ``harness`` ("Open LLM Leaderboard v2 (lm-eval-harness), bfloat16"),
  which is part of a score's setting.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..errors import DataError
from ._common import blank, ingest_single_csv, models_frame, params_cell, records, score_cell, scores_frame
from .obsscaling import moe_by_name

KEY = "open-llm-leaderboard"
FILES = ("data/open_llm_official.csv",)
NAME = "fullname"  # the repository id; ``Model`` holds the same as an HTML link
PARAMS = "#Params (B)"
BENCHMARKS = {
    "IFEval Raw": "ifeval", "BBH Raw": "bbh", "MATH Lvl 5 Raw": "math_lvl5",
    "GPQA Raw": "gpqa", "MUSR Raw": "musr", "MMLU-PRO Raw": "mmlu_pro",
}
COLUMNS = [
    "eval_name", "Precision", "Type", "Architecture", "Model", "fullname", PARAMS, "Available on the hub",
    "MoE", "Chat Template", *BENCHMARKS, "Upload To Hub Date", "Submission Date",
]
VARIANT = {
    "🟢 pretrained": "base",
    "🟩 continuously pretrained": "base",
    "💬 chat models (RLHF, DPO, IFT, ...)": "instruct",
    "🔶 fine-tuned on domain-specific datasets": "unknown",
    "🤝 base merges and moerges": "unknown",
    "🌸 multimodal": "unknown",
    "❓ other": "unknown",
}
MOE_CLASSES = {
    "MixtralForCausalLM", "Qwen2MoeForCausalLM", "DbrxForCausalLM", "GraniteMoeForCausalLM", "OlmoeForCausalLM",
    "DeepseekForCausalLM", "DeepseekV2ForCausalLM", "JambaForCausalLM", "PhimoeForCausalLM",
    "SwitchTransformersForConditionalGeneration",
}
HARNESS = "Open LLM Leaderboard v2 (lm-eval-harness)"
SHOTS = {"ifeval": 0, "bbh": 3, "math_lvl5": 4, "gpqa": 0, "musr": 0, "mmlu_pro": 5}
_BOOL = {"True": True, "False": False}
FROM_SAFETENSORS = "exact count from the weights' safetensors metadata"
FROM_NAME = "equals the size the leaderboard reads from the name when a repository has no safetensors metadata: not a count of the weights"
_NAME_SIZE = re.compile(r"(\d+\.)?\d+(b|m)")


def leaderboard_name_size(name: str) -> float | None:
    """The size the leaderboard's fallback reads from a repository id, in billions: the first
    ``<N>b`` or ``<N>m`` of the lowercased id, rounded to 3 places (None if there is none)."""
    m = _NAME_SIZE.search(str(name).lower())
    if not m:
        return None
    n = float(m.group(0)[:-1])
    return round(n if m.group(0)[-1] == "b" else n / 1e3, 3)


def ingest(raw_dir):
    return ingest_single_csv(raw_dir, KEY, FILES[0], COLUMNS)


def _flag(file, row, column, value) -> bool:
    text = "" if blank(value) else str(value).strip()
    if text not in _BOOL:
        raise DataError(file, row, column, value, "True or False")
    return _BOOL[text]


def _variant(file, row, r) -> str:
    if r["Type"] not in VARIANT:
        raise DataError(file, row, "Type", r["Type"], f"one of the leaderboard's model types {list(VARIANT)}")
    return VARIANT[r["Type"]]


def _architecture(file, row, r) -> tuple[str, str | None]:
    flag = _flag(file, row, "MoE", r["MoE"])
    by_class = r["Architecture"] in MOE_CLASSES
    if flag:
        return "moe", None
    if by_class or moe_by_name(r["fullname"]):
        why = f"class {r['Architecture']}" if by_class else "name"
        return "moe", f"MoE flag is False but the {why} marks a mixture of experts"
    return "dense", None


def _non_positive(value) -> bool:
    """The leaderboard writes 0.0 or -1.0 where it could not count the parameters."""
    try:
        return float(str(value).strip()) <= 0
    except ValueError:
        return False


def _params(file, row, r) -> tuple[float, str | None]:
    if _non_positive(r[PARAMS]):
        return float("nan"), f"{PARAMS} given as {r[PARAMS]}, not a size"
    size = params_cell(file, row, PARAMS, r[PARAMS], "billions")
    by_name = leaderboard_name_size(r[NAME])
    origin = FROM_NAME if by_name is not None and abs(size - by_name) < 5e-4 else FROM_SAFETENSORS
    if str(r["Type"]).startswith("🌸"):
        return size, f"{origin}; multimodal: the count includes the non-language weights"
    return size, origin


def _model(file, row, r) -> dict:
    arch, arch_note = _architecture(file, row, r)
    total, size_note = _params(file, row, r)
    upload = "" if blank(r["Upload To Hub Date"]) else r["Upload To Hub Date"]
    date_note = f"Upload To Hub Date {upload or '(blank)'} is not a release date"
    return {
        "source": KEY, "source_row": r["source_row"], "source_name": r["fullname"], "model_id": r["model_id"],
        "weights": "open" if _flag(file, row, "Available on the hub", r["Available on the hub"]) else "unknown",
        "release_date": None, "total_params_b": total, "active_params_b": float("nan"), "architecture": arch,
        "params_note": "; ".join(n for n in (size_note, arch_note, date_note) if n),
    }


def _scores(file, row, r) -> list[dict]:
    variant = _variant(file, row, r)
    chat = "applied" if _flag(file, row, "Chat Template", r["Chat Template"]) else "not applied"
    out = []
    for col, bench in BENCHMARKS.items():
        if blank(r[col]):
            continue
        out.append({
            "model_id": r["model_id"], "benchmark": bench, "value": score_cell(file, row, col, r[col], "fraction"),
            "shots": SHOTS[bench], "cot": None, "variant": variant, "reporter": "independent",
            "harness": f"{HARNESS}, {r['Precision']}", "source": KEY, "source_row": r["source_row"],
            "note": f"{col} (not the rescaled score); chat template {chat}; type {r['Type']}",
        })
    return out


def base_models(rows) -> pd.DataFrame:
    """The repository each run's model was trained from (``Base Model``), where it names another
    repository; a value marked ``(Merge)`` names the merge itself, not a base."""
    b = rows["Base Model"].str.strip()
    keep = b.str.contains("/", regex=False) & ~b.str.endswith("(Merge)") & (b.str.lower() != rows[NAME].str.strip().str.lower())
    return pd.DataFrame({"model_id": rows.loc[keep, "model_id"], "base_name": b[keep],
                         "source": KEY, "source_row": rows.loc[keep, "source_row"]})


def tidy(rows, base):
    file = Path(base) / FILES[0]
    models, scores = [], []
    for r in records(rows):
        row = r["source_row"]
        models.append(_model(file, row, r))
        scores.extend(_scores(file, row, r))
    return models_frame(models), scores_frame(scores)


def exact_refs(source_models) -> set[str]:
    """The refs (``open-llm-leaderboard:<row>``) of this source's totals that count the
    repository's weights (safetensors metadata), not a size read from the name."""
    if source_models is None or not len(source_models):
        return set()
    sm = source_models[source_models["source"] == KEY]
    note = sm["params_note"].fillna("")
    ok = note.str.contains(FROM_SAFETENSORS, regex=False) & ~note.str.contains(FROM_NAME, regex=False)
    return set(KEY + ":" + sm.loc[ok, "source_row"].astype(str))
