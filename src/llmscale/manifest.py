"""The raw-data manifest: what each file under ``data/raw`` is, where it came from, its hash."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from .errors import DataError
from .io import write_table

MANIFEST = "MANIFEST.csv"
COLUMNS = ["source", "file", "repo", "commit", "path", "sha256", "bytes", "licence", "credit", "retrieved", "refresh_url"]


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def load(raw_dir) -> pd.DataFrame:
    path = Path(raw_dir) / MANIFEST
    if not path.exists():
        raise DataError(path, None, None, None, "a raw-data manifest (data/raw/MANIFEST.csv)")
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise DataError(path, 1, missing[0], list(df.columns), f"the columns {COLUMNS}")
    dup = df[df.duplicated("file", keep=False)]
    if len(dup):
        raise DataError(path, int(dup.index[1]) + 2, "file", dup["file"].iloc[1], "each file listed once")
    return df


def append(raw_dir, man: pd.DataFrame, rows: list[dict]) -> None:
    """Write the manifest ``man`` with ``rows`` added, atomically."""
    write_table(pd.concat([man, pd.DataFrame(rows)], ignore_index=True)[COLUMNS], Path(raw_dir) / MANIFEST)


def verify(raw_dir, sources=None) -> pd.DataFrame:
    """Check that every manifest file (of ``sources``, if given) exists with its sha256, and
    that each source's folder holds no file the manifest does not list."""
    raw_dir = Path(raw_dir)
    df = load(raw_dir)
    if sources is not None:
        known = set(df["source"])
        for s in sources:
            if s not in known and "@" in s:
                raise DataError(raw_dir / MANIFEST, None, "source", s,
                                f"a manifest row for each file under {s}/ (make refresh writes both; an unlisted "
                                "raw file is never read: list it, or remove the folder)")
            if s not in known:
                raise DataError(raw_dir / MANIFEST, None, "source", s, f"one of {sorted(known)}")
        df = df[df["source"].isin(sources)]
    listed = set(df["file"])
    for s in sorted(set(df["source"])):
        for f in sorted((raw_dir / s).rglob("*")):
            rel = f.relative_to(raw_dir).as_posix()
            if f.is_file() and rel not in listed:
                raise DataError(raw_dir / MANIFEST, None, "file", rel,
                                f"every file under {s}/ listed here with its sha256 (list it, or remove it: "
                                "an unlisted raw file is never read)")
    for i, r in df.iterrows():
        f = raw_dir / r["file"]
        if not f.exists():
            raise DataError(raw_dir / MANIFEST, i + 2, "file", r["file"], "the listed raw file to exist")
        got = sha256(f)
        if got != r["sha256"]:
            raise DataError(f, None, "sha256", got, f"{r['sha256']} as recorded in {MANIFEST} (raw files are never edited)")
    return df

