"""Artificial Analysis (AA) leaderboard snapshots (oolong-tea-2026/artificial-analysis-leaderboards).

Three JSON files, one per snapshot, under ``data/<date>/llms.json``: ``{"meta": {...,
"fetched_at": ISO time}, "models": [...]}``, one record per AA model row:

- ``2026-04-09`` (AA's API, 472 rows): ``id`` (a UUID), ``name``, ``slug``, ``release_date``,
  ``creator`` (``name``, ``slug``), ``evaluations`` (AA's own runs, 0-1 fractions except the
  indexes: ``artificial_analysis_intelligence_index``, ``mmlu_pro``, ``gpqa``, ``hle``,
  ``livecodebench``, ``scicode``, ``aime_25``, ``aime``, ``math_500``, ``ifbench``, ``lcr``,
  ``terminalbench_hard``, ``tau2``) and ``pricing`` (blended 3:1, input, output, USD per 1M
  tokens). No parameter counts, no open-weights flag, no country.
- ``2026-06-15`` (509 rows) and ``2026-07-10`` (570 rows), AA's leaderboard page payload: also
  ``short_name``, ``reasoning_model`` (06-15 only), ``deprecated``, ``creator.country``,
  ``capabilities.total_parameters`` / ``active_parameters`` (billions), ``open_weights``
  (``is_open_weights``, ``huggingface_url``) and the later evaluation names (``tau2_bench``,
  ``aa_lcr``, ``terminal_bench_hard``, ``aa_omniscience`` (the composite index, about
  -90..+40), ``aa_omniscience_accuracy`` (0-1), ``gdpval_aa_normalized``, ...); the blended
  price is empty.

- ``artificial-analysis@<date>/models.json`` (beside this folder, one per ``make refresh`` run
  with ``AA_API_KEY`` set): AA's API response ``{"status": ..., "data": [...]}``, records as in
  the 04-09 file but with ``model_creator`` for ``creator``. Its date is its folder's (the date
  of the refresh, also its manifest row's ``retrieved``). Every such folder is read after the
  three snapshots above, in date order, so that its values are the newest; its Intelligence
  Index keeps that date as its own ``index_version`` and is never pooled with an older one.
  Its rows take the URL, open-weights flag, country and parameter counts of the same ``id`` in
  the newest snapshot that has them; a row whose slug AA has renamed keeps the model of that
  ``id``. A slug that is new to AA (no alias, no earlier ``id``) gets a provisional id and is
  listed in ``unmatched.csv`` (add an alias to give it its model), rather than stopping the
  chain: only the three pinned snapshots are curated to map in full.

``ingest`` gives one row per snapshot record, every cell a string; ``source_row`` is
``"data/<date>/llms.json#<slug>"`` (``"artificial-analysis@<date>/models.json#<slug>"`` for a
refreshed snapshot, relative to ``data/raw``). Each record's ``snapshot`` is its folder's date, which must
equal the date of ``meta.fetched_at``: an Intelligence Index value means something only with it.

How each field is read:

- Identity (``aa_model``, the name column): the repository of ``open_weights.huggingface_url``
  (``https://huggingface.co/<org>/<repo>[/...]``) where there is one, else the AA ``slug``,
  mapped through the alias table (source ``artificial-analysis``). The 04-09 file has no URLs:
  its rows take the URL, open-weights flag and country of the same ``id`` (the UUID, not the
  slug: ``step-3-5-flash`` became ``step-3-5-flash-0202``) in the newest later snapshot. A row
  that ends with neither an alias nor a repository id is an error (a renamed or new slug).
- ``reasoning``: one set of weights is one model; its reasoning mode or effort is part of the
  score's setting. It is read from the parenthesised tags of ``name`` ("(Reasoning)" ->
  reasoning, "(Non-reasoning)" -> non-reasoning, "(high)" -> high, "(Reasoning, Max Effort)" ->
  max, "(Adaptive Reasoning, Low Effort)" -> adaptive-low, "(Non-reasoning, High Effort)" ->
  non-reasoning-high), else from ``reasoning_model`` of the same ``id`` (true -> reasoning,
  false -> non-reasoning), else blank. Rows of one repository (gpt-oss-120b and
  gpt-oss-120b-low) are one model with several settings; different repositories
  (Qwen3-235B-A22B-Instruct-2507 and -Thinking-2507) are different models.
- Scores: AA's own runs: ``harness`` artificial-analysis, ``reporter`` independent, ``shots`` 0,
  ``variant`` instruct (AA evaluates the deployed post-trained model), ``cot`` not stated.
  Fractions become points (x100); :data:`BENCHMARKS` lists the benchmark ids. The Intelligence
  Index (``aa_intelligence_index``) keeps its snapshot date in ``index_version`` and every
  snapshot's value (AA re-based it in June 2026: values are never pooled across dates);
  ``_is_estimated`` goes in the note, and so does ``deprecated`` (AA still lists those
  scores). Every other benchmark is kept once per (model, benchmark, reasoning): the newest
  snapshot's value, its note naming the older snapshots that have it and whether their value
  differs (by more than the 04-09 file's rounding to 3 decimals, or not). AA's coding, math and
  agentic indexes (composites re-based with the Intelligence Index) and the speed measurements
  are not read.
- ``total_params_b`` / ``active_params_b`` from ``capabilities`` (AA's own conventions, see the
  sources README: DeepSeek V3.1 685 with the MTP module, Kimi K2 1000); ``architecture`` moe
  where active < total, dense where equal. ``weights`` open / closed from ``is_open_weights``;
  ``country`` is ``creator.country`` (ISO alpha-2, lowercase). ``release_date`` as given.
- :func:`prices`: input and output USD per 1M tokens; blended = AA's 3:1 field, or (3 x input +
  output) / 4 where it is empty; the note names the snapshot.

Bad input raises a located :class:`~llmscale.errors.DataError`: a record without ``id``,
``name``, ``slug``, ``creator`` or ``evaluations``; an evaluation name not in :data:`BENCHMARKS`
or :data:`NOT_READ` (a renamed field would otherwise vanish); a score out of its range; a
snapshot whose ``meta.fetched_at`` does not date it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pandas as pd

from ..errors import DataError
from ..io import read_text
from ..schema import score_range
from ._common import blank, json_text, models_frame, params_cell, records, scores_frame
from .epoch_benchmarking_hub import release_date

KEY = "artificial-analysis"
SNAPSHOTS = ("2026-04-09", "2026-06-15", "2026-07-10")
FILES = tuple(f"data/{d}/llms.json" for d in SNAPSHOTS)
# ``make refresh`` (with AA_API_KEY) writes AA's live model data here, one folder per date
REFRESHED = f"{KEY}@*/models.json"
_REFRESHED = re.compile(rf"^{re.escape(KEY)}@(\d{{4}}-\d{{2}}-\d{{2}})$")
NAME = "aa_model"
HARNESS = "artificial-analysis"
INDEX = "aa_intelligence_index"
# evaluation field -> (benchmark id, scale of the field)
BENCHMARKS = {
    "artificial_analysis_intelligence_index": (INDEX, "points"),
    "aa_omniscience_accuracy": ("aa_omniscience_accuracy", "fraction"),
    "aa_omniscience": ("aa_omniscience_index", "points"),
    "tau2_bench": ("tau2_bench", "fraction"), "tau2": ("tau2_bench", "fraction"),
    "gdpval_aa_normalized": ("gdpval_aa", "fraction"),
    "hle": ("hle", "fraction"), "gpqa": ("gpqa_diamond", "fraction"), "mmlu_pro": ("mmlu_pro", "fraction"),
    "scicode": ("scicode", "fraction"), "ifbench": ("ifbench", "fraction"),
    "aa_lcr": ("aa_lcr", "fraction"), "lcr": ("aa_lcr", "fraction"),
    "terminal_bench_hard": ("terminal_bench_hard", "fraction"), "terminalbench_hard": ("terminal_bench_hard", "fraction"),
    "livecodebench": ("livecodebench", "fraction"), "aime_25": ("aime_2025", "fraction"), "aime": ("aime_2024", "fraction"),
    "math_500": ("math_500", "fraction"), "critpt": ("critpt", "fraction"), "mmmu_pro": ("mmmu_pro", "fraction"),
    "apex_agents": ("apex_agents", "fraction"),
}
NOT_READ = {
    "artificial_analysis_intelligence_index_is_estimated",  # read into the Index's note
    "artificial_analysis_coding_index", "artificial_analysis_math_index", "artificial_analysis_agentic_index",
    "aa_omniscience_non_hallucination",
}
ESTIMATED = "artificial_analysis_intelligence_index_is_estimated"
ROUNDED = 0.05  # points: the 04-09 file rounds fractions to 3 decimals
EVAL = "eval."
INFO = ["snapshot", "aa_id", "slug", "name", "short_name", "release_date", "reasoning_model", "deprecated",
        "creator", "creator_slug", "country", "is_open_weights", "huggingface_url", "joined_from",
        "total_parameters", "active_parameters", "price_blended", "price_input", "price_output"]
COLUMNS = ["source", "source_row", NAME, *INFO, *(EVAL + k for k in [*BENCHMARKS, ESTIMATED])]
PRICE_COLUMNS = ["source", "source_row", "model_id", "usd_per_1m_input", "usd_per_1m_output", "usd_per_1m_blended",
                 "price_from", "price_to", "current", "note"]
_HF_URL = re.compile(r"^https?://huggingface\.co/([A-Za-z0-9][\w.\-]*/[A-Za-z0-9][\w.\-]*)(?:/.*)?$")


def _load(path: Path, api: bool = False) -> dict:
    """A snapshot's JSON: ``{"meta", "models"}``, or with ``api`` AA's API response ``{"data"}``
    (returned with its list under ``"models"``)."""
    if not path.exists():
        raise DataError(path, None, None, None, "the raw file to exist (see data/raw/MANIFEST.csv)")
    try:
        data = json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise DataError(path, f"line {exc.lineno}", None, exc.msg, "valid JSON") from None
    field, shape = ("data", 'AA\'s API response {"status": ..., "data": [...]}') if api else \
        ("models", 'an object {"meta": ..., "models": [...]}')
    if not isinstance(data, dict) or not isinstance(data.get(field), list):
        raise DataError(path, None, field, type(data).__name__, shape)
    return {"meta": data.get("meta") or {}, "models": data[field]} if api else data


def refreshed(raw_dir) -> list[tuple[str, str]]:
    """The refreshed snapshots on disk, oldest first: (date, file relative to ``raw_dir``).
    A folder ``artificial-analysis@<x>`` whose ``<x>`` is no date, or that has no
    ``models.json``, is an error (01_ingest checks each against the manifest)."""
    out = []
    for folder in sorted(Path(raw_dir).glob(f"{KEY}@*")):
        m = _REFRESHED.match(folder.name)
        try:
            ok = bool(m) and dt.date.fromisoformat(m.group(1)).isoformat() == m.group(1)
        except ValueError:
            ok = False
        if not ok:
            raise DataError(folder, None, None, folder.name, f"{KEY}@<YYYY-MM-DD>, a real date (as make refresh names it)")
        if not (folder / "models.json").is_file():
            raise DataError(folder / "models.json", None, None, None, "the refreshed model data make refresh saves in this folder")
        out.append((m.group(1), f"{folder.name}/models.json"))
    return out


def read_refreshed(path: Path, date: str) -> list[dict]:
    """The records of one refreshed snapshot (AA's API response), each checked as
    :func:`ingest` checks them: ``make refresh`` calls it before it keeps a response."""
    data = _load(path, api=True)
    return [_record(path, i, m) for i, m in enumerate(data["models"])]


def _snapshot_date(path: Path, folder: str, data: dict) -> str:
    """The snapshot's date: its folder's, confirmed by ``meta.fetched_at``."""
    fetched = str((data.get("meta") or {}).get("fetched_at") or "")
    if fetched[:10] != folder:
        raise DataError(path, None, "meta.fetched_at", fetched or None,
                        f"the snapshot's fetch time on {folder} (an Intelligence Index value needs its snapshot date)")
    return folder


def _repo(url: str) -> str:
    m = _HF_URL.match(url or "")
    return m.group(1) if m else ""


def _record(path: Path, i: int, m) -> dict:
    where = f"#{m.get('slug')}" if isinstance(m, dict) and not blank(m.get("slug")) else f"item {i + 1}"
    if not isinstance(m, dict):
        raise DataError(path, where, None, m, "a model record")
    if "creator" not in m and "model_creator" in m:  # AA's API names it so
        m = {**m, "creator": m["model_creator"]}
    for field in ("id", "name", "slug", "creator", "evaluations"):
        if field not in m or m[field] is None or m[field] == "":
            raise DataError(path, where, field, None, f"the field {field!r}")
    if not isinstance(m["evaluations"], dict):
        raise DataError(path, where, "evaluations", m["evaluations"], "a mapping of evaluation to score")
    unknown = [k for k in m["evaluations"] if k not in BENCHMARKS and k not in NOT_READ]
    if unknown:
        raise DataError(path, where, f"evaluations.{unknown[0]}", m["evaluations"][unknown[0]],
                        "an evaluation the reader knows (llmscale.sources.artificial_analysis.BENCHMARKS or NOT_READ)")
    creator = m["creator"] if isinstance(m["creator"], dict) else {}
    caps, ow, price = m.get("capabilities") or {}, m.get("open_weights") or {}, m.get("pricing") or {}
    row = {
        "aa_id": m["id"], "slug": m["slug"], "name": m["name"], "short_name": m.get("short_name"),
        "release_date": m.get("release_date"), "reasoning_model": m.get("reasoning_model"),
        "deprecated": m.get("deprecated"), "creator": creator.get("name"), "creator_slug": creator.get("slug"),
        "country": creator.get("country"), "is_open_weights": ow.get("is_open_weights"),
        "huggingface_url": ow.get("huggingface_url"), "total_parameters": caps.get("total_parameters"),
        "active_parameters": caps.get("active_parameters"), "price_blended": price.get("price_1m_blended_3_to_1"),
        "price_input": price.get("price_1m_input_tokens"), "price_output": price.get("price_1m_output_tokens"),
    }
    row = {k: json_text(v) for k, v in row.items()}
    row.update({EVAL + k: json_text(v) for k, v in m["evaluations"].items()})
    return row


def ingest(raw_dir) -> pd.DataFrame:
    """Every snapshot's records as strings, one row each (see the module docstring)."""
    base = Path(raw_dir) / KEY
    snaps = []
    for folder, rel in zip(SNAPSHOTS, FILES):
        path = base / rel
        data = _load(path)
        date = _snapshot_date(path, folder, data)
        rows = [_record(path, i, m) for i, m in enumerate(data["models"])]
        for r in rows:
            r.update(source=KEY, source_row=f"{rel}#{r['slug']}", snapshot=date)
        snaps.append(rows)
    pinned = len(snaps)
    for date, rel in refreshed(raw_dir):
        rows = read_refreshed(Path(raw_dir) / rel, date)
        for r in rows:
            r.update(source=KEY, source_row=f"{rel}#{r['slug']}", snapshot=date)
        snaps.append(rows)
    # what a record lacks (the 04-09 file and AA's API have no URLs, sizes or country), the
    # newest record of the same AA id (the UUID) that has it states
    fields = ("huggingface_url", "is_open_weights", "country", "total_parameters", "active_parameters")
    newest_with: dict[tuple[str, str], dict] = {}
    for rows in snaps:
        for r in rows:
            for f in fields:
                if not blank(r.get(f)):
                    newest_with[r["aa_id"], f] = r
    first_slug: dict[str, str] = {}
    for rows in snaps[:pinned]:
        for r in rows:
            first_slug.setdefault(r["aa_id"], r["slug"])
    for i, rows in enumerate(snaps):
        for r in rows:
            joined = []
            for f in fields:
                if f in ("total_parameters", "active_parameters") and i < pinned:
                    continue  # the pinned snapshots state sizes where AA gives them
                newer = newest_with.get((r["aa_id"], f))
                if blank(r.get(f)) and newer is not None:
                    r[f] = newer[f]
                    joined.append(newer["source_row"])
            if joined:
                r["joined_from"] = joined[-1]
    _reasoning_flags(snaps)
    out = []
    for i, rows in enumerate(snaps):
        for r in rows:
            # a refreshed row whose slug AA renamed keeps the model of its UUID
            slug = first_slug.get(r["aa_id"], r["slug"]) if i >= pinned else r["slug"]
            r[NAME] = _repo(r.get("huggingface_url", "")) or slug
            out.append(r)
    return pd.DataFrame(out, columns=COLUMNS, dtype=str).fillna("")


def _reasoning_flags(snaps) -> None:
    """``reasoning_model`` is stated in one snapshot only: give it to the same id's other rows."""
    flag = {}
    for rows in snaps:
        for r in rows:
            if not blank(r.get("reasoning_model")):
                flag.setdefault(r["aa_id"], r["reasoning_model"])
    for rows in snaps:
        for r in rows:
            if blank(r.get("reasoning_model")) and r["aa_id"] in flag:
                r["reasoning_model"] = flag[r["aa_id"]]


_EFFORT = {"minimal", "low", "medium", "high", "xhigh", "max"}


def reasoning(name: str, flag: str) -> str | None:
    """The reasoning setting of an AA row: from its name's tags, else its ``reasoning_model`` flag."""
    for tag in re.findall(r"\(([^)]*)\)", str(name)):
        parts = [p.strip().lower() for p in tag.split(",")]
        head = parts[0]
        effort = next((p.removesuffix(" effort") for p in parts[1:] if p.endswith(" effort")), None)
        if head in _EFFORT:
            return head
        if head == "reasoning":
            return effort or "reasoning"
        if head == "adaptive reasoning":
            return f"adaptive-{effort}" if effort else "adaptive"
        if head == "non-reasoning":
            return f"non-reasoning-{effort}" if effort else "non-reasoning"
    if flag == "true":
        return "reasoning"
    if flag == "false":
        return "non-reasoning"
    return None


def _check_identity(r, file, row) -> None:
    """Every row's id comes from an alias or a repository, never from a guess (rows given an id
    some other way, without ``id_basis``, are taken as they are)."""
    if r.get("id_basis", "alias") not in ("alias", "hf_id") and not str(r["source_row"]).startswith(f"{KEY}@"):
        raise DataError(file, row, "slug", r["slug"],
                        f"a slug listed for {KEY} in data/raw/curated/aliases.csv, or a Hugging Face URL (a renamed or new AA model?)")


def _model(r, file, row) -> dict:
    total = params_cell(file, row, "capabilities.total_parameters", r["total_parameters"], "billions")
    active = params_cell(file, row, "capabilities.active_parameters", r["active_parameters"], "billions")
    if active == active and total == total and active > total:
        raise DataError(file, row, "capabilities.active_parameters", r["active_parameters"], f"at most the total ({r['total_parameters']})")
    arch = None if total != total or active != active else "moe" if active < total else "dense"
    date, note = release_date(file, row, "release_date", r["release_date"])
    weights = {"true": "open", "false": "closed"}.get(r["is_open_weights"], "unknown")
    country = r["country"].strip().lower() or None
    what = "open weights, URL, country and sizes" if r["source_row"].startswith(f"{KEY}@") else "open weights, URL and country"
    joined = f"{what} from {r['joined_from']}" if r["joined_from"] else None
    sizes = "sizes as Artificial Analysis states them (billions)" if total == total else None
    return {
        "source": KEY, "source_row": r["source_row"], "source_name": r["name"], "model_id": r["model_id"],
        "weights": weights, "release_date": date, "total_params_b": total, "active_params_b": active,
        "architecture": arch, "country": country, "params_note": "; ".join(p for p in (note, sizes, joined) if p) or None,
    }


def _value(file, row, field, text, scale, bench) -> float:
    try:
        v = float(text)
    except ValueError:
        raise DataError(file, row, f"evaluations.{field}", text, "a number") from None
    lo, hi = (0.0, 1.0) if scale == "fraction" else score_range(bench)
    if not lo <= v <= hi:
        raise DataError(file, row, f"evaluations.{field}", text, f"a {scale} between {lo:g} and {hi:g} for {bench}")
    return v * 100 if scale == "fraction" else v


def _scores(r, file, row) -> list[dict]:
    setting = reasoning(r["name"], r["reasoning_model"])
    out = []
    for field, (bench, scale) in BENCHMARKS.items():
        text = r.get(EVAL + field, "")
        if blank(text):
            continue
        note = f"AA {r['snapshot']} {r['slug']}: evaluations.{field}" + ("; deprecated on AA" if r["deprecated"] == "true" else "")
        version = None
        if bench == INDEX:
            version = r["snapshot"]
            est = r.get(EVAL + ESTIMATED, "")
            if not blank(est):
                note += f"; {ESTIMATED}={est}"
        out.append({
            "model_id": r["model_id"], "benchmark": bench, "value": _value(file, row, field, text, scale, bench),
            "shots": 0, "cot": None, "variant": "instruct", "reasoning": setting, "reporter": "independent",
            "harness": HARNESS, "index_version": version, "source": KEY, "source_row": r["source_row"], "note": note,
            "_snapshot": r["snapshot"],
        })
    return out


def newest(scores: pd.DataFrame) -> pd.DataFrame:
    """One score per (model, benchmark, reasoning) outside the Intelligence Index: the newest
    snapshot's rows; the note names the older snapshots that have it, and their value where it
    differs. (Rows of one snapshot are all kept, so the duplicate check still sees a clash.)"""
    if scores.empty:
        return scores
    s = scores.copy()
    s["_r"] = s["reasoning"].fillna("")
    key = ["model_id", "benchmark", "_r"]
    index = s["benchmark"] == INDEX
    top = s[~index].groupby(key)["_snapshot"].transform("max")
    keep = index.copy()
    keep[~index] = s.loc[~index, "_snapshot"] == top
    older = s[~keep]
    if len(older):
        kept = s[keep & ~index]
        first = {}  # each key's first kept value, looked up once per group (not a MultiIndex .loc each)
        for k, v in zip(zip(kept["model_id"], kept["benchmark"], kept["_r"]), kept["value"]):
            first.setdefault(k, v)
        notes = {}
        for k, grp in older.groupby(key):
            new = float(first[k]) if k in first else float("nan")
            parts = []
            for snap, v in zip(grp["_snapshot"], grp["value"]):
                diff = abs(v - new)
                parts.append(f"{snap} same" if diff < 1e-9 else f"{snap} same, rounded ({v:g})" if diff <= ROUNDED
                             else f"{snap} had {v:g}")
            notes[k] = "also in older snapshots: " + ", ".join(sorted(parts))
        extra = [notes.get(k) for k in zip(s["model_id"], s["benchmark"], s["_r"])]
        s["note"] = [f"{n}; {e}" if e and keep_ and not idx else n
                     for n, e, keep_, idx in zip(s["note"], extra, keep, index)]
    return s[keep].drop(columns=["_r", "_snapshot"]).reset_index(drop=True)


def _where(base, source_row) -> tuple[Path, str]:
    """The file and the ``#<slug>`` of a ``"<file>#<slug>"`` source row."""
    rel, _, slug = str(source_row).partition("#")
    folder = rel.split("/")[0]
    if slug and _REFRESHED.match(folder) and rel == f"{folder}/models.json":
        return Path(base).parent / rel, f"#{slug}"
    if rel not in FILES or not slug:
        raise DataError(Path(base), source_row, "source_row", source_row,
                        f"'<file>#<slug>' with a file of {FILES} or {REFRESHED}")
    return Path(base) / rel, f"#{slug}"


def tidy(rows, base):
    models, scores = [], []
    for r in records(rows):
        file, row = _where(base, r["source_row"])
        _check_identity(r, file, row)
        models.append(_model(r, file, row))
        scores.extend(_scores(r, file, row))
    frame = pd.DataFrame(scores)
    if len(frame):
        frame = newest(frame)
    return models_frame(models), scores_frame(frame.to_dict("records") if len(frame) else [])


def prices(rows, base) -> pd.DataFrame:
    """One row per snapshot record with a price (USD per 1M tokens)."""
    out = []
    for r in records(rows):
        if blank(r["price_input"]) and blank(r["price_output"]) and blank(r["price_blended"]):
            continue
        file, row = _where(base, r["source_row"])
        vals = {}
        for col in ("price_input", "price_output", "price_blended"):
            if blank(r[col]):
                vals[col] = None
                continue
            try:
                vals[col] = float(r[col])
            except ValueError:
                raise DataError(file, row, f"pricing.{col}", r[col], "a price in USD per 1M tokens") from None
            if vals[col] < 0:
                raise DataError(file, row, f"pricing.{col}", r[col], "a price of at least 0")
        blended, how = vals["price_blended"], "AA's blended 3:1 price"
        if blended is None:
            if vals["price_input"] is None or vals["price_output"] is None:
                continue
            blended, how = (3 * vals["price_input"] + vals["price_output"]) / 4, "blended 3:1 from AA's input and output prices"
        out.append({
            "source": KEY, "source_row": r["source_row"], "model_id": r["model_id"],
            "usd_per_1m_input": vals["price_input"], "usd_per_1m_output": vals["price_output"],
            "usd_per_1m_blended": blended, "price_from": None, "price_to": None, "current": False,
            "note": f"Artificial Analysis price as of {r['snapshot']} ({r['slug']}); {how}",
        })
    return pd.DataFrame(out, columns=PRICE_COLUMNS)
