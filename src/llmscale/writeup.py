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

from . import audit
from .display import display_name
from .io import read_table
from .settings import benchmark_label as bench_name


HEADLINE_MIN_MODELS = 20  # a fit quoted in the write-up rests on at least this many models
SCHEME_NAMES = {"repeated_kfold": "random K-fold", "grouped_kfold": "lineage K-fold", "leave_lineage_out": "leave-lineage-out",
                "time_split": "time split", "external": "external set"}
CLOSED_TARGETS = r"gpt-5|gemini-3|(?:opus|sonnet|haiku)-4[-.]5"


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
    out.update(audit.numbers(pdir))

    # size vs score
    fr = _read(pdir, "size_vs_mmlu_frontier.csv")
    ours = fr[fr["dataset"].str.contains(" · ", regex=False)] if len(fr) else fr
    rows = []
    for ds, g in ours.groupby("dataset", sort=True):
        top = g[g["on_frontier"].astype(str).str.lower() == "true"].sort_values("score").groupby("size_class").tail(1)
        for r in top.sort_values("total_params_b").itertuples(index=False):
            bench, _, setting = ds.partition(" · ")
            rows.append({"chart": f"{bench_name(bench)} · {setting}", "size class": r.size_class,
                         "best model": display_name(r.label),
                         "total (B)": _fmt(r.total_params_b, 1), "score": _fmt(r.score)})
    out["frontier_table"] = _md_table(pd.DataFrame(rows))

    # prediction
    out.update(_prediction(pdir))

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

    from .post_benchmarks import writeup_numbers

    out.update(writeup_numbers(pdir))

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


def _pct(v) -> str:
    return "n/a" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:.0%}"


def _range(values, fmt) -> str:
    v = pd.Series(values, dtype=float).dropna()
    return "n/a" if v.empty else f"{fmt(v.min())} to {fmt(v.max())}"


def _prediction(pdir: Path) -> dict[str, str]:
    """The prediction section: the pre-registered headline fit under every scheme, the other
    main fits, the external set, the date term, pooling, and the closed models the eligible
    fits predict (see :mod:`llmscale.predict_params`)."""
    from .predict_params import HEADLINE_RULE, closed_eligibility, headline_spec

    out: dict[str, str] = {}
    met = _read(pdir, "predict_metrics.csv")
    own = (met[~met["covariates"].astype(str).str.contains("pooled") & ~met["setting"].astype(str).str.startswith("pooled")]
           if len(met) else met)  # each setting's own fits; the pooled ones are reported apart
    keys = ("n_specs", "headline_rule", "headline_spec", "headline_models", "headline_lineages", "headline_table",
            "main_specs_table", "grouping_effect", "median_r2_random", "median_r2_grouped", "coverage_over_100b_range",
            "coverage_all_range", "models_per_lineage", "headline_n_over_100b", "external_summary", "date_summary", "pooled_summary", "n_specs_total", "n_eligible",
            "n_refused_target", "n_refused_lineages", "n_refused_r2", "price_specs")
    if own.empty or headline_spec(own) is None:
        out.update({k: "n/a" for k in keys})
        out["headline_table"] = out["main_specs_table"] = _md_table(pd.DataFrame())
    else:
        out["headline_rule"] = HEADLINE_RULE
        head = headline_spec(own)
        h = own[own["spec"] == head].set_index("scheme")
        out["headline_spec"] = head
        out["headline_models"] = str(int(h["n_models"].iloc[0]))
        out["headline_lineages"] = str(int(h["n_lineages"].iloc[0]))
        out["headline_n_over_100b"] = (str(int(h.at["leave_lineage_out", "n_over_100b"])) if "leave_lineage_out" in h.index
                                       else "n/a")  # each model is held out once there
        out["headline_table"] = _md_table(pd.DataFrame([{
            "scheme": SCHEME_NAMES.get(sc, sc), "predictions": int(r["n"]), "R²": _fmt(r["r2"], 2),
            "MAE (log10)": _fmt(r["mae_log10"], 2), "coverage": _pct(r["coverage"]),
            "under 10B": _pct(r["coverage_under_10b"]), "10-100B": _pct(r["coverage_10_100b"]),
            "over 100B": _pct(r["coverage_over_100b"])} for sc, r in h.reindex(list(SCHEME_NAMES)).dropna(how="all").iterrows()]))
        alone = own[(own["covariates"] == "score alone") & (own["n_lineages"] >= HEADLINE_MIN_MODELS)]
        wide = alone.pivot_table(index="spec", columns="scheme", values="r2", aggfunc="first")
        g = alone[alone["scheme"] == "grouped_kfold"].set_index("spec")
        out["main_specs_table"] = _md_table(pd.DataFrame([{
            "fit": sp, "lineages": int(g.at[sp, "n_lineages"]),
            **{f"R² {SCHEME_NAMES[sc]}": _fmt(wide.at[sp, sc], 2) if sc in wide.columns else "n/a" for sc in SCHEME_NAMES},
            "coverage over 100B": _pct(g.at[sp, "coverage_over_100b"])} for sp in sorted(g.index)]))
        med_r = float(wide["repeated_kfold"].median()) if "repeated_kfold" in wide else math.nan
        med_g = float(wide["grouped_kfold"].median()) if "grouped_kfold" in wide else math.nan
        out["median_r2_random"], out["median_r2_grouped"] = _fmt(med_r, 2), _fmt(med_g, 2)
        out["models_per_lineage"] = _fmt(float((g["n_models"] / g["n_lineages"]).median()), 1) if len(g) else "n/a"
        drop = med_r - med_g
        out["grouping_effect"] = ("Keeping lineages apart costs these fits little" if not drop > 0.05 else
                                  "Random folds over models flatter these fits")
        out["coverage_over_100b_range"] = _range(g["coverage_over_100b"], _pct)
        out["coverage_all_range"] = _range(g["coverage"], _pct)
        out["external_summary"] = _external_summary(pdir, own)
        out["date_summary"] = _date_summary(own)
        out["pooled_summary"] = _pooled_summary(met)
        out["n_specs"] = str(own["spec"].nunique())
        el = closed_eligibility(own)
        out["n_specs_total"] = str(len(el))
        out["n_eligible"] = str(int(el["eligible"].sum()))
        why = el["why_not"].astype(str)
        out["n_refused_target"] = str(int(why.str.startswith("uses").sum()))
        out["n_refused_lineages"] = str(int(why.str.contains("lineages").sum()))
        out["n_refused_r2"] = str(int(why.str.startswith("grouped").sum()))
        priced = own[(own["scheme"] == "grouped_kfold") & own["covariates"].astype(str).str.contains("log10_price")]
        out["price_specs"] = ("; ".join(f"{r.spec}: {int(r.n_lineages)} lineages" for r in priced.sort_values("spec").itertuples())
                              or "none")
    closed = _read(pdir, "predict_closed.csv")
    if len(closed):
        ok = closed["eligible"].astype(str).str.lower().eq("true")
        t = closed[ok & closed["model_id"].str.contains(CLOSED_TARGETS, regex=True)]
        t = t.assign(**{"estimate (B)": t["estimate_b"].map(lambda v: _fmt(v, 0)),
                        "90 % interval (B)": [f"{_fmt(a, 0)}-{_fmt(b, 0)}" for a, b in zip(t["low_b"], t["high_b"])],
                        "fit's lineage R²": t["r2_grouped_kfold"].map(lambda v: _fmt(v, 2)),
                        "outside training range": t["extrapolated"].astype(str).str.lower().map({"true": "yes", "false": "no"})})
        out["closed_table"] = _md_table(t[["model_id", "spec", "score", "estimate (B)", "90 % interval (B)", "fit's lineage R²",
                                           "outside training range"]].sort_values(["model_id", "spec"]))
    else:
        out["closed_table"] = _md_table(pd.DataFrame())
    return out


def _external_summary(pdir: Path, met: pd.DataFrame) -> str:
    ext = _read(pdir, "predict_external.csv")
    em = met[(met["scheme"] == "external") & (met["n"] > 0)] if len(met) else met
    if ext.empty or em.empty:
        return "No closed model with a published size has a score in a fitted setting, so there is no external test."
    names = ", ".join(m.split("/")[-1] for m in sorted(ext["model_id"].unique()))
    alone = ext[~ext["spec"].str.contains(" + ", regex=False)]
    worst = alone.assign(ratio=alone["estimate_b"] / alone["total_params_b"]).sort_values("ratio").iloc[0] if len(alone) else None
    worst_text = (f" The furthest miss: {worst['model_id'].split('/')[-1]} ({_fmt(worst['total_params_b'], 0)}B published) "
                  f"predicted at {_fmt(worst['estimate_b'], 0)}B (90 % interval {_fmt(worst['low_b'], 0)}-"
                  f"{_fmt(worst['high_b'], 0)}B) by {worst['spec']}." if worst is not None else "")
    return (f"The external set, {ext['model_id'].nunique()} closed models whose makers published their size ({names}), was "
            f"never trained on; {em['spec'].nunique()} fits have their scores, all in settings whose sources do not state "
            f"the variant. Their intervals covered {_pct(ext['covered'].astype(str).str.lower().eq('true').mean())} of "
            f"these predictions (R² per fit {_range(em['r2'], lambda v: _fmt(v, 2))}).{worst_text}")


def _date_summary(met: pd.DataFrame) -> str:
    ts = met[met["scheme"] == "time_split"]
    alone = ts[ts["covariates"] == "score alone"].set_index(["benchmark", "setting"])
    dated = ts[ts["covariates"] == "release_years"].set_index(["benchmark", "setting"])
    both = alone[["r2", "bias_log10"]].join(dated[["r2", "bias_log10"]].add_suffix("_dated"), how="inner").dropna()
    if both.empty:
        return "No setting has enough models on both sides of the time split to test a release-date term."
    better = int((both["r2_dated"] > both["r2"]).sum())
    return (f"A release-date term (years since 2020-01-01) was tested on the time split in {len(both)} settings: it raised "
            f"the R² on the later models in {better} of them (median {_fmt(both['r2'].median(), 2)} without, "
            f"{_fmt(both['r2_dated'].median(), 2)} with) and moved the median mean signed error from "
            f"{both['bias_log10'].median():+.2f} to {both['bias_log10_dated'].median():+.2f} in log10 (above 0: too large). "
            "`predict_total_params(..., release_date=...)` uses it where it exists and names the fit it used.")


def _pooled_summary(met: pd.DataFrame) -> str:
    p = met[met["covariates"] == "score alone, pooled"] if len(met) else met
    if p.empty or "setting" not in met:
        return "No benchmark had two settings sharing enough models to pool them."
    own = met[(met["scheme"] == "grouped_kfold") & (met["covariates"] == "score alone")].set_index(["benchmark", "setting"])
    pr = p.set_index(["benchmark", "setting"])[["r2"]].join(own[["r2"]].rename(columns={"r2": "r2_own"}), how="inner")
    better = int((pr["r2"] > pr["r2_own"]).sum())
    benches = ", ".join(sorted(p["benchmark"].unique()))
    return (f"Pooling the settings of a benchmark into one fit, each setting's scores shifted by an offset estimated "
            f"from the models measured in both it and the most-populated setting, gave a higher lineage-K-fold R² than "
            f"the setting's own fit in {better} of {len(pr)} settings ({benches}); the per-setting fits stay the default.")


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
