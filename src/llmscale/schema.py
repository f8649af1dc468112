"""pandera schemas for every table the chain writes, and one error per bad input."""

from __future__ import annotations

import pandera.pandas as pa

from .errors import DataError

_EXPECT = {
    "field_uniqueness": "a value not repeated in this column",
    "not_nullable": "a value (blank not allowed)",
    "column_in_dataframe": "this column to be present",
    "column_in_schema": "no such column (the schema is strict)",
    "multiple_fields_uniqueness": "a unique combination",
}


def validate(df, schema: pa.DataFrameSchema, file, row_col: str | None = "source_row", file_col: str | None = None):
    """Validate ``df`` against ``schema``; on failure raise one :class:`DataError`.

    The error names the file (``file_col`` of the failing row when given, else ``file``),
    the row (``row_col`` of the failing row when present, else the row of the table as a
    spreadsheet shows it), the column, the value and what was expected. How many other
    failures there were is appended, so nothing hides behind the first.
    """
    try:
        return schema.validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        fc = exc.failure_cases
        # a table-wide check lists every column of a failing row: the value is the one that failed
        fc = fc[(fc["check"].astype(str) != SCORE_RANGE_CHECK) | (fc["column"] == "value")].reset_index(drop=True)
        first = fc.iloc[0]
        idx = first["index"]
        column = first["column"]
        value = first["failure_case"]
        where_file, where_row = file, None
        if idx is not None and idx == idx and idx in df.index:
            if row_col and row_col in df.columns:
                where_row = df.at[idx, row_col]
            else:
                where_row = int(df.index.get_loc(idx)) + 2
            if file_col and file_col in df.columns:
                where_file = df.at[idx, file_col]
            if column in df.columns:
                value = df.at[idx, column]
        check = str(first["check"])
        expected = _EXPECT.get(check, check)
        if check == SCORE_RANGE_CHECK and "benchmark" in df.columns and idx in df.index:
            lo, hi = score_range(df.at[idx, "benchmark"])
            expected = f"a score between {lo:g} and {hi:g} for benchmark {df.at[idx, 'benchmark']}"
        if len(fc) > 1:
            expected += f" ({len(fc) - 1} more failure(s) in this table)"
        raise DataError(where_file, where_row, column, value, expected) from None


def _real_date(values):
    """True for each value that is a real calendar date written YYYY-MM-DD."""
    import pandas as pd

    ok = values.str.fullmatch(r"\d{4}-\d{2}-\d{2}").fillna(False)
    parsed = pd.to_datetime(values.where(ok), format="%Y-%m-%d", errors="coerce")
    return ok & parsed.notna()


def _date(nullable=True):
    return pa.Column(str, pa.Check(_real_date, error="a real calendar date as YYYY-MM-DD"), nullable=nullable)


def _score(nullable=False):
    return pa.Column(float, pa.Check.in_range(0, 100), nullable=nullable)


# Scores are points on 0-100 unless their benchmark's scale is another one (not clipped):
SCORE_RANGES = {
    "aa_omniscience_index": (-100.0, 100.0),  # correct minus incorrect answers, in points
    "epoch_capabilities_index": (0.0, 300.0),  # an open-ended scale (about 60-160 in 2026): a sanity bound
}
DEFAULT_SCORE_RANGE = (0.0, 100.0)
SCORE_RANGE_CHECK = "a value within its benchmark's range"


def score_range(benchmark: str) -> tuple[float, float]:
    """The (low, high) a score of ``benchmark`` must lie in: 0-100 unless :data:`SCORE_RANGES` says."""
    return SCORE_RANGES.get(benchmark, DEFAULT_SCORE_RANGE)


def _in_benchmark_range(df):
    lo = df["benchmark"].map(lambda b: score_range(b)[0])
    hi = df["benchmark"].map(lambda b: score_range(b)[1])
    return df["value"].between(lo, hi) | df["value"].isna()


def _params(nullable=True):
    return pa.Column(float, pa.Check.gt(0), nullable=nullable)


_ROW = pa.Column(str, nullable=False)
# the maker's country as an ISO 3166-1 alpha-2 code, lowercase ("cn", "us"), as Artificial Analysis gives it
_COUNTRY = pa.Column(str, pa.Check.str_matches(r"^[a-z]{2}$"), nullable=True)
_SOURCE = pa.Column(str, nullable=False)

SOURCE_MODELS = pa.DataFrameSchema(
    {
        "source": _SOURCE,
        "source_row": _ROW,
        "source_name": pa.Column(str),
        "model_id": pa.Column(str, pa.Check.str_matches(r"^[a-z0-9][a-z0-9._\-+/]*$")),
        "weights": pa.Column(str, pa.Check.isin(["open", "closed", "unknown"])),
        "release_date": _date(),
        "total_params_b": _params(),
        "active_params_b": _params(),
        "architecture": pa.Column(str, pa.Check.isin(["dense", "moe"]), nullable=True),
        "country": _COUNTRY,
        "params_note": pa.Column(str, nullable=True),
    },
    strict=True,
    ordered=True,
    unique=["source", "source_row"],
    coerce=True,
)

SCORES = pa.DataFrameSchema(
    {
        "model_id": pa.Column(str),
        "benchmark": pa.Column(str, pa.Check.str_matches(r"^[a-z0-9]+(_[a-z0-9]+)*$")),
        "value": pa.Column(float),
        "shots": pa.Column("Int64", pa.Check.ge(0), nullable=True),
        "cot": pa.Column("boolean", nullable=True),
        "variant": pa.Column(str, pa.Check.isin(["base", "instruct", "unknown"])),
        "reasoning": pa.Column(str, pa.Check.str_matches(r"^[a-z0-9][a-z0-9\-]*$"), nullable=True),
        "reporter": pa.Column(str, pa.Check.isin(["maker", "independent", "aggregator", "unknown"])),
        "harness": pa.Column(str, nullable=True),
        "index_version": pa.Column(str, pa.Check.str_matches(r"^\d{4}-\d{2}-\d{2}$"), nullable=True),
        "source": _SOURCE,
        "source_row": _ROW,
        "note": pa.Column(str, nullable=True),
    },
    checks=[pa.Check(_in_benchmark_range, name=SCORE_RANGE_CHECK)],
    strict=True,
    ordered=True,
    unique=["source", "source_row", "benchmark"],
    coerce=True,
)

CORRECTIONS = pa.DataFrameSchema(
    {
        "source": _SOURCE,
        "source_row": _ROW,
        "field": pa.Column(str),
        "source_value": pa.Column(str, nullable=True),
        "corrected_value": pa.Column(str, nullable=True),
        "evidence_url": pa.Column(str, pa.Check.str_matches(r"^https?://"), nullable=True),
        "note": pa.Column(str),
    },
    strict=True,
    unique=["source", "source_row", "field"],
    coerce=True,
)

ALIASES = pa.DataFrameSchema(
    {
        "source": _SOURCE,
        "source_name": pa.Column(str),
        "model_id": pa.Column(str, pa.Check.str_matches(r"^[a-z0-9][a-z0-9._\-+/]*$")),
        "note": pa.Column(str, nullable=True),
    },
    strict=True,
    unique=["source", "source_name"],
    coerce=True,
)

# Ids of models no repository holds (closed models, a source's own name for a model), each
# with the source spelling that names it: an alias may point only at a known id.
MODEL_IDS = pa.DataFrameSchema(
    {
        "model_id": pa.Column(str, pa.Check.str_matches(r"^[a-z0-9][a-z0-9._\-+]*/[a-z0-9][a-z0-9._\-+]*$"), unique=True),
        "source": _SOURCE,
        "source_name": pa.Column(str),
        "note": pa.Column(str, nullable=True),
    },
    strict=True,
    coerce=True,
)

FRONTIER = pa.DataFrameSchema(
    {
        "dataset": pa.Column(str),
        "model_id": pa.Column(str),
        "label": pa.Column(str),
        "total_params_b": _params(nullable=False),
        "score": _score(),
        "size_class": pa.Column(str),
        "on_frontier": pa.Column(bool),
    },
    strict=True,
    coerce=True,
)

_ID = pa.Column(str, pa.Check.str_matches(r"^[a-z0-9][a-z0-9._\-+/]*$"))

MAKERS = pa.DataFrameSchema(
    {"org": pa.Column(str, unique=True), "maker": pa.Column(str), "pages": pa.Column(str)},
    strict=True,
    coerce=True,
)

CURATED_FACTS = pa.DataFrameSchema(
    {
        "model_id": _ID,
        "field": pa.Column(str),
        "value": pa.Column(str, nullable=True),
        "status": pa.Column(str),
        "citation_url": pa.Column(str, nullable=True),
        "evidence": pa.Column(str, nullable=True),
    },
    strict=True,
    coerce=True,
)

# data/raw/curated/scores.csv: the makers' own benchmark numbers, one row per score, each citing
# the maker's page (checked against makers.csv in llmscale.reconcile.check_curated_scores).
CURATED_SCORES = pa.DataFrameSchema(
    {
        "model_id": _ID,
        "benchmark": pa.Column(str, pa.Check.str_matches(r"^[a-z0-9]+(_[a-z0-9]+)*$")),
        "value": _score(),
        "variant": pa.Column(str, pa.Check.isin(["base", "instruct"])),
        "shots": pa.Column("Int64", pa.Check.ge(0), nullable=True),
        "cot": pa.Column(str, pa.Check.isin(["true", "false"]), nullable=True),
        "harness": pa.Column(str, nullable=True),
        "citation_url": pa.Column(str, pa.Check.str_matches(r"^https?://"), nullable=False),
        "evidence": pa.Column(str, nullable=False),
    },
    strict=True,
    ordered=True,
    coerce=True,
)


def _ref(nullable=True):
    return pa.Column(str, pa.Check.str_matches(r"^(curated: https?://|inherited from [a-z0-9]|[a-z0-9\-]+:)"), nullable=nullable)


MODELS = pa.DataFrameSchema(
    {
        "model_id": pa.Column(str, unique=True),
        "family": pa.Column(str, nullable=True),
        "variant": pa.Column(str, pa.Check.isin(["base", "instruct", "unknown"])),
        "base_model_id": pa.Column(str, nullable=True),
        "lineage": pa.Column(str),
        "lineage_ref": _ref(nullable=False),
        "name": pa.Column(str, nullable=True),
        "organisation": pa.Column(str, nullable=True),
        "organisation_ref": _ref(),
        "country": _COUNTRY,
        "country_ref": _ref(),
        "weights": pa.Column(str, pa.Check.isin(["open", "closed"]), nullable=True),
        "weights_ref": _ref(),
        "architecture": pa.Column(str, pa.Check.isin(["dense", "moe"]), nullable=True),
        "architecture_ref": _ref(),
        "release_date": _date(),
        "release_date_ref": _ref(),
        "total_params_b": _params(),
        "total_params_b_ref": _ref(),
        "active_params_b": _params(),
        "active_params_b_ref": _ref(),
        "experts_total": pa.Column(float, pa.Check.gt(0), nullable=True),
        "experts_total_ref": _ref(),
        "experts_active": pa.Column(float, pa.Check.gt(0), nullable=True),
        "experts_active_ref": _ref(),
        "vocab_size": pa.Column(float, pa.Check.gt(0), nullable=True),
        "vocab_size_ref": _ref(),
        "hidden_size": pa.Column(float, pa.Check.gt(0), nullable=True),
        "hidden_size_ref": _ref(),
        "num_layers": pa.Column(float, pa.Check.gt(0), nullable=True),
        "num_layers_ref": _ref(),
        "tied_embeddings": pa.Column(str, pa.Check.isin(["true", "false"]), nullable=True),
        "tied_embeddings_ref": _ref(),
        "sources": pa.Column(str, nullable=True),
        "n_sources": pa.Column(int, pa.Check.ge(0)),
        "non_embedding_params_b": _params(),
        "rumoured_total_params_b": _params(),
        "rumoured_total_params_b_ref": _ref(),
    },
    strict=True,
    ordered=True,
    coerce=True,
)

CONFLICTS = pa.DataFrameSchema(
    {
        "model_id": pa.Column(str),
        "kind": pa.Column(str, pa.Check.isin(["fact", "score", "setting"])),
        "item": pa.Column(str),
        "value_used": pa.Column(str),
        "ref_used": pa.Column(str),
        "value_other": pa.Column(str),
        "ref_other": pa.Column(str),
        "reason": pa.Column(str),
    },
    strict=True,
    coerce=True,
)

SIZE_FLAGS = pa.DataFrameSchema(
    {
        "model_id": pa.Column(str),
        "kind": pa.Column(str, pa.Check.isin(["name_vs_total", "moe_without_active", "source_vs_model"])),
        "name_size_b": _params(),
        "total_params_b": _params(nullable=False),
        "total_params_b_ref": _ref(nullable=False),
        "active_params_b": _params(),
        "explained": pa.Column(bool),
        "note": pa.Column(str),
    },
    strict=True,
    ordered=True,
    coerce=True,
)

PRICES = pa.DataFrameSchema(
    {
        "source": _SOURCE,
        "source_row": _ROW,
        "model_id": pa.Column(str),
        "usd_per_1m_input": pa.Column(float, pa.Check.ge(0), nullable=True),
        "usd_per_1m_output": pa.Column(float, pa.Check.ge(0), nullable=True),
        "usd_per_1m_blended": pa.Column(float, pa.Check.ge(0)),
        "price_from": _date(),
        "price_to": _date(),
        "current": pa.Column(bool),
        "note": pa.Column(str, nullable=True),
    },
    strict=True,
    ordered=True,
    unique=["source", "source_row"],
    coerce=True,
)

UNMATCHED = pa.DataFrameSchema(
    {
        "source": _SOURCE,
        "source_row": _ROW,
        "source_name": pa.Column(str),
        "provisional_id": pa.Column(str),
        "reason": pa.Column(str),
    },
    strict=True,
    coerce=True,
)
