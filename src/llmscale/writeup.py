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
    halv = _read(pdir, "over_time_halving.csv")
    fitted = halv[halv["status"] == "fitted"] if len(halv) else halv
    out["n_halving_fitted"] = str(len(fitted))
    out["n_halving_refused"] = str(len(halv) - len(fitted))
    head = fitted.sort_values(["steps", "benchmark", "setting"], ascending=[False, True, True]).head(6)
    out["halving_table"] = _md_table(pd.DataFrame({
        "benchmark": head["benchmark"], "setting": head["setting"], "threshold": head["threshold"].map(lambda v: f"{v:g}"),
        "measure": head["measure"], "steps": head["steps"].astype(int),
        "halving (months)": head["halving_months"].map(lambda v: _fmt(v)),
        "90 % interval": [f"{_fmt(a)}-{_fmt(b)}" for a, b in zip(head["low_90"], head["high_90"])]}))
    steps = _read(pdir, "over_time_steps.csv")
    story = steps[(steps["benchmark"] == "mmlu") & (steps["threshold"] == 60) & (steps["measure"] == "total")
                  & (steps["setting"] == "variant not stated, shots not stated")].sort_values("release_date") if len(steps) else steps
    out["mmlu60_steps"] = " → ".join(f"{m.split('/')[-1]} ({d}, {p:g}B)" for m, d, p in
                                     zip(story["model_id"], story["release_date"], story["params_b"])) or "n/a"

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
    dvm = _read(pdir, "dense_vs_moe.csv")
    for measure in ("total", "active"):
        r = dvm[(dvm["benchmark"] == "mmlu_pro") & (dvm["measure"] == measure)] if len(dvm) else dvm
        if len(r):
            r = r.sort_values("n_moe", ascending=False).iloc[0]
            out[f"moe_{measure}"] = f"{r['moe_minus_dense_points']:+.1f} points (95 % CI {r['low']:+.1f} to {r['high']:+.1f})"
            out["moe_setting"], out["moe_n"], out["dense_n"] = r["setting"], str(int(r["n_moe"])), str(int(r["n_dense"]))
        else:
            out[f"moe_{measure}"] = "n/a"
            out.setdefault("moe_setting", "n/a"), out.setdefault("moe_n", "0"), out.setdefault("dense_n", "0")

    ne = _read(pdir, "non_embedding.csv")
    out["n_non_embedding"] = str(len(ne))
    out["n_non_embedding_all"] = str(models["non_embedding_params_b"].notna().sum())
    out["non_embedding_fit"] = _non_embedding_fit(ne)

    from .post_benchmarks import writeup_numbers

    out.update(writeup_numbers(pdir))

    cl = _read(pdir, "claims.csv")
    out["claims_table"] = _md_table(cl[["claim_id", "verdict", "reason"]]) if len(cl) else _md_table(pd.DataFrame())
    counts = cl["verdict"].value_counts() if len(cl) else pd.Series(dtype=int)
    out["claims_counts"] = ", ".join(f"{int(counts.get(v, 0))} {v}" for v in ("supported", "contradicted", "not checkable"))
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
