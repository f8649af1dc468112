import math

import pandas as pd
import pytest

from llmscale.units import ParamCount, params_b, parse_params, parse_score


@pytest.mark.parametrize(
    "text, unit, expected",
    [
        ("7B", None, ParamCount(7.0)),
        ("1.7T", None, ParamCount(1700.0)),
        ("0.5b", None, ParamCount(0.5)),
        ("135M", None, ParamCount(0.135)),
        ("8x7B", None, ParamCount(56.0, "experts", 8)),
        ("8×22B", None, ParamCount(176.0, "experts", 8)),
        ("A22B", None, ParamCount(22.0, "active")),
        ("176,000,000,000", "count", ParamCount(176.0)),
        ("1.1", "billions", ParamCount(1.1)),
        (" 72 ", "billions", ParamCount(72.0)),
    ],
)
def test_parse_params(text, unit, expected):
    got = parse_params(text, unit)
    assert got.kind == expected.kind and got.experts == expected.experts
    assert got.value_b == pytest.approx(expected.value_b)


@pytest.mark.parametrize("text, unit", [("7Q", None), ("seven B", None), ("72", None), ("", "billions"), ("8x", None)])
def test_parse_params_rejects(text, unit):
    with pytest.raises(ValueError, match="parameter count"):
        parse_params(text, unit)


def test_params_b_blank_and_non_total():
    assert math.isnan(params_b("", "billions"))
    assert math.isnan(params_b(None, "count"))
    with pytest.raises(ValueError, match="active size"):
        params_b("A3B", "billions")


@pytest.mark.parametrize(
    "text, scale, expected",
    [
        ("49.30%", "percent", 49.3),
        ("49.30%", "fraction", 49.3),  # an explicit % wins over the declared scale
        ("0.634", "fraction", 63.4),
        ("63.4", "percent", 63.4),
        ("58.2 (reported score)", "percent", 58.2),
        ("77.0%", "fraction", 77.0),
        ("0", "fraction", 0.0),
        ("1", "fraction", 100.0),
    ],
)
def test_parse_score(text, scale, expected):
    assert parse_score(text, scale) == pytest.approx(expected)


def test_parse_score_blank_is_nan():
    assert math.isnan(parse_score("", "percent"))
    assert math.isnan(parse_score(float("nan"), "percent"))


@pytest.mark.parametrize("text, scale", [("130%", "percent"), ("1.5", "fraction"), ("n/a", "percent"), ("-3", "percent")])
def test_parse_score_rejects(text, scale):
    with pytest.raises(ValueError):
        parse_score(text, scale)


def test_parse_score_needs_a_known_scale():
    with pytest.raises(ValueError, match="scale"):
        parse_score("50", "auto")


def test_write_table_sorts_naturally_stably_with_blanks_last(tmp_path):
    from llmscale.io import write_table

    df = pd.DataFrame({
        "source": ["b", "a", "a", "a", "a", None],
        "source_row": ["10", "2", "10", None, "2", "1"],
        "value": [1.0, 2.5, float("nan"), 4.0, 5.0, 6.0],
        "tag": ["first", "x", "y", "z", "second", "w"],
    })
    text = write_table(df, tmp_path / "t.csv", ["source", "source_row"]).read_text()
    assert text.splitlines() == [
        "source,source_row,value,tag",
        "a,2,2.5,x",  # "2" before "10"; the two a/2 rows keep their order
        "a,2,5,second",
        "a,10,,y",
        "a,,4,z",
        "b,10,1,first",
        ",1,6,w",
    ]
    by_value = write_table(df, tmp_path / "v.csv", ["value"]).read_text().splitlines()
    assert [line.split(",")[3] for line in by_value[1:]] == ["first", "x", "z", "second", "w", "y"]


def test_benchmark_label():
    from llmscale.settings import benchmark_label

    assert [benchmark_label(b) for b in ("mmlu_pro", "gpqa_diamond", "mmlu", "tau_bench_airline")] == [
        "MMLU-Pro", "GPQA Diamond", "MMLU", "TAU-BENCH-AIRLINE"]


def test_write_table_floats_match_pandas_float_format(tmp_path):
    """Floats are formatted once per distinct value, with the same text pandas' own
    ``float_format`` gives: NaN blank, negative zero, exponents, nullable floats."""
    from llmscale.io import FLOAT_FORMAT, write_table

    values = [0.1 + 0.2, 1e-7, 123456789.0, -0.0, 0.0, float("nan"), 1 / 3, 1e21, 57.41, 57.41, -2.5]
    df = pd.DataFrame({
        "name": [f"m{i}" for i in range(len(values))], "x": values,
        "y": pd.array([v if i % 3 else None for i, v in enumerate(values)], dtype="Float64"),
        "n": pd.array([i if i % 4 else None for i in range(len(values))], dtype="Int64"),
        "b": [i % 2 == 0 for i in range(len(values))],
    })
    ours = write_table(df, tmp_path / "t.csv").read_bytes()
    theirs = df.to_csv(index=False, float_format=FLOAT_FORMAT, lineterminator="\n").encode()
    assert ours == theirs
    assert b"-0," in ours and b"1e-07" in ours and b"1.23457e+08" in ours


def test_write_table_keeps_the_old_file_when_writing_fails(tmp_path):
    from llmscale.io import write_table

    path = write_table(pd.DataFrame({"a": [1.5]}), tmp_path / "t.csv")
    before = path.read_bytes()

    class Unprintable:
        def __str__(self):
            raise RuntimeError("cannot be written")

    with pytest.raises(RuntimeError, match="cannot be written"):
        write_table(pd.DataFrame({"a": [Unprintable()] * 3}), path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["t.csv"]  # no temporary file left behind


def test_records_are_to_dict_records():
    from llmscale.sources._common import records

    df = pd.DataFrame({"a": ["x", "", "z"], "b": pd.array([1, 2, 3], dtype="int64"), "c": [1.5, float("nan"), 2.0]})
    ours, theirs = records(df), df.to_dict("records")
    assert [list(r) for r in ours] == [list(r) for r in theirs]
    for r, t in zip(ours, theirs):
        assert r.keys() == t.keys()
        assert all(type(r[k]) is type(t[k]) for k in r)
        assert all(r[k] == t[k] or (r[k] != r[k] and t[k] != t[k]) for k in r)
