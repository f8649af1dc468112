"""From ingested source rows to validated tables: errata, model ids, units, schemas."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from . import catchall, dictionary, identity, lineage, manifest, reconcile, schema, sizes
from .errors import DataError
from .io import read_text, write_table
from .sources import READERS
from .settings import SETTING_COLUMNS, with_setting_columns
from .tables import PRICES, AS_PUBLISHED, CONFLICTS, DICTIONARY, MODELS, SCORES, SIZE_FLAGS, SOURCE_MODELS, SOURCES, UNMATCHED

DROP_ROW = "(row)"
CURATED_SCORES = "scores.csv"  # the makers' own benchmark numbers, under data/raw/curated/
CURATED_CREDIT = {"source": "curated", "credit": "the models' makers (each score's page in data/raw/curated/scores.csv)",
                  "licence": "none stated (facts; cited to each maker)", "repo": "", "commit": ""}


def load_curated(curated_dir, name: str, table_schema) -> pd.DataFrame:
    path = Path(curated_dir) / name
    if not path.exists():
        raise DataError(path, None, None, None, f"the curated table {name}")
    df = pd.read_csv(io.StringIO(read_text(path)), dtype=str, keep_default_na=False, na_values=[""])
    df = schema.validate(df, table_schema, path, row_col=None)
    return df


def apply_corrections(rows: pd.DataFrame, corrections: pd.DataFrame, key: str, file, corrections_file) -> pd.DataFrame:
    """Apply the errata of source ``key`` to its ingested string rows.

    Each correction names the source row, the field (a source column, or ``(row)`` to
    leave the row out) and the value it expects to find there; if the raw value differs,
    the raw file has changed under the correction and the run stops.
    """
    rows = rows.copy()
    mine = corrections[corrections["source"] == key]
    index = {r: i for i, r in zip(rows.index, rows["source_row"])}
    drop = []
    for i, c in mine.iterrows():
        loc = (corrections_file, i + 2)
        if c["source_row"] not in index:
            raise DataError(*loc, "source_row", c["source_row"], f"a row of {file}")
        ri = index[c["source_row"]]
        if c["field"] == DROP_ROW:
            drop.append(ri)
            continue
        if c["field"] not in rows.columns:
            raise DataError(*loc, "field", c["field"], f"a column of {file} or {DROP_ROW}")
        found = rows.at[ri, c["field"]]
        expected = "" if pd.isna(c["source_value"]) else c["source_value"]
        if found != expected:
            raise DataError(*loc, "source_value", c["source_value"], f"the value now in {file}: {found!r}")
        rows.at[ri, c["field"]] = "" if pd.isna(c["corrected_value"]) else c["corrected_value"]
    return rows.drop(index=drop)


def check_aliases(aliases: pd.DataFrame, ingested: dict[str, pd.DataFrame], file) -> None:
    """Every source-specific alias (or registered id, model_ids.csv) names a spelling its
    source really has (a typo in the alias table would otherwise do nothing, silently)."""
    names = {key: set(rows[READERS[key].NAME]) for key, rows in ingested.items()}
    for i, (source, name) in enumerate(zip(aliases["source"], aliases["source_name"])):
        if source in names and name not in names[source]:
            raise DataError(file, i + 2, "source_name", name, f"a model name that {source} contains")


def check_known_models(table: pd.DataFrame, known: set, file) -> None:
    """Every model a curated table names is a model of the table (a curated fact's or a
    source's): a misspelt id would otherwise add a model of its own, silently."""
    for i, m in enumerate(table["model_id"]):
        if m not in known:
            raise DataError(file, i + 2, "model_id", m, "the id of a model that a curated fact or a source names (see models.csv)")


def check_unique_scores(scores: pd.DataFrame, file) -> None:
    """One score per model, benchmark and setting in a source; two are a duplicate model."""
    keys = ["source", "model_id", "benchmark", *SETTING_COLUMNS, "harness"]
    scores = with_setting_columns(scores)
    dup = scores[scores.duplicated(keys, keep=False)]
    if len(dup):
        group = dup.groupby(keys, dropna=False, sort=False).ngroup()
        a, b = dup[group == 0].iloc[0], dup[group == 0].iloc[1]
        raise DataError(
            file, b["source_row"], "model", b["model_id"],
            f"one {b['benchmark']} score per model and setting; row {a['source_row']} is the same model "
            f"({a['value']} vs {b['value']}): add an alias or a correction",
        )


def clean_source(key: str, rows: pd.DataFrame, raw_dir, aliases, registry, check_duplicates=True):
    """Give one source's (corrected) rows their ids and tidy them into validated
    (source_models, scores), each row keeping its id basis."""
    reader = READERS[key]
    base = Path(raw_dir) / key
    file = base / reader.FILES[0] if len(reader.FILES) == 1 else base
    rows = identity.assign(rows, key, reader.NAME, aliases, registry)
    models, scores = reader.tidy(rows, base)
    models = schema.validate(models, schema.SOURCE_MODELS, file)
    scores = schema.validate(scores, schema.SCORES, file)
    if check_duplicates:
        check_unique_scores(scores, file)
    ids = rows[["source_row", "source", reader.NAME, "model_id", "id_basis", "id_note"]].rename(columns={reader.NAME: "source_name"})
    return models, scores, ids


def base_claims(bases: pd.DataFrame, key: str, aliases, registry) -> pd.DataFrame:
    """A source's base-model statements (model_id, base_name, source, source_row) with the
    base spelling given its id the way every model name is: model_id, base_model_id, ref."""
    named = identity.assign(bases.reset_index(drop=True), key, "base_name", aliases, registry)
    return pd.DataFrame({"model_id": bases["model_id"].to_numpy(), "base_model_id": named["model_id"].to_numpy(),
                         "ref": (bases["source"] + ":" + bases["source_row"]).to_numpy()})


def read_ingested(interim_dir, key: str) -> pd.DataFrame:
    """An ingested table, every cell a string (blank cells stay empty strings)."""
    path = Path(interim_dir) / f"{key}.csv"
    if not path.exists():
        raise FileNotFoundError(f"{path}: missing ingested table (run 01_ingest first: make data)")
    return pd.read_csv(path, dtype=object, keep_default_na=False)


def clean_all(raw_dir, interim_dir, processed_dir, sources) -> pd.DataFrame:
    """Errata, ids, units, schemas, reconciliation: write every processed table.

    ``sources`` empty means every registered reader."""
    sources = list(sources) or list(READERS)
    curated = Path(raw_dir) / "curated"
    corrections = load_curated(curated, "corrections.csv", schema.CORRECTIONS)
    aliases = load_curated(curated, "aliases.csv", schema.ALIASES)
    makers = load_curated(curated, "makers.csv", schema.MAKERS)
    facts = reconcile.check_curated(load_curated(curated, "models.csv", schema.CURATED_FACTS), curated / "models.csv", makers)
    maker_scores = reconcile.check_curated_scores(load_curated(curated, CURATED_SCORES, schema.CURATED_SCORES),
                                                  curated / CURATED_SCORES, makers)
    raw = {key: read_ingested(interim_dir, key) for key in sources}
    ingested = {}
    for key, rows in raw.items():
        reader = READERS[key]
        file = Path(raw_dir) / key / reader.FILES[0] if len(reader.FILES) == 1 else Path(raw_dir) / key
        ingested[key] = apply_corrections(rows, corrections, key, file, curated / "corrections.csv")
    check_aliases(aliases, raw, curated / "aliases.csv")
    model_ids = load_curated(curated, "model_ids.csv", schema.MODEL_IDS)
    check_aliases(model_ids, raw, curated / "model_ids.csv")
    names = {k: READERS[k].NAME for k in sources}
    links = facts.loc[facts["field"].isin(reconcile.LINKS), "value"].dropna()
    known = identity.known_ids(facts["model_id"], links, ingested, names, aliases, model_ids["model_id"])
    read = aliases["source"].isin(sources) | ((aliases["source"] == "*") & set(READERS).issubset(sources))
    identity.check_alias_targets(aliases[read], known, curated / "aliases.csv")  # an alias of a source not read is not checked
    registry = identity.build_registry(facts["model_id"], ingested, names, aliases)

    all_models, all_scores, all_ids, all_prices, all_bases, counts = [], [], [], [], [], []
    for key in sources:
        models, scores, ids = clean_source(key, ingested[key], raw_dir, aliases, registry)
        with_ids = ingested[key].merge(ids[["source_row", "model_id"]], on="source_row", how="left")
        if hasattr(READERS[key], "prices"):
            all_prices.append(READERS[key].prices(with_ids, Path(raw_dir) / key))
        if hasattr(READERS[key], "base_models"):
            all_bases.append(base_claims(READERS[key].base_models(with_ids), key, aliases, registry))
        all_models.append(models)
        all_scores.append(scores)
        all_ids.append(ids)
        mine = corrections[corrections["source"] == key]
        basis = ids["id_basis"].value_counts()
        counts.append({
            "source": key, "rows_in": len(raw[key]), "rows_left_out_by_errata": int((mine["field"] == DROP_ROW).sum()),
            "values_corrected": int((mine["field"] != DROP_ROW).sum()), "model_rows": len(models), "score_rows": len(scores),
            **{f"ids_by_{b}": int(basis.get(b, 0)) for b in ("alias", "hf_id", "match_key", "unmatched")},
        })
        if key == "cjtrowbridge":
            pub_models, pub_scores, _ = clean_source(key, raw[key], raw_dir, aliases, registry, check_duplicates=False)
            write_table(as_published(pub_models, pub_scores), Path(processed_dir) / AS_PUBLISHED, ["source_row"])
    source_models = pd.concat(all_models, ignore_index=True)
    if set(sources) == set(READERS):  # a subset of sources need not name every curated model
        check_known_models(maker_scores, set(facts["model_id"]) | set(source_models["model_id"]), curated / CURATED_SCORES)
    curated_rows = schema.validate(reconcile.curated_scores(maker_scores), schema.SCORES, curated / CURATED_SCORES)
    check_unique_scores(curated_rows, curated / CURATED_SCORES)
    all_scores.insert(0, curated_rows)
    scores, merges, setting_conflicts = catchall.reconcile_settings(pd.concat(all_scores, ignore_index=True))
    for c in counts:
        c["scores_merged_into_stated"] = int((merges["source"] == c["source"]).sum())
        c["scores_kept_apart_setting"] = int(setting_conflicts["ref_other"].str.startswith(c["source"] + ":").sum())
    ids = pd.concat(all_ids, ignore_index=True)
    claims = pd.concat(all_bases, ignore_index=True) if all_bases else None
    models, fact_conflicts = reconcile.reconcile(source_models, facts, claims)
    conflicts = pd.concat([fact_conflicts, reconcile.score_conflicts(scores), setting_conflicts], ignore_index=True)
    unmatched = ids[ids["id_basis"] == "unmatched"].rename(columns={"model_id": "provisional_id", "id_note": "reason"})
    unmatched = unmatched[["source", "source_row", "source_name", "provisional_id", "reason"]]

    out = Path(processed_dir)
    write_table(source_models, out / SOURCE_MODELS, ["source", "source_row"])
    write_table(scores, out / SCORES, ["source", "source_row", "benchmark"])
    write_table(schema.validate(models, schema.MODELS, out / MODELS, row_col=None), out / MODELS, ["model_id"])
    write_table(conflicts, out / CONFLICTS, ["model_id", "kind", "item", "ref_other"])
    flags = schema.validate(sizes.size_flags(models, source_models), schema.SIZE_FLAGS, out / SIZE_FLAGS, row_col=None)
    write_table(flags, out / SIZE_FLAGS, ["kind", "model_id", "total_params_b_ref"])
    write_table(unmatched, out / UNMATCHED, ["source", "source_row"])
    prices = price_table(all_prices)
    write_table(schema.validate(prices, schema.PRICES, out / PRICES), out / PRICES, ["source", "source_row"])
    man = manifest.load(raw_dir)
    credits = man[man["source"].isin(sources)][["source", "credit", "licence", "repo", "commit"]].drop_duplicates("source")
    if len(curated_rows):  # the makers' own numbers: each row cites its maker's page
        credits = pd.concat([pd.DataFrame([CURATED_CREDIT]), credits], ignore_index=True)
    write_table(credits, out / SOURCES, ["source"])
    write_table(dictionary.dictionary(), out / DICTIONARY)
    return pd.DataFrame(counts)


def price_table(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Every source's price rows on one scale; ``current`` marks a model's latest price in each
    source (the open-ended period, or the last row of a source without periods)."""
    cols = list(schema.PRICES.columns)
    if not parts:
        return pd.DataFrame(columns=cols)
    p = pd.concat([x.reindex(columns=cols) for x in parts], ignore_index=True)
    order = p["price_from"].fillna("0000-00-00")
    last = p.assign(_o=order).sort_values(["source", "model_id", "_o"], kind="mergesort")
    p["current"] = False
    p.loc[last.groupby(["source", "model_id"]).tail(1).index, "current"] = True
    return p


def as_published(models: pd.DataFrame, scores: pd.DataFrame) -> pd.DataFrame:
    """The original chart's rows: name and size exactly as published, with the MMLU score."""
    mmlu = scores[scores["benchmark"] == "mmlu"][["source_row", "value"]].rename(columns={"value": "mmlu"})
    out = models[["source_row", "source_name", "model_id", "total_params_b"]].merge(mmlu, on="source_row", how="left")
    return out
