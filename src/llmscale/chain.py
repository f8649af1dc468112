"""Run the numbered notebooks with papermill, and report progress and errors readably.

``python -m llmscale.chain run notebooks/02_clean.ipynb [-p name value ...]`` checks every
``-p`` against the notebook's ``parameters`` cell (an unknown name, or a value of another
type than the parameter's, is an error naming it), executes the notebook (kernel
``python3``, working folder ``notebooks/``, the kernel on IPC sockets rather than TCP) and
prints its name and elapsed time. The executed copy is written as
``build/<notebook>.running.ipynb`` and renamed ``build/<notebook>.ipynb`` once every cell has
run: Make uses that copy as the notebook's stamp, so a failed or killed run leaves no stamp
and is run again, while the outputs it did not write stay as they were. A failing cell
prints its located message first (paths from the repository root) and keeps the traceback
in ``build/<notebook>.failed.ipynb``. After a run, figures the notebook described before
but no longer draws are removed with their descriptions.

``python -m llmscale.chain rerun notebooks/05_predict_params.ipynb -p min_models 30``
(or ``make rerun NB=05_predict_params P="min_models=30"``) runs one notebook with other
parameters into its own folder, ``build/runs/<name>/``, that starts as a copy of the
committed tables: its figures, tables and executed copy land there, never over the committed
outputs.

``python -m llmscale.chain summary --since T`` prints the total time since ``T`` and the
figures written since then.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import json
import os
import re
import shlex
import shutil
import sys
import tempfile
import time
from pathlib import Path

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
OUTPUT_ROOTS = ("data/processed", "data/interim", "figures", "FINDINGS.md")  # what `make figures` writes


def papermill():
    """papermill, imported without jsonschema's optional IRI format checker: that checker's
    package (``rfc3987_syntax``, installed for JupyterLab's event schemas) compiles a grammar
    as it is imported, about 1.6 s of every notebook run, and the notebook schema nbformat
    validates against uses no IRI format. Other processes (JupyterLab) are unaffected."""
    sys.modules.setdefault("rfc3987_syntax", None)  # None in sys.modules: its import fails, and jsonschema goes without
    import papermill as pm

    return pm


class ParameterError(ValueError):
    """A parameter given to a notebook that its ``parameters`` cell does not declare, or of another type."""


def _source(cell) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def notebook_parameters(notebook) -> dict[str, tuple[str | None, object]]:
    """The notebook's parameters: name -> (declared type name or None, default value).

    Read from the cell tagged ``parameters`` (literal assignments, optionally annotated)."""
    nb = json.loads(Path(notebook).read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            out = {}
            for node in ast.parse(_source(cell)).body:
                if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
                    ann = node.annotation.id if isinstance(node.annotation, ast.Name) else None
                    out[node.target.id] = (ann, ast.literal_eval(node.value))
                elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                    out[node.targets[0].id] = (None, ast.literal_eval(node.value))
            return out
    raise ParameterError(f"{notebook}: no cell tagged 'parameters'")


_TYPES = {"int": int, "float": float, "bool": bool, "str": str, "list": list, "dict": dict, "tuple": tuple}


def _expected(declared: str | None, default) -> type | None:
    if declared in _TYPES:
        return _TYPES[declared]
    return None if default is None else type(default)


def _fits(value, expected: type | None) -> bool:
    if expected is None:
        return True
    if expected is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if expected in (list, tuple):
        return isinstance(value, (list, tuple))
    return isinstance(value, expected)


def _value(text: str):
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def parse_value(text: str, expected: type | None):
    """A ``-p`` value as written on the command line, read as the parameter's type: a string
    parameter takes the text as it is; any other takes a Python literal."""
    if expected is str:
        v = _value(text)
        return v if isinstance(v, str) else text
    return _value(text)


def check_parameters(notebook, given: dict, raw: bool = False) -> dict:
    """``given`` checked against the notebook's parameters cell; with ``raw`` the values are
    command-line strings, read as each parameter's type. Returns the typed values."""
    declared = notebook_parameters(notebook)
    name = Path(notebook).stem
    out = {}
    for key, value in given.items():
        if key not in declared:
            near = difflib.get_close_matches(key, declared, n=1)
            hint = f"did you mean {near[0]!r}? " if near else ""
            raise ParameterError(f"{name}: unknown parameter {key!r}; {hint}its parameters are {', '.join(declared)}")
        ann, default = declared[key]
        expected = _expected(ann, default)
        v = parse_value(value, expected) if raw else value
        if not _fits(v, expected):
            raise ParameterError(f"{name}: parameter {key!r} = {v!r} is a {type(v).__name__}; expected a {expected.__name__} "
                                 f"(its default is {default!r})")
        out[key] = float(v) if expected is float else v
    return out


def _from_root(text: str, cwd: Path, root: Path) -> str:
    """``text`` with every path written relative to ``cwd`` (``../data/raw/...``) rewritten
    relative to ``root``, so a message names files as the user sees them."""
    def fix(m):
        p = os.path.normpath(cwd / m.group(0))
        rel = os.path.relpath(p, root)
        return m.group(0) if rel.startswith("..") else rel
    return re.sub(r"(?<![\w/.])(?:\.\./)+[^\s,;:'\"()]+", fix, text)


def _line(text: str) -> None:
    """One progress line in one write (text and newline together), so that notebooks run side
    by side never print into each other's lines, whatever the stream's buffering."""
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def _ipc_kernel_manager(folder: str):
    """A kernel manager whose kernel talks over IPC sockets in ``folder`` (one folder per run:
    kernels run side by side must not share socket names): no TCP ports, and no warning about
    unencrypted TCP in every run's output."""
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import Unicode, default

    class IPCKernelManager(AsyncKernelManager):
        transport = Unicode("ipc")

        @default("ip")
        def _ip_in_folder(self):
            return os.path.join(folder, "kernel")

    return IPCKernelManager


def _described_figures(processed_dir: Path, notebook: str) -> dict[str, Path]:
    out = {}
    for p in sorted((processed_dir / "figures").glob("*.json")):
        try:
            rec = json.loads(p.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(rec, dict) and rec.get("notebook") == notebook:
            out[p.stem] = p
    return out


def remove_stale_figures(processed_dir, figures_dir, notebook: str, since: float) -> list[str]:
    """Remove the figures ``notebook`` described before ``since`` and did not draw again (a
    spec no longer fitted, say): their SVG, PNG and description go together, so the gallery
    cannot show an old figure as current. Returns their names."""
    gone = []
    for stem, desc in _described_figures(Path(processed_dir), notebook).items():
        if desc.stat().st_mtime >= since:
            continue
        for p in (desc, Path(figures_dir) / f"{stem}.svg", Path(figures_dir) / f"{stem}.png"):
            p.unlink(missing_ok=True)
        gone.append(stem)
    return gone


def compile_package() -> None:
    """Write the package's bytecode where it is missing or stale (``__pycache__``, ignored by
    git), so that each kernel loads it instead of compiling every module again: with
    PYTHONDONTWRITEBYTECODE set, as on some machines, Python never writes it itself. Quick when
    nothing changed; safe side by side (each file is written atomically)."""
    import compileall

    compileall.compile_dir(str(Path(__file__).resolve().parent), quiet=1)


def run(notebook, build_dir="build", parameters=None, cwd=None, log_output=False, root=None, raw=False) -> float:
    nb = Path(notebook)
    root = Path(root or Path.cwd()).resolve()
    cwd = Path(cwd or nb.parent).resolve()
    given = check_parameters(nb, parameters or {}, raw=raw)
    build = Path(build_dir)
    build.mkdir(parents=True, exist_ok=True)
    done, running, failed = (build / f"{nb.stem}{s}.ipynb" for s in ("", ".running", ".failed"))
    for p in (done, running, failed):
        p.unlink(missing_ok=True)  # no stamp while it runs: a killed run is run again
    values = {k: d for k, (_, d) in notebook_parameters(nb).items()} | given
    start = time.time()
    t0 = time.perf_counter()
    _line(f"▶ {nb.stem} ...")
    pm = papermill()  # imported here: `summary` does not need it

    compile_package()
    sockets = tempfile.mkdtemp(prefix="llmscale-kernel-")
    try:
        pm.execute_notebook(
            str(nb), str(running), parameters=given, kernel_name="python3", cwd=str(cwd), progress_bar=False,
            log_output=log_output, kernel_manager_class=_ipc_kernel_manager(sockets),
            shutdown_kernel="immediate",  # every cell has run: no interrupt-then-shutdown, no "KeyboardInterrupt" log
        )
    except pm.PapermillExecutionError as exc:
        if running.exists():
            running.replace(failed)
        message = _from_root(f"{exc.evalue}", cwd, root)
        print(f"✗ {nb.stem}: {message}\n"
              f"  ({exc.ename} in cell {exc.exec_count}; traceback in {os.path.relpath(failed.resolve(), root)}. "
              f"Outputs it did not write are unchanged, and make runs {nb.stem} again next time.)",
              file=sys.stderr, flush=True)
        raise SystemExit(1) from None
    except BaseException:
        running.unlink(missing_ok=True)
        raise
    finally:
        shutil.rmtree(sockets, ignore_errors=True)
    if "processed_dir" in values and "figures_dir" in values:
        for stem in remove_stale_figures(cwd / values["processed_dir"], cwd / values["figures_dir"], nb.stem, start):
            _line(f"  removed {stem} (svg, png, description): {nb.stem} no longer draws it")
    running.replace(done)
    elapsed = time.perf_counter() - t0
    _line(f"✓ {nb.stem} {elapsed:.1f} s")
    return elapsed


def _inside(path: Path, root: Path, parts) -> str | None:
    """Which of the committed output folders/files ``path`` lies in, if any."""
    for part in parts:
        target = (root / part).resolve()
        if path == target or target in path.parents:
            return part
    return None


def rerun(notebook, given: dict[str, str], name: str | None = None, root=None, runs="build/runs") -> Path:
    """Run ``notebook`` with the command-line values ``given`` into ``runs/<name>/``, which
    starts as a copy of the committed tables (and data/interim, when built): every parameter
    naming a committed output (``../data/processed``, ``../figures``, ``../FINDINGS.md``) is
    pointed into the run's folder instead. Returns the folder."""
    nb = Path(notebook)
    root = Path(root or Path.cwd()).resolve()
    cwd = nb.parent.resolve()
    typed = check_parameters(nb, given, raw=True)
    slug = "_".join(f"{k}-{re.sub(r'[^A-Za-z0-9.]+', '-', str(v)).strip('-')}" for k, v in typed.items())
    folder = (root / runs / (name or f"{nb.stem}{'_' + slug if slug else ''}")[:120]).resolve()
    for key, value in typed.items():
        if isinstance(value, str) and _inside((cwd / value).resolve(), root, OUTPUT_ROOTS):
            raise ParameterError(f"{nb.stem}: parameter {key!r} = {value!r} points into the committed outputs; "
                                 f"a rerun writes only under {os.path.relpath(folder, root)}")
    if folder.exists():
        shutil.rmtree(folder)
    for part in ("data/processed", "data/interim"):
        if (root / part).is_dir():
            shutil.copytree(root / part, folder / part)
    (folder / "figures").mkdir(parents=True, exist_ok=True)
    redirected = {}
    for key, (_, default) in notebook_parameters(nb).items():
        if key in typed or not isinstance(default, str):
            continue
        part = _inside((cwd / default).resolve(), root, OUTPUT_ROOTS)
        if part:
            redirected[key] = str(folder / os.path.relpath((cwd / default).resolve(), root))
    run(nb, folder / "build", {**redirected, **typed}, cwd=cwd, root=root)
    print(f"  results in {os.path.relpath(folder, root)}/ (the committed outputs are untouched)")
    return folder


def summary(since: float, figures_dir="figures") -> None:
    total = time.time() - since
    figs = sorted(p for p in Path(figures_dir).glob("*") if p.suffix in (".svg", ".png") and p.stat().st_mtime >= since)
    print(f"make figures: {total:.1f} s in all; {len(figs)} figure file(s) written" + (":" if figs else " (all up to date)."))
    for p in figs:
        print(f"  {p}")


def _pairs(p: list[list[str]], assignments: str | None) -> dict[str, str]:
    out = {k: v for k, v in p}
    for item in shlex.split(assignments or ""):
        if "=" not in item:
            raise ParameterError(f"{item!r}: expected name=value")
        k, v = item.split("=", 1)
        out[k.strip()] = v
    return out


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(prog="python -m llmscale.chain")
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run", help="execute one notebook with papermill")
    r.add_argument("notebook")
    r.add_argument("--build", default="build")
    r.add_argument("--log-output", action="store_true")
    r.add_argument("-p", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"))
    q = sub.add_parser("rerun", help="run one notebook with other parameters into build/runs/<name>/")
    q.add_argument("notebook")
    q.add_argument("-p", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"))
    q.add_argument("--set", default=None, metavar='"NAME=VALUE ..."', help="parameters as name=value pairs")
    q.add_argument("--name", default=None, help="the run's folder name (default: notebook and parameters)")
    s = sub.add_parser("summary", help="total time and figures written since a time")
    s.add_argument("--since", type=float, required=True)
    s.add_argument("--figures", default="figures")
    a = ap.parse_args(argv)
    try:
        if a.cmd == "run":
            run(a.notebook, a.build, _pairs(a.p, None), log_output=a.log_output, raw=True)
        elif a.cmd == "rerun":
            nb = a.notebook if a.notebook.endswith(".ipynb") else f"notebooks/{a.notebook}.ipynb"
            rerun(nb, _pairs(a.p, a.set), a.name)
        else:
            summary(a.since, a.figures)
    except ParameterError as exc:
        print(f"✗ {exc}", file=sys.stderr, flush=True)
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
