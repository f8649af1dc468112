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
   known id left over, or the same with ``-base``, or with the version the id ends in
   (``upstage/solar-10.7b-instruct-v1.0`` -> ``upstage/solar-10.7b-v1.0``).

4. where none of these gives a parent, a third party's id that contains a known base model's
   name with its size (:func:`base_key`): ``nousresearch/nous-hermes-2-mixtral-8x7b-dpo``
   holds ``mixtral-8x7b``, so its parent is ``mistralai/mixtral-8x7b-v0.1`` (``name-rule: ...``).
   Only roots of another organisation whose name states a size are bases, the key must stand
   between word boundaries, and an id that holds the keys of two lineages is left alone.

A source's base that is not a known id is the known id it names with ``-hf`` or ``-base``
added (Epoch's "Llama 2-7B" is ``meta-llama/llama-2-7b-hf``), or else the one known id of
another organisation with the same name (a re-upload: ``NousResearch/Meta-Llama-3-8B``).

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
SAME_ARCHITECTURE = "same_architecture_as"
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
        ver = re.search(r"-v\d+(?:\.\d+)*$", m)  # upstage/solar-10.7b-instruct-v1.0 is of solar-10.7b-v1.0
        for cand in (s + "-base", s, *([s + ver.group(0)] if ver else [])):
            if cand in known and cand != m:
                out[m] = (cand, f"name: {m.split('/')[-1]} is a post-trained or dated release of {cand}")
                break
    return out


_SIZED = re.compile(r"(?<![a-z0-9.])\d+(?:\.\d+)?(?:x\d+(?:\.\d+)?)?[bm](?![a-z0-9])")
_VERSION = re.compile(r"-(?:v\d+(?:\.\d+)*|hf|base)$")
NAME_RULE = "name-rule"


def _squeeze(name: str) -> str:
    """A name spelled one way: no ``-`` between a word and a number (``llama-3-8b`` and
    ``llama3-8b`` are one spelling). ``_`` stays: it binds a compound name (``open_llama_7b``,
    a model trained from scratch, is no LLaMA fine-tune)."""
    return re.sub(r"(?<=[a-z]{2})-(?=\d)", "", name)


def base_key(model_id: str) -> str | None:
    """The part of a base model's name a fine-tune's name repeats: the name without a trailing
    version, ``-hf`` or ``-base`` and without a leading word that starts the organisation's name
    (``meta-llama/meta-llama-3-8b`` -> ``llama3-8b``, ``mistralai/mixtral-8x7b-v0.1`` ->
    ``mixtral8x7b``); None unless it states a size next to a name (``qwen/qwen2.5-7b`` -> ``qwen2.5-7b``)."""
    org, _, name = str(model_id).rpartition("/")
    while (t := _VERSION.sub("", name)) != name:
        name = t
    first, _, rest = name.partition("-")
    if rest and org.startswith(first + "-"):
        name = rest
    if not _SIZED.search(name) or not re.search(r"[a-z]{2,}", _SIZED.sub("", name)):
        return None
    return _squeeze(name)


def _contains(name: str, key: str) -> bool:
    return re.search(rf"(?<![a-z0-9._]){re.escape(key)}(?![a-z0-9_]|\.\d)", name) is not None


def _name_rule_parents(ids: pd.Index, parent: dict) -> dict[str, tuple[str, str]]:
    """Parents by :func:`base_key` for third-party ids that have none (rule 4 of the module)."""
    roots = [m for m in ids if m not in parent and "/" in m]
    bases = [b for b in roots if not _TAGS[0].search(b)]  # a post-trained checkpoint is nobody's base here
    keys: dict[str, list[str]] = {}
    for b in bases:
        k = base_key(b)
        if k:
            keys.setdefault(k, []).append(b)
    out = {}
    for m in roots:
        org, _, name = m.rpartition("/")
        sq = _squeeze(name)
        hits = [(k, bs) for k, bs in keys.items() if _contains(sq, k) and all(b.split("/")[0] != org for b in bs)]
        if not hits:
            continue
        longest = max(len(k) for k, _ in hits)
        hits = [(k, bs) for k, bs in hits if len(k) == longest]
        bases = sorted({b for _, bs in hits for b in bs})
        if len(bases) != 1:
            continue  # two bases hold the same key (mistral-7b-v0.1 and -v0.3): which one is not said
        out[m] = (bases[0], f"{NAME_RULE}: {name} holds {hits[0][0]!r}, the name and size of {bases[0]}, a base model of another organisation")
    return out


def _resolve_base(base: str, ids: set[str], by_name: dict[str, list[str]]) -> str:
    """A claimed base that is no known id is the known id it names with ``-hf`` or ``-base``
    added, or else the one known id of another organisation with the same name (a re-upload
    of the same weights)."""
    if base in ids:
        return base
    for suffix in ("-hf", "-base"):  # Epoch's "Llama 2-7B" is the maker's meta-llama/llama-2-7b-hf
        if base + suffix in ids:
            return base + suffix
    org, _, name = base.rpartition("/")
    same = [m for m in by_name.get(name, []) if m.split("/")[0] != org]
    return same[0] if len(same) == 1 else base


def lineages(model_ids, facts: pd.DataFrame, claims: pd.DataFrame | None = None) -> pd.DataFrame:
    """``lineage`` and ``lineage_ref`` for each id (indexed by model_id).

    ``facts`` is the curated table (rows with field ``base_model`` are read); ``claims`` has
    columns model_id, base_model_id, ref: the sources' own base-model fields, already
    resolved to ids (a claim naming the model itself is ignored). A curated
    ``same_architecture_as`` fact (the maker says the model keeps that model's architecture: a
    fine-tune, a dated re-release) joins the two lineages where the base-model chain does not."""
    ids = pd.Index(sorted(set(model_ids)), name="model_id")
    parent: dict[str, tuple[str, str]] = dict(_name_parents(ids))
    other: list[tuple[str, str, str]] = []  # links not followed (a source's parent beat the name's, or another source's)
    if claims is not None and len(claims):
        known = set(ids)
        by_name: dict[str, list[str]] = {}
        for i in ids:
            by_name.setdefault(i.rpartition("/")[2], []).append(i)
        c = claims.assign(base_model_id=[_resolve_base(b, known, by_name) for b in claims["base_model_id"]])
        c = c[c["model_id"] != c["base_model_id"]].sort_values(["model_id", "ref"], kind="mergesort")
        for m, b, ref in zip(c["model_id"], c["base_model_id"], c["ref"]):
            if m not in parent or parent[m][1].startswith("name:"):
                if m in parent:
                    other.append((m, *parent[m]))
                parent[m] = (b, ref)
            else:
                other.append((m, b, ref))
    f = facts[(facts["field"] == CURATED_FIELD) & (facts["status"] == "sourced")]
    for m, b, url in zip(f["model_id"], f["value"], f["citation_url"]):
        parent[m] = (b, f"curated: {url}")
    parent.update(_name_rule_parents(ids, parent))
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
    out = pd.DataFrame({"lineage": lineage, "lineage_ref": refs}, index=ids)
    same = facts[(facts["field"] == SAME_ARCHITECTURE) & (facts["status"] == "sourced")]
    other += [(m, b, f"same architecture, curated: {url}") for m, b, url in zip(same["model_id"], same["value"], same["citation_url"])]
    return _join(out, [(m, b, how) for m, b, how in other if m in out.index and b in out.index])


def _join(out: pd.DataFrame, links: list[tuple[str, str, str]]) -> pd.DataFrame:
    """Lineages that a link not followed connects are one lineage (Qwen2.5-Coder-7B-Instruct is
    both a post-trained Qwen2.5-Coder-7B and, by its source, a fine-tune of Qwen2.5-7B-Instruct):
    the joined lineage takes the id of its largest part (ties: the first id)."""
    if not links:
        return out
    up: dict[str, str] = {}

    def find(x: str) -> str:
        while up.get(x, x) != x:
            x = up[x]
        return x

    notes: dict[str, list[str]] = {}
    for m, b, how in links:
        a, c = find(out.at[m, "lineage"]), find(out.at[b, "lineage"])
        if a != c:
            up[max(a, c)] = min(a, c)
            notes.setdefault(m, []).append(f"joined with the lineage of {b} ({how})")
    if not up:
        return out
    root = out["lineage"].map(find)
    size = out.groupby("lineage").size()
    parts = pd.DataFrame({"root": root, "lineage": out["lineage"]}).drop_duplicates()
    parts["n"] = parts["lineage"].map(size)
    name = parts.sort_values(["root", "n", "lineage"], ascending=[True, False, True], kind="mergesort").drop_duplicates("root")
    out = out.copy()
    out["lineage"] = root.map(name.set_index("root")["lineage"])
    for m, extra in notes.items():
        out.at[m, "lineage_ref"] = "; ".join([out.at[m, "lineage_ref"], *extra])
    return out


def families(models: pd.DataFrame) -> pd.Series:
    """Each model's family: the one read from its id, else its lineage root's, else the
    lineage id itself (a lineage with no size in its name is its own family)."""
    fam = models["family"]
    by_lineage = fam.groupby(models["lineage"]).agg(lambda s: s.dropna().min() if s.notna().any() else None)
    from_lineage = models["lineage"].map(by_lineage)
    from_id = identity.variants(models["lineage"], []).set_index(models.index)["family"]
    return fam.fillna(from_lineage).fillna(from_id).fillna(models["lineage"])


# Facts a model shares with the model whose architecture it keeps (a fine-tune or a dated
# re-release of the same weights' shape).
INHERITED = ["architecture", "total_params_b", "active_params_b", "experts_total", "experts_active",
             "vocab_size", "hidden_size", "num_layers", "tied_embeddings"]
INHERITED_REF = "inherited from "


def maker_backed(ref) -> bool:
    """Whether a ``<fact>_ref`` is a curated fact citing the maker."""
    return isinstance(ref, str) and ref.startswith("curated: ")


def inherit(models: pd.DataFrame, facts: pd.DataFrame, exact: set[str] = frozenset()) -> pd.DataFrame:
    """Architecture facts a model shares with the model a curated ``same_architecture_as`` fact
    names (the maker says the two share their architecture), with ``<fact>_ref``
    ``inherited from <model_id>``.

    - The model's own curated fact always stays.
    - A maker's fact of the parent (curated, or itself inherited from a curated one) beats
      any value a source gives the model: deepseek-v3-0324 takes DeepSeek-V3's cited 671B over
      an aggregator's 685B (the disagreement is listed in conflicts.csv by
      :func:`llmscale.reconcile.reconcile`).
    - A parent's value that only a source gives fills a blank, never replaces a value.
    - A count of the model's own weights (a ref in ``exact``: the safetensors metadata) is
      never replaced: it is more exact than a size the maker rounds ("12B").

    Chains (A keeps B's architecture, B keeps C's) are followed; a cycle stops."""
    m = models.copy()
    f = facts[(facts["field"] == SAME_ARCHITECTURE) & (facts["status"] == "sourced")]
    links = dict(zip(f["model_id"], f["value"]))
    backed = {(i, fact) for fact in INHERITED if f"{fact}_ref" in m for i, r in m[f"{fact}_ref"].items() if maker_backed(r)}
    done: set[str] = set()

    def resolve(child: str, path: tuple[str, ...] = ()) -> None:
        if child in done or child in path:
            return
        parent = links[child]
        if parent in links:
            resolve(parent, path + (child,))
        if child in m.index and parent in m.index:
            for fact in INHERITED:
                own = m.at[child, f"{fact}_ref"]
                if pd.isna(m.at[parent, fact]) or maker_backed(own) or own in exact:
                    continue
                from_maker = (parent, fact) in backed
                if from_maker or pd.isna(m.at[child, fact]):
                    m.at[child, fact] = m.at[parent, fact]
                    m.at[child, f"{fact}_ref"] = INHERITED_REF + parent
                    if from_maker:
                        backed.add((child, fact))
        done.add(child)

    for child in sorted(links):
        resolve(child)
    return m


def inherited_from_maker(models: pd.DataFrame, fact: str) -> pd.Series:
    """Whether each model's ``fact`` is inherited, along a chain of ``inherited from`` refs,
    from a curated fact citing the maker (indexed like ``models``; ``model_id`` column or index)."""
    refs = (models.set_index("model_id") if "model_id" in models else models)[f"{fact}_ref"]
    refs = refs[~refs.index.duplicated()]
    out = []
    for r in refs:
        seen: set = set()
        while isinstance(r, str) and r.startswith(INHERITED_REF) and r not in seen:
            seen.add(r)
            r = refs.get(r[len(INHERITED_REF):])
        out.append(bool(seen) and maker_backed(r))
    return pd.Series(out, index=models.index)
