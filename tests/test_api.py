"""The Python face: typed tables, the command line, and where a number comes from."""

import subprocess
import sys

import pandas as pd
import pytest

import llmscale
from conftest import ROOT
from llmscale import api
from llmscale.errors import DataError

PROCESSED = ROOT / "data" / "processed"


def test_load_types_columns_from_the_dictionary():
    models = llmscale.load("models")
    assert len(models) == len(pd.read_csv(PROCESSED / "models.csv"))
    for col in ("n_sources", "experts_total", "num_layers", "vocab_size", "hidden_size"):
        assert models[col].dtype == "Int64", col  # counts: whole numbers, blanks kept
    assert models["total_params_b"].dtype == "float64"
    assert str(models["release_date"].dtype).startswith("datetime64")
    assert models["tied_embeddings"].dtype == "boolean"
    assert models["model_id"].dtype == "string"
    scores = llmscale.load("scores.csv")
    assert scores["shots"].dtype == "Int64" and scores["cot"].dtype == "boolean"
    assert llmscale.load("size_vs_mmlu_frontier")["on_frontier"].dtype == "boolean"


def test_every_dictionary_table_loads():
    for name in api.tables():
        assert len(llmscale.load(name).columns)


def test_unknown_table_suggests_the_nearest_and_bad_values_are_located(tmp_path):
    with pytest.raises(KeyError, match="did you mean 'models'"):
        llmscale.load("model")
    (tmp_path / "dictionary.csv").write_text((PROCESSED / "dictionary.csv").read_text())
    text = (PROCESSED / "models.csv").read_text().splitlines()
    header = text[0].split(",")
    first = text[1].split(",")
    first[header.index("n_sources")] = "two"
    (tmp_path / "models.csv").write_text("\n".join([text[0], ",".join(first), *text[2:]]) + "\n")
    with pytest.raises(DataError, match=r"row 2, column 'n_sources': bad value 'two'"):
        llmscale.load("models", tmp_path)


def test_explain_follows_a_fact_and_a_score_to_the_raw_row():
    models = pd.read_csv(PROCESSED / "models.csv", dtype=str)
    sourced = models[models["total_params_b_ref"].str.match(r"^[a-z-]+:\d+$", na=False)].iloc[0]
    lines = api.explain(sourced["model_id"], "total_params_b")
    assert lines[0] == f"{sourced['model_id']} total_params_b = {sourced['total_params_b']}"
    assert f"total_params_b_ref: {sourced['total_params_b_ref']}" in lines[1]
    assert any(" at commit " in ln for ln in lines) and any(ln.strip().startswith("row ") for ln in lines)
    scores = pd.read_csv(PROCESSED / "scores.csv", dtype=str)
    s = scores[scores["benchmark"] == "mmlu"].iloc[0]
    lines = api.explain(s["model_id"], "mmlu")
    assert any(f"from {s['source']}:{s['source_row']}" in ln for ln in lines)
    with pytest.raises(KeyError, match="did you mean 'total_params_b'"):
        api.explain(s["model_id"], "total_param_b")


def run(*args):
    return subprocess.run([sys.executable, "-m", "llmscale", *args], capture_output=True, text=True, cwd=ROOT)


def test_the_command_line_predicts_and_explains():
    import json

    fits = json.loads((PROCESSED / "param_fits.json").read_text())
    fit = next(f for f in (fits if isinstance(fits, list) else fits["fits"]) if not f["covariates"])
    r = run("predict", fit["benchmark"], "50", "--setting", fit["setting"])
    assert r.returncode == 0, r.stderr
    assert "B total parameters" in r.stdout and f"setting: {fit['setting']}" in r.stdout
    r = run("explain", "no/such-model", "mmlu")
    assert r.returncode == 2 and "no model 'no/such-model'" in r.stderr
    assert run("tables").stdout.split() == api.tables()


def test_citation_version_matches_the_package():
    from llmscale import gallery

    assert gallery.citation()["version"] == llmscale.__version__
    import tomllib

    assert tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"] == llmscale.__version__
