"""One ``model_id`` per model variant, from every source's own spelling.

A ``model_id`` is the maker's Hugging Face repository id, lowercased (``qwen/qwen2.5-7b``,
``meta-llama/llama-3.1-8b-instruct``); a model never published there keeps
``<maker>/<name>``. Base and instruct models are different ids.

A source spelling gets its id, in this order:

1. ``alias``: the curated alias table (``data/raw/curated/aliases.csv``) lists it for this
   source, or for every source (source ``*``, matched ignoring case: renamed repositories
   such as ``meta-llama/Meta-Llama-3.1-8B`` -> ``meta-llama/llama-3.1-8b``);
2. ``hf_id``: the spelling is itself a repository id (``org/name``) -> lowercased;
3. ``match_key``: its :func:`match_key` equals the key of exactly one known id (the ids of
   step 1 and 2 and the curated facts); an exact lookup, never a fuzzy comparison;
4. otherwise it is **unmatched**: it keeps its normalised name as a provisional id and is
   listed, with the reason, in ``data/processed/unmatched.csv``.

An alias may point only at a known id (:func:`known_ids`, :func:`check_alias_targets`): a
misspelt target is an error naming the alias row and the nearest known id, not a new model.
"""

from __future__ import annotations

import re
from collections import defaultdict

import pandas as pd

from .names import normalise_name, normalise_names

_HF = re.compile(r"^[A-Za-z0-9][\w.\-]*/[A-Za-z0-9][\w.\-+]*$")
_PREFIX = re.compile(r"^(meta-|hf-)")
_SUFFIX = re.compile(r"(-hf|-fp8|-bf16)$")


def hf_id(name: str) -> str | None:
    """``"Qwen/Qwen2.5-7B"`` -> ``"qwen/qwen2.5-7b"``; ``None`` if the name is not a repo id."""
    s = str(name).strip()
    return s.lower() if _HF.match(s) else None


def match_keys(names: pd.Series) -> pd.Series:
    """:func:`match_key` for a whole column at once."""
    last = pd.Series(names, dtype=object).astype(str).str.split("/").str[-1]
    s = normalise_names(last).str.replace(_PREFIX, "", regex=True).str.replace(_SUFFIX, "", regex=True)
    return s.str.replace("-", "", regex=False)


def match_key(name: str) -> str:
    """A key that two spellings of the same model share: no maker, no separators.

    ``"meta-llama/Meta-Llama-3.1-8B"``, ``"Llama 3.1 8B"`` and ``"llama-3.1-8b"`` all give
    ``"llama3.18b"``. It drops the maker prefix, a leading ``meta-``, a trailing ``-hf``
    (a format suffix, not a different model) and every hyphen; it keeps words such as
    ``instruct`` or ``base`` that tell variants apart.
    """
    s = normalise_name(str(name).split("/")[-1])
    s = _SUFFIX.sub("", _PREFIX.sub("", s))
    return s.replace("-", "")


class Registry:
    """The known ids, and an exact index from match key to id."""

    def __init__(self, ids):
        self.ids = set(ids)
        self.by_key: dict[str, set[str]] = defaultdict(set)
        for i in self.ids:
            self.by_key[match_key(i)].add(i)

    def lookup(self, name: str) -> tuple[str | None, str]:
        cands = self.by_key.get(match_key(name), set())
        if len(cands) == 1:
            return next(iter(cands)), ""
        if not cands:
            return None, "no alias, not a repository id, and no known id with the same match key"
        return None, "match key is ambiguous between " + ", ".join(sorted(cands))


def global_aliases(aliases: pd.DataFrame) -> dict[str, str]:
    """The aliases that hold for every source (source ``*``), keyed by lowercased spelling."""
    rows = aliases[aliases["source"] == "*"]
    return dict(zip(rows["source_name"].str.lower(), rows["model_id"]))


def build_registry(curated_ids, ingested: dict[str, pd.DataFrame], name_columns: dict[str, str], aliases: pd.DataFrame) -> Registry:
    """Every id the match keys may resolve to: curated ids, alias targets and repository ids
    (renamed repositories counted under their current name)."""
    renames = global_aliases(aliases)
    ids = set(curated_ids) | set(aliases["model_id"])
    for key, rows in ingested.items():
        for n in rows[name_columns[key]]:
            h = hf_id(n)
            if h:
                ids.add(renames.get(h, h))
    return Registry(ids)


def known_ids(curated_ids, links, ingested: dict[str, pd.DataFrame], name_columns: dict[str, str], aliases: pd.DataFrame,
              registered) -> set[str]:
    """The ids a model may have without a new record: curated facts' ids and the ids their
    links name, every repository id a source spells (renamed repositories under their current
    name), the id a source's un-aliased spelling reaches by its match key alone, and the ids
    ``data/raw/curated/model_ids.csv`` registers (models no repository holds, each with the
    source spelling that names it). An alias may only point at one of these."""
    renames = global_aliases(aliases)
    ids = set(curated_ids) | set(links) | set(registered)
    keys = set()
    for key, rows in ingested.items():
        names = rows[name_columns[key]].astype(str)
        for n in names:
            h = hf_id(n)
            if h:
                ids.add(renames.get(h, h))
        aliased = names.isin(set(aliases.loc[aliases["source"] == key, "source_name"])) | names.str.strip().str.lower().isin(renames)
        keys |= set(match_keys(names[~aliased]))
    targets = pd.Series(sorted(set(aliases["model_id"]) - ids), dtype=object)
    return ids | set(targets[match_keys(targets).isin(keys)])


def check_alias_targets(aliases: pd.DataFrame, known: set[str], file) -> None:
    """Every alias points at a known id (:func:`known_ids`): a misspelt target would otherwise
    make a model of its own, with none of the facts and scores of the model meant. The row
    named is the file's (``aliases``' index is its data rows from 0)."""
    import difflib

    from .errors import DataError

    ordered = sorted(known)
    for i, target in zip(aliases.index, aliases["model_id"]):
        if target not in known:
            near = difflib.get_close_matches(target, ordered, n=1, cutoff=0)
            raise DataError(file, i + 2, "model_id", target,
                            "a known model id (a curated fact's, a source's repository id, or one in model_ids.csv)"
                            + (f"; nearest known id: {near[0]!r}" if near else ""))


def assign(rows: pd.DataFrame, key: str, name_col: str, aliases: pd.DataFrame, registry: Registry) -> pd.DataFrame:
    """Add ``model_id``, ``id_basis`` (alias / hf_id / match_key / unmatched) and ``id_note``."""
    names = rows[name_col].astype(str).reset_index(drop=True)
    table = aliases[aliases["source"] == key].set_index("source_name")["model_id"]
    renames = global_aliases(aliases)
    obj = lambda s: s.astype(object).where(s.notna(), None)  # noqa: E731 (one dtype to fill across)
    by_alias = obj(names.map(table)).combine_first(obj(names.str.strip().str.lower().map(renames)))
    by_hf = obj(names.where(names.str.strip().str.match(_HF)).str.strip().str.lower())
    keys = match_keys(names)
    unique = {k: next(iter(v)) for k, v in registry.by_key.items() if len(v) == 1}
    by_key = obj(keys.map(unique))
    ids = by_alias.combine_first(by_hf).combine_first(by_key)
    basis = pd.Series("unmatched", index=names.index, dtype=object)
    basis[by_key.notna()] = "match_key"
    basis[by_hf.notna()] = "hf_id"
    basis[by_alias.notna()] = "alias"
    unmatched = ids.isna()
    notes = pd.Series("", index=names.index, dtype=object)
    notes[unmatched] = [registry.lookup(n)[1] for n in names[unmatched]]
    ids[unmatched] = normalise_names(names[unmatched])
    out = rows.copy()
    out["model_id"], out["id_basis"], out["id_note"] = ids.to_numpy(), basis.to_numpy(), notes.to_numpy()
    return out


_INSTRUCT = re.compile(r"-(?:instruct|chat|it|sft|dpo|rlhf|thinking)(?:-[0-9]{4})?(?:-v?[0-9.]+)?$")
_SIZE = re.compile(r"-(?:\d+x)?\d+(?:\.\d+)?[bmt](?:-a\d+(?:\.\d+)?b)?(?=-|$).*$")


def variants(model_ids: pd.Series, known) -> pd.DataFrame:
    """``variant``, ``base_model_id`` and ``family`` of each id, read from the id itself.

    An id ending in ``-instruct``, ``-chat``, ``-it`` (and a few other post-training tags,
    optionally dated: ``-instruct-2507``; a format suffix such as ``-hf`` after it does not
    hide it) is an instruct variant; its base is the id without that tag when that id is
    known (``meta-llama/llama-2-7b-chat-hf`` -> ``meta-llama/llama-2-7b-hf``). The family is the id up to its size
    (``qwen/qwen2.5-7b-instruct`` -> ``qwen/qwen2.5``). Anything else is ``unknown``.
    """
    known = set(known)
    ids = pd.Series(model_ids, dtype=object)
    plain = ids.str.replace(_SUFFIX, "", regex=True)  # a format suffix: llama-2-7b-chat-hf is a chat model
    stripped = plain.str.replace(_INSTRUCT, "", regex=True)
    is_instruct = stripped != plain
    has_size = ids.str.contains(_SIZE, regex=True)
    variant = pd.Series("unknown", index=ids.index, dtype=object)
    variant[is_instruct] = "instruct"
    variant[~is_instruct & has_size] = "base"
    with_suffix = stripped + ids.str.extract(_SUFFIX, expand=False).fillna("")
    base = with_suffix.where(is_instruct & with_suffix.isin(known)).fillna(stripped.where(is_instruct & stripped.isin(known)))
    family = stripped.str.replace(_SIZE, "", regex=True).where(has_size)
    return pd.DataFrame({"variant": variant, "base_model_id": base, "family": family})
