"""A data audit anyone can run: ``make audit`` (``python -m llmscale.audit``).

It reads only ``data/processed/`` and prints where open models' sizes come from (cited to
the maker, inherited along a lineage, or from a source only), how many scores state their
whole setting, the name-vs-size flags, the mixtures of experts without an active count, the
conflicts by kind and the lineages. :func:`numbers` gives the same figures as text for the
write-up (``llmscale.writeup``).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from .catchall import stated
from .io import read_table
from .lineage import INHERITED_REF, ROOT_REF
from .tables import CONFLICTS, MODELS, SCORES, SIZE_FLAGS


def _read(pdir: Path, name: str) -> pd.DataFrame:
    p = pdir / name
    return read_table(p, dtype={"source_row": str}) if p.exists() else pd.DataFrame()


def size_origin(models: pd.DataFrame) -> pd.Series:
    """Where each open model's total comes from: maker (a curated fact citing the maker's page),
    inherited (from the model whose architecture it keeps) or source only (an aggregator's or a
    harness's value, no maker page behind it)."""
    ref = models["total_params_b_ref"].fillna("")
    return pd.Series(["maker" if r.startswith("curated: ") else "inherited" if r.startswith(INHERITED_REF) else "source only"
                      for r in ref], index=models.index)


def audit(processed_dir) -> dict:
    """The audit's figures and lists, from the processed tables."""
    pdir = Path(processed_dir)
    models, scores = _read(pdir, MODELS), _read(pdir, SCORES)
    conflicts, flags = _read(pdir, CONFLICTS), _read(pdir, SIZE_FLAGS)
    out: dict = {}
    sized = models[(models["weights"] == "open") & models["total_params_b"].notna()]
    origin = size_origin(sized).value_counts()
    out["open_sized"] = len(sized)
    for k in ("maker", "inherited", "source only"):
        out[f"size_{k.replace(' ', '_')}"] = int(origin.get(k, 0))
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
    n = a["open_sized"]
    return {
        "audit_open_sized": f"{n:,}",
        "audit_size_maker": f"{a['size_maker']:,} ({_pct(a['size_maker'], n)})",
        "audit_size_inherited": f"{a['size_inherited']:,} ({_pct(a['size_inherited'], n)})",
        "audit_size_source_only": f"{a['size_source_only']:,} ({_pct(a['size_source_only'], n)})",
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
    lines = [
        f"Open models with a total parameter count: {n}",
        f"  cited to the maker:     {a['size_maker']:>5}  {_pct(a['size_maker'], n)}",
        f"  inherited along a lineage: {a['size_inherited']:>2}  {_pct(a['size_inherited'], n)}",
        f"  from a source only:     {a['size_source_only']:>5}  {_pct(a['size_source_only'], n)}",
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
