"""The data dictionary of the processed tables: every column's type, unit and meaning.

Types come from the pandera schemas, so the dictionary cannot drift from what is
validated; a column without a description here fails the tests.
"""

from __future__ import annotations

import pandas as pd

from . import schema
from .tables import CONFLICTS, FRONTIER, MODELS, PRICES, SCORES, SIZE_FLAGS, SOURCE_MODELS, SOURCES, UNMATCHED

ALL_SOURCES = "every ingested source (see sources.csv)"
FACT_REF = ("where the value came from: 'curated: <URL of the maker's page>', '<source>:<source_row>', or "
            "'derived: <rule>' (architecture moe where a stated active count is below the stated total), or "
            "'inherited from <model_id>' (a curated same_architecture_as fact: the maker says the model keeps that model's architecture)")

TABLES = {
    SOURCE_MODELS: (schema.SOURCE_MODELS, ALL_SOURCES, {
        "source": ("", "source folder under data/raw"),
        "source_row": ("", "the record in the source: spreadsheet row (header = 1), or file[:row|#key] for multi-file sources"),
        "source_name": ("", "the model's name exactly as the source spells it"),
        "model_id": ("", "canonical id: the maker's Hugging Face repo id, lowercased (provisional if unmatched)"),
        "weights": ("", "open or closed weights, as the source states; unknown if it does not"),
        "release_date": ("YYYY-MM-DD", "release date as the source states it (after errata)"),
        "total_params_b": ("billions", "total parameters, only where the source states a total"),
        "active_params_b": ("billions", "parameters active per token, where the source states them"),
        "architecture": ("", "dense or moe, where the source says"),
        "country": ("ISO 3166-1 alpha-2, lowercase", "the maker's country, where the source states it (Artificial Analysis' creator country)"),
        "params_note": ("", "what the source's size column means for this row, when it is not a plain total"),
    }),
    SCORES: (schema.SCORES, ALL_SOURCES, {
        "model_id": ("", "canonical id (see models.csv)"),
        "benchmark": ("", "benchmark id, snake_case (mmlu, mmlu_pro, gpqa, ...)"),
        "value": ("points, 0-100", "the score (a few benchmarks have another scale: aa_omniscience_index -100..100, "
                  "epoch_capabilities_index open-ended; see llmscale.schema.SCORE_RANGES)"),
        "shots": ("examples", "few-shot examples in the prompt; blank = not stated"),
        "cot": ("", "chain-of-thought prompting; blank = not stated"),
        "variant": ("", "base (pre-trained) or instruct (post-trained) model; unknown if not stated"),
        "reporter": ("", "maker (self-reported), independent (third-party harness), aggregator (collected)"),
        "harness": ("", "evaluation harness, where known"),
        "reasoning": ("", "the model's reasoning mode or effort as the source states it (reasoning, non-reasoning, "
                      "low, medium, high, minimal, ...); blank = not stated; part of the setting"),
        "index_version": ("YYYY-MM-DD", "for a composite index that its maker re-bases (aa_intelligence_index): the "
                          "snapshot date of the values; never pooled across dates; blank for every other score"),
        "source": ("", "source folder under data/raw, or curated (data/raw/curated/scores.csv: the maker's own number, "
                   "ranked before every source)"),
        "source_row": ("", "the record in the source (for curated, the row of scores.csv, header = 1)"),
        "note": ("", "the source's own citation or remark (for curated, the maker's page)"),
    }),
    PRICES: (schema.PRICES, "epoch-aa-prices, llm-prices", {
        "source": ("", "source folder under data/raw"),
        "source_row": ("", "the record in the source (llm-prices: <file>#<id>/<period>)"),
        "model_id": ("", "canonical id (see models.csv)"),
        "usd_per_1m_input": ("USD per 1M tokens", "price of input tokens; blank where the source gives only a blended price"),
        "usd_per_1m_output": ("USD per 1M tokens", "price of output tokens; blank where the source gives only a blended price"),
        "usd_per_1m_blended": ("USD per 1M tokens", "3:1 input:output blend (Artificial Analysis' convention; llm-prices rows computed so)"),
        "price_from": ("YYYY-MM-DD", "first day of this price; blank = not stated"),
        "price_to": ("YYYY-MM-DD", "last day of this price; blank = still current or not stated"),
        "current": ("", "the model's latest price in this source"),
        "note": ("", "who set or collected the price"),
    }),
    MODELS: (schema.MODELS, "source_models.csv + data/raw/curated/models.csv, by the precedence in llmscale.reconcile", {
        "model_id": ("", "canonical id: the maker's Hugging Face repo id, lowercased"),
        "name": ("", "a display name: the spelling of the highest-ranked source"),
        "family": ("", "the id up to its size (qwen/qwen2.5-7b-instruct -> qwen/qwen2.5); where the id states no size, its lineage root's family, else the lineage id"),
        "variant": ("", "instruct when the id ends in a post-training tag (-instruct, -chat, -it, ...), base when it states a size without one, else unknown"),
        "base_model_id": ("", "for an instruct variant, the id of its base model when that model is in the table"),
        "lineage": ("", "the base model and everything trained from it, by anyone (llmscale.lineage): the root base model's id without post-training, date or context tags"),
        "lineage_ref": ("", "how the lineage was decided, one step per parent: 'curated: <URL>' (a maker's page names the base model), '<source>:<source_row>' (a source's base-model field), 'name: ...' (read from the id), 'name-rule: ...' (a third party's id holds a known base model's name and size); 'joined with the lineage of <model_id> (...)' where a link the chain did not follow connects two lineages (a source's other base-model claim, or a maker's statement that the model keeps that model's architecture)"),
        "sources": ("", "sources that describe this model, ';'-separated"),
        "n_sources": ("count", "how many sources describe this model"),
        "non_embedding_params_b": ("billions", "total minus vocab x hidden (x2 when embeddings are untied), from the facts in this row"),
        "organisation": ("", "maker"),
        "country": ("ISO 3166-1 alpha-2, lowercase", "the maker's country (cn, us, fr, ...), from the highest-ranked source that states it"),
        "weights": ("", "open or closed"),
        "architecture": ("", "dense or moe"),
        "release_date": ("YYYY-MM-DD", "first public release"),
        "total_params_b": ("billions", "total parameters"),
        "active_params_b": ("billions", "parameters active per token; a dense model's is its total (ref: derived), whatever a source states"),
        "experts_total": ("count", "routed experts per MoE layer"),
        "experts_active": ("count", "experts selected per token"),
        "vocab_size": ("tokens", "vocabulary size (config.json)"),
        "hidden_size": ("", "model width (config.json hidden_size)"),
        "num_layers": ("count", "transformer layers"),
        "tied_embeddings": ("", "input and output embeddings share weights (true/false)"),
        "rumoured_total_params_b": ("billions", "closed models only: a size a source states that no cited maker page confirms (a rumour or estimate); never used to fit anything"),
    }),
    CONFLICTS: (schema.CONFLICTS, "models.csv and scores.csv", {
        "model_id": ("", "canonical id"),
        "kind": ("", "fact (params > 5 % apart, dates > 30 days apart, other facts differing), score (same setting > 1 point apart) "
                     "or setting (a score whose variant or shots are not stated, more than 0.1 point from every stated score of the "
                     "model and benchmark: kept apart as its own setting; one within 0.1 is merged into the stated row, whose note names it)"),
        "item": ("", "the fact, or the benchmark with its setting"),
        "value_used": ("", "the value the processed tables use"),
        "ref_used": ("", "where the used value came from"),
        "value_other": ("", "the differing value"),
        "ref_other": ("", "where the differing value came from"),
        "reason": ("", "why the used value was preferred (the documented precedence)"),
    }),
    SIZE_FLAGS: (schema.SIZE_FLAGS, "models.csv and source_models.csv, by llmscale.sizes", {
        "model_id": ("", "canonical id of an open model (of any model for source_vs_model)"),
        "kind": ("", "name_vs_total (total more than 15 % from the size in the id), moe_without_active (a mixture of experts with a total but no active count) or source_vs_model (one source row's total more than 2 times off the model's total from elsewhere or the size its own spelling states)"),
        "name_size_b": ("billions", "the size the id states (its largest <N>b / <N>m token; for source_vs_model, the source's spelling); blank when it states none"),
        "total_params_b": ("billions", "the model table's total (for source_vs_model, the source row's)"),
        "total_params_b_ref": ("", "where that total came from (see models.csv; for source_vs_model, the source row)"),
        "active_params_b": ("billions", "the model table's active count"),
        "explained": ("", "the total is a curated fact citing the maker (or inherited from one), which explains the difference from the name"),
        "note": ("", "the flag in words"),
    }),
    UNMATCHED: (schema.UNMATCHED, ALL_SOURCES, {
        "source": ("", "source folder under data/raw"),
        "source_row": ("", "the record in the source"),
        "source_name": ("", "the name as spelled"),
        "provisional_id": ("", "the normalised name it keeps until an alias maps it"),
        "reason": ("", "why no canonical id was found"),
    }),
}
FACT_COLUMNS = [c for c in schema.MODELS.columns if c.endswith("_ref")]
for _c in FACT_COLUMNS:
    TABLES[MODELS][2].setdefault(_c, ("", FACT_REF))

EXTRA = {
    SOURCES: [("source", "", "source folder under data/raw"), ("credit", "", "how to credit it"),
              ("licence", "", "its licence"), ("repo", "", "repository it was copied from"),
              ("commit", "", "commit it was copied at")],
    FRONTIER: [(c, "", d) for c, d in [
        ("dataset", "which chart: as published, Epoch, or '<benchmark> · <setting in plain words>' from our tables (the benchmark's headline setting: the stated setting with the most models)"),
        ("model_id", "canonical id"), ("label", "point label"),
        ("total_params_b", "billions; size as that dataset gives it"), ("score", "points 0-100, the dataset's benchmark"),
        ("size_class", "class by total params, edges a notebook parameter"), ("on_frontier", "no model in the class at most as large scores higher")]],
}


# Tables the analysis notebooks (03-08) write: no pandera schema (each notebook's own code
# fixes their columns), so they are described here and a test checks every committed header.
SPEC = ("spec", "", "the fit: benchmark | setting [+ covariates]; one OLS of log10 total params per spec")
SETTING = ("setting", "", "the scores' setting: variant, shots, CoT, reasoning mode, index version (scores of different settings are never pooled)")
# Columns shared by the two tables of closed-model estimates (predict_closed.csv, post_closed.csv).
CLOSED_ESTIMATE = [
        ("model_id", "", "closed model (no disclosed size)"), ("name", "", "its name"),
        ("score", "points 0-100", "its score in the spec's setting"), ("estimate_b", "billions", "predicted total parameters"),
        ("low_b", "billions", "90 % prediction interval, lower end"), ("high_b", "billions", "90 % prediction interval, upper end"),
        ("extrapolated", "", "the score lies outside the range the fit was trained on"),
]
ELIGIBILITY = [
        ("eligible", "", "the spec may predict a closed model: 20+ lineages, grouped-CV R² 0.3+, no target-derived covariate"),
        ("why_not", "", "why it may not; blank when eligible"),
]

ANALYSIS = {
    "as_published_cjtrowbridge.csv": [
        ("source_row", "", "row of the cjtrowbridge sheet (header = 1)"), ("source_name", "", "name as the sheet spells it"),
        ("model_id", "", "canonical id"), ("total_params_b", "billions", "size as the sheet publishes it (before errata)"),
        ("mmlu", "points 0-100", "MMLU as the sheet publishes it")],
    "predict_metrics.csv": [
        SPEC, ("benchmark", "", "benchmark id"), SETTING,
        ("covariates", "", "score alone, + log10_price, + active_ratio, + release_years; 'score alone, pooled' for a pooled fit's rows"),
        ("scheme", "", "repeated_kfold (random K-fold over models), grouped_kfold (K-fold over lineages), leave_lineage_out, "
                       "time_split or external (closed models whose makers published their size, never trained on)"),
        ("n_models", "models", "labelled open models usable by the spec"),
        ("n_lineages", "lineages", "lineages among them (a lineage is never on both sides of a grouped fold)"),
        ("n", "predictions", "held-out predictions scored (each K-fold repeat counts)"),
        ("r2", "", "out-of-sample R² of log10 total params (SST around the held-out truths' mean)"),
        ("mae_log10", "log10 params", "mean absolute error"), ("rmse_log10", "log10 params", "root mean squared error"),
        ("bias_log10", "log10 params", "mean signed error (> 0: predictions too large)"),
        ("mae_b", "billions", "mean absolute error"), ("rmse_b", "billions", "root mean squared error"),
        ("median_abs_error_b", "billions", "median absolute error"),
        ("coverage", "share 0-1", "held-out truths inside their 90 % prediction interval"),
        *[(f"{k}_{b}", unit, f"{what}, held-out models of {label}") for b, label in
          (("under_10b", "under 10B"), ("10_100b", "10B to 100B"), ("over_100b", "100B or more"))
          for k, unit, what in (("n", "predictions", "predictions scored"), ("coverage", "share 0-1", "interval coverage"),
                                ("mae_log10", "log10 params", "mean absolute error"))],
        ("r2_repeat_se", "", "K-folds: Monte Carlo standard error of the R² over the repeats (spread / sqrt(repeats))")],
    "predict_closed.csv": [
        SPEC, ("benchmark", "", "benchmark id"), SETTING, ("covariates", "", "the spec's covariates"),
        *CLOSED_ESTIMATE,
        ("n_train", "models", "open models the fit was trained on"),
        ("n_lineages", "lineages", "lineages among them"),
        ("r2_grouped_kfold", "", "the spec's lineage-grouped cross-validated R²"),
        ("coverage_over_100b", "share 0-1", "the spec's grouped-CV interval coverage on held-out models of 100B or more"),
        *ELIGIBILITY,
        ("rumoured_total_params_b", "billions", "a rumoured size, shown for comparison, never used to fit"),
        ("source", "", "source of the score"), ("source_row", "", "record of the score in its source")],
    "predict_external.csv": [
        ("model_id", "", "closed model whose maker published its size (the external test set)"), SPEC,
        ("score", "points 0-100", "its score in the spec's setting"),
        ("total_params_b", "billions", "the size its maker published (curated fact with the maker's URL)"),
        ("estimate_b", "billions", "predicted total parameters (the fit never saw this model)"),
        ("low_b", "billions", "90 % prediction interval, lower end"), ("high_b", "billions", "90 % prediction interval, upper end"),
        ("covered", "", "the published size lies inside the interval"),
        ("extrapolated", "", "the score lies outside the range the fit was trained on")],
    "predict_vs_published.csv": [
        ("benchmark", "", "benchmark id"), ("covariates", "", "score alone, log10_price or active_ratio"),
        ("published_r2", "", "the post's cross-validated R², where it gave one"), ("published_note", "", "what the post said"),
        SETTING, ("n_models", "models", "models in our best spec of this kind"),
        ("r2", "", "our repeated K-fold R²"), ("mae_b", "billions", "our mean absolute error"),
        ("coverage", "share 0-1", "our 90 % interval coverage")],
    "over_time_steps.csv": [
        ("benchmark", "", "benchmark id"), SETTING, ("threshold", "points 0-100", "the score to clear"),
        ("measure", "", "total or active parameters"), ("model_id", "", "the new smallest model to clear the threshold"),
        ("release_date", "YYYY-MM-DD", "its cited release date"), ("params_b", "billions", "its size by this measure"),
        ("value", "points 0-100", "its score"), ("previous_b", "billions", "the size of the step it replaced; blank for the first")],
    "over_time_halving.csv": [
        ("benchmark", "", "benchmark id"), SETTING, ("threshold", "points 0-100", "the score to clear"),
        ("measure", "", "total or active parameters"), ("steps", "models", "steps in the staircase"),
        ("window_start", "YYYY-MM-DD", "first month of the fitted as-of frontier (the first step)"),
        ("window_end", "YYYY-MM-DD", "last date of the fitted window (the setting's last release date, by default)"),
        ("months_in_window", "months", "monthly points of the as-of frontier that were fitted"),
        ("block_months", "months", "block length of the moving-block bootstrap"),
        ("halving_months", "months", "time for the smallest sufficient size to halve (OLS of log10 size on time, as-of frontier month by month)"),
        ("low_90", "months", "moving-block bootstrap 90 % interval, lower end"),
        ("high_90", "months", "moving-block bootstrap 90 % interval, upper end (inf: a flat trend is not ruled out)"),
        ("status", "", "fitted, or why not (too few steps, short window, size not falling, same staircase as another)"),
        ("same_as", "", "the row fitted for this identical staircase ('benchmark | setting | threshold | measure'); blank if its own")],
    "over_time_sensitivity.csv": [
        ("benchmark", "", "benchmark id"), SETTING, ("threshold", "points 0-100", "the score to clear"),
        ("measure", "", "total or active parameters"), ("vary", "", "what is varied: window end or threshold"),
        ("window_end", "YYYY-MM-DD", "last date of the fitted window"),
        ("end_rule", "", "the named rule(s) that give this end (last step, setting, data); blank for a sweep point"),
        ("steps", "models", "steps in the staircase"), ("halving_months", "months", "fitted halving time"),
        ("low_90", "months", "moving-block bootstrap 90 % interval, lower end"),
        ("high_90", "months", "upper end (inf: a flat trend is not ruled out)"), ("status", "", "fitted, or why not")],
    "dense_vs_moe.csv": [
        ("benchmark", "", "benchmark id"), SETTING,
        ("fit", "", "equal total / equal active (score ~ log10 size + moe), total + active (score ~ log10 total + log10 active); '+ date' adds the release date in years"),
        ("term", "", "moe (MoE - dense), log10_total, log10_active or years"),
        ("points", "points", "the coefficient: MoE - dense difference, points per tenfold size, or points per year"),
        ("low", "points", "95 % confidence interval, lower end (standard errors clustered by lineage)"),
        ("high", "points", "95 % confidence interval, upper end"), ("p_value", "", "p-value of the coefficient (t, G - 1 degrees of freedom)"),
        ("n_models", "models", "dated models in the fit"), ("n_dense", "models", "dense models"),
        ("n_moe", "models", "mixture-of-experts models"), ("n_lineages", "lineages", "distinct lineages (the clusters)"),
        ("n_dense_lineages", "lineages", "distinct lineages among the dense models"),
        ("n_moe_lineages", "lineages", "distinct lineages among the MoE models"), ("r2", "", "in-sample R² of the fit")],
    "non_embedding.csv": [
        ("model_id", "", "canonical id"), ("average", "points 0-100", "the chart's single-harness average (named on its y axis)"),
        ("source", "", "source of the scores"), ("source_row", "", "their records in the source, ';'-separated"),
        ("name", "", "model name"), ("architecture", "", "dense or moe"), ("total_params_b", "billions", "total parameters"),
        ("non_embedding_params_b", "billions", "total minus vocab x hidden (x2 when untied), from curated facts"),
        ("vocab_size", "tokens", "embedding rows (curated)"), ("hidden_size", "", "model width (curated)"),
        ("tied_embeddings", "", "input and output embeddings shared (curated)"),
        ("beats_its_size", "", "among the models furthest above the fit"), ("residual", "points", "average minus the fit's value")],
    "post_side_by_side.csv": [
        ("benchmark", "", "benchmark id"), SETTING, ("covariates", "", "score alone, log10_price (the post: raw prices) or active_ratio"),
        ("harness", "", "the scores' harness (artificial-analysis: AA's own runs)"),
        ("n_models", "rows", "rows the post's procedure used (one per set of weights)"),
        ("n_weights", "models", "sets of weights in our fit (a pooled setting has several rows per set)"),
        ("published_r2", "", "the post's published mean R² (its URL and quoted row: data/raw/curated/post_published.csv)"),
        ("published_mae_b", "billions", "the post's published MAE"), ("published_rmse_b", "billions", "the post's published RMSE"),
        ("post_spec", "", "the post's name for the spec"),
        ("post_r2", "", "the post's procedure on our data, random state 7: mean R² (log10) of 5 splits of 5 test models"),
        ("post_mae_b", "billions", "the same, mean absolute error of the raw counts"),
        ("post_rmse_b", "billions", "the same, root mean squared error of the raw counts"),
        ("n_states", "", "random states the post's R² was recomputed over"),
        ("post_r2_median", "", "median of the post's R² over the random states"),
        ("post_r2_low", "", "2.5 % quantile of the post's R² over the random states"),
        ("post_r2_high", "", "97.5 % quantile of the post's R² over the random states"),
        ("lineage_r2", "", "ours: OLS, grouped K-fold with whole lineages held out, R² of log10 total"),
        ("lineage_r2_low", "", "2.5 % quantile of that R² over the repeats"), ("lineage_r2_high", "", "97.5 % quantile over the repeats"),
        ("lineage_mae_log10", "log10 params", "mean absolute error"), ("lineage_coverage", "share 0-1", "held-out truths inside their 90 % interval"),
        ("lineage_coverage_over_100b", "share 0-1", "the same for held-out models of 100B or more"),
        ("n_lineages", "lineages", "lineages among the models our procedure used"),
        ("weights_r2", "", "ours: grouped K-fold with every row and setting of one set of weights in one fold"),
        ("weights_r2_low", "", "2.5 % quantile over the repeats"), ("weights_r2_high", "", "97.5 % quantile over the repeats"),
        ("weights_mae_log10", "log10 params", "mean absolute error"), ("weights_coverage", "share 0-1", "90 % interval coverage"),
        ("weights_coverage_over_100b", "share 0-1", "the same for held-out models of 100B or more"),
        ("active_ratio_coef_ols", "log10 params", "active ratio's coefficient by least squares (MinMax-scaled inputs)"),
        ("active_ratio_coef_positive", "log10 params", "the same by the post's positive least squares (0 = clipped)"),
        ("positive_equals_alone", "", "the post's fit with the ratio predicts exactly as its fit without it"),
        ("published_active_equals_alone", "", "the post's published '+active' row repeats its 'alone' row digit for digit")],
    "post_closed.csv": [
        ("benchmark", "", "benchmark id"), SETTING, ("covariates", "", "the spec's covariates"),
        *CLOSED_ESTIMATE,
        ("n_train", "rows", "training rows of the fit"),
        ("n_lineages", "lineages", "lineages among the fit's open models"),
        ("r2_grouped_kfold", "", "the spec's lineage-grouped cross-validated R²"),
        *ELIGIBILITY,
        ("post_estimate_b", "billions", "the post's own estimate from the same benchmark (its fit pooled reasoning modes)"),
        ("post_spec", "", "the post's spec of that estimate"),
        ("source", "", "source of the score"), ("source_row", "", "record of the score in its source")],
    "claims.csv": [
        ("claim_id", "", "id in data/raw/curated/claims.yaml"), ("text", "", "the claim as published"),
        ("made_in", "", "where it was made (URL or document)"),
        ("verdict", "", "supported, contradicted, or not checkable (with our data)"),
        ("reason", "", "the comparison made, with the values and the rows behind them"),
        ("evidence", "", "the rows used, '<table>:<ref>' ';'-separated"), ("note", "", "the curator's note on the claim")],
}


def dictionary() -> pd.DataFrame:
    rows = []
    for table, (sch, feeds, desc) in TABLES.items():
        for col, c in sch.columns.items():
            if col not in desc:
                raise KeyError(f"{table}: column {col!r} has no description in llmscale.dictionary")
            unit, meaning = desc[col]
            rows.append({"table": table, "column": col, "type": str(c.dtype), "nullable": c.nullable,
                         "unit": unit, "meaning": meaning, "fed_by": feeds})
    for table, cols in {**EXTRA, **ANALYSIS}.items():
        for col, unit, meaning in cols:
            rows.append({"table": table, "column": col, "type": "", "nullable": True, "unit": unit, "meaning": meaning, "fed_by": ""})
    return pd.DataFrame(rows)
