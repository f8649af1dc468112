"""Checks on the model table's sizes, written to ``size_flags.csv`` (never silently passed).

Two kinds of flag:

- ``name_vs_total``: an open model whose ``total_params_b`` differs by more than
  :data:`TOLERANCE` from the size its id states (the largest ``<N>b`` / ``<N>m`` token of the
  name: ``qwen/qwen3-4b`` -> 4, ``internlm/internlm2-1_8b`` -> 1.8; an active-size marker such
  as ``-a22b`` or an "effective" size such as ``-e4b`` is not a total and is not read).
  ``explained`` is true when the total is a curated fact citing the maker (a maker's exact
  count beats the rounded size in a name: Llama 4 Maverick 17B-128E has 400B in total) or is
  inherited from a model whose total is.
- ``moe_without_active``: a mixture of experts with a total but no active count.
"""

from __future__ import annotations

import re

import pandas as pd

from . import lineage

TOLERANCE = 0.15
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


def size_flags(models: pd.DataFrame) -> pd.DataFrame:
    """Every open model whose total disagrees with its name, and every MoE with no active count."""
    m = models[models["weights"] == "open"].copy()
    m["name_size_b"] = m["model_id"].map(name_size_b)
    sized = m[m["name_size_b"].notna() & m["total_params_b"].notna()]
    off = sized[(sized["total_params_b"] - sized["name_size_b"]).abs() > TOLERANCE * sized["name_size_b"]]
    off = off.assign(kind="name_vs_total", explained=_cited(off["total_params_b_ref"], models).to_numpy())
    off["note"] = [f"total {t:g}B is {t / n:.2f} times the {n:g}B in the name" for t, n in zip(off["total_params_b"], off["name_size_b"])]
    moe = m[(m["architecture"] == "moe") & m["total_params_b"].notna() & m["active_params_b"].isna()]
    moe = moe.assign(kind="moe_without_active", explained=False, note="mixture of experts with a total but no active count")
    out = pd.concat([off, moe], ignore_index=True)
    return out.reindex(columns=COLUMNS).sort_values(["kind", "model_id"], kind="mergesort").reset_index(drop=True)
