"""The claims checker on fixture tables: supported, contradicted and uncheckable claims, each
kind of check, tolerances at their edge, and one located error per malformed claim."""


import pandas as pd
import pytest

from conftest import ROOT
from llmscale import claims
from llmscale.errors import DataError
from llmscale.io import write_table

FIX = ROOT / "tests" / "fixtures" / "claims"


@pytest.fixture(scope="module")
def result():
    checks = claims.load_claims(FIX / "claims.yaml")
    return claims.evaluate(checks, claims.load_tables(FIX)).set_index("claim_id")


def test_verdicts(result):
    assert result["verdict"].to_dict() == {
        "small-beats-big": "contradicted",  # 74.2, not 84.1; and below the big model
        "old-model-44": "supported",  # 43.9 within 0.1 of 44: the tolerance is inclusive
        "big-is-moe": "contradicted",
        "timeline": "supported",  # ordered by release date, not by file order
        "absent-model": "not checkable",
        "absent-table": "not checkable",
        "no-country": "not checkable",
        "size-of-big": "contradicted",  # 405 vs 397: 8 > 2 % of 397
    }


def test_reasons_and_evidence_come_from_the_data(result):
    r = result.loc["small-beats-big"]
    assert "74.2 vs the claimed 84.1" in r["reason"] and "74.2 > 84.9 is false" in r["reason"]
    assert "model_id=a/small" in r["evidence"] and "source_row=3" in r["evidence"]
    assert "no table 'predict_metrics'" in result.loc["absent-table", "reason"]
    assert "no column 'country'" in result.loc["no-country", "reason"]
    assert "z/absent" in result.loc["absent-model", "reason"]


def test_output_is_byte_stable(result, tmp_path):
    a = write_table(result.reset_index(), tmp_path / "a.csv").read_bytes()
    again = claims.evaluate(claims.load_claims(FIX / "claims.yaml"), claims.load_tables(FIX))
    assert write_table(again, tmp_path / "b.csv").read_bytes() == a


def test_an_ambiguous_selection_is_an_error_in_the_yaml():
    bad = [{"id": "two-rows", "text": "t", "made_in": "m", "check": {
        "kind": "value", "select": {"table": "scores", "where": {"model_id": "b/big"}, "column": "value"},
        "expected": 84, "tolerance": 1}}]
    with pytest.raises(DataError) as exc:
        claims.evaluate(bad, claims.load_tables(FIX))
    assert exc.value.row == "two-rows" and "2 match" in str(exc.value)


@pytest.mark.parametrize("edit, column, expected", [
    (("kind: value\n    select: {table: scores, where: {model_id: c/old", "kind: guess\n    select: {table: scores, where: {model_id: c/old"), "check.kind", "one of"),
    (('    op: ">"\n    right: {table: predict_metrics', '    op: "=>"\n    right: {table: predict_metrics'), "check.op", "one of"),
    (("    expected: 44\n    tolerance: 0.1\n", "    expected: 44\n"), "check.tolerance", "a tolerance"),
    (('  made_in: "a paper"\n  check:\n    kind: value\n    select: {table: scores, where: {model_id: c/old', '  check:\n    kind: value\n    select: {table: scores, where: {model_id: c/old'), "made_in", "a value"),
    (("column: value}\n    expected: 44", "column: value, agg: median}\n    expected: 44"), "check.select.agg", "one of"),
])
def test_malformed_claims_name_the_claim_and_key(tmp_path, edit, column, expected):
    text = (FIX / "claims.yaml").read_text()
    old, new = edit
    assert old in text
    path = tmp_path / "claims.yaml"
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(DataError) as exc:
        claims.load_claims(path)
    assert exc.value.row == "old-model-44" or exc.value.row == "absent-table"
    assert exc.value.column == column and expected in str(exc.value)


def test_duplicate_ids_and_missing_file(tmp_path):
    text = (FIX / "claims.yaml").read_text()
    path = tmp_path / "claims.yaml"
    path.write_text(text + text.split("- id: old-model-44")[0].replace("- id: small-beats-big", "- id: timeline", 1))
    with pytest.raises(DataError, match="an id used once"):
        claims.load_claims(path)
    with pytest.raises(DataError, match="the claims file"):
        claims.load_claims(tmp_path / "none.yaml")


def test_the_project_claims_file_loads_and_has_the_nine_claims():
    checks = claims.load_claims(ROOT / "data" / "raw" / "curated" / "claims.yaml")
    assert len(checks) >= 9 and all(c["made_in"] for c in checks)
