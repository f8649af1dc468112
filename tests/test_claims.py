"""The claims checker on the fixture tables in tests/fixtures/claims: a verdict per claim of
every kind, reasons and evidence computed from the rows, tolerances at their edge, pick rules,
missing data as "not checkable", and one located DataError per malformed claims file."""

import textwrap

import pandas as pd
import pytest

from conftest import ROOT
from llmscale import claims
from llmscale.errors import DataError
from llmscale.io import write_table

FIX = ROOT / "tests" / "fixtures" / "claims"


@pytest.fixture(scope="module")
def tables():
    return claims.load_tables(FIX)


@pytest.fixture(scope="module")
def result(tables):
    return claims.evaluate(claims.load_claims(FIX / "claims.yaml"), tables)


def run(tables, check):
    """The (verdict, reason, evidence) of one check given as a dict."""
    out = claims.evaluate([{"id": "c1", "text": "t", "made_in": "m", "check": check}], tables)
    return tuple(out.loc[0, ["verdict", "reason", "evidence"]])


def sel(model, **kw):
    return {"table": "scores", "where": {"model_id": model, "benchmark": kw.pop("benchmark", "mmlu")}, "column": "value", **kw}


def test_every_fixture_claim_gets_its_verdict(result):
    assert result["verdict"].tolist() == [
        "contradicted",  # small-beats-big
        "supported",  # big-beats-small
        "supported",  # old-model-44 (at the edge of its tolerance)
        "supported",  # old-model-above-chance
        "supported",  # big-is-dense
        "contradicted",  # big-is-moe-397b
        "supported",  # timeline
        "supported",  # first-under-10b
        "supported",  # frontier-88
        "supported",  # tiny-doubles-huge
        "supported",  # open-leads-small-and-large
        "contradicted",  # open-leads-every-class
        "not checkable",  # absent-model
        "not checkable",  # absent-table
        "not checkable",  # no-country
    ]
    assert result.columns.tolist() == ["claim_id", "text", "made_in", "verdict", "reason", "evidence", "note"]
    assert result["claim_id"].iloc[0] == "small-beats-big" and result["made_in"].iloc[0] == "https://example.org/post"


def test_reasons_and_evidence_come_from_the_rows(result):
    r = result.set_index("claim_id")
    assert r.loc["small-beats-big", "reason"] == (
        "contradicted: a/small-7b mmlu 74.2 (src-a:63) is 9.9 from the claimed 84.1, beyond the tolerance 1 "
        "(1 of 2 rows, picked by source preference [src-a, src-b]); "
        "contradicted: a/small-7b mmlu 74.2 (src-a:63) < b/big-405b mmlu 84.4 (src-b:data/x.csv:12), "
        "so the claimed > does not hold (1 of 2 rows, picked first)")
    # evidence: table:model_id/benchmark/value/source:source_row, each row once
    assert r.loc["small-beats-big", "evidence"] == "scores:a/small-7b/mmlu/74.2/src-a:63; scores:b/big-405b/mmlu/84.4/src-b:data/x.csv:12"
    assert "405 (src-b:data/x.csv:12) is 8 from the claimed 397, beyond the tolerance 2 % = 7.94" in r.loc["big-is-moe-397b", "reason"]
    assert "architecture dense (src-b:data/x.csv:12), not the claimed moe" in r.loc["big-is-moe-397b", "reason"]
    assert "active_params_b 405 = b/big-405b total_params_b 405" in r.loc["big-is-moe-397b", "reason"]
    assert r.loc["timeline", "evidence"].split("; ")[0] == "over_time_steps:x/65b/mmlu/63.4/release_date=2023-02-24/s"
    assert "the mean 87.7333 of the top 3 mmlu of 4 rows" in r.loc["frontier-88", "reason"]
    assert "= 2 is within 25 % = 0.5 of the claimed 2" in r.loc["tiny-doubles-huge", "reason"]
    assert "not in 10-100B: g/mid-30b (score 80; weights closed)" in r.loc["open-leads-every-class", "reason"]


def test_missing_data_is_not_checkable_and_says_what_is_missing(result):
    r = result.set_index("claim_id")
    assert r.loc["absent-model", "reason"] == "'scores' has no row with model_id = z/absent"
    assert r.loc["absent-table", "reason"] == "there is no table 'predict_metrics' in this build"
    assert r.loc["no-country", "reason"] == "table 'models' has no column 'country'"
    assert r.loc[["absent-model", "absent-table", "no-country"], "evidence"].eq("").all()


@pytest.mark.parametrize("check, reason", [
    ({"kind": "value", "select": sel("a/small-7b", benchmark="gsm8k"), "expected": 1, "tolerance": 1},
     "'scores' has no row with benchmark = gsm8k among the 2 rows with model_id = a/small-7b"),
    ({"kind": "value", "select": {"table": "models", "where": {"country": "CN"}, "column": "total_params_b"},
      "expected": 1, "tolerance": 1}, "table 'models' has no column 'country'"),
    ({"kind": "value", "select": {"table": "models", "where": {"model_id": "c/old-175b"}, "column": "total_params_b"},
      "expected": 175, "tolerance": 1}, "'models' has no total_params_b in the 1 row with model_id = c/old-175b"),
    ({"kind": "equals", "select": {"table": "over_time_steps", "column": "model_id", "agg": "list", "order_by": "date"},
      "expected": ["x"]}, "table 'over_time_steps' has no column 'date'"),
    ({"kind": "equals", "select": {"table": "scores", "column": "model_id", "agg": "first_by:release_date"},
      "expected": "x"}, "table 'scores' has no column 'release_date'"),
    ({"kind": "value", "select": {"table": "scores", "join": {"table": "prices", "columns": ["usd"]}, "column": "value",
                                  "agg": "max"}, "expected": 1, "tolerance": 1}, "there is no table 'prices' (to join) in this build"),
    ({"kind": "value", "select": {"table": "scores", "where": {"model_id": {">": 5}}, "column": "value", "agg": "max"},
      "expected": 1, "tolerance": 1}, "'scores' column model_id holds text, so it cannot be compared with > 5"),
    ({"kind": "value", "select": {"table": "models", "where": {"model_id": "b/big-405b"}, "column": "architecture"},
      "expected": 1, "tolerance": 1}, "b/big-405b architecture dense (src-b:data/x.csv:12) is not a number"),
    ({"kind": "value", "select": {"table": "scores", "where": {"source": "src-d"}, "column": "value", "agg": "top_mean:3"},
      "expected": 1, "tolerance": 1}, "only 2 rows of 'scores' with source = src-d; top_mean:3 needs 3"),
    ({"kind": "group_top", "table": "size_vs_mmlu_frontier", "group_by": "class", "by": "score", "where": {"dataset": "x"}},
     "table 'size_vs_mmlu_frontier' has no column 'class'"),
    ({"kind": "group_top", "table": "size_vs_mmlu_frontier", "filter": {"dataset": "as published"}, "group_by": "size_class",
      "by": "score", "where": {"dataset": "as published"}, "groups": ["under 10B", "over 1T"]},
     "in 1 of 2 size_class groups of 'size_vs_mmlu_frontier' the top row by score has dataset = as published; "
     "not in over 1T: no row of 'size_vs_mmlu_frontier'"),
])
def test_a_check_the_data_cannot_answer_is_not_checkable(tables, check, reason):
    verdict, got, _ = run(tables, check)
    assert verdict == "not checkable"
    assert got == reason


def test_a_blank_cell_is_unknown_in_group_top_and_meets_only_null(tables):
    # h/small-3b leads under 10B in the 'other' dataset and has no row in models, so no weights
    check = {"kind": "group_top", "table": "size_vs_mmlu_frontier", "join": {"table": "models", "columns": ["weights"]},
             "filter": {"dataset": "other"}, "group_by": "size_class", "by": "score", "where": {"weights": "open"}}
    verdict, reason, _ = run(tables, check)
    assert verdict == "not checkable" and "h/small-3b (score 99; weights blank)" in reason
    check["where"] = {"weights": None}
    assert run(tables, check)[0] == "supported"


@pytest.mark.parametrize("tol, verdict", [
    ({"tolerance": 0.1}, "supported"),  # |43.9 - 44| = 0.1: the tolerance is inclusive, float noise aside
    ({"tolerance": 0.0999}, "contradicted"),
    ({"rel_tolerance": 0.00228}, "supported"),  # 0.1 / 44 = 0.0022727...
    ({"rel_tolerance": 0.00227}, "contradicted"),
])
def test_value_tolerances_at_their_edge(tables, tol, verdict):
    check = {"kind": "value", "select": sel("c/old-175b", pick="first"), "expected": 44, **tol}
    assert run(tables, check)[0] == verdict


@pytest.mark.parametrize("rel, verdict", [(0.0125, "supported"), (0.0124, "contradicted")])
def test_relative_tolerance_edge_on_a_fact(tables, rel, verdict):
    # 405 vs 400: 0.0125 * 400 = 5 exactly
    check = {"kind": "value", "select": {"table": "models", "where": {"model_id": "b/big-405b"}, "column": "total_params_b"},
             "expected": 400, "rel_tolerance": rel}
    assert run(tables, check)[0] == verdict


@pytest.mark.parametrize("op, verdict", [(">=", "supported"), ("<=", "supported"), ("==", "supported"),
                                         (">", "contradicted"), ("<", "contradicted"), ("!=", "contradicted")])
def test_compare_of_equal_values(tables, op, verdict):
    check = {"kind": "compare", "left": sel("a/small-7b", pick="first"), "op": op, "right": sel("a/small-7b", pick="last")}
    verdict_got, reason, _ = run(tables, check)
    assert verdict_got == verdict and " = a/small-7b mmlu 74.2 (src-b:data/x.csv:9)" in reason


def test_equal_values_compare_equal_despite_float_noise(tables):
    # the mean of 74.2 and 84.4 is 79.30000000000001 in floating point
    mean = {"table": "scores", "where": {"model_id": ["a/small-7b", "b/big-405b"], "source": "src-b"},
            "column": "value", "agg": "mean"}
    verdict, reason, _ = run(tables, {"kind": "compare", "left": mean, "op": "==", "right": 79.3})
    assert verdict == "supported" and reason.startswith("the mean mmlu 79.3 of 2 rows = 79.3")
    assert run(tables, {"kind": "compare", "left": mean, "op": ">", "right": 79.3})[0] == "contradicted"


def test_rows_without_a_value_are_left_out_and_counted(tables):
    check = {"kind": "value", "select": {"table": "models", "column": "total_params_b", "agg": "max"},
             "expected": 405, "tolerance": 0}
    verdict, reason, evidence = run(tables, check)
    assert verdict == "supported" and reason.endswith("(1 row with no total_params_b left out)")
    assert evidence == "models:b/big-405b/total_params_b/405/src-b:data/x.csv:12"


@pytest.mark.parametrize("pick, evidence", [
    ("first", "scores:b/big-405b/mmlu/84.4/src-b:data/x.csv:12"),
    ("last", "scores:b/big-405b/mmlu/87.3/src-c:72"),
    ("max", "scores:b/big-405b/mmlu/87.3/src-c:72"),
    ("min", "scores:b/big-405b/mmlu/84.4/src-b:data/x.csv:12"),
    ({"source": ["src-c", "src-b"]}, "scores:b/big-405b/mmlu/87.3/src-c:72"),
    ({"source": ["src-x", "src-b"]}, "scores:b/big-405b/mmlu/84.4/src-b:data/x.csv:12"),
    ({"source": ["src-x"]}, "scores:b/big-405b/mmlu/84.4/src-b:data/x.csv:12"),  # none preferred: table order
])
def test_pick_rules(tables, pick, evidence):
    check = {"kind": "value", "select": sel("b/big-405b", pick=pick), "expected": 0, "tolerance": 100}
    assert run(tables, check)[2] == evidence


def test_order_matters_in_a_list_and_case_does_not_in_text(tables):
    check = {"kind": "equals", "select": {"table": "over_time_steps", "where": {"threshold": 60}, "column": "model_id",
                                          "agg": "list", "order_by": "release_date"},
             "expected": ["x/65b", "x/34b", "x/7b", "X/6B"]}
    assert run(tables, check)[0] == "supported"
    check["expected"] = ["x/65b", "x/7b", "x/34b", "x/6b"]
    verdict, reason, _ = run(tables, check)
    assert verdict == "contradicted" and reason.endswith("which differs at position 2 (x/34b vs x/7b)")
    check["expected"] = ["x/65b", "x/34b", "x/7b"]
    verdict, reason, _ = run(tables, check)
    assert verdict == "contradicted" and reason.endswith("differs at position 4 (x/6b vs nothing)")


def test_conditions_on_numbers_dates_and_lists(tables):
    def count(where):
        check = {"kind": "value", "select": {"table": "over_time_steps", "where": where, "column": "value", "agg": "count"},
                 "expected": 0, "tolerance": 100}
        return int(run(tables, check)[1].split(" ", 1)[0])

    assert count({"threshold": "60"}) == 4  # numeric text equals the number
    assert count({"threshold": 60.0, "params_b": {">=": 7, "<": 65}}) == 2
    assert count({"release_date": {"<": "2023-07-18"}}) == 1
    assert count({"release_date": {"<=": "2023-07-18"}}) == 3
    assert count({"model_id": ["x/7b", "x/6b", "x/none"]}) == 2
    assert count({"model_id": {"!=": "x/7b"}}) == 4
    assert count({"previous_b": {"!=": 7}}) == 2  # a blank cell meets no condition but null
    assert count({"previous_b": None}) == 2


@pytest.mark.parametrize("subs, verdict", [
    (["contradicted", "not checkable", "supported"], "contradicted"),
    (["not checkable", "contradicted"], "contradicted"),
    (["supported", "not checkable"], "not checkable"),
    (["supported", "supported"], "supported"),
])
def test_all_is_contradicted_by_any_then_uncheckable_by_any(tables, subs, verdict):
    expected = {"supported": 74.2, "contradicted": 50}
    checks = [{"kind": "value", "select": sel("a/small-7b" if v != "not checkable" else "z/absent", pick="first"),
               "expected": expected.get(v, 1), "tolerance": 0.5} for v in subs]
    got, reason, _ = run(tables, {"kind": "all", "checks": checks})
    assert got == verdict
    assert [part.split(": ", 1)[0] for part in reason.split("; ")] == subs


@pytest.mark.parametrize("agg, where, evidence", [
    ("first_by:release_date", {"threshold": 60}, "over_time_steps:x/65b/mmlu/63.4/release_date=2023-02-24/s"),
    ("last_by:release_date", {"threshold": 60}, "over_time_steps:x/6b/mmlu/63.85/release_date=2023-11-02/s"),
    ("last_by:release_date", {"model_id": ["x/34b", "x/70b"]},  # a tie goes to the earlier row
     "over_time_steps:x/34b/mmlu/62.6/release_date=2023-07-18/s"),
    ("first_by:previous_b", {}, "over_time_steps:x/6b/mmlu/63.85/previous_b=7/s"),  # blanks left out
])
def test_first_by_and_last_by(tables, agg, where, evidence):
    check = {"kind": "equals", "select": {"table": "over_time_steps", "where": where, "column": "model_id", "agg": agg},
             "expected": "x"}
    assert run(tables, check)[2] == evidence


def test_an_ambiguous_selection_is_an_error_in_the_claims_file(tmp_path, tables):
    path = tmp_path / "claims.yaml"
    path.write_text(textwrap.dedent("""\
        - id: two-rows
          text: "t"
          made_in: "m"
          check:
            kind: all
            checks:
              - kind: value
                select: {table: scores, where: {model_id: b/big-405b, benchmark: mmlu}, column: value}
                expected: 84
                tolerance: 1
        """))
    with pytest.raises(DataError) as exc:
        claims.evaluate(claims.load_claims(path), tables)
    e = exc.value
    assert (e.file, e.row, e.column) == (path, "two-rows", "check.checks[0].select")
    assert e.value == {"model_id": "b/big-405b", "benchmark": "mmlu"}
    assert "2 match (b/big-405b mmlu 84.4 (src-b:data/x.csv:12); b/big-405b mmlu 87.3 (src-c:72))" in str(e)
    assert "add a condition or a pick rule" in str(e)


GOOD = """\
- id: c0
  text: "fine"
  made_in: "m"
  check: {kind: value, select: {table: scores, column: value, agg: max}, expected: 1, tolerance: 1}
- id: c1
  text: "t"
  made_in: "m"
"""


@pytest.mark.parametrize("tail, column, expected", [
    ("  source: x\n  check: {kind: all, checks: []}\n", "source", "a claim key"),
    ("  check:\n    kind: guess\n", "check.kind", "one of value, compare, equals, all, group_top"),
    ("  check: {kind: value, select: {table: scores, column: value}, expected: 1, tolerance: 1, op: <}\n",
     "check.op", "a key of a value check"),
    ("  check: {kind: compare, left: {table: t, column: c}, op: '=>', right: 3}\n", "check.op", "one of < <= > >= == !="),
    ("  check: {kind: compare, left: {table: t, column: c, where: {c: {'~': 3}}}, op: '<', right: 3}\n",
     "check.left.where.c", "an operator"),
    ("  check: {kind: compare, left: {table: t, column: c, filter: {c: 3}}, op: '<', right: 3}\n",
     "check.left.filter", "a selection key"),
    ("  check: {kind: compare, left: {table: t}, op: '<', right: 3}\n", "check.left.column", "a table or column name"),
    ("  check: {kind: value, select: {table: t, column: c, agg: median}, expected: 1, tolerance: 1}\n",
     "check.select.agg", "first_by:<column>"),
    ("  check: {kind: value, select: {table: t, column: c, agg: 'top_mean:0'}, expected: 1, tolerance: 1}\n",
     "check.select.agg", "k >= 1"),
    ("  check: {kind: value, select: {table: t, column: c, agg: list}, expected: 1, tolerance: 1}\n",
     "check.select.agg", "list only in an equals check"),
    ("  check: {kind: value, select: {table: t, column: c, agg: max, pick: first}, expected: 1, tolerance: 1}\n",
     "check.select.pick", "only with agg: one"),
    ("  check: {kind: value, select: {table: t, column: c, pick: best}, expected: 1, tolerance: 1}\n",
     "check.select.pick", "first, last, max, min"),
    ("  check: {kind: value, select: {table: t, column: c}, expected: 1}\n", "check.tolerance", "exactly one of"),
    ("  check: {kind: value, select: {table: t, column: c}, expected: 1, tolerance: 1, rel_tolerance: 0.1}\n",
     "check.tolerance", "exactly one of"),
    ("  check: {kind: value, select: {table: t, column: c}, expected: 1, tolerance: -1}\n", "check.tolerance", ">= 0"),
    ("  check: {kind: value, select: {table: t, column: c}, expected: about 44, tolerance: 1}\n",
     "check.expected", "the number the claim states"),
    ("  check: {kind: equals, select: {table: t, column: c}, expected: [a, b]}\n", "check.expected", "use agg: list"),
    ("  check: {kind: equals, select: {table: t, column: c, agg: list}, expected: a}\n", "check.expected", "a list of values"),
    ("  check: {kind: all, checks: [{kind: compare, left: {table: t, column: c}, op: '<', right: 1},"
     " {kind: compare, left: {table: t, column: c}, op: '<>', right: 1}]}\n", "check.checks[1].op", "one of"),
    ("  check: {kind: group_top, table: t, group_by: g, by: b}\n", "check.where", "a mapping of column"),
    ("  check: {kind: group_top, table: t, group_by: g, by: b, where: {x: 1}, join: {table: m}}\n",
     "check.join.columns", "a list of column names"),
    ("  note: 3\n  check: {kind: all, checks: [{kind: all, checks: []}]}\n", "note", "text"),
])
def test_a_malformed_claim_names_the_file_claim_and_key(tmp_path, tail, column, expected):
    path = tmp_path / "claims.yaml"
    path.write_text(GOOD + tail)
    with pytest.raises(DataError) as exc:
        claims.load_claims(path)
    e = exc.value
    assert (e.file, e.row, e.column) == (path, "c1", column)
    assert expected in str(e)


@pytest.mark.parametrize("text, row, column, expected", [
    ("- id: c1\n  made_in: m\n  check: {kind: all, checks: []}\n", "c1", "text", "non-empty text"),
    ("- id: c1\n  text: '  '\n  made_in: m\n", "c1", "text", "non-empty text"),
    ("- id: c1\n  text: t\n  check: {kind: all, checks: []}\n", "c1", "made_in", "non-empty text"),
    ("- id: c1\n  text: t\n  made_in: m\n", "c1", "check", "a check"),
    (GOOD.split("- id: c1")[0] + "- text: t\n", "item 2", "id", "an id"),
    (GOOD.split("- id: c1")[0] * 2, "c0", "id", "an id used once"),
    ("id: c1\ntext: t\n", None, None, "a YAML list of claims"),
    ("- id: [c1\n", None, None, "valid YAML"),
])
def test_malformed_files(tmp_path, text, row, column, expected):
    path = tmp_path / "claims.yaml"
    path.write_text(text)
    with pytest.raises(DataError) as exc:
        claims.load_claims(path)
    assert (exc.value.file, exc.value.row, exc.value.column) == (path, row, column)
    assert expected in str(exc.value)
    with pytest.raises(DataError, match="a claims YAML file"):
        claims.load_claims(tmp_path / "absent.yaml")


def test_load_tables_reads_what_exists(tmp_path, tables):
    assert sorted(tables) == ["models", "over_time_steps", "scores", "size_vs_mmlu_frontier"]  # not claims.csv
    assert tables["scores"]["source_row"].tolist()[:2] == ["63", "data/x.csv:9"]  # text, even where it looks like a number
    assert sorted(claims.load_tables(FIX, names=["scores", "predict_metrics"])) == ["scores"]
    assert claims.load_tables(tmp_path) == {}
    assert claims.tables_used(claims.load_claims(FIX / "claims.yaml")) == [
        "models", "over_time_steps", "predict_metrics", "scores", "size_vs_mmlu_frontier"]


def test_the_written_result_is_byte_stable_and_the_tables_untouched(tmp_path, tables):
    before = {k: v.copy() for k, v in tables.items()}
    checks = claims.load_claims(FIX / "claims.yaml")
    a = write_table(claims.evaluate(checks, tables), tmp_path / "a.csv").read_bytes()
    b = write_table(claims.evaluate(checks, claims.load_tables(FIX)), tmp_path / "b.csv").read_bytes()
    assert a == b == (FIX / "claims.csv").read_bytes()  # the expected output, reviewed by hand
    for k, v in before.items():
        pd.testing.assert_frame_equal(tables[k], v)


def test_the_project_claims_file_checks_against_the_processed_tables():
    checks = claims.load_claims(ROOT / "data" / "raw" / "curated" / "claims.yaml")
    assert len(checks) >= 9
    out = claims.evaluate(checks, claims.load_tables(ROOT / "data" / "processed", names=claims.tables_used(checks)))
    assert set(out["verdict"]) <= set(claims.VERDICTS) and out["reason"].str.len().gt(0).all()
