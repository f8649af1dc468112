"""The data dictionary of the processed tables: every column's type, unit and meaning.

Types come from the pandera schemas, so the dictionary cannot drift from what is
validated; a column without a description here fails the tests.
"""

from __future__ import annotations

import pandas as pd

from . import schema
from .tables import CONFLICTS, FRONTIER, MODELS, PRICES, SCORES, SOURCE_MODELS, SOURCES, UNMATCHED

ALL_SOURCES = "every ingested source (see sources.csv)"
FACT_REF = ("where the value came from: 'curated: <URL of the maker's page>', '<source>:<source_row>', or "
            "'derived: <rule>' (architecture moe where a stated active count is below the stated total)")

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
        "params_note": ("", "what the source's size column means for this row, when it is not a plain total"),
    }),
    SCORES: (schema.SCORES, ALL_SOURCES, {
        "model_id": ("", "canonical id (see models.csv)"),
        "benchmark": ("", "benchmark id, snake_case (mmlu, mmlu_pro, gpqa, ...)"),
        "value": ("points, 0-100", "the score"),
        "shots": ("examples", "few-shot examples in the prompt; blank = not stated"),
        "cot": ("", "chain-of-thought prompting; blank = not stated"),
        "variant": ("", "base (pre-trained) or instruct (post-trained) model; unknown if not stated"),
        "reporter": ("", "maker (self-reported), independent (third-party harness), aggregator (collected)"),
        "harness": ("", "evaluation harness, where known"),
        "source": ("", "source folder under data/raw"),
        "source_row": ("", "the record in the source"),
        "note": ("", "the source's own citation or remark"),
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
        "family": ("", "the id up to its size (qwen/qwen2.5-7b-instruct -> qwen/qwen2.5); blank when the id states no size"),
        "variant": ("", "instruct when the id ends in a post-training tag (-instruct, -chat, -it, ...), base when it states a size without one, else unknown"),
        "base_model_id": ("", "for an instruct variant, the id of its base model when that model is in the table"),
        "sources": ("", "sources that describe this model, ';'-separated"),
        "n_sources": ("count", "how many sources describe this model"),
        "non_embedding_params_b": ("billions", "total minus vocab x hidden (x2 when embeddings are untied), from the facts in this row"),
        "organisation": ("", "maker"),
        "weights": ("", "open or closed"),
        "architecture": ("", "dense or moe"),
        "release_date": ("YYYY-MM-DD", "first public release"),
        "total_params_b": ("billions", "total parameters"),
        "active_params_b": ("billions", "parameters active per token"),
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
        "kind": ("", "fact (params > 5 % apart, dates > 30 days apart, other facts differing) or score (same setting > 1 point apart)"),
        "item": ("", "the fact, or the benchmark with its setting"),
        "value_used": ("", "the value the processed tables use"),
        "ref_used": ("", "where the used value came from"),
        "value_other": ("", "the differing value"),
        "ref_other": ("", "where the differing value came from"),
        "reason": ("", "why the used value was preferred (the documented precedence)"),
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
    TABLES[MODELS][2][_c] = ("", FACT_REF)

EXTRA = {
    SOURCES: [("source", "", "source folder under data/raw"), ("credit", "", "how to credit it"),
              ("licence", "", "its licence"), ("repo", "", "repository it was copied from"),
              ("commit", "", "commit it was copied at")],
    FRONTIER: [(c, "", d) for c, d in [
        ("dataset", "which chart: as published, or Epoch"), ("model_id", "canonical id"), ("label", "point label"),
        ("total_params_b", "billions; size as that dataset gives it"), ("mmlu", "points 0-100"),
        ("size_class", "class by total params, edges a notebook parameter"), ("on_frontier", "no model in the class at most as large scores higher")]],
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
    for table, cols in EXTRA.items():
        for col, unit, meaning in cols:
            rows.append({"table": table, "column": col, "type": "", "nullable": True, "unit": unit, "meaning": meaning, "fed_by": ""})
    return pd.DataFrame(rows)
