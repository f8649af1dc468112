"""05_predict_params: which benchmark scores predict total parameters, and what they say of
closed models.

Training labels are open-weight models whose total comes from a source or a curated fact
(``models.csv``); closed models are never labels, whatever size is rumoured for them. Each
(benchmark, setting) is fitted on its own: a score is only compared with scores taken in the
same setting (variant, shots, chain of thought; see
:func:`llmscale.over_time.setting_label`), one per model, from the highest-ranked source.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from . import fit
from .io import read_table
from .reconcile import source_rank
from .settings import benchmark_label, setting_label
from .tables import MODELS, PRICES, SCORES

# The numbers published in "Predicting LLM Parameters Using Benchmarks" (January 2026), as
# quoted in this project's issue tracker; each is compared with ours in the notebook.
PUBLISHED = pd.DataFrame([
    {"benchmark": "aa_omniscience_accuracy", "covariates": "score alone", "published_r2": 0.84, "published_note": "cross-validated R²"},
    {"benchmark": "mmlu_pro", "covariates": "score alone", "published_r2": 0.75, "published_note": "cross-validated R²"},
    {"benchmark": "aa_intelligence_index", "covariates": "score alone", "published_r2": 0.07, "published_note": "cross-validated R²"},
    {"benchmark": "tau2_bench", "covariates": "score alone", "published_r2": -math.inf, "published_note": "negative R²"},
    {"benchmark": "gdpval", "covariates": "score alone", "published_r2": -math.inf, "published_note": "negative R²"},
    {"benchmark": "any", "covariates": "log10_price", "published_r2": math.nan,
     "published_note": "adding price made every fit worse; MAE about 150-235B parameters"},
])


def _one_per_model(scores: pd.DataFrame) -> pd.DataFrame:
    s = scores.copy()
    s["setting"] = setting_label(s)
    s["rank"] = source_rank(s["source"])
    s = s.sort_values(["rank", "source", "source_row"], kind="mergesort")
    return s.drop_duplicates(["model_id", "benchmark", "setting"])


def current_prices(prices: pd.DataFrame) -> pd.Series:
    """log10 of each model's current blended price (USD per 1M tokens); where two sources
    price one model, the lower current price (a model is bought at its cheapest listing)."""
    p = prices[prices["current"].astype(str).str.lower().eq("true") & (prices["usd_per_1m_blended"] > 0)]
    return np.log10(p.groupby("model_id")["usd_per_1m_blended"].min())


def model_lineages(models: pd.DataFrame) -> pd.Series:
    """Each model's lineage: the ``lineage`` column of ``models.csv`` where it has one, else
    :func:`llmscale.fit.derive_lineages` over the whole model table (so that two models are
    linked through a third that has no score)."""
    return fit.lineages(models.reset_index(drop=True)).set_axis(models.index)


def frames(processed_dir, benchmarks, harness: str | None = None) -> pd.DataFrame:
    """One row per (model, benchmark, setting): the score, the model's total (labels only for
    open models; ``external``: closed models whose maker published the size, never trained
    on), lineage, family, date, weights, the price and the active:total ratio. ``harness``
    keeps only the scores of that harness (``artificial-analysis``: AA's own runs)."""
    pdir = Path(processed_dir)
    scores = read_table(pdir / SCORES, dtype={"source_row": str})
    models = read_table(pdir / MODELS)
    prices = read_table(pdir / PRICES, dtype={"source_row": str})
    keep = scores["benchmark"].isin(benchmarks)
    if harness is not None:
        keep &= scores["harness"].eq(harness)
    s = _one_per_model(scores[keep])
    models = models.assign(lineage=model_lineages(models))
    m = models[["model_id", "name", "family", "lineage", "weights", "release_date", "total_params_b", "active_params_b",
                "architecture", "rumoured_total_params_b"]].copy()
    m["active_ratio"] = (m["active_params_b"] / m["total_params_b"]).where(m["architecture"] == "moe")
    m.loc[m["architecture"] == "dense", "active_ratio"] = 1.0
    m["log10_price"] = m["model_id"].map(current_prices(prices))
    out = s[["model_id", "benchmark", "setting", "value", "source", "source_row"]].rename(columns={"value": "score"})
    out = out.merge(m, on="model_id", how="left")
    out["label"] = out["weights"].eq("open") & out["total_params_b"].notna()
    out["external"] = out["weights"].eq("closed") & out["total_params_b"].notna()
    return out.sort_values(["benchmark", "setting", "model_id"]).reset_index(drop=True)


def specs(data: pd.DataFrame, min_models: int, covariates=(("log10_price",), ("active_ratio",), ("release_years",)),
          min_varied: int = 5) -> list[fit.Spec]:
    """Every (benchmark, setting) with at least ``min_models`` labelled models, alone and with
    each covariate that at least ``fit.MIN_MODELS`` of them have and that varies: at least
    ``min_varied`` of them differ from the most common value (``active_ratio`` is 1 for every
    dense model, so it needs MoE models to say anything)."""
    out = []
    for (bench, setting), g in data[data["label"]].groupby(["benchmark", "setting"], sort=True):
        if len(g) < min_models:
            continue
        out.append(fit.Spec(bench, setting))
        if "release_years" not in g.columns:
            g = g.assign(release_years=fit.release_years(fit.release_dates(g)))
        for cov in covariates:
            have = g.dropna(subset=list(cov))
            varied = all((have[c] != have[c].mode().iloc[0]).sum() >= min_varied for c in cov) if len(have) else False
            if len(have) >= fit.MIN_MODELS and varied:
                out.append(fit.Spec(bench, setting, cov))
    return out


def train(data: pd.DataFrame, spec: fit.Spec) -> pd.DataFrame:
    d = data[(data["benchmark"] == spec.benchmark) & (data["setting"] == spec.setting) & data["label"]]
    return d.reset_index(drop=True)


METRIC_COLUMNS = ["spec", "benchmark", "setting", "covariates", "scheme", "n_models", "n_lineages", "n", "r2", "mae_log10",
                  "rmse_log10", "bias_log10", "mae_b", "rmse_b", "median_abs_error_b", "coverage",
                  *[f"{k}_{b}" for b, _, _ in fit.SIZE_BINS for k in ("n", "coverage", "mae_log10")], "r2_repeat_se"]


def external(data: pd.DataFrame, spec: fit.Spec) -> pd.DataFrame:
    """The external test rows of a spec: closed models with a published size, scored in its setting."""
    d = data[(data["benchmark"] == spec.benchmark) & (data["setting"] == spec.setting) & data["external"]]
    return d.reset_index(drop=True)


def evaluate_all(data, spec_list, cutoff, seed, k, repeats) -> pd.DataFrame:
    """:func:`llmscale.fit.validate` of every spec (lineage groups, the time split at ``cutoff``,
    the external set), one row per spec and scheme."""
    parts = [fit.validate(train(data, sp), sp, "lineage", cutoff, external(data, sp), k, repeats, seed) for sp in spec_list]
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=METRIC_COLUMNS)
    return out[METRIC_COLUMNS]


# --- which fit is quoted, and which may predict a closed model ----------------------------------

HEADLINE_RULE = ("the benchmark and setting whose score-alone fit has the most lineages "
                 "(ties: more models, then the spec's name)")
MIN_LINEAGES_CLOSED = 20  # a fit used on a closed model rests on at least this many lineages
MIN_R2_CLOSED = 0.3  # ... and its grouped-CV R² is at least this


def spec_table(data: pd.DataFrame, spec_list: list[fit.Spec]) -> pd.DataFrame:
    """What is known of each spec before any validation: its models and lineages."""
    rows = []
    for sp in spec_list:
        d = fit.usable(train(data, sp), sp)
        rows.append({"spec": sp.name, "benchmark": sp.benchmark, "setting": sp.setting,
                     "covariates": " + ".join(sp.covariates) or "score alone", "n_models": len(d),
                     "n_lineages": int(d["lineage"].nunique())})
    return pd.DataFrame(rows, columns=["spec", "benchmark", "setting", "covariates", "n_models", "n_lineages"])


def headline_spec(table: pd.DataFrame) -> str | None:
    """The pre-registered headline fit (:data:`HEADLINE_RULE`), None when no score-alone fit
    exists. It reads only ``spec``, ``setting``, ``covariates``, ``n_lineages`` and
    ``n_models``, never a metric, so the choice is fixed before any validation result is
    seen. Pooled fits are not candidates."""
    t = table[["spec", "setting", "covariates", "n_lineages", "n_models"]].drop_duplicates("spec")
    t = t[(t["covariates"] == "score alone") & ~t["setting"].astype(str).str.startswith("pooled")]
    if t.empty:
        return None
    return str(t.sort_values(["n_lineages", "n_models", "spec"], ascending=[False, False, True]).iloc[0]["spec"])


def closed_eligibility(metrics: pd.DataFrame) -> pd.DataFrame:
    """Per spec: may it predict a closed model, and if not why. Refused: a covariate computed
    from the target (``active_ratio`` = active / total: a closed model never has it, and the
    ratio carries the answer), fewer than :data:`MIN_LINEAGES_CLOSED` lineages, or a
    grouped-CV R² under :data:`MIN_R2_CLOSED`."""
    g = metrics[(metrics["scheme"] == "grouped_kfold") & ~metrics["setting"].astype(str).str.startswith("pooled")
                & ~metrics["covariates"].astype(str).str.contains("pooled")].drop_duplicates("spec")
    rows = []
    for r in g.itertuples(index=False):
        target = [c for c in fit.TARGET_DERIVED if c in str(r.covariates).split(" + ")]
        if target:
            why = f"uses {target[0]}, computed from the total it predicts"
        elif r.n_lineages < MIN_LINEAGES_CLOSED:
            why = f"{int(r.n_lineages)} lineages, fewer than {MIN_LINEAGES_CLOSED}"
        elif not r.r2 >= MIN_R2_CLOSED:
            why = f"grouped-CV R² {r.r2:.2f}, under {MIN_R2_CLOSED}"
        else:
            why = ""
        over = metrics[(metrics["spec"] == r.spec) & (metrics["scheme"] == "grouped_kfold")]["coverage_over_100b"]
        rows.append({"spec": r.spec, "eligible": not why, "why_not": why, "r2_grouped_kfold": r.r2,
                     "coverage_over_100b": float(over.iloc[0]) if len(over) else float("nan"),
                     "n_lineages": int(r.n_lineages)})
    return pd.DataFrame(rows, columns=["spec", "eligible", "why_not", "r2_grouped_kfold", "coverage_over_100b", "n_lineages"])


def validation_summary(metrics: pd.DataFrame) -> dict:
    """Spec name -> what :func:`llmscale.fit.save_fits` stores with each fit."""
    g = metrics[metrics["scheme"] == "grouped_kfold"].drop_duplicates("spec")
    return {r.spec: {"n_lineages": int(r.n_lineages), "r2_grouped_kfold": float(r.r2), "coverage_grouped_kfold": float(r.coverage)}
            for r in g.itertuples(index=False)}


def _predict_rows(data, fitted: list[fit.FittedSpec], level, which) -> list[pd.DataFrame]:
    rows = []
    for f in fitted:
        sp = f.spec
        if any(c in fit.TARGET_DERIVED for c in sp.covariates):
            continue
        c = data[(data["benchmark"] == sp.benchmark) & (data["setting"] == sp.setting) & which(data)]
        if "release_years" in sp.covariates:
            c = c.assign(release_years=fit.release_years(fit.release_dates(c)))
        c = c.dropna(subset=sp.columns)
        if not len(c):
            continue
        p = fit.predict(f, c, level)
        rows.append(pd.concat([c[["model_id", "name", "benchmark", "setting", "score", "total_params_b", "source", "source_row",
                                  "rumoured_total_params_b"]].reset_index(drop=True),
                               p.reset_index(drop=True)], axis=1).assign(spec=sp.name, covariates=" + ".join(sp.covariates) or "score alone",
                                                                          n_train=f.n))
    return rows


CLOSED_COLUMNS = ["spec", "benchmark", "setting", "covariates", "model_id", "name", "score", "estimate_b", "low_b", "high_b",
                  "extrapolated", "n_train", "n_lineages", "r2_grouped_kfold", "coverage_over_100b", "eligible", "why_not",
                  "rumoured_total_params_b", "source", "source_row"]
ELIGIBILITY_COLUMNS = ["spec", "eligible", "why_not", "r2_grouped_kfold", "coverage_over_100b", "n_lineages"]


def predict_closed(data, fitted: list[fit.FittedSpec], level=0.90, eligibility: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each closed model without a published size that has a score in a fitted spec's setting
    (and the spec's covariates), with the spec's grouped-CV R², its coverage over 100B and
    whether the spec may be used on a closed model (:func:`closed_eligibility`; pooled fits are
    not candidates, their offsets are a check of pooling, not a prediction tool). Specs with a
    target-derived covariate are left out: a closed model never has one."""
    rows = _predict_rows(data, fitted, level, lambda d: d["weights"].eq("closed") & ~d["external"])
    if not rows:
        return pd.DataFrame(columns=CLOSED_COLUMNS).astype({"eligible": bool, "extrapolated": bool})
    out = pd.concat(rows, ignore_index=True)
    elig = eligibility if eligibility is not None else pd.DataFrame(columns=ELIGIBILITY_COLUMNS)
    out = out.merge(elig, on="spec", how="left")
    out["eligible"] = out["eligible"].astype("boolean").fillna(False).astype(bool)
    out["why_not"] = out["why_not"].fillna("not validated")
    return out[CLOSED_COLUMNS]


def predict_external(data, fitted: list[fit.FittedSpec], level=0.90) -> pd.DataFrame:
    """The external set (closed models whose makers published the size) predicted by every fit
    that has their score: estimate, interval, the published size and whether it is covered.
    None of these models is in any fit (:func:`train` keeps open models only)."""
    rows = _predict_rows(data, fitted, level, lambda d: d["external"])
    cols = ["model_id", "spec", "score", "total_params_b", "estimate_b", "low_b", "high_b", "covered", "extrapolated"]
    if not rows:
        return pd.DataFrame(columns=cols)
    out = pd.concat(rows, ignore_index=True)
    out["covered"] = (out["low_b"] <= out["total_params_b"]) & (out["total_params_b"] <= out["high_b"])
    return out[cols]


# --- one fit across the settings of a benchmark ------------------------------------------------

MIN_PAIRS = 5  # a setting joins the pool when at least this many models have a score in it and in the reference


def setting_offsets(data: pd.DataFrame, benchmark: str, settings: list[str], min_pairs: int = MIN_PAIRS) -> pd.DataFrame:
    """Score offset of each setting from the reference setting (the first of ``settings``): the
    median, over models scored in both, of (score in the setting - score in the reference).
    Only scores are used (never a size), from every model, open or closed. A setting with
    fewer than ``min_pairs`` such models gets no offset and stays out of the pool."""
    d = data[(data["benchmark"] == benchmark) & data["setting"].isin(settings)]
    wide = d.pivot_table(index="model_id", columns="setting", values="score", aggfunc="first")
    ref = settings[0]
    rows = []
    for s in settings:
        both = wide[[ref, s]].dropna() if s in wide.columns and ref in wide.columns else pd.DataFrame()
        n = len(both) if s != ref else int(wide[ref].notna().sum()) if ref in wide.columns else 0
        off = 0.0 if s == ref else float((both[s] - both[ref]).median()) if len(both) >= min_pairs else float("nan")
        rows.append({"benchmark": benchmark, "setting": s, "reference": ref, "pairs": n, "offset_points": off})
    return pd.DataFrame(rows)


def pooled(data: pd.DataFrame, spec_list: list[fit.Spec], benchmark: str, min_pairs: int = MIN_PAIRS):
    """One pooled spec for ``benchmark`` over its score-alone settings, and its training frame:
    each labelled (model, setting) row with the score moved onto the reference setting's scale
    (score - offset); ``model_id`` becomes ``<model_id> @ <setting>`` so that one model
    measured in two settings is two rows of one lineage (validation keeps them together).
    Rows whose moved score leaves 0-100 are dropped and counted in ``attrs``. None when fewer
    than two settings can be pooled."""
    alone = [sp for sp in spec_list if sp.benchmark == benchmark and not sp.covariates]
    if len(alone) < 2:
        return None
    lab = data[data["label"] & (data["benchmark"] == benchmark)]
    lin = lab.groupby("setting")["lineage"].nunique()
    settings = sorted((sp.setting for sp in alone), key=lambda s: (-lin.get(s, 0), s))
    off = setting_offsets(data, benchmark, settings, min_pairs)
    use = off.dropna(subset=["offset_points"])
    if len(use) < 2:
        return None
    rows = lab[lab["setting"].isin(use["setting"])].merge(use[["setting", "offset_points"]], on="setting")
    rows = rows.assign(score=rows["score"] - rows["offset_points"], model_id=rows["model_id"] + " @ " + rows["setting"])
    inside = rows["score"].between(*fit.SCORE_RANGE)
    spec = fit.Spec(benchmark, f"pooled: {len(use)} settings on the scale of {use['setting'].iloc[0]}")
    frame = rows[inside].sort_values("model_id").reset_index(drop=True)
    frame.attrs.update({"offsets": off, "dropped_outside_0_100": int((~inside).sum())})
    return spec, frame


def pooled_by_setting(frame: pd.DataFrame, spec: fit.Spec, seed: int, k: int, repeats: int) -> pd.DataFrame:
    """The pooled fit's grouped K-fold predictions scored on each setting's own rows, as
    metric rows named ``<benchmark> | pooled, on <setting>`` (to set beside that setting's own fit)."""
    held = fit.cv_grouped_kfold(frame, spec, k=k, repeats=repeats, seed=seed)
    setting = held["model_id"].str.split(" @ ").str[-1]
    n_lin = frame.assign(setting=frame["model_id"].str.split(" @ ").str[-1]).groupby("setting")["lineage"].nunique()
    n_mod = frame.assign(setting=frame["model_id"].str.split(" @ ").str[-1]).groupby("setting").size()
    rows = [{"spec": f"{spec.benchmark} | pooled, on {s}", "benchmark": spec.benchmark, "setting": s,
             "covariates": "score alone, pooled", "scheme": "grouped_kfold", "n_models": int(n_mod[s]),
             "n_lineages": int(n_lin[s]), **fit.metrics(held[setting == s])} for s in sorted(set(setting))]
    return pd.DataFrame(rows, columns=METRIC_COLUMNS)


def heldout_points(data, spec: fit.Spec, seed=0) -> pd.DataFrame:
    """One out-of-fold prediction per labelled model (5-fold, one repeat), for the figure."""
    d = train(data, spec)
    h = fit.cv_repeated_kfold(d, spec, k=5, repeats=1, seed=seed)
    return h.merge(d[["model_id", "name", "score", "total_params_b"]], on="model_id")


def beside_published(metrics: pd.DataFrame) -> pd.DataFrame:
    """Our best cross-validated R² per benchmark and covariate set (repeated K-fold), beside
    the post's published figure where it gave one."""
    ours = metrics[metrics["scheme"] == "repeated_kfold"].astype({"r2": float}).sort_values("r2", ascending=False)
    ours = ours.drop_duplicates(["benchmark", "covariates"])[["benchmark", "covariates", "setting", "n_models", "r2", "mae_b", "coverage"]]
    out = PUBLISHED.merge(ours, on=["benchmark", "covariates"], how="outer")
    return out.sort_values(["benchmark", "covariates"]).reset_index(drop=True)


# --- figures ----------------------------------------------------------------------------------


def closed_labels(model_ids: pd.Series, width: int = 22) -> list[str]:
    """Short point labels for closed models: the id's last part without a trailing snapshot
    date ("gpt-5-mini-2025-08-07" -> "gpt-5-mini", "claude-haiku-4-5-20251015" -> "claude-haiku-4-5"), unless two ids would then read the same;
    broken onto a second line when longer than ``width`` characters."""
    from . import plotting

    tail = model_ids.str.split("/").str[-1]
    short = tail.str.replace(r"-(?:\d{4}-\d{2}-\d{2}|20\d{6})$", "", regex=True)
    short = short.where(~short.duplicated(keep=False), tail)
    return [plotting.short_label(n, width) for n in short]


def draw_actual_vs_predicted(points: pd.DataFrame, closed: pd.DataFrame, spec: fit.Spec, credit: str):
    """The post's style: labelled models' actual size (circles) and out-of-fold prediction
    (triangles) against the score, coloured by the error; closed models' predictions as
    hollow triangles with their interval."""

    from . import plotting

    fig, ax = plotting.new_figure()
    err = points["pred_log10"] - points["truth_log10"]
    lim = max(0.5, float(np.abs(err).quantile(0.95)))
    ax.scatter(points["score"], 10 ** points["truth_log10"], marker="o", s=40, facecolor="none", edgecolor="0.35",
               lw=1, label="actual total (open models)", zorder=3)
    sc = ax.scatter(points["score"], 10 ** points["pred_log10"], marker="^", s=55, c=err, cmap="coolwarm",
                    vmin=-lim, vmax=lim, label="predicted, held out (5-fold)", zorder=4, edgecolor="0.2", lw=0.3)
    fig.colorbar(sc, ax=ax, label="prediction error (log10; >0 = too large)", pad=0.01)
    c = closed[closed["spec"] == spec.name]
    plotting.params_axis(ax, "y")
    if len(c):
        ax.errorbar(c["score"], c["estimate_b"], yerr=[c["estimate_b"] - c["low_b"], c["high_b"] - c["estimate_b"]],
                    fmt="^", ms=9, mfc="white", mec="black", ecolor="0.4", capsize=3, label="closed model: 90 % interval", zorder=5)
        # each closed model named above its interval, upright, clear of the open models' markers
        for x, top, name in zip(c["score"], c["high_b"], closed_labels(c["model_id"])):
            ax.annotate(name, (x, top), xytext=(0, 5), textcoords="offset points", rotation=90,
                        ha="center", va="bottom", fontsize=10)
        lo, hi = ax.get_ylim()
        ax.set_ylim(lo, max(hi, float(c["high_b"].max()) * 10))
    ax.set_xlabel(f"{benchmark_label(spec.benchmark)} score (%), {spec.setting}")
    ax.set_ylabel("Total parameters (billions, log scale)")
    ax.set_title(f"Total parameters predicted from {benchmark_label(spec.benchmark)} ({spec.setting})", loc="left")
    ax.legend(loc="upper left", fontsize=11)
    plotting.footer(fig, credit)
    return fig


FOREST_SPECS = 4  # the forest's fits: this many best-validated score-alone fits


def forest_specs(closed: pd.DataFrame, n: int = FOREST_SPECS) -> pd.DataFrame:
    """The fits the forest draws: among the fits allowed to predict closed models (``eligible``),
    score alone, in a setting stated in full, the ``n`` with the highest lineage-grouped R² (a
    reasoning and a non-reasoning setting of one benchmark are two fits: closed models are
    scored in one or the other): spec, benchmark, setting, R², coverage."""
    ok = closed[closed["eligible"].astype(bool) & (closed["covariates"] == "score alone")
                & ~closed["setting"].str.contains("not stated", regex=False)]
    cols = ["spec", "benchmark", "setting", "r2_grouped_kfold", "coverage_over_100b"]
    best = ok.drop_duplicates("spec")[cols].sort_values(["r2_grouped_kfold", "spec"], ascending=[False, True], kind="mergesort")
    return best.head(n).reset_index(drop=True)


FOREST_MODELS = r"gpt-5|gemini-3|(?:opus|sonnet|haiku)-4[-.]5"  # the post's closed models
FOREST_ROWS = 17  # one line a row at the minimum text size: what the figure holds under its title and legend


def forest_candidates(closed: pd.DataFrame, pattern: str = FOREST_MODELS) -> pd.DataFrame:
    """The eligible predictions of the closed models whose id matches ``pattern``, or, where
    none does, every eligible prediction."""
    ok = closed[closed["eligible"].astype(bool)]
    targets = ok[ok["model_id"].str.contains(pattern, regex=True)]
    return targets if len(targets) else ok


def forest_models(closed: pd.DataFrame, released: pd.Series | None = None, pattern: str = FOREST_MODELS,
                  n: int = FOREST_ROWS) -> pd.DataFrame:
    """The forest's rows: the predictions (under every fit) of at most ``n`` of the
    :func:`forest_candidates` that the forest's fits (:func:`forest_specs`) predict, the most
    recently released first (``released``: model_id -> release date; undated models last,
    then by id). The forest of these rows has at most ``n`` rows."""
    cand = forest_candidates(closed, pattern)
    ids = pd.Series(sorted(set(cand.loc[cand["spec"].isin(forest_specs(cand)["spec"]), "model_id"])), dtype=object)
    dates = pd.to_datetime(ids.map(released if released is not None else {}), errors="coerce")
    keep = pd.DataFrame({"id": ids, "date": dates}).sort_values(["date", "id"], ascending=[False, True], na_position="last",
                                                                kind="mergesort")["id"].head(n)
    return cand[cand["model_id"].isin(keep)]


def forest_left_out(closed: pd.DataFrame, forest: pd.DataFrame, pattern: str = FOREST_MODELS) -> dict:
    """What a caption says of the forest drawn from ``forest`` (:func:`forest_models`):
    ``in_scope`` (the candidates are the post's closed models, not every one), ``no_room``
    (candidates the forest's fits predict but the figure had no row for) and ``no_score``
    (candidates with no score in the forest's settings)."""
    cand = forest_candidates(closed, pattern)
    drawn = set(forest.loc[forest["spec"].isin(forest_specs(forest)["spec"]), "model_id"])
    no_room = sorted(set(cand.loc[cand["spec"].isin(forest_specs(cand)["spec"]), "model_id"]) - drawn)
    return {"in_scope": bool(cand["model_id"].str.contains(pattern, regex=True).any()), "no_room": no_room,
            "no_score": sorted(set(cand["model_id"]) - drawn - set(no_room))}


def draw_forest(closed: pd.DataFrame, credit: str):
    """Each closed model's predicted total and 90 % interval under the best-validated fits
    (:func:`forest_specs`): one row per model, one marker per fit (filled inside the score range
    the fit was trained on, hollow outside it), each fit's lineage-grouped R² and its coverage of
    held-out models over 100B in the legend."""
    from . import plotting
    from .settings import benchmark_label

    specs = forest_specs(closed)
    c = closed[closed["spec"].isin(specs["spec"])]
    ids = pd.Series(sorted(set(c["model_id"])))
    fig, ax = plotting.new_figure()
    if not len(c):
        ax.text(0.5, 0.5, "No fit in this build may predict a closed model", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        plotting.footer(fig, credit)
        return fig
    row = dict(zip(ids, np.arange(len(ids))[::-1]))
    offsets = np.linspace(0.25, -0.25, len(specs)) if len(specs) > 1 else np.zeros(1)
    colours = ["#0173b2", "#de8f05", "#029e73", "#cc78bc"]
    for k, sp in specs.iterrows():
        g = c[c["spec"] == sp["spec"]]
        y = g["model_id"].map(row).to_numpy(dtype=float) + offsets[k]
        err = [g["estimate_b"] - g["low_b"], g["high_b"] - g["estimate_b"]]
        ax.errorbar(g["estimate_b"], y, xerr=err, fmt="none", ecolor=colours[k], elinewidth=2.2, capsize=3)
        ext = g["extrapolated"].astype(bool).to_numpy()
        ax.scatter(g["estimate_b"][~ext], y[~ext], s=60, color=colours[k], zorder=3)
        ax.scatter(g["estimate_b"][ext], y[ext], s=60, facecolor="white", edgecolor=colours[k], lw=1.8, zorder=3)
        cover = sp["coverage_over_100b"]
        mode = sp["setting"].split(", ")[-1] if sp["setting"].count(",") >= 2 else sp["setting"]  # the rest is in the caption
        ax.plot([], [], color=colours[k], lw=3, label=f"{benchmark_label(sp['benchmark'])}, {mode} · R² "
                f"{sp['r2_grouped_kfold']:.2f} · {'n/a' if pd.isna(cover) else f'{cover:.0%}'}")
    ax.scatter([], [], s=60, facecolor="white", edgecolor="0.3", lw=1.8, label="hollow: score outside the training range")
    ax.set_yticks(list(row.values()))
    ax.set_yticklabels(closed_labels(ids, width=60))  # one line a row: a second would reach the next row
    ax.set_ylim(-0.7, len(ids) - 0.3)
    plotting.params_axis(ax, "x")
    ax.set_xlabel("Predicted total parameters (billions, log scale), 90 % prediction interval")
    ax.set_title("Closed models: predicted size under the best-validated fits", loc="left")
    fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncol=2, fontsize=plotting.LABEL_PT - 2,
               frameon=False, title_fontsize=plotting.LABEL_PT - 2,
               title="fit · R² of lineage-grouped K-fold · share of held-out models over 100B inside their interval")
    plotting.footer(fig, credit)
    return fig


def pooled_vs_own(pooled_metrics: pd.DataFrame, metrics: pd.DataFrame) -> pd.DataFrame:
    """Per benchmark and setting: the pooled fit's grouped-CV R², MAE and coverage on that
    setting's models beside the setting's own score-alone fit, and whether pooling helps
    (higher R² there)."""
    cols = ["benchmark", "setting", "n_models", "r2_own", "r2_pooled", "mae_log10_own", "mae_log10_pooled",
            "coverage_own", "coverage_pooled", "pooled_better"]
    if pooled_metrics.empty:
        return pd.DataFrame(columns=cols)
    p = pooled_metrics[pooled_metrics["spec"].str.contains(" | pooled, on ", regex=False)]
    own = metrics[(metrics["scheme"] == "grouped_kfold") & (metrics["covariates"] == "score alone")]
    keep = ["benchmark", "setting", "r2", "mae_log10", "coverage"]
    out = own[keep + ["n_models"]].merge(p[keep], on=["benchmark", "setting"], suffixes=("_own", "_pooled"))
    out["pooled_better"] = out["r2_pooled"] > out["r2_own"]
    return out[cols].sort_values(["benchmark", "setting"]).reset_index(drop=True)
