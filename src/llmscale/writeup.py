"""09_writeup: FINDINGS.md filled from this build's processed tables, and the figure gallery.

The template (``templates/FINDINGS.md.in``) holds the prose with ``{placeholders}``; every
placeholder is a number or table computed here from ``data/processed``, so a changed raw
file changes the write-up on the next ``make figures``. A placeholder the template names
but :func:`numbers` does not compute stops the run.
"""

from __future__ import annotations

import math
import re
import string
from pathlib import Path

import pandas as pd

from .io import read_table
from .settings import benchmark_label as bench_name


HEADLINE_MIN_MODELS = 20  # the best fit quoted in the write-up rests on at least this many models


def _fmt(x, digits=1) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    return f"{x:,.{digits}f}"


def _md_table(df: pd.DataFrame) -> str:
    if df.empty:
        return "*(no rows in this build)*"
    cols = list(df.columns)
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for _, r in df.iterrows():
        lines.append("| " + " | ".join(str(r[c]).replace("|", "/") for c in cols) + " |")
    return "\n".join(lines)


def _read(pdir: Path, name: str) -> pd.DataFrame:
    p = pdir / name
    return read_table(p, dtype={"source_row": str}) if p.exists() else pd.DataFrame()


def numbers(processed_dir) -> dict[str, str]:
    """Every value the write-up quotes, as text, from the processed tables."""
    pdir = Path(processed_dir)
    out: dict[str, str] = {}
    models, scores = _read(pdir, "models.csv"), _read(pdir, "scores.csv")
    out["n_models"] = f"{len(models):,}"
    out["n_scores"] = f"{len(scores):,}"
    out["n_sources"] = str(scores["source"].nunique())
    sized = models[models["total_params_b"].notna()]
    out["n_sized"] = f"{len(sized):,}"
    mm = set(scores.loc[scores["benchmark"].isin(["mmlu", "mmlu_pro"]), "model_id"])
    out["n_sized_mmlu"] = f"{sized['model_id'].isin(mm).sum():,}"
    moe = models[(models["architecture"] == "moe") & models["total_params_b"].notna() & models["active_params_b"].notna()]
    out["n_moe_sized"] = str(len(moe))
    out["n_dated"] = f"{models['release_date'].notna().sum():,}"
    out["n_rumoured"] = str(models["rumoured_total_params_b"].notna().sum())
    conflicts = _read(pdir, "conflicts.csv")
    out["n_conflicts"] = str(len(conflicts))

    # size vs score
    fr = _read(pdir, "size_vs_mmlu_frontier.csv")
    ours = fr[fr["dataset"].str.contains(" · ", regex=False)] if len(fr) else fr
    rows = []
    for ds, g in ours.groupby("dataset", sort=True):
        top = g[g["on_frontier"].astype(str).str.lower() == "true"].sort_values("score").groupby("size_class").tail(1)
        for r in top.sort_values("total_params_b").itertuples(index=False):
            rows.append({"chart": ds, "size class": r.size_class, "best model": r.label,
                         "total (B)": _fmt(r.total_params_b, 1), "score": _fmt(r.score)})
    out["frontier_table"] = _md_table(pd.DataFrame(rows))

    # prediction
    met = _read(pdir, "predict_metrics.csv")
    kf = met[met["scheme"] == "repeated_kfold"].sort_values("r2", ascending=False) if len(met) else met
    priced = kf[kf["covariates"].astype(str).str.contains("log10_price")] if len(kf) else kf
    out["price_specs"] = ("; ".join(f"{r.spec}: R² {_fmt(r.r2, 2)} on {int(r.n_models)} models" for r in priced.itertuples())
                          or "none (too few open models with a price)")
    kf = kf[kf["n_models"] >= HEADLINE_MIN_MODELS] if len(kf) else kf  # a headline needs a fit on enough models
    if len(kf):
        best = kf.iloc[0]
        out["best_spec"] = best["spec"]
        out["best_r2"] = _fmt(best["r2"], 2)
        out["best_mae_log10"] = _fmt(best["mae_log10"], 2)
        out["best_mae_factor"] = _fmt(10 ** best["mae_log10"], 1)
        out["best_coverage"] = f"{best['coverage']:.0%}"
        out["n_specs"] = str(kf["spec"].nunique())
        lfo = met[(met["spec"] == best["spec"]) & (met["scheme"] == "leave_family_out")]
        out["best_r2_lfo"] = _fmt(lfo["r2"].iloc[0], 2) if len(lfo) else "n/a"
        out["coverage_range"] = f"{kf['coverage'].min():.0%} to {kf['coverage'].max():.0%}"
        mp = kf[(kf["benchmark"] == "mmlu_pro") & (kf["covariates"] == "score alone")]
        out["mmlu_pro_r2"] = _fmt(mp["r2"].iloc[0], 2) if len(mp) else "n/a"
    else:
        for k in ("best_spec", "best_r2", "best_mae_log10", "best_mae_factor", "best_coverage", "n_specs", "best_r2_lfo",
                  "coverage_range", "mmlu_pro_r2"):
            out[k] = "n/a"
    closed = _read(pdir, "predict_closed.csv")
    if len(closed):
        t = closed[closed["model_id"].str.contains(r"gpt-5|gemini-3|(?:opus|sonnet|haiku)-4[-.]5", regex=True)]
        t = t.assign(**{"estimate (B)": t["estimate_b"].map(lambda v: _fmt(v, 0)),
                        "90 % interval (B)": [f"{_fmt(a, 0)}-{_fmt(b, 0)}" for a, b in zip(t["low_b"], t["high_b"])],
                        "outside training range": t["extrapolated"].astype(str).str.lower().map({"true": "yes", "false": "no"})})
        out["closed_table"] = _md_table(t[["model_id", "spec", "score", "estimate (B)", "90 % interval (B)", "outside training range"]]
                                        .sort_values(["model_id", "spec"]))
    else:
        out["closed_table"] = _md_table(pd.DataFrame())

    # over time
    out.update(_over_time(pdir))

    q = scores[(scores["model_id"] == "qwen/qwen1.5-moe-a2.7b") & (scores["benchmark"] == "mmlu")] if len(scores) else scores
    qm = models[models["model_id"] == "qwen/qwen1.5-moe-a2.7b"]
    active = qm["active_params_b"].iloc[0] if len(qm) else float("nan")
    if len(q):
        out["qwen_moe_note"] = (f"Qwen1.5-MoE-A2.7B ({_fmt(active)}B active) scores {', '.join(_fmt(v) for v in sorted(q['value']))} "
                                "on MMLU in these sources")
    else:
        out["qwen_moe_note"] = (f"Qwen1.5-MoE-A2.7B ({_fmt(active)}B active) has no MMLU score in these sources, so the "
                                "story's last step cannot be checked here")

    # dense vs moe
    out.update(_dense_vs_moe(_read(pdir, "dense_vs_moe.csv")))

    ne = _read(pdir, "non_embedding.csv")
    out["n_non_embedding"] = str(len(ne))
    out["n_non_embedding_all"] = str(models["non_embedding_params_b"].notna().sum())
    out["non_embedding_fit"] = _non_embedding_fit(ne)

    cl = _read(pdir, "claims.csv")
    out["claims_table"] = _md_table(cl[["claim_id", "verdict", "reason"]]) if len(cl) else _md_table(pd.DataFrame())
    counts = cl["verdict"].value_counts() if len(cl) else pd.Series(dtype=int)
    out["claims_counts"] = ", ".join(f"{int(counts.get(v, 0))} {v}" for v in ("supported", "contradicted", "not checkable"))
    return out


def _months(v) -> str:
    return "no upper end" if v == math.inf else _fmt(v)


def _over_time(pdir: Path) -> dict[str, str]:
    """The over-time section: distinct halving fits, the headline cells and how they move."""
    out: dict[str, str] = {}
    from .over_time import FIT_COLUMNS

    halv = _read(pdir, "over_time_halving.csv")
    halv = halv.reindex(columns=FIT_COLUMNS)  # a table from before the as-of fit lacks the window columns
    fitted = halv[halv["status"] == "fitted"] if len(halv) else halv
    same = halv["same_as"].notna() if len(halv) else pd.Series(dtype=bool)
    out["n_halving_fitted"] = str(len(fitted))
    out["n_halving_same"] = str(int(same.sum()))
    out["n_halving_refused"] = str(len(halv) - len(fitted) - int(same.sum()))
    out["n_halving_cells"] = str(len(halv))
    if len(fitted):
        from .over_time import distinct_fits

        d = distinct_fits(halv).sort_values(["steps", "halving_months"], ascending=[False, True], kind="mergesort")
        out["halving_table"] = _md_table(pd.DataFrame({
            "staircase": d["label"], "steps": d["steps"].astype(int),
            "window": [f"{a} to {b}" for a, b in zip(d["window_start"], d["window_end"])],
            "halving (months)": d["halving_months"].map(_fmt),
            "90 % interval": [f"{_fmt(a)} to {_months(b)}" for a, b in zip(d["low_90"], d["high_90"])]}))
        out["halving_median"] = _fmt(d["halving_months"].median())
        out["halving_range"] = f"{_fmt(d['halving_months'].min())} to {_fmt(d['halving_months'].max())}"
        out["halving_open"] = str(int((d["high_90"] == math.inf).sum()))
        out["halving_densing"] = str(int(((d["low_90"] <= 3.5) & (d["high_90"] >= 3.3)).sum()))
    else:
        out["halving_table"] = _md_table(pd.DataFrame())
        for k in ("halving_median", "halving_range", "halving_open", "halving_densing"):
            out[k] = "n/a"
    sens = _read(pdir, "over_time_sensitivity.csv")
    lines = []
    if len(sens):
        sens = sens.assign(end_rule=sens["end_rule"].fillna(""))
        for (bench, setting, measure), g in sens.groupby(["benchmark", "setting", "measure"], sort=False):
            ends = g[g["vary"] == "window end"]
            rule = lambda r: ends[ends["end_rule"].str.split("; ").map(lambda rules: r in rules)]  # noqa: E731
            own, last, data = rule("setting"), rule("last step"), rule("data")
            if not len(own) or own["status"].iloc[0] != "fitted":
                lines.append(f"- {bench_name(bench)} ≥ {ends['threshold'].iloc[0]:g} ({setting}, {measure}): not fitted "
                             f"({own['status'].iloc[0] if len(own) else 'no staircase'}).")
                continue
            o = own.iloc[0]
            thr = g[(g["vary"] == "threshold") & (g["status"] == "fitted")]
            lines.append(
                f"- {bench_name(bench)} ≥ {o['threshold']:g} ({setting}, {measure} parameters): **{_fmt(o['halving_months'])} months** "
                f"(90 % interval {_fmt(o['low_90'])} to {_months(o['high_90'])}) with the window to the setting's last release "
                f"({o['window_end']}); {_fmt(last['halving_months'].iloc[0])} if it stops at the last record "
                f"({last['window_end'].iloc[0]}), {_fmt(data['halving_months'].iloc[0])} if it runs to the data's last release "
                f"({data['window_end'].iloc[0]}); " + (
                    f"from {_fmt(thr['halving_months'].min())} to {_fmt(thr['halving_months'].max())} over the {len(thr)} "
                    f"thresholds within 10 points that have enough steps ({', '.join(f'{t:g}' for t in thr['threshold'])})."
                    if len(thr) > 1 else "no other threshold within 10 points has enough steps for a fit."))
    out["halving_headline"] = "\n".join(lines) or "*(no headline staircase in this build)*"
    steps = _read(pdir, "over_time_steps.csv")
    story = steps[(steps["benchmark"] == "mmlu") & (steps["threshold"] == 60) & (steps["measure"] == "total")
                  & (steps["setting"] == "variant not stated, shots not stated")].sort_values("release_date") if len(steps) else steps
    out["mmlu60_steps"] = " → ".join(f"{m.split('/')[-1]} ({d}, {p:g}B)" for m, d, p in
                                     zip(story["model_id"], story["release_date"], story["params_b"])) or "n/a"
    return out


MOE_HEADLINE = ("mmlu_pro", "instruct, 0-shot, CoT")  # one harness (Swallow) and the most MoE models


def _dense_vs_moe(dvm: pd.DataFrame) -> dict[str, str]:
    """The dense-vs-MoE section: the headline setting's effects and the table of settings."""
    from .presenting import effect

    out: dict[str, str] = {}
    if "fit" not in dvm.columns:  # no comparison in this build (or a table from before the lineage-clustered fits)
        dvm = pd.DataFrame(columns=["benchmark", "setting", "fit", "term"])
    bench, setting = MOE_HEADLINE
    ci = lambda r: f"{r['points']:+.1f} points (95 % CI {r['low']:+.1f} to {r['high']:+.1f})"  # noqa: E731
    per = lambda r: f"{r['points']:.1f} points per tenfold ({r['low']:.1f} to {r['high']:.1f})"  # noqa: E731
    rows = {f: effect(dvm, bench, setting, f) if len(dvm) else None
            for f in ("equal total", "equal total + date", "equal active", "equal active + date")}
    split = {t: effect(dvm, bench, setting, "total + active + date", t) if len(dvm) else None
             for t in ("log10_total", "log10_active")}
    out["moe_setting"] = f"{bench_name(bench)}, {setting}"
    if rows["equal total"] is None:
        for k in ("moe_total", "moe_total_date", "moe_active", "moe_active_date", "moe_split_total", "moe_split_active",
                  "moe_n", "moe_lineages", "dense_n", "dense_lineages"):
            out[k] = "n/a"
    else:
        r = rows["equal total"]
        out |= {"moe_total": ci(r), "moe_total_date": ci(rows["equal total + date"]), "moe_active": ci(rows["equal active"]),
                "moe_active_date": ci(rows["equal active + date"]), "moe_split_total": per(split["log10_total"]),
                "moe_split_active": per(split["log10_active"]), "moe_n": str(int(r["n_moe"])),
                "moe_lineages": str(int(r["n_moe_lineages"])), "dense_n": str(int(r["n_dense"])),
                "dense_lineages": str(int(r["n_dense_lineages"]))}
    table = []
    if len(dvm):
        for (b, s), g in dvm.groupby(["benchmark", "setting"], sort=True):
            a, d = effect(g, b, s, "equal total"), effect(g, b, s, "equal total + date")
            t, v = effect(g, b, s, "total + active + date", "log10_total"), effect(g, b, s, "total + active + date", "log10_active")
            table.append({"benchmark": bench_name(b), "setting": s,
                          "MoE models (lineages)": f"{int(a['n_moe'])} ({int(a['n_moe_lineages'])})",
                          "dense models (lineages)": f"{int(a['n_dense'])} ({int(a['n_dense_lineages'])})",
                          "MoE - dense, equal total": f"{a['points']:+.1f} ({a['low']:+.1f} to {a['high']:+.1f})",
                          "with date": f"{d['points']:+.1f} ({d['low']:+.1f} to {d['high']:+.1f})",
                          "per tenfold total / active (with date)": f"{t['points']:.1f} / {v['points']:.1f}"})
    out["moe_table"] = _md_table(pd.DataFrame(table))
    out["n_moe_settings"] = str(len(table))
    return out


def _non_embedding_fit(ne: pd.DataFrame) -> str:
    """One sentence on the Memory3 chart's fit, from the points ``07_non_embedding`` wrote."""
    from .non_embedding import fit_residuals

    if not len(ne):
        return "No model has both yet, so there is no fit."
    d, fit = fit_residuals(ne.drop(columns=["beats_its_size", "residual"], errors="ignore"), top=len(ne))
    if fit is None:
        return f"{len(d)} models are too few for a fit."
    slope = fit.params["log10_x"]
    above = ne[ne["beats_its_size"].astype(str).str.lower() == "true"].sort_values("residual", ascending=False)
    names = ", ".join(f"{m.split('/')[-1]} ({r:+.1f})" for m, r in zip(above["model_id"], above["residual"]))
    return (f"The average rises {slope:.1f} points per tenfold non-embedding parameters (OLS, R² {fit.rsquared:.2f}, "
            f"{len(d)} models); furthest above the line, in points: {names or 'none'}.")


def render(template: str, values: dict[str, str], template_name: str = "template") -> str:
    names = {f for _, f, _, _ in string.Formatter().parse(template) if f}
    missing = sorted(names - set(values))
    if missing:
        raise KeyError(f"{template_name}: no value computed for {missing}")
    return template.format_map(values)


def placeholders(template: str) -> set[str]:
    return {m for m in re.findall(r"{([a-z0-9_]+)}", template)}
