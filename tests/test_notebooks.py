"""The committed notebooks: no outputs, one documented parameters cell, the python3 kernel."""

import json
import subprocess
import sys

import pytest

from conftest import NOTEBOOKS

NBS = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
ALL = [*NBS, NOTEBOOKS / "explorer.ipynb"]  # the explorer is not part of the chain, but kept as clean


def test_there_are_numbered_notebooks():
    assert [p.stem[:2] for p in NBS] == [f"{i:02d}" for i in range(1, len(NBS) + 1)]


@pytest.fixture(scope="module")
def would_strip() -> set[str]:
    """The notebooks ``nbstripout --verify`` would strip, from one run over all of them."""
    r = subprocess.run([sys.executable, "-m", "nbstripout", "--verify", *map(str, ALL)], capture_output=True, text=True)
    named = {line.split("would have stripped ", 1)[1].strip() for line in r.stdout.splitlines() if "would have stripped " in line}
    assert (r.returncode == 0) == (not named), r.stdout + r.stderr  # a failure it did not name would pass unseen
    return named


@pytest.mark.parametrize("nb", ALL, ids=lambda p: p.stem)
def test_committed_without_outputs(nb, would_strip):
    assert str(nb) not in would_strip, f"{nb.name} carries outputs; run nbstripout on it"
    cells = json.loads(nb.read_text())["cells"]
    assert not any(c.get("outputs") or c.get("execution_count") for c in cells if c["cell_type"] == "code")


@pytest.mark.parametrize("nb", ALL, ids=lambda p: p.stem)
def test_one_parameters_cell_of_commented_literals(nb):
    data = json.loads(nb.read_text())
    assert data["metadata"]["kernelspec"]["name"] == "llmscale"  # the kernel make venv registers
    tagged = [c for c in data["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1
    import ast

    src = "".join(tagged[0]["source"])
    tree = ast.parse(src)
    for node in tree.body:
        assert isinstance(node, ast.AnnAssign), f"{nb.name}: parameters are typed assignments (name: type = literal)"
        ast.literal_eval(node.value)
    for line in src.splitlines():
        if "=" in line:
            assert "#" in line, f"{nb.name}: parameter without a comment: {line}"


@pytest.mark.parametrize("nb", NBS, ids=lambda p: p.stem)
def test_papermill_reads_every_parameter_with_its_help(nb):
    from llmscale.chain import papermill

    pm = papermill()
    data = json.loads(nb.read_text())
    src = "".join(next(c for c in data["cells"] if "parameters" in c.get("metadata", {}).get("tags", []))["source"])
    names = [ln.split(":")[0].strip() for ln in src.splitlines() if ln and not ln.startswith("#")]
    found = pm.inspect_notebook(str(nb))
    assert sorted(found) == sorted(names)
    assert all(found[n]["help"] for n in names)
