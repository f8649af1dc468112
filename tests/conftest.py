"""Shared paths and a helper that runs the notebook chain with papermill."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_RAW = ROOT / "tests" / "fixtures" / "raw"
NOTEBOOKS = ROOT / "notebooks"
CELL_TIMEOUT_S = 600  # a kernel that stops answering fails its test instead of hanging the suite
# The environment of a make of its own, not a sub-make of the `make test` (or `make bench`) that
# runs it, whose job server it could not reach and whose -j it would inherit.
MAKE_ENV = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")}


def pytest_sessionstart(session):
    from llmscale.chain import compile_package

    compile_package()  # the kernels the tests start load the package's bytecode, as the chain's do


def execute(notebook, output, parameters, **kwargs):
    """Run a notebook with papermill as the chain does: kernel python3 on IPC sockets in a
    folder of its own (kernels started side by side by parallel test workers never race for
    TCP ports), working folder notebooks/, and a time limit per cell."""
    import tempfile

    from llmscale.chain import _ipc_kernel_manager, papermill

    pm = papermill()

    with tempfile.TemporaryDirectory(prefix="llmscale-kernel-") as sockets:
        return pm.execute_notebook(
            str(notebook), str(output), parameters=parameters, kernel_name="python3", cwd=str(NOTEBOOKS),
            progress_bar=False, execution_timeout=CELL_TIMEOUT_S, kernel_manager_class=_ipc_kernel_manager(sockets),
            **kwargs)
SOURCES = ["cjtrowbridge", "epoch-open-model-trends"]


def run_chain(raw_dir: Path, out: Path, upto: str = "09") -> dict[str, Path]:
    """Run 01..``upto`` with papermill, every output under ``out``; return the folders."""
    from llmscale.chain import papermill

    pm = papermill()

    dirs = {k: out / k for k in ("interim", "processed", "figures", "build")}
    for d in dirs.values():
        d.mkdir(parents=True, exist_ok=True)
    params = {
        "01_ingest": {"raw_dir": str(raw_dir), "interim_dir": str(dirs["interim"]), "sources": SOURCES},
        "02_clean": {"raw_dir": str(raw_dir), "interim_dir": str(dirs["interim"]),
                     "processed_dir": str(dirs["processed"]), "sources": SOURCES},
        "03_size_vs_mmlu": {"processed_dir": str(dirs["processed"]), "figures_dir": str(dirs["figures"])},
        "04_over_time": {"processed_dir": str(dirs["processed"]), "figures_dir": str(dirs["figures"]), "n_boot": 200},
        "05_predict_params": {"processed_dir": str(dirs["processed"]), "figures_dir": str(dirs["figures"]), "min_models": 8,
                              "repeats": 2, "figure_specs": ["mmlu | variant not stated, shots not stated"]},
        "06_dense_vs_moe": {"processed_dir": str(dirs["processed"]), "figures_dir": str(dirs["figures"])},
        "07_non_embedding": {"processed_dir": str(dirs["processed"]), "figures_dir": str(dirs["figures"]), "average": "mmlu",
                             "average_label": "MMLU (%)"},
        "10_post_benchmarks": {"processed_dir": str(dirs["processed"]), "figures_dir": str(dirs["figures"]), "min_models": 8,
                               "n_states": 20, "repeats": 2},
        "08_claims": {"processed_dir": str(dirs["processed"])},
        "09_writeup": {"processed_dir": str(dirs["processed"]), "figures_dir": str(dirs["figures"]),
                       "findings": str(out / "FINDINGS.md")},
    }
    for name, p in params.items():
        execute(NOTEBOOKS / f"{name}.ipynb", dirs["build"] / f"{name}.ipynb", p)
        if name.startswith(upto):
            break
    return dirs


def read_source(reader, raw: Path):
    """Ingest and tidy one source as the chain does, with any valid id (the chain takes ids
    from the alias table; a reader only passes them through). Returns (rows, models, scores)."""
    from llmscale.names import normalise_name

    rows = reader.ingest(raw)
    rows = rows.assign(model_id=rows[reader.NAME].map(normalise_name))
    models, scores = reader.tidy(rows, Path(raw) / reader.KEY)
    return rows, models, scores


@pytest.fixture
def fixture_raw(tmp_path) -> Path:
    """A writable copy of the small fixture snapshot, so a test may break it."""
    dst = tmp_path / "raw"
    shutil.copytree(FIXTURE_RAW, dst)
    return dst


# The files that take longest, first: `make test` hands whole files to its workers in this
# order (--dist loadfile --no-loadscope-reorder), so the two full builds of test_make start at
# once and the short files fill in around them instead of queueing behind them.
SLOW_FIRST = ["test_make.py", "test_chain.py", "test_bytes.py", "test_source_artificial_analysis.py", "test_trends.py",
              "test_api.py", "test_explorer.py", "test_notebooks.py"]


def pytest_collection_modifyitems(config, items):
    rank = {name: i for i, name in enumerate(SLOW_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(SLOW_FIRST)))  # stable: each file's tests keep their order
