"""Every model's lineage: its family plus the base model it was trained from.

A lineage is one string id shared by a base model and everything post-trained from it, by
its maker or by anyone else: ``deepseek-ai/deepseek-v3`` holds DeepSeek-V3-Base, V3, the
dated V3-0324, V3.1, R1, R1-0528 and R1-Zero. Validation keeps a lineage on one side of a
split, and facts a maker says a lineage shares are inherited along it (:func:`inherit`).

Each model's parent (the model it was trained from) comes from, in this order:

1. a curated ``base_model`` fact citing the maker (``curated: <url>``);
2. a source's own base-model field (LLM-Stats' ``fine_tuned_from_model_id``, the Open LLM
   Leaderboard's ``Base Model``): ``<source>:<row>``;
3. the id itself (``name: ...``): a post-training tag (``-instruct``, ``-chat``, ``-it``,
   ``-thinking``, ``-reasoning``), a date (``-0528``, ``-20240307``, ``-08-2024``), a context
   length (``-128k``), ``-preview`` / ``-latest`` / ``-exp`` is dropped, and the parent is the
   known id left over, or the same with ``-base``.

The lineage id is the :func:`stem` of the root reached by following parents; ``lineage_ref``
lists how each step was decided. A model with no parent is the root of its own lineage.
"""

from __future__ import annotations

import re

import pandas as pd

from . import identity

# Tags that name a post-trained checkpoint, a dated release or a serving variant of the
# same base model; dropped one at a time from the end of an id.
_TAGS = [
    re.compile(r"-(?:instruct\d?|chat|it|pt|sft|cpt|rl|dpo|rlhf|think|thinking|reasoning|non-reasoning|reasoning-plus|zero|turbo)"
               r"(?:-v\d+(?:\.\d+)*)?$"),
    re.compile(r"-(?:base|preview|latest|exp|hf|fp8|bf16)$"),
    re.compile(r"-(?:\d{4}|\d{6}|\d{8}|\d{4}-\d{2}(?:-\d{2})?|\d{2}-\d{4})$"),  # -0528 -2507 -20240307 -2024-05 -08-2024
    re.compile(r"-\d+k$"),  # context length: -128k, -200k
]
CURATED_FIELD = "base_model"
ROOT_REF = "name: no base model known; the root of its own lineage"


def stem(model_id: str) -> str:
    """The id without post-training, date, context and release tags.

    ``deepseek-ai/deepseek-r1-0528`` -> ``deepseek-ai/deepseek-r1``;
    ``moonshotai/kimi-k2-instruct-0905`` -> ``moonshotai/kimi-k2``;
    ``anthropic/claude-3-haiku-20240307`` -> ``anthropic/claude-3-haiku``.
    """
    org, _, name = str(model_id).rpartition("/")
    while True:
        for pat in _TAGS:
            t = pat.sub("", name)
            if t != name and t:
                name = t
                break
        else:
            return f"{org}/{name}" if org else name


def _name_parents(ids: pd.Index) -> dict[str, tuple[str, str]]:
    """Parent of each id read from the id: the known id its stem equals (or that plus -base)."""
    known = set(ids)
    out = {}
    for m in ids:
        if m.endswith("-base"):  # a base model is a root: its stem names the lineage
            continue
        s = stem(m)
        for cand in (s + "-base", s):
            if cand in known and cand != m:
                out[m] = (cand, f"name: {m.split('/')[-1]} is a post-trained or dated release of {cand}")
                break
    return out


def lineages(model_ids, facts: pd.DataFrame, claims: pd.DataFrame | None = None) -> pd.DataFrame:
    """``lineage`` and ``lineage_ref`` for each id (indexed by model_id).

    ``facts`` is the curated table (rows with field ``base_model`` are read); ``claims`` has
    columns model_id, base_model_id, ref: the sources' own base-model fields, already
    resolved to ids (a claim naming the model itself is ignored)."""
    ids = pd.Index(sorted(set(model_ids)), name="model_id")
    parent: dict[str, tuple[str, str]] = dict(_name_parents(ids))
    if claims is not None and len(claims):
        c = claims[claims["model_id"] != claims["base_model_id"]].sort_values(["model_id", "ref"], kind="mergesort")
        for m, b, ref in zip(c["model_id"], c["base_model_id"], c["ref"]):
            parent[m] = (b, ref) if m not in parent or parent[m][1].startswith("name:") else parent[m]
    f = facts[(facts["field"] == CURATED_FIELD) & (facts["status"] == "sourced")]
    for m, b, url in zip(f["model_id"], f["value"], f["citation_url"]):
        parent[m] = (b, f"curated: {url}")
    lineage, refs = [], []
    for m in ids:
        seen, node, steps = {m}, m, []
        while node in parent and parent[node][0] not in seen:
            nxt, how = parent[node]
            steps.append(how if node == m else f"{node} -> {nxt}: {how}")
            seen.add(nxt)
            node = nxt
        lineage.append(stem(node))
        refs.append("; ".join(steps) if steps else ROOT_REF)
    return pd.DataFrame({"lineage": lineage, "lineage_ref": refs}, index=ids)


def families(models: pd.DataFrame) -> pd.Series:
    """Each model's family: the one read from its id, else its lineage root's, else the
    lineage id itself (a lineage with no size in its name is its own family)."""
    fam = models["family"]
    by_lineage = fam.groupby(models["lineage"]).agg(lambda s: s.dropna().min() if s.notna().any() else None)
    from_lineage = models["lineage"].map(by_lineage)
    from_id = identity.variants(models["lineage"], []).set_index(models.index)["family"]
    return fam.fillna(from_lineage).fillna(from_id).fillna(models["lineage"])
