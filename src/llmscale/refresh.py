"""`make refresh`: fetch the live version of each source into a new dated folder, and say what changed.

For every file in ``data/raw/MANIFEST.csv`` with a ``refresh_url``, the live file is
downloaded into ``data/raw/<source>@<date>/<same path>``, beside the snapshot in use, which
is never overwritten. Everything, Artificial Analysis included, is downloaded into a staging
folder first, and moved into place with its manifest rows only when every part has arrived:
if any file cannot be fetched (offline, a 404 upstream, a refused key), the run stops with
one message saying which and writes nothing, so a retry starts from the same state. The
new files are added to the manifest with their sha256, and a report compares each with
the snapshot: rows added, removed and changed (CSV rows keyed by their first column, JSON
and YAML records by their key or position).

The default build never calls this: only ``make refresh`` touches the network.

Artificial Analysis (optional): when ``AA_API_KEY`` is set, ``make refresh`` also saves AA's
language-model data (``GET https://artificialanalysis.ai/api/v2/data/llms/models`` with the
key in the ``x-api-key`` header; the response is ``{"status": ..., "data": [{"id", "name",
"slug", "model_creator", "evaluations", "pricing", ...}]}``) as
``data/raw/artificial-analysis@<date>/models.json``, with a manifest row crediting
https://artificialanalysis.ai/ as AA's terms require. The response is first read the way the
chain reads it (:func:`llmscale.sources.artificial_analysis.read_refreshed`): one it could not
read is refused with its located error and nothing is saved. The next ``make figures`` reads
the new snapshot beside the three pinned ones (its Intelligence Index as a version of its own,
dated by the folder; its other scores as the newest), and says which of its slugs are new to
the alias table (``unmatched.csv``). Without a key this step is skipped and says so; the key
itself is never written anywhere.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import os
import shutil
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

import pandas as pd
import yaml

from . import manifest
from .sources import artificial_analysis
from .errors import DataError


class OfflineError(RuntimeError):
    """A live file could not be fetched; nothing was written."""


class FetchError(OfflineError):
    """The server was reached but answered with an error (a 404: the file moved upstream; a
    401: a bad key); nothing was written."""


def fetch(url: str, timeout: float = 30.0, headers: dict | None = None, refused: str | None = None) -> bytes:
    """The body at ``url``. Unreachable, it raises :class:`OfflineError`; an HTTP error answer
    raises :class:`FetchError` saying what the server answered (with ``refused``, a hint for
    the user, for a refusal)."""
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=timeout) as r:  # noqa: S310
            return r.read()
    except urllib.error.HTTPError as exc:
        if refused is not None:
            raise FetchError(f"{url} refused the request ({exc.code} {exc.reason}): {refused}; nothing was written") from None
        raise FetchError(f"{url} answered {exc.code} {exc.reason}: the file has moved or is gone upstream "
                         f"(correct its refresh_url in data/raw/MANIFEST.csv); nothing was written") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise OfflineError(f"make refresh needs the network: could not fetch {url} ({reason}); nothing was written") from None


def records(data: bytes, suffix: str) -> dict[str, str]:
    """A file's records as {key: canonical text}, to compare two versions of it."""
    text = data.decode("utf-8-sig")
    if suffix == ".csv":
        rows = list(csv.reader(io.StringIO(text)))
        if not rows:
            return {}
        out = {}
        for i, r in enumerate(rows[1:], start=2):
            if any(c.strip() for c in r):
                key = r[0] if r and r[0].strip() and r[0] not in out else f"row {i}"
                out[key] = json.dumps(r, ensure_ascii=False)
        return out
    obj = json.loads(text) if suffix == ".json" else yaml.safe_load(text)
    if isinstance(obj, dict):
        return {str(k): json.dumps(v, sort_keys=True, ensure_ascii=False, default=str) for k, v in obj.items()}
    if isinstance(obj, list):
        out = {}
        for i, v in enumerate(obj):
            key = str(v.get("id") or v.get("model_id") or i) if isinstance(v, dict) else str(i)
            out[key] = json.dumps(v, sort_keys=True, ensure_ascii=False, default=str)
        return out
    return {"(whole file)": json.dumps(obj, sort_keys=True, default=str)}


def compare(old: bytes, new: bytes, suffix: str) -> dict:
    if suffix not in (".csv", ".json", ".yml", ".yaml"):
        return {"added": 0, "removed": 0, "changed": int(old != new)}
    a, b = records(old, suffix), records(new, suffix)
    return {
        "added": len(b.keys() - a.keys()),
        "removed": len(a.keys() - b.keys()),
        "changed": sum(a[k] != b[k] for k in a.keys() & b.keys()),
    }


def _stage_sources(raw_dir: Path, man: pd.DataFrame, date: str, sources, fetcher, tmp: Path):
    """Fetch every file with a refresh URL into ``tmp/<source>@<date>/``: (report, manifest rows, folders)."""
    todo = man[(man["refresh_url"] != "") & (~man["source"].str.contains("@"))]
    if sources:
        todo = todo[todo["source"].isin(sources)]
    if todo.empty:
        raise DataError(raw_dir / manifest.MANIFEST, None, "refresh_url", "", "at least one source with a refresh URL")
    folders = [f"{s}@{date}" for s in todo["source"].unique()]
    for f in folders:
        _must_be_new(raw_dir / f)
    report, new_rows = [], []
    for r in todo.itertuples(index=False):
        data = fetcher(r.refresh_url)
        rel = Path(r.file).relative_to(r.source)
        dst = tmp / f"{r.source}@{date}" / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        dst.write_bytes(data)
        old = (raw_dir / r.file).read_bytes()
        report.append({"source": r.source, "file": str(rel), **compare(old, data, dst.suffix.lower()), "identical": old == data})
        row = r._asdict()
        row.update(source=f"{r.source}@{date}", file=f"{r.source}@{date}/{rel}", commit="",
                   sha256=manifest.sha256(dst), bytes=str(len(data)), retrieved=date)
        new_rows.append(row)
    return pd.DataFrame(report), new_rows, folders


def _stage_aa(raw_dir: Path, date: str, key: str, url: str, fetcher, tmp: Path):
    """Fetch AA's model data into ``tmp/artificial-analysis@<date>/``: (models, manifest rows, folders)."""
    folder = f"{AA_SOURCE}@{date}"
    _must_be_new(raw_dir / folder)
    data = fetcher(url, key)
    try:
        obj = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise DataError(url, None, None, data[:60], "a JSON response") from None
    models = obj.get("data") if isinstance(obj, dict) else None
    if not isinstance(models, list) or not all(isinstance(m, dict) and m.get("id") for m in models):
        raise DataError(url, None, "data", str(obj)[:60], "a 'data' list of models, each with an 'id'")
    dst = tmp / folder / "models.json"
    dst.parent.mkdir(parents=True)
    dst.write_bytes(data)
    try:  # the chain reads it: a response it could not read is not kept
        artificial_analysis.read_refreshed(dst, date)
    except DataError as exc:
        raise DataError(url, exc.row, exc.column, exc.value,
                        f"{exc.expected} (the reader llmscale.sources.artificial_analysis refuses this response; "
                        "nothing was saved)") from None
    row = {c: "" for c in manifest.COLUMNS}
    row.update(source=folder, file=f"{folder}/models.json", repo=url, commit="", path="api/v2/data/llms/models",
               sha256=manifest.sha256(dst), bytes=str(len(data)), licence=AA_LICENCE, credit=AA_CREDIT,
               retrieved=date, refresh_url=url)
    return len(models), [row], [folder]


def _commit(raw_dir: Path, man: pd.DataFrame, tmp: Path, folders: list[str], rows: list[dict]) -> None:
    """Move the staged folders into place, then add their rows to the manifest. Should a move
    fail part-way, the folders already moved are named and removed again, so a retry starts
    from the same state."""
    moved = []
    try:
        for f in folders:
            shutil.move(str(tmp / f), str(raw_dir / f))
            moved.append(f)
        manifest.append(raw_dir, man, rows)
    except BaseException:
        for f in moved:
            shutil.rmtree(raw_dir / f, ignore_errors=True)
        raise


def refresh(raw_dir, date: str | None = None, sources=None, fetcher=fetch, aa_key: str | None = None,
            aa_url: str | None = None, aa_fetcher=None) -> pd.DataFrame:
    """Fetch every source with a refresh URL (and, given ``aa_key``, Artificial Analysis' model
    data) into a staging folder; only when every part has arrived are the dated folders moved
    into place and the manifest rows written, so a failure anywhere writes nothing and a retry
    starts afresh. Returns the change report; ``attrs["aa_models"]`` is AA's model count (-1
    without a key)."""
    raw_dir = Path(raw_dir)
    date = date or dt.date.today().isoformat()
    man = manifest.load(raw_dir)
    with tempfile.TemporaryDirectory(dir=raw_dir, prefix=".refresh-") as tmp:
        tmp = Path(tmp)
        report, rows, folders = _stage_sources(raw_dir, man, date, sources, fetcher, tmp)
        n = -1
        if aa_key:
            n, aa_rows, aa_folders = _stage_aa(raw_dir, date, aa_key, aa_url or AA_URL, aa_fetcher or fetch_with_key, tmp)
            rows, folders = rows + aa_rows, folders + aa_folders
        _commit(raw_dir, man, tmp, folders, rows)
    report.attrs["aa_models"] = n
    return report


def _must_be_new(folder: Path) -> None:
    if folder.exists():
        raise DataError(folder, None, None, str(folder), "a new dated folder: a refresh never overwrites an earlier one")


AA_URL = "https://artificialanalysis.ai/api/v2/data/llms/models"
AA_SOURCE = "artificial-analysis"
AA_CREDIT = "Artificial Analysis (https://artificialanalysis.ai/)"
AA_LICENCE = "Artificial Analysis free API terms: attribution to https://artificialanalysis.ai/ required"


def fetch_with_key(url: str, key: str, timeout: float = 30.0) -> bytes:
    return fetch(url, timeout, headers={"x-api-key": key, "Accept": "application/json"}, refused="check AA_API_KEY")


def refresh_aa(raw_dir, key: str | None, date: str | None = None, url: str = AA_URL, fetcher=fetch_with_key) -> int:
    """Save AA's model data alone as a new dated raw snapshot; returns the number of models, or
    -1 (and writes nothing) when no key is set. A response without a ``data`` list of models
    with ids is refused."""
    if not key:
        return -1
    raw_dir = Path(raw_dir)
    date = date or dt.date.today().isoformat()
    man = manifest.load(raw_dir)
    with tempfile.TemporaryDirectory(dir=raw_dir, prefix=".refresh-") as tmp:
        n, rows, folders = _stage_aa(raw_dir, date, key, url, fetcher, Path(tmp))
        _commit(raw_dir, man, Path(tmp), folders, rows)
    return n


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m llmscale.refresh", description=__doc__.splitlines()[0])
    ap.add_argument("--raw", default="data/raw")
    ap.add_argument("--date", default=None, help="folder date (default: today)")
    ap.add_argument("--source", action="append", help="only this source (repeatable)")
    a = ap.parse_args(argv)
    key = os.environ.get("AA_API_KEY")
    try:
        rep = refresh(a.raw, a.date, a.source, aa_key=key)
    except (OfflineError, DataError) as exc:
        print(f"refresh: {exc}", file=sys.stderr)
        return 1
    summary = rep.groupby("source")[["added", "removed", "changed"]].sum()
    summary["files"] = rep.groupby("source").size()
    summary["files_identical"] = rep.groupby("source")["identical"].sum()
    print(summary.to_string())
    n = rep.attrs["aa_models"]
    if n < 0:
        print("Artificial Analysis: AA_API_KEY not set, skipped (optional)")
    else:
        print(f"Artificial Analysis: {n} models saved (credit: {AA_CREDIT}); `make figures` reads them, and lists "
              "the slugs new to data/raw/curated/aliases.csv in data/processed/unmatched.csv")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
