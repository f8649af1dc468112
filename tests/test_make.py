"""`make figures` in a copy of the repository: real dependencies, byte-identical outputs, and
failures that change nothing a user can download.

The copy shares this checkout's .venv (a symlink); everything else is its own. Its first
build starts from `make clean`, so it rebuilds every table and figure from data/raw; the
results must equal the committed ones byte for byte, and a second clean build must equal
the first.
"""

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pandas as pd
import pytest

from conftest import MAKE_ENV as ENV, ROOT

NOTEBOOKS = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
# every analysis notebook reads the processed tables; the claims and the write-up run last (they read the others' tables)
AFTER_02 = sorted((n for n in NOTEBOOKS if n[:2] > "02"), key=lambda n: n[:2] in ("08", "09"))
GENERATED = ("data/processed", "data/processed/figures", "figures")


def tracked_files():
    out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    return [f for f in out.decode().split("\0") if f]


def make(repo, *args, both=False):
    r = subprocess.run(["make", *args], cwd=repo, capture_output=True, text=True, env=ENV)
    assert r.returncode == 0, f"make {' '.join(args)} failed:\n{r.stdout}\n{r.stderr}"
    return (r.stdout, r.stderr) if both else r.stdout


def make_fails(repo, *args):
    r = subprocess.run(["make", *args], cwd=repo, capture_output=True, text=True, env=ENV)
    assert r.returncode != 0, f"make {' '.join(args)} succeeded:\n{r.stdout}\n{r.stderr}"
    return r


def content(path: Path) -> bytes:
    """A file's bytes; for a PNG, its decoded pixels (size, mode, pixel data). Tables, JSON,
    Markdown and SVG are compared byte for byte; a PNG by what it shows, because the encoder's
    bytes for the same pixels have been seen to differ between runs."""
    if path.suffix != ".png":
        return path.read_bytes()
    from PIL import Image

    with Image.open(path) as im:
        return f"{im.size} {im.mode} ".encode() + im.tobytes()


def snapshot(repo):
    out = {
        str(p.relative_to(repo)): content(p)
        for d in GENERATED for p in sorted((repo / d).glob("*")) if p.is_file() and p.suffix in (".csv", ".json", ".md", ".svg", ".png", ".html")
    }
    out["FINDINGS.md"] = (repo / "FINDINGS.md").read_bytes()
    return out


def copy_repo(dst):
    for f in tracked_files():
        (dst / f).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / f, dst / f)  # keeps mtimes: the shared venv stays up to date
    os.symlink(ROOT / ".venv", dst / ".venv")
    make(dst, "clean")
    return dst


BUILT = {}


# What 01_ingest and 02_clean write (with their stamps and make's notebook records): every other
# notebook waits for them, so they run alone, one after the other, whatever the number of jobs.
FIRST_OUTPUTS = ("data/interim", "data/processed", "build")


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    """A copy built from clean by `make figures` (notebooks 03-07 two at a time, by default).
    A second copy is built one notebook at a time (JOBS=1) alongside, for
    test_serial_and_parallel_clean_builds_are_byte_identical: the two builds share the cores.
    01_ingest and 02_clean run alone in either build, so they run once (`make data`, the first
    steps of `make figures`), and the second copy starts from what they wrote."""
    if not (ROOT / ".git").exists():
        pytest.skip("needs a git checkout")
    dst = copy_repo(tmp_path_factory.mktemp("repo"))
    serial = copy_repo(tmp_path_factory.mktemp("repo_serial"))
    first = make(dst, "data", both=True)
    for d in FIRST_OUTPUTS:
        shutil.copytree(dst / d, serial / d, dirs_exist_ok=True)  # copy2: their times, so make finds them up to date
    BUILT["serial"] = (serial, subprocess.Popen(["make", "JOBS=1", "figures"], cwd=serial, env=ENV, text=True,
                                                stdout=subprocess.PIPE, stderr=subprocess.PIPE))
    rest = make(dst, "figures", both=True)
    BUILT["output"] = tuple(a + b for a, b in zip(first, rest))
    BUILT["snapshot"] = snapshot(dst)
    yield dst
    _, proc = BUILT["serial"]
    if proc.poll() is None:
        proc.kill()
    proc.communicate()


def test_the_build_prints_progress_and_no_kernel_warning(repo):
    out, err = BUILT["output"]
    assert "TCP" not in out + err and "WARNING" not in out + err, err
    started = [line.split()[1] for line in out.splitlines() if line.startswith("▶ ")]
    done = [line.split()[1] for line in out.splitlines() if line.startswith("✓ ")]
    assert sorted(started) == sorted(done) == NOTEBOOKS, out
    assert "make figures:" in out


def test_clean_build_matches_the_committed_outputs(repo):
    built = snapshot(repo)
    assert built, "make figures wrote nothing"
    committed = {f: content(ROOT / f) for f in built if (ROOT / f).exists()}
    missing = sorted(set(built) - set(committed))
    assert not missing, f"generated but not committed: {missing}"
    stale = sorted(f for f in built if built[f] != committed[f])
    assert not stale, f"committed outputs differ from a clean build (run make figures): {stale}"


def notebook_of_target(repo) -> dict:
    """Each target of the chain -> the notebook that makes it, from make's own database."""
    r = subprocess.run(["make", "-pnq", "figures"], cwd=repo, capture_output=True, text=True, env=ENV)
    out = {}
    for line in r.stdout.splitlines():
        m = re.match(r"^([^\s#:]+): build/nbsrc/(\d\d_\w+)\.json", line)
        if m:
            out[m.group(1)] = m.group(2)
    return out


def _step_s(folder) -> float:
    """How far in the future :func:`touch` puts a file: a tenth of a second where the file
    system keeps sub-second times (the kernel stamps files from a clock that ticks every few
    milliseconds), two seconds where it keeps whole seconds."""
    probes = []
    for i in range(3):
        p = Path(folder) / f".mtime-probe-{i}"
        p.write_bytes(b"")
        probes.append(p.stat().st_mtime_ns)
        p.unlink()
        time.sleep(0.013)
    return 2.0 if all(ns % 1_000_000_000 == 0 for ns in probes) else 0.1


TOUCHED = {"until": 0.0, "step": None}


def would_run(repo):
    """The notebooks ``make figures`` would execute now, in order, found without running them:
    ``make -t`` touches every target that is out of date (following the chain as a real
    build would) and names each. The tree is up to date afterwards."""
    owner = notebook_of_target(repo)
    wait = TOUCHED["until"] - time.time()
    if wait > 0:  # past the future mtime touch() gave, so that touched targets end up newer
        time.sleep(wait + (TOUCHED["step"] or 0.1))
    out = make(repo, "-t", "figures")
    touched = [line.split(" ", 1)[1] for line in out.splitlines() if line.startswith("touch ")]
    return list(dict.fromkeys(owner[t] for t in touched if t in owner))


def settle(repo):
    assert would_run(repo) == []


def touch(path):
    if TOUCHED["step"] is None:
        TOUCHED["step"] = _step_s(Path(path).parent)
    t = time.time() + TOUCHED["step"]
    TOUCHED["until"] = max(TOUCHED["until"], t)
    os.utime(path, (t, t))


def test_nothing_changed_runs_no_notebook(repo):
    assert would_run(repo) == []
    r = subprocess.run(["make", "-q", "data/processed/size_vs_mmlu_frontier.csv"], cwd=repo, env=ENV)
    assert r.returncode == 0


def test_touching_a_raw_file_reruns_what_depends_on_it(repo):
    touch(repo / "data/raw/curated/aliases.csv")  # read by 02_clean, not by 01_ingest
    assert would_run(repo) == ["02_clean", *AFTER_02]
    settle(repo)
    touch(repo / "data/raw/llm-stats/data/benchmarks/mmlu.json")  # in the snapshot, read by no reader
    assert would_run(repo) == []


def test_changing_a_module_reruns_the_notebooks_that_import_it(repo):
    touch(repo / "src/llmscale/plotting.py")  # every analysis draws; ingest and clean do not
    assert would_run(repo) == AFTER_02
    settle(repo)
    touch(repo / "src/llmscale/trends.py")  # 04 fits trends; 10 imports it through the write-up's helpers;
    # the claims and the write-up read their tables
    assert would_run(repo) == ["04_over_time", "10_post_benchmarks", "08_claims", "09_writeup"]
    settle(repo)
    touch(repo / "src/llmscale/io.py")  # every stage writes tables
    assert would_run(repo) == ["01_ingest", "02_clean", *AFTER_02]
    settle(repo)


def test_running_or_saving_a_notebook_reruns_nothing_but_an_edit_does(repo):
    import json

    nb = repo / "notebooks/06_dense_vs_moe.ipynb"
    original = nb.read_text()
    saved = json.loads(original)  # as JupyterLab saves it after a run: outputs, counts, kernel, widget state
    code = [c for c in saved["cells"] if c["cell_type"] == "code"]
    for i, c in enumerate(code, 1):
        c["execution_count"] = i
        c["outputs"] = [{"output_type": "display_data", "data": {"image/png": "iVBORw0KGgo=", "text/plain": ["<Figure>"]},
                         "metadata": {}}]
        c["metadata"]["execution"] = {"iopub.execute_input": "2026-01-01T00:00:00Z"}
    saved["metadata"]["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    saved["metadata"]["language_info"] = {"name": "python", "version": "3.11.7"}
    saved["metadata"]["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    nb.write_text(json.dumps(saved, indent=1))
    touch(nb)
    assert would_run(repo) == []
    edited = json.loads(original)
    code = [c for c in edited["cells"] if c["cell_type"] == "code"]
    code[-1]["source"] = list(code[-1]["source"]) + ["\n", "None"]
    nb.write_text(json.dumps(edited, indent=1))
    touch(nb)
    assert would_run(repo) == ["06_dense_vs_moe", "08_claims", "09_writeup"]
    nb.write_text(original)
    touch(nb)
    assert would_run(repo) == ["06_dense_vs_moe", "08_claims", "09_writeup"]  # its cells changed back
    settle(repo)


def test_git_stores_notebooks_stripped_however_they_were_saved(tmp_path):
    import json
    import sys

    if not (ROOT / ".venv/bin/python").exists():
        pytest.skip("needs the project's .venv")
    git = lambda *a, cwd=tmp_path: subprocess.run(["git", *a], cwd=cwd, capture_output=True, text=True, check=True).stdout  # noqa: E731
    git("init", "-q")
    for f in ("Makefile", ".gitattributes", "notebooks/06_dense_vs_moe.ipynb"):
        (tmp_path / f).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / f, tmp_path / f)
    os.symlink(ROOT / ".venv", tmp_path / ".venv")
    make(tmp_path, "git-filter")
    assert git("config", "filter.nbstripout.clean").startswith(".venv/bin/python -m nbstripout ")  # no machine's path
    nb = tmp_path / "notebooks/06_dense_vs_moe.ipynb"
    data = json.loads(nb.read_text())
    for c in data["cells"]:
        if c["cell_type"] == "code":
            c["execution_count"], c["outputs"] = 3, [{"output_type": "stream", "name": "stdout", "text": ["x\n"]}]
    data["metadata"]["language_info"] = {"name": "python", "version": "3.11.7", "mimetype": "text/x-python",
                                         "codemirror_mode": {"name": "ipython", "version": 3}, "file_extension": ".py"}
    nb.write_text(json.dumps(data, indent=1))
    git("add", "06_dense_vs_moe.ipynb", cwd=tmp_path / "notebooks")  # from a subfolder: git runs filters at the top
    stored = git("show", ":notebooks/06_dense_vs_moe.ipynb")
    assert stored == (ROOT / "notebooks/06_dense_vs_moe.ipynb").read_text()
    r = subprocess.run([sys.executable, "-m", "nbstripout", "--verify", str(nb)], capture_output=True)
    assert r.returncode == 1  # the working copy keeps its outputs; only git's copy is stripped


def stamp(repo, notebook):
    return repo / "build" / f"{notebook}.ipynb"


class Kept:
    """Files saved with their bytes and times, to put back exactly as they were."""

    def __init__(self, *paths):
        self.saved = {p: (p.read_bytes(), p.stat()) for p in paths}

    def restore(self):
        for p, (data, st) in self.saved.items():
            p.write_bytes(data)
            os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns))


def test_a_failing_notebook_keeps_every_output_and_runs_again(repo):
    curated = repo / "data/raw/curated/models.csv"
    kept = Kept(curated)
    before = snapshot(repo)
    lines = curated.read_text().splitlines(keepends=True)
    row = next(i for i, line in enumerate(lines) if ",total_params_b," in line and ",sourced," in line)
    model, field, value, rest = lines[row].split(",", 3)
    lines[row] = ",".join([model, field, "7e9", rest])
    curated.write_text("".join(lines))
    r = make_fails(repo, "figures")
    first = r.stderr.strip().splitlines()[0]
    assert first.startswith(f"✗ 02_clean: data/raw/curated/models.csv, row {row + 1}, column 'value': bad value '7e9'"), r.stderr
    assert "no exponent" in first
    assert "Traceback" not in r.stderr and "Deleting file" not in r.stdout + r.stderr and "../" not in r.stderr
    assert "build/02_clean.failed.ipynb" in r.stderr and (repo / "build/02_clean.failed.ipynb").exists()
    assert snapshot(repo) == before  # nothing a user can download changed, nothing was deleted
    assert not stamp(repo, "02_clean").exists()  # so the next build runs it again
    assert would_run(repo)[:1] == ["02_clean"]
    Kept.restore(kept)  # the curated file as it was, older than the stamps `make -t` left
    settle(repo)


def test_an_unlisted_raw_file_is_refused_and_a_deleted_one_stops_make(repo):
    org = sorted((repo / "data/raw/llm-stats/data/organizations").iterdir())[0]
    model = sorted((org / "models").iterdir())[0]
    new = org / "models" / "an-unlisted-model" / "model.json"
    new.parent.mkdir()
    new.write_bytes((model / "model.json").read_bytes())
    kept = Kept(stamp(repo, "01_ingest"))
    before = snapshot(repo)
    r = make_fails(repo, "data")
    rel = new.relative_to(repo / "data/raw").as_posix()
    assert r.stderr.startswith(f"✗ 01_ingest: data/raw/MANIFEST.csv, column 'file': bad value '{rel}'"), r.stderr
    assert snapshot(repo) == before
    shutil.rmtree(new.parent)
    kept.restore()
    settle(repo)

    listed = model / "model.json"
    hidden = repo / "moved-away.json"
    os.replace(listed, hidden)
    r = make_fails(repo, "figures")
    assert f"✗ data/raw/{listed.relative_to(repo / 'data/raw').as_posix()}: missing" in r.stderr, r.stderr
    assert "▶" not in r.stdout  # stopped before any notebook ran
    os.replace(hidden, listed)
    settle(repo)


def test_temporary_files_left_by_a_killed_run_are_swept(repo):
    left = [repo / "data/processed/.scores.csv.k1ll3d.tmp", repo / "figures/.dense_vs_moe.svg.k1ll3d.tmp",
            repo / "data/processed/figures/.dense_vs_moe.json.k1ll3d.tmp"]
    for p in left:
        p.write_text("half a file")
    out = make(repo, "figures")
    assert "swept temporary files" in out and not any(p.exists() for p in left)
    settle(repo)


def test_a_rerun_writes_its_own_folder_and_refuses_a_misspelt_parameter(repo):
    before = snapshot(repo)
    r = make_fails(repo, "rerun", "NB=08_claims", "P=claim_file=x.yaml")
    assert "✗ 08_claims: unknown parameter 'claim_file'; did you mean 'claims_file'?" in r.stderr
    out = make(repo, "rerun", "NB=08_claims", "NAME=again", "P=claims_file=../data/raw/curated/claims.yaml")
    assert "build/runs/again/" in out and (repo / "build/runs/again/data/processed/claims.csv").exists()
    assert snapshot(repo) == before
    settle(repo)


def test_serial_and_parallel_clean_builds_are_byte_identical(repo):
    serial, proc = BUILT["serial"]
    out, err = proc.communicate(timeout=1800)
    assert proc.returncode == 0, f"make JOBS=1 figures failed:\n{out}\n{err}"
    ran = [line.split()[1] for line in out.splitlines() if line.startswith("▶ ")]
    assert ran == AFTER_02  # one at a time, in order, after the 01_ingest and 02_clean both copies share
    assert snapshot(serial) == BUILT["snapshot"]
    assert would_run(serial) == []
    left = serial / "data/processed/.claims.csv.k1ll3d.tmp"
    left.write_text("half a file")
    make(serial, "clean")
    assert not left.exists()  # make clean removes temporary leftovers too
