"""A data audit anyone can run: ``make audit`` (``python -m llmscale.audit``).

It reads only ``data/processed/`` and prints where open models' sizes come from (cited to
the maker, inherited along a lineage from a maker's fact, an exact count from the weights'
safetensors metadata as the Open LLM Leaderboard reads it, or an aggregator's value only),
for all open models and for those the charts use (:data:`CHARTED`), how many scores state their
whole setting, the name-vs-size flags, the mixtures of experts without an active count, the
conflicts by kind and the lineages, and how the MMLU values the headline charts use (the
size-vs-MMLU chart's headline setting, and the MMLU staircases of ``04_over_time`` where
``over_time_steps.csv`` exists) compare with the maker's own number in the same setting
(``data/raw/curated/scores.csv``, source ``curated``). :func:`numbers` gives the same figures as
text for the write-up (``llmscale.writeup``).
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
from .reconcile import source_rank
from .settings import setting_label
from .sources import open_llm_leaderboard as oll
from .tables import CONFLICTS, FRONTIER, MODELS, PRICES, SCORES, SIZE_FLAGS, SOURCE_MODELS

# Where an open model's total comes from, in the order the audit prints them.
ORIGINS = {
    "maker": "cited to the maker",
    "inherited": "inherited along a lineage from a maker's fact",
    "safetensors": "exact count from the weights' safetensors metadata (Open LLM Leaderboard)",
    "source only": "from an aggregator only",
}
# Processed tables that list the models a chart draws (besides the prediction fits' training
# models, read from predict_metrics.csv's specs).
STEPS = "over_time_steps.csv"  # written by 04_over_time
CHARTED = [FRONTIER, STEPS, "non_embedding.csv"]
PREDICT_METRICS = "predict_metrics.csv"
MAKER_TOLERANCE = 1.0  # points: a value within this of the maker's number agrees with it
KEY = ["model_id", "benchmark", "setting"]


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


def _ranked(scores: pd.DataFrame) -> pd.DataFrame:
    """Scores with their setting label, highest-ranked source first (as every chart picks them)."""
    s = scores.assign(setting=setting_label(scores))
    s = s.assign(rank=source_rank(s["source"]))
    return s.sort_values(["rank", "source", "source_row"], kind="mergesort")


def maker_check(used: pd.DataFrame, scores: pd.DataFrame) -> pd.DataFrame:
    """Each value ``used`` (model_id, benchmark, setting, value, source) beside the maker's
    number in the same setting (the curated score; blank where none is curated) and the value
    the highest-ranked other source gives there (the one a chart would use without the curated
    score). ``agrees`` / ``source_agrees``: within :data:`MAKER_TOLERANCE` of the maker's number
    (blank where there is nothing to compare)."""
    s = _ranked(scores)
    maker = s[s["source"] == "curated"].drop_duplicates(KEY)[KEY + ["value", "source_row"]]
    maker = maker.rename(columns={"value": "maker_value", "source_row": "maker_row"})
    other = s[s["source"] != "curated"].drop_duplicates(KEY)[KEY + ["value", "source", "source_row"]]
    other = other.rename(columns={"value": "source_value", "source": "other_source", "source_row": "other_row"})
    out = used[KEY + ["value", "source"]].drop_duplicates().merge(maker, on=KEY, how="left").merge(other, on=KEY, how="left")
    known = out["maker_value"].notna()
    out["agrees"] = ((out["value"] - out["maker_value"]).abs() <= MAKER_TOLERANCE).where(known)
    both = known & out["source_value"].notna()
    out["source_agrees"] = ((out["source_value"] - out["maker_value"]).abs() <= MAKER_TOLERANCE).where(both)
    return out.reset_index(drop=True)


def charted_mmlu(processed_dir, scores: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The MMLU values the headline charts use, each with its setting and source:
    ``size_vs_mmlu`` (the headline setting of ``03_size_vs_mmlu``,
    :func:`llmscale.size_vs_mmlu.headline_points`) and ``staircase`` (the MMLU steps of the
    staircases in ``over_time_steps.csv``, where ``04_over_time`` has written it)."""
    from .size_vs_mmlu import headline_points

    pdir = Path(processed_dir)
    out = {}
    if (pdir / PRICES).exists():
        out["size_vs_mmlu"] = headline_points(pdir, ["mmlu"]).rename(columns={"score": "value"})
    steps = _read(pdir, STEPS)
    if len(steps):
        steps = steps[steps["benchmark"] == "mmlu"]
        used = _ranked(scores).drop_duplicates(KEY)[KEY + ["source"]]
        out["staircase"] = steps.merge(used, on=KEY, how="left")
    return out


SIZE_TOLERANCE = 0.05  # a total within 5 % of the maker's stated count agrees with it


def size_check(models: pd.DataFrame, source_models: pd.DataFrame) -> pd.DataFrame:
    """For each open model whose total is cited to the maker: the total the highest-ranked
    source gives it (the value the table would use without the curated fact), and whether it
    is more than :data:`SIZE_TOLERANCE` off the maker's count (``off``): how often the sources
    alone are wrong where they can be checked."""
    maker = models[(models["weights"] == "open") & models["total_params_b_ref"].fillna("").str.startswith("curated: ")]
    maker = maker[["model_id", "total_params_b"]].rename(columns={"total_params_b": "maker_b"})
    if not len(source_models) or "total_params_b" not in source_models:
        return maker.assign(source="", source_row="", source_b=float("nan"), off=False).iloc[0:0]
    rows = source_models[source_models["total_params_b"].notna()].merge(maker, on="model_id")
    rows = rows.assign(rank=source_rank(rows["source"]))
    top = rows.sort_values(["rank", "source", "source_row"], kind="mergesort").drop_duplicates("model_id")
    top = top.rename(columns={"total_params_b": "source_b"})[["model_id", "source", "source_row", "source_b", "maker_b"]]
    return top.assign(off=(top["source_b"] / top["maker_b"] - 1).abs() > SIZE_TOLERANCE).sort_values("model_id").reset_index(drop=True)


def audit(processed_dir) -> dict:
    """The audit's figures and lists, from the processed tables."""
    pdir = Path(processed_dir)
    models, scores = _read(pdir, MODELS), _read(pdir, SCORES)
    conflicts, flags = _read(pdir, CONFLICTS), _read(pdir, SIZE_FLAGS)
    out: dict = {}
    sized = models[(models["weights"] == "open") & models["total_params_b"].notna()]
    source_models = _read(pdir, SOURCE_MODELS)
    origin = size_origin(models, source_models)[sized.index]  # a chain may pass through a model of unknown weights
    out["size_check"] = size_check(models, source_models)
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
    out["merged"] = int(scores["note"].astype(object).where(scores["note"].notna(), "").astype(str).str.count("same value as ").sum())
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
    out["maker"] = {}
    for chart, used in charted_mmlu(pdir, scores).items():
        check = maker_check(used, scores)
        known, both = check["maker_value"].notna(), check["source_agrees"].notna()
        out["maker"][chart] = {
            "values": len(check), "with_maker": int(known.sum()), "agree": int(check["agrees"].eq(True).sum()),
            "sources_compared": int(both.sum()), "sources_off": int(check["source_agrees"].eq(False).sum()),
            "table": check, "off": check[check["source_agrees"].eq(False)].reset_index(drop=True)}
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
        "audit_size_checked": f"{len(a['size_check']):,}",
        "audit_size_off": f"{int(a['size_check']['off'].sum()):,} ({_pct(int(a['size_check']['off'].sum()), len(a['size_check']))})",
        **{f"audit_maker_{chart}": "not built" for chart in ("size_vs_mmlu", "staircase")},
        **{f"audit_maker_{chart}": _maker_text(m) for chart, m in a["maker"].items()},
    }


def _maker_text(m: dict) -> str:
    return (f"{m['with_maker']} of {m['values']} values have the maker's number in the same setting, {m['agree']} of them "
            f"within {MAKER_TOLERANCE:g} point; without the curated numbers, {m['sources_off']} of {m['sources_compared']} "
            f"({_pct(m['sources_off'], m['sources_compared'])}) would be more than {MAKER_TOLERANCE:g} point off")


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
    sc = a["size_check"]
    lines.append(f"Maker-cited totals that a source also gives: {len(sc)}; the highest-ranked source's total more than "
                 f"{SIZE_TOLERANCE:.0%} off the maker's: {int(sc['off'].sum())} ({_pct(int(sc['off'].sum()), len(sc))}): "
                 "the error rate of the sources alone, where it can be checked")
    lines += [f"  {r.model_id}: {r.source} {r.source_b:g}B, maker {r.maker_b:g}B" for r in sc[sc["off"]].itertuples()]
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
    names = {"size_vs_mmlu": "size vs MMLU", "staircase": "MMLU staircases"}
    if a["maker"]:
        lines.append("MMLU values the headline charts use, against the maker's number in the same setting "
                     "(data/raw/curated/scores.csv):")
    for chart, m in a["maker"].items():
        n = m["table"]["setting"].nunique()
        settings = m["table"]["setting"].iloc[0] if n == 1 else f"{n} settings"
        lines.append(f"  {names.get(chart, chart)} ({settings}): {m['values']} values; {m['with_maker']} with a maker number, "
                     f"{m['agree']} of them within {MAKER_TOLERANCE:g} point ({_pct(m['agree'], m['with_maker'])})")
        lines.append(f"    the sources alone (the value used without the curated one): {m['sources_compared']} compared, "
                     f"{m['sources_off']} more than {MAKER_TOLERANCE:g} point off the maker "
                     f"({_pct(m['sources_off'], m['sources_compared'])})")
        lines += [f"      {r.model_id} ({r.setting}): {r.other_source} {r.source_value:g}, maker {r.maker_value:g}"
                  for r in m["off"].drop_duplicates(KEY).itertuples()]
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
