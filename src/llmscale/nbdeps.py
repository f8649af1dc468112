"""Which files each notebook needs, for Make (standard library only).

``python3 src/llmscale/nbdeps.py notebooks/*.ipynb`` prints, for each notebook, a Make
variable ``DEPS_<stem>`` listing the files of ``src/llmscale`` it imports, directly or
through other modules, so that changing a module reruns exactly the notebooks that use it.

``python3 src/llmscale/nbdeps.py --source NOTEBOOK OUT`` writes what Make compares of a
notebook (each cell's type, source and tags: no outputs, counts, kernel or widget state) to
``OUT``, and leaves ``OUT`` untouched when that has not changed, so that running or saving
a notebook reruns nothing. A new ``OUT`` takes the notebook's modification time.
``python3 src/llmscale/nbdeps.py --listed data/raw/MANIFEST.csv <source>/<path> ...`` prints
the files the manifest lists at or under those paths (a path with ``*`` is a pattern:
``artificial-analysis@*/models.json``) (as ``data/raw/...``), so that Make
depends on every listed file and notices one that was deleted. Names with spaces are left
out: Make cannot name them (01_ingest still checks them against the manifest).
"""

from __future__ import annotations

import ast
import csv
import fnmatch
import functools
import json
import sys
from pathlib import Path

PKG = "llmscale"
SRC = Path(__file__).resolve().parent


def _module_file(name: str) -> Path | None:
    parts = name.split(".")
    if parts[0] != PKG:
        return None
    base = SRC.joinpath(*parts[1:])
    for cand in (base.with_suffix(".py"), base / "__init__.py"):
        if cand.exists():
            return cand
    return None


def _imports(tree: ast.AST, current: str | None = None, is_pkg=False) -> set[str]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level and current:
                base = current.split(".")
                base = base if is_pkg else base[:-1]
                base = base[: len(base) - (node.level - 1)]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            found.add(mod)
            found.update(f"{mod}.{a.name}" for a in node.names)
    return {m for m in found if m.split(".")[0] == PKG}


@functools.lru_cache(maxsize=None)
def _module_imports(sub: str, f: Path) -> frozenset[str]:
    """What module ``sub`` (file ``f``) imports of the package: each file is parsed once for
    all the notebooks."""
    return frozenset(_imports(ast.parse(f.read_text()), sub, f.name == "__init__.py"))


def closure(start: set[str]) -> list[Path]:
    seen: dict[str, Path] = {}
    todo = list(start)
    while todo:
        name = todo.pop()
        parts = name.split(".")
        for i in range(1, len(parts) + 1):  # importing a.b.c runs a/__init__ and a/b/__init__
            sub = ".".join(parts[:i])
            f = _module_file(sub)
            if f is None or sub in seen:
                continue
            seen[sub] = f
            todo.extend(_module_imports(sub, f))
    return sorted(set(seen.values()))


def cells(path: Path) -> list[dict]:
    """Each cell's type, source (one string) and tags."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    return [{"cell_type": c["cell_type"],
             "source": "".join(c["source"]) if isinstance(c["source"], list) else c["source"],
             "tags": sorted(c.get("metadata", {}).get("tags", []))} for c in nb["cells"]]


def write_source(notebook: Path, out: Path) -> bool:
    """Write the notebook's cells to ``out`` unless ``out`` already says the same; True if written."""
    import os

    text = json.dumps(cells(notebook), indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    out = Path(out)
    if out.exists() and out.read_text(encoding="utf-8") == text:
        return False
    fresh = not out.exists()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    if fresh:  # first sight: as old as the notebook, so that creating it reruns nothing
        st = Path(notebook).stat()
        os.utime(tmp, ns=(st.st_atime_ns, st.st_mtime_ns))
    os.replace(tmp, out)
    return True


def notebook_imports(path: Path) -> set[str]:
    code = "\n".join(c["source"] for c in cells(path) if c["cell_type"] == "code")
    lines = [ln for ln in code.splitlines() if not ln.lstrip().startswith(("%", "!"))]
    return _imports(ast.parse("\n".join(lines)))


def listed(manifest: Path, paths: list[str]) -> list[str]:
    """The manifest's files at or under ``paths`` (relative to the manifest's folder)."""
    manifest = Path(manifest)
    if not manifest.exists():
        return []
    with open(manifest, newline="", encoding="utf-8") as fh:
        files = [r["file"] for r in csv.DictReader(fh) if r.get("file")]
    prefixes = [p.rstrip("/") for p in paths]
    keep = [f for f in files if any(fnmatch.fnmatchcase(f, p) if "*" in p else f == p or f.startswith(p + "/")
                                    for p in prefixes) and " " not in f]
    return sorted(str(manifest.parent / f) for f in keep)


def main(argv) -> None:
    if argv[:1] == ["--source"]:
        write_source(Path(argv[1]), Path(argv[2]))
        return
    if argv[:1] == ["--listed"]:
        print(" ".join(listed(Path(argv[1]), argv[2:])))
        return
    root = SRC.parent.parent
    for nb in argv:
        files = closure(notebook_imports(Path(nb)))
        rel = " ".join(str(f.relative_to(root)) for f in files)
        print(f"DEPS_{Path(nb).stem} := {rel}")


if __name__ == "__main__":
    main(sys.argv[1:])
