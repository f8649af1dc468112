"""Checks on the model table's sizes, written to ``size_flags.csv`` (never silently passed).

Three kinds of flag:

- ``name_vs_total``: an open model whose ``total_params_b`` differs by more than
  :data:`TOLERANCE` from the size its id states (the largest ``<N>b`` / ``<N>m`` token of the
  name: ``qwen/qwen3-4b`` -> 4, ``internlm/internlm2-1_8b`` -> 1.8; an active-size marker such
  as ``-a22b`` or an "effective" size such as ``-e4b`` is not a total and is not read).
  ``explained`` is true when the total is a curated fact citing the maker (a maker's exact
  count beats the rounded size in a name: Llama 4 Maverick 17B-128E has 400B in total) or is
  inherited from a model whose total is.
- ``moe_without_active``: a mixture of experts with a total but no active count.
- ``source_vs_model``: one source row whose total is more than :data:`SOURCE_FACTOR` times
  off the model's total taken from elsewhere (another source or a curated fact; when the
  model's total is this row's own, the median of the model's other source rows), or off the
  size its own spelling states (``GLM-4.5 (355B total/32B active)`` given as 3B: a file cut
  inside its last field keeps its field count but not its digits). Such a row is never used
  for the model's total if another source states it, but a chart of that source's own numbers
  (the original chart, as published) would draw it. ``total_params_b`` is then the row's
  value and ``total_params_b_ref`` the row.
"""

from __future__ import annotations

import re

import pandas as pd

from . import identity, lineage

TOLERANCE = 0.15
SOURCE_FACTOR = 2.0  # a digit lost or gained, a total given as an active count: not a rounding
_SIZE = re.compile(r"(?<![a-z0-9.])(\d+(?:[._]\d+)?)([bm])(?![a-z0-9])")
COLUMNS = ["model_id", "kind", "name_size_b", "total_params_b", "total_params_b_ref", "active_params_b",
           "explained", "note"]


def name_size_b(model_id: str) -> float | None:
    """The size an id states, in billions: its largest ``<N>b`` or ``<N>m`` token; ``None`` if
    it states none, or a count of experts times a size (``8x7b``, Llama 4's ``17b-128e``) that is not a total."""
    name = str(model_id).split("/")[-1].lower()
    if re.search(r"\d+x\d|\d+b-\d+e(?![a-z0-9])", name):  # 8x7b, 17b-128e: experts times a size, not a total
        return None
    sizes = [float(n.replace("_", ".")) / (1000 if unit == "m" else 1) for n, unit in _SIZE.findall(name)]
    return max(sizes) if sizes else None


def _cited(ref: pd.Series, models: pd.DataFrame) -> pd.Series:
    """A curated total, or one inherited (along a chain) from a model whose total is curated."""
    direct = ref.fillna("").str.startswith("curated: ")
    inherited = lineage.inherited_from_maker(models, "total_params_b")
    inherited.index = models["model_id"].to_numpy()
    ids = models.loc[ref.index, "model_id"]
    return direct | ids.map(inherited).fillna(False).astype(bool)


def _far(a: pd.Series, b: pd.Series) -> pd.Series:
    ratio = a / b
    return (ratio > SOURCE_FACTOR) | (ratio < 1 / SOURCE_FACTOR)


def source_row_flags(source_models: pd.DataFrame, models: pd.DataFrame) -> pd.DataFrame:
    """Source rows whose total is far (:data:`SOURCE_FACTOR`) from the model's total given by
    another source or a curated fact (or, for the row that gives it, from the median of the
    model's other rows), or from the size in the row's own spelling."""
    rows = source_models[source_models["total_params_b"].notna()]
    rows = rows.merge(models[["model_id", "total_params_b", "total_params_b_ref"]], on="model_id", how="left", suffixes=("", "_model"))
    ref = rows["source"] + ":" + rows["source_row"].astype(str)
    spelt = rows["source_name"].astype(str)  # a source's own spelling: "GLM-4.5 (355B total/32B active)" is not org/name
    named = spelt.where(spelt.map(identity.hf_id).notna(), spelt.str.replace("/", " ", regex=False)).map(name_size_b).astype(float)
    own = rows["total_params_b_ref"] == ref
    others = rows[~own].groupby("model_id")["total_params_b"].median()
    elsewhere = rows["total_params_b_model"].where(~own, rows["model_id"].map(others))
    off_model = elsewhere.notna() & _far(rows["total_params_b"], elsewhere)
    off_name = named.notna() & _far(rows["total_params_b"], named)
    keep = off_model | off_name
    notes = []
    for r, e, n, used, by_model, by_name in zip(rows[keep].itertuples(), elsewhere[keep], named[keep], own[keep], off_model[keep],
                                                off_name[keep]):
        model = f"the {e:g}B median of the model's other source rows" if used else f"the model's {e:g}B"
        against = ([model] if by_model else []) + ([f"the {n:g}B its name states"] if by_name else [])
        gives = f"{r.total_params_b:g}B" + (" (the value used)" if used else "")
        notes.append(f"{r.source} row {r.source_row} ({r.source_name}) gives {gives}, against " + " and ".join(against))
    rows = rows.assign(name_size_b=named, total_params_b_ref=ref)[keep]
    return rows.assign(kind="source_vs_model", explained=False, note=notes)


def size_flags(models: pd.DataFrame, source_models: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every open model whose total disagrees with its name, every MoE with no active count,
    and (given ``source_models``) every source row whose total is far from the model's or its name's."""
    m = models[models["weights"] == "open"].copy()
    m["name_size_b"] = m["model_id"].map(name_size_b)
    sized = m[m["name_size_b"].notna() & m["total_params_b"].notna()]
    off = sized[(sized["total_params_b"] - sized["name_size_b"]).abs() > TOLERANCE * sized["name_size_b"]]
    off = off.assign(kind="name_vs_total", explained=_cited(off["total_params_b_ref"], models).to_numpy())
    off["note"] = [f"total {t:g}B is {t / n:.2f} times the {n:g}B in the name" for t, n in zip(off["total_params_b"], off["name_size_b"])]
    moe = m[(m["architecture"] == "moe") & m["total_params_b"].notna() & m["active_params_b"].isna()]
    moe = moe.assign(kind="moe_without_active", explained=False, note="mixture of experts with a total but no active count")
    parts = [off, moe]
    if source_models is not None:
        parts.append(source_row_flags(source_models, models))
    out = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) else off
    out = out.reindex(columns=COLUMNS)
    return out.sort_values(["kind", "model_id", "total_params_b_ref"], kind="mergesort").reset_index(drop=True)
