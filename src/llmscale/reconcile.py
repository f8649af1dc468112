"""From many sources' rows to one row per model, with the origin of every value.

Each fact of a model (total params, release date, ...) is taken from the first source in
:data:`PRECEDENCE` that states it: curated facts with a citation first, then the makers'
reports, then independent harnesses, then aggregators. Between the model's own curated facts
and every source sit the maker's facts it inherits from the model whose architecture it
keeps (:func:`llmscale.lineage.inherit`, ref ``inherited from <model_id>``). The column ``<fact>_ref`` says where
the value came from (``curated: <url>`` or ``<source>:<source row>``). Where another source
gives a value that differs from the one used (params by more than 5 %, release dates by
more than 30 days, scores of the same setting by more than 1 point), both are listed in
``conflicts.csv`` with the reason the one used was preferred.
"""

from __future__ import annotations

from urllib.parse import urlparse

import pandas as pd

from . import identity, lineage
from .sources import open_llm_leaderboard
from .errors import DataError
from .settings import SETTING_COLUMNS, with_setting_columns
from .units import iso_date, plain_number

# The source of a fact inherited along a lineage (:func:`llmscale.lineage.inherit`): it ranks
# below the model's own curated fact and above every source.
INHERITED = "inherited"

PRECEDENCE = [
    "curated",
    "reported-scores",
    "swallow",
    "open-llm-leaderboard",
    "obsscaling",
    "artificial-analysis",
    "epoch-hub-2026",
    "epoch-benchmarking-hub",
    "epoch-open-model-trends",
    "epoch-notable-models",
    "epoch-aa-prices",
    "llm-stats",
    "cjtrowbridge",
]
REPORTER_OF = {
    "curated": "curated fact with a citation to the maker",
    "reported-scores": "maker's report (compiled)",
    "swallow": "independent harness",
    "open-llm-leaderboard": "independent harness",
    "obsscaling": "independent harness",
    "artificial-analysis": "aggregator for facts, its own harness for scores",
    "epoch-hub-2026": "aggregator for facts, its own harness for scores",
    INHERITED: "maker's fact inherited from the model whose architecture it keeps",
}
# Sources never used for a fact, with the reason (they still show up in conflicts).
EXCLUDED = {
    ("total_params_b", "cjtrowbridge"): "its size column mixes total, active and rumoured counts",
    ("active_params_b", "cjtrowbridge"): "its size column mixes total, active and rumoured counts",
}

FACTS = ["organisation", "country", "weights", "architecture", "release_date", "total_params_b", "active_params_b",
         "experts_total", "experts_active", "vocab_size", "hidden_size", "num_layers", "tied_embeddings"]
NUMERIC = {"total_params_b", "active_params_b", "experts_total", "experts_active", "vocab_size", "hidden_size", "num_layers"}
STATUSES = {"sourced", "undisclosed", "not_looked_up"}
# Curated facts that link a model to another (their value is a model_id), not columns of their own.
LINKS = ["base_model", "same_architecture_as"]


def _rank(source: str) -> int:
    return PRECEDENCE.index(source) if source in PRECEDENCE else len(PRECEDENCE)


def source_rank(sources: pd.Series) -> pd.Series:
    """Each source's place in :data:`PRECEDENCE` (a source not listed after all of them):
    sort by it, then by source and row, to pick the value every table and chart uses."""
    return sources.map(_rank)


def maker_page(url: str, org: str, makers: pd.DataFrame) -> bool:
    """Whether ``url`` is one of the maker's own pages (its Hugging Face org, GitHub org,
    site, or a paper on arXiv), per ``data/raw/curated/makers.csv``."""
    if org not in makers.index:
        return False
    u = urlparse(url)
    host = u.netloc.lower()
    first = u.path.strip("/").split("/")[0].lower()
    for page in makers.at[org, "pages"].split():
        p_host, _, p_org = page.partition("/")
        if host == p_host and (not p_org or first == p_org):
            return True
    return False


def check_citation(url, model_id: str, makers: pd.DataFrame | None, file, row) -> None:
    """A curated row's citation: a URL and (given ``makers``, indexed by org) one of the pages
    of the maker of ``model_id``; else a :class:`DataError` at ``file``, ``row``."""
    if not str(url).startswith(("http://", "https://")):
        raise DataError(file, row, "citation_url", url, "a URL to the page that states the value")
    org = model_id.split("/")[0]
    if makers is not None and not maker_page(url, org, makers):
        raise DataError(file, row, "citation_url", url, f"a page of the maker of {model_id} (see makers.csv for {org!r})")


def check_curated(facts: pd.DataFrame, file, makers: pd.DataFrame | None = None) -> pd.DataFrame:
    """The curated facts table: one row per (model, fact), a citation on every sourced value,
    and (given ``makers``) every citation one of the maker's own pages."""
    if makers is not None:
        makers = makers.set_index("org")
    for i, r in facts.iterrows():
        row = i + 2
        if r["field"] not in FACTS + LINKS:
            raise DataError(file, row, "field", r["field"], f"one of {FACTS + LINKS}")
        if r["status"] not in STATUSES:
            raise DataError(file, row, "status", r["status"], f"one of {sorted(STATUSES)}")
        has_value = isinstance(r["value"], str) and r["value"].strip() != ""
        if r["status"] == "sourced":
            if not has_value:
                raise DataError(file, row, "value", r["value"], "a value when status is sourced")
            check_citation(r["citation_url"], r["model_id"], makers, file, row)
        elif has_value:
            raise DataError(file, row, "value", r["value"], f"blank when status is {r['status']}")
        if r["field"] in LINKS and has_value and not pd.Series([r["value"]]).str.fullmatch(r"[a-z0-9][a-z0-9._\-+/]*/[a-z0-9][a-z0-9._\-+]*").all():
            raise DataError(file, row, "value", r["value"], f"a model_id (org/name, lowercase) for {r['field']}")
        if r["field"] in NUMERIC and has_value:
            try:
                plain_number(r["value"], r["field"])
            except ValueError as exc:
                raise DataError(file, row, "value", r["value"], str(exc)) from None
        if r["field"] == "release_date" and has_value:
            try:
                iso_date(r["value"])
            except ValueError as exc:
                raise DataError(file, row, "value", r["value"], str(exc)) from None
    dup = facts[facts.duplicated(["model_id", "field"], keep=False)]
    if len(dup):
        i = dup.index[1]
        raise DataError(file, i + 2, "field", facts.at[i, "field"], f"one row per model and fact; {facts.at[i, 'model_id']} has two")
    return facts


CURATED_SCORE_KEY = ["model_id", "benchmark", "variant", "shots", "cot", "harness"]


def check_curated_scores(scores: pd.DataFrame, file, makers: pd.DataFrame | None = None) -> pd.DataFrame:
    """The curated scores table (``data/raw/curated/scores.csv``, validated against
    :data:`~llmscale.schema.CURATED_SCORES`): every citation one of the maker's own pages
    (given ``makers``), and one row per model, benchmark and setting."""
    if makers is not None:
        makers = makers.set_index("org")
    for i, r in scores.iterrows():
        check_citation(r["citation_url"], r["model_id"], makers, file, i + 2)
    dup = scores[scores.duplicated(CURATED_SCORE_KEY, keep=False)]
    if len(dup):
        i = dup.index[1]
        raise DataError(file, i + 2, "model_id", scores.at[i, "model_id"],
                        f"one row per model, benchmark and setting; {scores.at[i, 'benchmark']} of this model and setting has two")
    return scores


def curated_scores(scores: pd.DataFrame) -> pd.DataFrame:
    """The curated scores as rows of the processed scores table: source ``curated`` (first in
    :data:`PRECEDENCE`), reporter maker, ``source_row`` the row of scores.csv (header = 1) and
    the maker's page in ``note``."""
    from .sources._common import scores_frame

    return scores_frame([{
        "model_id": r["model_id"], "benchmark": r["benchmark"], "value": float(r["value"]),
        "shots": None if pd.isna(r["shots"]) else int(r["shots"]),
        "cot": None if pd.isna(r["cot"]) else r["cot"] == "true", "variant": r["variant"], "reporter": "maker",
        "harness": None if pd.isna(r["harness"]) else r["harness"], "source": "curated", "source_row": str(i + 2),
        "note": f"maker's page: {r['citation_url']}",
    } for i, r in scores.iterrows()])


def candidates(source_models: pd.DataFrame, facts: pd.DataFrame) -> pd.DataFrame:
    """Every stated value of every fact: model_id, fact, value, source, ref, rank."""
    parts = []
    if len(facts):
        f = facts[(facts["status"] == "sourced") & ~facts["field"].isin(LINKS)]
        parts.append(pd.DataFrame({
            "model_id": f["model_id"], "fact": f["field"], "value": f["value"],
            "source": "curated", "ref": "curated: " + f["citation_url"],
        }))
    for fact in ["country", "weights", "architecture", "release_date", "total_params_b", "active_params_b"]:
        if fact not in source_models:  # a table written before the column existed states none
            continue
        sm = source_models[source_models[fact].notna()]
        if fact == "weights":
            sm = sm[sm[fact] != "unknown"]
        parts.append(pd.DataFrame({
            "model_id": sm["model_id"], "fact": fact, "value": sm[fact].astype(str),
            "source": sm["source"], "ref": sm["source"] + ":" + sm["source_row"].astype(str),
        }))
    out = pd.concat(parts, ignore_index=True)
    keep = [(f, s) not in EXCLUDED for f, s in zip(out["fact"], out["source"])]
    out["used_for_fact"] = keep
    out["rank"] = out["source"].map(_rank)
    return out.sort_values(["model_id", "fact", "rank", "ref"], kind="mergesort").reset_index(drop=True)


def differs(fact: pd.Series, a: pd.Series, b: pd.Series) -> pd.Series:
    """Whether two stated values of a fact disagree: numbers by more than 5 %, dates by more
    than 30 days, text at all (ignoring case)."""
    fact, a, b = fact.reset_index(drop=True), a.reset_index(drop=True), b.reset_index(drop=True)
    out = a.str.strip().str.lower() != b.str.strip().str.lower()
    num = fact.isin(NUMERIC)
    x, y = pd.to_numeric(a.where(num)), pd.to_numeric(b.where(num))
    out[num] = ((x - y).abs() > 0.05 * pd.concat([x.abs(), y.abs()], axis=1).max(axis=1))[num]
    date = fact == "release_date"
    da, db = pd.to_datetime(a.where(date)), pd.to_datetime(b.where(date))
    out[date] = ((da - db).dt.days.abs() > 30)[date]
    return out.to_numpy()


def reconcile(source_models: pd.DataFrame, facts: pd.DataFrame, claims: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per model_id with each fact and its ``_ref``, its lineage (from the curated
    facts, the sources' base-model ``claims`` and the id: :mod:`llmscale.lineage`); and the
    fact conflicts."""
    cand = candidates(source_models, facts)
    used = cand[cand["used_for_fact"]].drop_duplicates(["model_id", "fact"], keep="first")
    wide = used.pivot(index="model_id", columns="fact", values="value")
    refs = used.pivot(index="model_id", columns="fact", values="ref").add_suffix("_ref")
    ids = sorted(set(source_models["model_id"]) | set(facts["model_id"]))
    models = pd.DataFrame(index=pd.Index(ids, name="model_id"))
    for fact in FACTS:
        models[fact] = wide[fact] if fact in wide else None
        models[f"{fact}_ref"] = refs[f"{fact}_ref"] if f"{fact}_ref" in refs else None
    for fact in NUMERIC:
        models[fact] = pd.to_numeric(models[fact])
    models = lineage.inherit(models, facts, open_llm_leaderboard.exact_refs(source_models))
    used = with_inherited(used, models)
    names = source_models.assign(rank=source_models["source"].map(_rank)).sort_values(["rank", "source_row"])
    models.insert(0, "name", names.drop_duplicates("model_id").set_index("model_id")["source_name"])
    models["name"] = models["name"].fillna(pd.Series(models.index.str.split("/").str[-1], index=models.index))
    models["sources"], models["n_sources"] = source_lists(source_models, models.index)
    models["non_embedding_params_b"] = non_embedding_params_b(models)
    models = withhold_closed_sizes(models, cand)
    models = derive_architecture(models)
    models, used = dense_active(models, used)
    v = identity.variants(pd.Series(models.index, index=models.index), models.index)
    lin = lineage.lineages(models.index, facts, claims)
    models.insert(0, "family", v["family"])
    models.insert(1, "variant", v["variant"])
    models.insert(2, "base_model_id", v["base_model_id"])
    models.insert(3, "lineage", lin["lineage"])
    models.insert(4, "lineage_ref", lin["lineage_ref"])
    models["family"] = lineage.families(models)
    models = models.reset_index()

    rumoured = set(models.loc[models["rumoured_total_params_b"].notna(), "model_id"])
    pairs = cand.merge(used[["model_id", "fact", "value", "ref", "source"]], on=["model_id", "fact"], suffixes=("", "_used"))
    pairs = pairs[(pairs["ref"] != pairs["ref_used"])
                  & ~(pairs["model_id"].isin(rumoured) & pairs["fact"].isin(["total_params_b", "active_params_b"]))]
    pairs = pairs[differs(pairs["fact"], pairs["value_used"], pairs["value"])]
    excluded = [EXCLUDED.get((f, s)) for f, s in zip(pairs["fact"], pairs["source"])]
    reasons = [
        f"{s} is not used for {f}: {ex}" if ex else
        "a dense model: every parameter is active, so its active count is its total" if su == DERIVED else
        f"{su} ranks above {s} ({REPORTER_OF.get(su, 'aggregator')} over {REPORTER_OF.get(s, 'aggregator')})"
        for f, s, su, ex in zip(pairs["fact"], pairs["source"], pairs["source_used"], excluded)
    ]
    conflicts = pd.DataFrame({
        "model_id": pairs["model_id"], "kind": "fact", "item": pairs["fact"], "value_used": pairs["value_used"],
        "ref_used": pairs["ref_used"], "value_other": pairs["value"], "ref_other": pairs["ref"], "reason": reasons,
    })
    return models, conflicts[CONFLICT_COLUMNS].reset_index(drop=True)


def with_inherited(used: pd.DataFrame, models: pd.DataFrame) -> pd.DataFrame:
    """The value used for each (model, fact) once inheritance is done: an inherited value
    (``<fact>_ref`` ``inherited from <id>``) replaces the one a source gave, so every source
    value more than 5 % away from it is listed as a fact conflict."""
    rows = []
    for fact in lineage.INHERITED:
        if fact in FACTS:
            rows.append(_used_rows(models, fact, models[f"{fact}_ref"].fillna("").str.startswith(lineage.INHERITED_REF),
                                   INHERITED))
    return _replace_used(used, rows)


def _used_rows(models: pd.DataFrame, fact: str, hit: pd.Series, source: str) -> pd.DataFrame:
    """Rows of the ``used`` table for ``fact`` of the models ``hit`` selects, as ``models`` has them."""
    vals = models.loc[hit, fact]
    return pd.DataFrame({"model_id": vals.index, "fact": fact,
                         "value": [f"{v:g}" if isinstance(v, float) else str(v) for v in vals], "source": source,
                         "ref": models.loc[hit, f"{fact}_ref"].to_numpy(), "used_for_fact": True, "rank": 0})


def _replace_used(used: pd.DataFrame, rows: list[pd.DataFrame]) -> pd.DataFrame:
    """``used`` with the (model, fact) rows of ``rows`` in place of its own."""
    new = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=used.columns)
    if not len(new):
        return used
    key = pd.MultiIndex.from_frame(used[["model_id", "fact"]])
    drop = key.isin(pd.MultiIndex.from_frame(new[["model_id", "fact"]]))
    return pd.concat([used[~drop], new[used.columns]], ignore_index=True)


DENSE_ACTIVE = "derived: a dense model's active count is its total"
DERIVED = "derived"  # the source of a value the reconciliation derives


def dense_active(models: pd.DataFrame, used: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A dense model (stated or derived) with a total has every parameter active: its
    ``active_params_b`` is its total, with :data:`DENSE_ACTIVE` as the ref, whatever rounded or
    "effective" active count a source gave (AA's 2B for Gemma 3n E2B, 5.98B in all; Swallow's
    33B for Gemma 4 31B, 30.7B). Returns the models and ``used`` with those values in place, so
    that a source's other active count is listed as a fact conflict."""
    m = models.copy()
    hit = m["architecture"].eq("dense") & m["total_params_b"].notna()
    m.loc[hit, "active_params_b"] = m.loc[hit, "total_params_b"]
    m.loc[hit, "active_params_b_ref"] = DENSE_ACTIVE
    return m, _replace_used(used, [_used_rows(m, "active_params_b", hit, DERIVED)])


def source_lists(source_models: pd.DataFrame, ids: pd.Index) -> tuple[pd.Series, pd.Series]:
    """Each model's sources, sorted and joined with ``;``, and how many there are.

    One pass over the distinct (model, source) pairs: most models have one source, and only
    the others are joined group by group."""
    pairs = source_models[["model_id", "source"]].drop_duplicates().sort_values(["model_id", "source"], kind="mergesort")
    n = pairs.groupby("model_id", sort=False).size()
    single = pairs[pairs["model_id"].map(n) == 1].set_index("model_id")["source"]
    multi = pairs[pairs["model_id"].map(n) > 1].groupby("model_id", sort=False)["source"].agg(";".join)
    joined = pd.concat([single, multi]).reindex(ids)
    return joined, n.reindex(ids).fillna(0).astype(int)


CONFLICT_COLUMNS = ["model_id", "kind", "item", "value_used", "ref_used", "value_other", "ref_other", "reason"]
DERIVED_MOE = "derived: active_params_b below total_params_b"


def derive_architecture(models: pd.DataFrame) -> pd.DataFrame:
    """A model no source calls dense or MoE, but whose stated active count is below its stated
    total (by more than 5 %), is a mixture of experts: a dense model's active count is its
    total. ``architecture_ref`` says it was derived."""
    m = models.copy()
    moe = m["architecture"].isna() & (m["active_params_b"] < 0.95 * m["total_params_b"])
    m.loc[moe, "architecture"] = "moe"
    m.loc[moe, "architecture_ref"] = DERIVED_MOE
    return m


def withhold_closed_sizes(models: pd.DataFrame, cand: pd.DataFrame) -> pd.DataFrame:
    """A closed model's size counts only if a curated fact cites the maker disclosing it.

    Otherwise whatever size a source gives it is a rumour or an estimate: its
    ``total_params_b`` (and active, non-embedding) stay blank, so nothing fits on it, and the
    highest-ranked stated value moves to ``rumoured_total_params_b`` with its ref.
    """
    disclosed = models["total_params_b_ref"].fillna("").str.startswith("curated:")
    closed = models.index[(models["weights"] == "closed") & ~disclosed]
    sizes = cand[(cand["fact"] == "total_params_b") & cand["model_id"].isin(closed)].drop_duplicates("model_id")
    models["rumoured_total_params_b"] = pd.to_numeric(sizes.set_index("model_id")["value"]).reindex(models.index)
    models["rumoured_total_params_b_ref"] = sizes.set_index("model_id")["ref"].reindex(models.index)
    for col in ("total_params_b", "active_params_b", "non_embedding_params_b"):
        models.loc[closed, col] = float("nan")
        if f"{col}_ref" in models:
            models.loc[closed, f"{col}_ref"] = None
    return models


def non_embedding_params_b(models: pd.DataFrame) -> pd.Series:
    """Total minus embedding parameters: vocab x hidden, twice when input and output are untied.

    Computed only where total, vocabulary size, hidden size and the tied flag are all known.
    """
    tied = models["tied_embeddings"].map({"true": 1, "false": 2, True: 1, False: 2})
    emb_b = pd.to_numeric(models["vocab_size"]) * pd.to_numeric(models["hidden_size"]) * tied / 1e9
    out = pd.to_numeric(models["total_params_b"]) - emb_b
    return out.where(out > 0)


def score_conflicts(scores: pd.DataFrame) -> pd.DataFrame:
    """Scores of one (model, benchmark, setting) from different sources more than 1 point apart.

    The score used is the one from the highest-ranked source; each other source's score that
    differs from it by more than a point is listed against it.
    """
    setting = ["model_id", "benchmark", *SETTING_COLUMNS]  # harnesses differ across sources by nature
    s = with_setting_columns(scores).assign(rank=scores["source"].map(_rank))
    s = s.sort_values([*setting, "rank", "source", "source_row"], kind="mergesort", na_position="first")
    s = s.assign(_k=s.groupby(setting, dropna=False, sort=False).ngroup().to_numpy())
    used = s.drop_duplicates("_k", keep="first")
    pairs = s.merge(used[["_k", "value", "source", "source_row"]], on="_k", suffixes=("", "_used"))
    pairs = pairs[(pairs["source"] != pairs["source_used"]) & ((pairs["value"] - pairs["value_used"]).abs() > 1.0)]
    shots = pairs["shots"].astype(object).where(pairs["shots"].notna(), "?").astype(str)
    cot = pairs["cot"].astype(object).where(pairs["cot"].notna(), "?").astype(str)
    extra = ["".join(f", {k}={v}" for k, v in ((k, r.get(k)) for k in ("reasoning", "index_version")) if isinstance(v, str) and v)
             for r in pairs.to_dict("records")]
    return pd.DataFrame({
        "model_id": pairs["model_id"], "kind": "score",
        "item": pairs["benchmark"] + " (shots=" + shots + ", cot=" + cot + ", " + pairs["variant"] + pd.Series(extra, index=pairs.index, dtype=object) + ")",
        "value_used": pairs["value_used"].map("{:g}".format), "ref_used": pairs["source_used"] + ":" + pairs["source_row_used"],
        "value_other": pairs["value"].map("{:g}".format), "ref_other": pairs["source"] + ":" + pairs["source_row"],
        "reason": [f"{u} ranks above {o} ({REPORTER_OF.get(u, 'aggregator')} over {REPORTER_OF.get(o, 'aggregator')})"
                   for u, o in zip(pairs["source_used"], pairs["source"])],
    }, columns=CONFLICT_COLUMNS).reset_index(drop=True)
