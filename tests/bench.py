"""`make bench`: how long the build takes, measured in a scratch copy of the repository.

Times (1) a clean `make figures` with the venv present, as the README says (its default
number of jobs) and with -j2; (2) a no-op
`make figures`; (3) a fresh venv bootstrap (`make venv` into an empty folder; uv's download
cache is whatever this machine has); (4) the same ingest + clean + plot work done by running
the notebooks' code cells in one plain Python process, without papermill or kernels;
(5) ingest + clean of a synthetic input with 100x today's CSV rows against today's rows, both
as `make data` runs them (notebooks 01 and 02 through papermill, kernel start included) and
as the bare ``ingest_all`` + ``clean_all`` calls in this process. ``BENCH_TEST=1`` also times
`make test` in the copy; ``BENCH_SCALE=0`` skips (5).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from conftest import MAKE_ENV as ENV, ROOT  # each make here is a make of its own, not a sub-make of `make bench`


def copy_repo(dst: Path, share_venv: bool = True) -> Path:
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout.decode().split("\0")
    for f in filter(None, files):
        (dst / f).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / f, dst / f)
    if share_venv:
        os.symlink(ROOT / ".venv", dst / ".venv")
    # a checkout of its own (the tests read git's list of tracked files), holding the files as they are here
    git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@localhost", "-c", "commit.gpgsign=false"]
    for args in (["init", "-q"], ["add", "-A", "--", ".", ":!.venv"], ["commit", "-q", "--no-verify", "-m", "bench copy"]):
        subprocess.run(git + args, cwd=dst, check=True, stdout=subprocess.DEVNULL)
    if share_venv:  # the link is no folder, so .gitignore's ".venv/" does not cover it
        (dst / ".git" / "info" / "exclude").write_text(".venv\n")
    return dst




def timed(cmd, cwd, env=None) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env or ENV)
    return time.perf_counter() - start


def one_process(repo: Path) -> float:
    """Execute every notebook's code cells in order, in this process, like a script would."""
    code = []
    for nb in sorted((repo / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        cells = json.loads(nb.read_text())["cells"]
        code.extend("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    script = "import os\nos.chdir('notebooks')\n" + "\n".join(code) + "\n"
    return timed([sys.executable, "-c", script], repo)


def synthetic_raw(dst: Path, factor: int) -> list[str]:
    """A raw folder whose CSV sources hold ``factor`` copies of every row, names made unique.

    Returns the sources it covers (those whose reader reads CSV files)."""
    sys.path.insert(0, str(ROOT / "src"))
    import csv
    import io

    import pandas as pd

    from llmscale import manifest
    from llmscale.sources import READERS

    raw = ROOT / "data" / "raw"
    shutil.copytree(raw / "curated", dst / "curated")
    man = manifest.load(raw)
    corr = pd.read_csv(raw / "curated" / "corrections.csv", dtype=str)
    dropped = set(zip(corr.loc[corr["field"] == "(row)", "source"], corr.loc[corr["field"] == "(row)", "source_row"]))
    keep, covered = [], []
    for key, reader in READERS.items():
        if not all(f.endswith(".csv") for f in reader.FILES):
            continue
        covered.append(key)
        for f in reader.FILES:
            rows = list(csv.reader(io.StringIO((raw / key / f).read_text(encoding="utf-8-sig"))))
            header = rows[0]
            body = [r for n, r in enumerate(rows[1:], start=2) if any(c.strip() for c in r) and (key, str(n)) not in dropped]
            if reader.NAME not in header:  # a lookup file (e.g. the hub's model versions): kept as it is
                out = rows
            else:
                out = None
            name = header.index(reader.NAME) if out is None else None
            out = out or [header]
            for k in range(factor if name is not None else 0):
                for i, r in enumerate(body if k else [r for r in rows[1:] if any(c.strip() for c in r)]):
                    r = list(r)
                    if k:  # copies of the rows the errata keep, each a new model
                        r[name] = f"{r[name]} copy{k}.{i}"
                    out.append(r)
            buf = io.StringIO()
            csv.writer(buf, lineterminator="\n").writerows(out)
            target = dst / key / f
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(buf.getvalue(), encoding="utf-8")
            row = man[man["file"] == f"{key}/{f}"].iloc[0].copy()
            row["sha256"], row["bytes"] = manifest.sha256(target), str(target.stat().st_size)
            keep.append(row)
    pd.DataFrame(keep)[manifest.COLUMNS].to_csv(dst / "MANIFEST.csv", index=False, lineterminator="\n")
    return covered


def scale(factor: int) -> dict[str, float]:
    """Seconds for ingest + clean of the CSV sources at ``factor`` times today's rows: the
    bare calls in this process, and notebooks 01 + 02 run as `make data` runs them."""
    from llmscale.clean import clean_all
    from llmscale.ingest import ingest_all

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        sources = synthetic_raw(tmp / "raw", factor)
        start = time.perf_counter()
        counts = ingest_all(tmp / "raw", tmp / "interim", sources)
        clean_all(tmp / "raw", tmp / "interim", tmp / "processed", sources)
        calls = time.perf_counter() - start
        dirs = {"raw_dir": tmp / "raw", "interim_dir": tmp / "nb-interim", "processed_dir": tmp / "nb-processed"}
        start = time.perf_counter()
        for nb, params in (("01_ingest", ["raw_dir", "interim_dir"]), ("02_clean", ["raw_dir", "interim_dir", "processed_dir"])):
            args = [a for p in params for a in ("-p", p, str(dirs[p]))] + ["-p", "sources", repr(sources)]
            subprocess.run([sys.executable, "-m", "llmscale.chain", "run", f"notebooks/{nb}.ipynb", "--build", str(tmp / "build"), *args],
                           cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        notebooks = time.perf_counter() - start
        same = all((tmp / "processed" / f.name).read_bytes() == f.read_bytes() for f in (tmp / "nb-processed").glob("*.csv"))
        assert same, "the notebooks and the bare calls wrote different tables"
        return {"rows": int(counts["rows"].sum()), "calls": calls, "notebooks": notebooks}


def main() -> None:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        repo = copy_repo(Path(tmp) / "repo")
        subprocess.run(["make", "clean"], cwd=repo, check=True, stdout=subprocess.DEVNULL, env=ENV)
        rows.append(("clean make figures, as the README says (venv present)", timed(["make", "figures"], repo)))
        subprocess.run(["make", "clean"], cwd=repo, check=True, stdout=subprocess.DEVNULL, env=ENV)
        rows.append(("clean make -j2 figures", timed(["make", "-j2", "figures"], repo)))
        noop = [timed(["make", "figures"], repo) for _ in range(5)]
        rows.append(("no-op make figures (median of 5)", statistics.median(noop)))
        subprocess.run(["make", "clean"], cwd=repo, check=True, stdout=subprocess.DEVNULL, env=ENV)
        rows.append(("same work in one Python process", one_process(repo)))
        rows.append(("fresh venv bootstrap (make venv)", timed(["make", "venv", f"VENV={Path(tmp) / 'fresh-venv'}"], repo)))
        if os.environ.get("BENCH_TEST") == "1":  # its output (and whether it passed) go to BENCH_TEST_LOG
            # the tracked files as committed (the one-process run above rewrote the outputs its own way)
            subprocess.run(["git", "checkout", "-q", "--", "."], cwd=repo, check=True)
            start = time.perf_counter()
            with open(os.environ.get("BENCH_TEST_LOG", os.devnull), "w") as log:
                r = subprocess.run(["make", "test"], cwd=repo, stdout=log, stderr=subprocess.STDOUT, env=ENV)
            rows.append((f"make test (exit {r.returncode})", time.perf_counter() - start))
    if os.environ.get("BENCH_SCALE") == "0":
        return report(rows, None)
    scale(1)  # warm-up: the first call in a process pays for imports and caches the later ones do not
    one, ten, hundred = scale(1), scale(10), scale(100)
    for label, r in (("today's rows", one), ("10x rows", ten), ("100x rows", hundred)):
        rows.append((f"ingest + clean as make data runs it, {label} ({r['rows']})", r["notebooks"]))
    for label, r in (("today's rows", one), ("10x rows", ten), ("100x rows", hundred)):
        rows.append((f"  the bare ingest_all + clean_all calls, {label}", r["calls"]))
    report(rows, (one, ten, hundred))


def report(rows, scaled) -> None:
    width = max(len(r[0]) for r in rows)
    print(f"{'measurement':<{width}}  seconds")
    for name, secs in rows:
        print(f"{name:<{width}}  {secs:7.2f}")
    d = dict(rows)
    ratio = d["clean make -j2 figures"] / d["same work in one Python process"]
    print(f"\nclean -j2 build / one process = {ratio:.2f}x (target: within 2x)")
    print("no-op target: under 0.5 s; fresh bootstrap target: under 30 s")
    if scaled is None:
        print("(BENCH_SCALE=0: the 1x / 10x / 100x ingest + clean runs were skipped)")
        return
    one, ten, hundred = scaled
    print(f"ingest + clean at 100x rows / 1x, as make data runs it = {hundred['notebooks'] / one['notebooks']:.2f}x "
          f"(target: under 10x); the bare calls alone = {hundred['calls'] / one['calls']:.2f}x")
    per = [f"{r['calls'] / r['rows'] * 1e6:.0f} us" for r in (one, ten, hundred)]
    print(f"bare calls per input row at 1x / 10x / 100x: {' / '.join(per)}")


if __name__ == "__main__":
    main()
