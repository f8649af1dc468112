"""`make lab` serves the repository in JupyterLab as a reader opens it: the notebooks, the
project's kernel as the default, and no prompt to fetch news from a network the project does
not use."""

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request

import pytest

from conftest import MAKE_ENV as ENV, ROOT

TOKEN = "llmscale-test"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    if not (ROOT / ".venv" / "bin" / "jupyter").exists():
        pytest.skip("needs the project's venv (make venv)")
    port = _free_port()
    runtime = tmp_path_factory.mktemp("jupyter-runtime")
    args = f"--no-browser --ip=127.0.0.1 --port={port} --IdentityProvider.token={TOKEN} --ServerApp.password=''"
    log = open(runtime / "lab.log", "w")
    proc = subprocess.Popen(["make", "lab", f"LAB_ARGS={args}"], cwd=ROOT, env={**ENV, "JUPYTER_RUNTIME_DIR": str(runtime)},
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 120
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=2)
                break
            except OSError:
                if proc.poll() is not None or time.time() > deadline:
                    log.flush()
                    pytest.fail(f"make lab did not start:\n{(runtime / 'lab.log').read_text()}")
                time.sleep(0.5)
        yield base
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
        log.close()


def get(base, path):
    with urllib.request.urlopen(f"{base}{path}?token={TOKEN}", timeout=10) as r:
        return json.loads(r.read())


def test_lab_serves_the_notebooks_with_the_projects_kernel_as_default(lab):
    assert get(lab, "/api/kernelspecs")["default"] == "llmscale"
    names = {c["name"] for c in get(lab, "/api/contents/notebooks")["content"]}
    assert {p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")} <= names


def test_lab_asks_no_consent_for_news_and_checks_no_update(lab):
    schema = get(lab, "/lab/api/settings/@jupyterlab/apputils-extension:notification")["schema"]["properties"]
    assert schema["fetchNews"]["default"] == "false" and schema["checkForUpdates"]["default"] is False  # overrides.json
