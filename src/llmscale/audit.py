"""A data audit anyone can run: ``make audit`` (``python -m llmscale.audit``).

It reads only ``data/processed/`` and prints where open models' sizes come from (cited to
the maker, inherited along a lineage from a maker's fact, an exact count from the weights'
safetensors metadata as the Open LLM Leaderboard reads it, or an aggregator's value only),
for all open models and for those the charts use (:data:`CHARTED`), how many scores state their
whole setting, the name-vs-size flags, the mixtures of experts without an active count, the
conflicts by kind and the lineages. :func:`numbers` gives the same figures as text for the
write-up (``llmscale.writeup``).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

from . import predict_params
from .catchall import stated
from .io import read_table
from .lineage import ROOT_REF, inherited_from_maker
from .sources import open_llm_leaderboard as oll
from .tables import CONFLICTS, FRONTIER, MODELS, SCORES, SIZE_FLAGS, SOURCE_MODELS

# Where an open model's total comes from, in the order the audit prints them.
ORIGINS = {
    "maker": "cited to the maker",
    "inherited": "inherited along a lineage from a maker's fact",
    "safetensors": "exact count from the weights' safetensors metadata (Open LLM Leaderboard)",
    "source only": "from an aggregator only",
}
# Processed tables that list the models a chart draws (besides the prediction fits' training
# models, read from predict_metrics.csv's specs).
CHARTED = [FRONTIER, "over_time_steps.csv", "non_embedding.csv"]
PREDICT_METRICS = "predict_metrics.csv"


def _read(pdir: Path, name: str) -> pd.DataFrame:
    p = pdir / name
    return read_table(p, dtype={"source_row": str}) if p.exists() else pd.DataFrame()


def size_origin(models: pd.DataFrame, source_models: pd.DataFrame | None = None) -> pd.Series:
    """Where each model's total comes from (a key of :data:`ORIGINS`): ``maker`` (a curated fact
    citing the maker's page), ``inherited`` (from a maker's fact of the model whose architecture
    it keeps, along a chain of ``inherited from`` refs), ``safetensors`` (the Open LLM
    Leaderboard's count of the repository's weights, not one it read from the name: see
    :mod:`llmscale.sources.open_llm_leaderboard`), else ``source only``."""
    ref = models["total_params_b_ref"].fillna("")
    exact = oll.exact_refs(source_models)
    inherited = inherited_from_maker(models, "total_params_b").to_numpy()
    return pd.Series(["maker" if r.startswith("curated: ") else "inherited" if i else "safetensors" if r in exact
                      else "source only" for r, i in zip(ref, inherited)], index=models.index)


def charted(pdir: Path) -> set[str] | None:
    """The models the charts use: every model_id of the :data:`CHARTED` tables and the labelled
    models of each fitted prediction spec; None if none of these tables has been built."""
    ids: set[str] = set()
    found = False
    for name in CHARTED:
        t = _read(pdir, name)
        if len(t.columns):
            found = True
            ids |= set(t["model_id"].dropna())
    metrics = _read(pdir, PREDICT_METRICS)
    if len(metrics):
        found = True
        data = predict_params.frames(pdir, sorted(set(metrics["benchmark"])))
        fitted = set(zip(metrics["benchmark"], metrics["setting"]))
        used = data[data["label"].to_numpy() & np.array([k in fitted for k in zip(data["benchmark"], data["setting"])], dtype=bool)]
        ids |= set(used["model_id"])
    return ids if found else None


def audit(processed_dir) -> dict:
    """The audit's figures and lists, from the processed tables."""
    pdir = Path(processed_dir)
    models, scores = _read(pdir, MODELS), _read(pdir, SCORES)
    conflicts, flags = _read(pdir, CONFLICTS), _read(pdir, SIZE_FLAGS)
    out: dict = {}
    sized = models[(models["weights"] == "open") & models["total_params_b"].notna()]
    origin = size_origin(sized, _read(pdir, SOURCE_MODELS))
    counts = origin.value_counts()
    out["open_sized"] = len(sized)
    for k in ORIGINS:
        out[f"size_{k.replace(' ', '_')}"] = int(counts.get(k, 0))
    ids = charted(pdir)
    if ids is not None:
        on = sized["model_id"].isin(ids)
        out["charted_sized"] = int(on.sum())
        c = origin[on.to_numpy()].value_counts()
        for k in ORIGINS:
            out[f"charted_{k.replace(' ', '_')}"] = int(c.get(k, 0))
    full = stated(scores)
    out["scores"], out["scores_stated"] = len(scores), int(full.sum())
    mmlu = scores["benchmark"] == "mmlu"
    out["mmlu_scores"], out["mmlu_stated"] = int(mmlu.sum()), int((full & mmlu).sum())
    out["merged"] = int(scores["note"].fillna("").str.count("same value as ").sum())
    kinds = conflicts["kind"].value_counts() if len(conflicts) else pd.Series(dtype=int)
    out["conflicts"] = {k: int(v) for k, v in kinds.sort_index().items()}
    if len(flags):
        explained = flags["explained"].astype(str).str.lower() == "true"
        name = flags[(flags["kind"] == "name_vs_total")]
        out["name_flags"] = name[~explained.loc[name.index]].reset_index(drop=True)
        out["name_flags_explained"] = int(explained.loc[name.index].sum())
        out["moe_without_active"] = flags[flags["kind"] == "moe_without_active"].reset_index(drop=True)
    else:
        out["name_flags"] = out["moe_without_active"] = pd.DataFrame(columns=["model_id", "note"])
        out["name_flags_explained"] = 0
    if "lineage" in models:
        out["lineages"] = int(models["lineage"].nunique())
        big = models[models["total_params_b"] > 10]
        out["over_10b"], out["over_10b_in_lineage"] = len(big), int(big["lineage"].notna().sum())
        out["over_10b_linked"] = int((big["lineage_ref"] != ROOT_REF).sum())
        out["no_family"] = int(models["family"].isna().sum())
    return out


def _pct(a: int, b: int) -> str:
    return f"{a / b:.0%}" if b else "n/a"


def numbers(processed_dir) -> dict[str, str]:
    """The audit's figures as text, for the write-up's data section."""
    a = audit(processed_dir)
    n, c = a["open_sized"], a.get("charted_sized", 0)
    out = {"audit_open_sized": f"{n:,}", "audit_charted_sized": f"{c:,}"}
    for k in ORIGINS:
        key = k.replace(" ", "_")
        out[f"audit_size_{key}"] = f"{a[f'size_{key}']:,} ({_pct(a[f'size_{key}'], n)})"
        out[f"audit_charted_{key}"] = f"{a.get(f'charted_{key}', 0):,} ({_pct(a.get(f'charted_{key}', 0), c)})"
    return out | {
        "audit_scores_stated": f"{a['scores_stated']:,} of {a['scores']:,} ({_pct(a['scores_stated'], a['scores'])})",
        "audit_mmlu_stated": f"{a['mmlu_stated']:,} of {a['mmlu_scores']:,}",
        "audit_merged": f"{a['merged']:,}",
        "audit_name_flags": str(len(a["name_flags"])),
        "audit_moe_without_active": str(len(a["moe_without_active"])),
        "audit_conflicts": ", ".join(f"{k} {v:,}" for k, v in a["conflicts"].items()) or "none",
        "audit_lineages": f"{a.get('lineages', 0):,}",
    }


def report(processed_dir) -> str:
    """The audit as the text ``make audit`` prints."""
    a = audit(processed_dir)
    n = a["open_sized"]
    c = a.get("charted_sized")
    lines = [f"Open models with a total parameter count: {n}" + (f"; used in a chart: {c}" if c is not None else "")]
    for k, words in ORIGINS.items():
        key = k.replace(" ", "_")
        line = f"  {words + ':':<78}{a[f'size_{key}']:>5}  {_pct(a[f'size_{key}'], n):>4}"
        if c is not None:
            line += f"   charted {a[f'charted_{key}']:>4}  {_pct(a[f'charted_{key}'], c):>4}"
        lines.append(line)
    lines += [
        f"Scores with variant and shots stated: {a['scores_stated']} of {a['scores']} ({_pct(a['scores_stated'], a['scores'])}); "
        f"MMLU: {a['mmlu_stated']} of {a['mmlu_scores']}",
        f"Scores of a not-stated setting merged into an equal stated score: {a['merged']}",
        "Conflicts by kind: " + (", ".join(f"{k} {v}" for k, v in a["conflicts"].items()) or "none"),
    ]
    if "lineages" in a:
        lines.append(f"Lineages: {a['lineages']}; models above 10B: {a['over_10b']}, all in a lineage: "
                     f"{a['over_10b_in_lineage'] == a['over_10b']} ({a['over_10b_linked']} linked to a base model, "
                     f"the rest roots of their own); models without a family: {a['no_family']}")
    lines.append(f"Name-vs-size flags not explained by a cited maker count: {len(a['name_flags'])} "
                 f"({a['name_flags_explained']} explained)")
    lines += [f"  {r.model_id}: {r.note} ({r.total_params_b_ref})" for r in a["name_flags"].itertuples()]
    lines.append(f"Mixtures of experts with a total but no active count: {len(a['moe_without_active'])}")
    lines += [f"  {r.model_id}: total {r.total_params_b:g}B ({r.total_params_b_ref})" for r in a["moe_without_active"].itertuples()]
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m llmscale.audit", description=__doc__.splitlines()[0])
    ap.add_argument("--processed", default="data/processed", help="the processed tables (default: data/processed)")
    args = ap.parse_args(argv)
    print(report(args.processed))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
