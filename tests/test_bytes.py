"""Bytes that do not depend on the machine: values that differ only in their last bits (as
another CPU or BLAS gives them) are written as the same CSV, JSON, SVG and PNG bytes."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from conftest import ROOT
from llmscale import fit, io, plotting

PROCESSED = ROOT / "data" / "processed"


def nudge(x, steps=1):
    """``x`` moved by ``steps`` units in the last place (away from zero and back)."""
    x = np.asarray(x, dtype=float)
    out = x.copy()
    for _ in range(abs(steps)):
        out = np.nextafter(out, np.inf if steps > 0 else -np.inf)
    return out


def nudged_floats(obj, steps):
    if isinstance(obj, dict):
        return {k: nudged_floats(v, steps) for k, v in obj.items()}
    if isinstance(obj, list):
        return [nudged_floats(v, steps) for v in obj]
    if isinstance(obj, float):
        return float(nudge(obj, steps))
    return obj


def test_a_table_of_nudged_floats_is_the_same_csv(tmp_path):
    df = pd.read_csv(PROCESSED / "predict_metrics.csv")
    floats = [c for c, t in df.dtypes.items() if t.kind == "f"]
    assert floats
    a = io.write_table(df, tmp_path / "a.csv").read_bytes()
    for steps in (1, -1, 3):
        b = io.write_table(df.assign(**{c: nudge(df[c], steps) for c in floats}), tmp_path / "b.csv").read_bytes()
        assert b == a


def test_fits_nudged_in_their_last_bits_save_the_same_json(tmp_path, monkeypatch):
    rng = np.random.default_rng(0)
    score = rng.uniform(30, 90, 80)
    d = pd.DataFrame({"model_id": [f"m{i}" for i in range(80)], "family": [f"f{i % 9}" for i in range(80)],
                      "release_date": "2024-01-01", "score": score,
                      "total_params_b": 10 ** (-1.3 + 0.04 * score + rng.normal(0, 0.3, 80))})
    fitted = fit.fit_spec(d, fit.Spec("mmlu", "base, 5-shot"))
    first = fit.save_fits([fitted], tmp_path / "fits.json").read_bytes()
    plain = fit.to_json
    for steps in (1, -1, 2):
        monkeypatch.setattr(fit, "to_json", lambda f, level=0.9, validation=None, s=steps: nudged_floats(plain(f, level, validation), s))
        assert fit.save_fits([fitted], tmp_path / "fits.json").read_bytes() == first
    rec = json.loads(first)["fits"][0]
    assert rec["params"][0] == io.round_sig(float(fitted.result.params.iloc[0]), io.JSON_DIGITS)
    assert len(repr(rec["params"][0]).lstrip("-0.").replace(".", "")) <= io.JSON_DIGITS


def test_json_rounds_every_float_and_keeps_the_rest():
    text = io.json_text({"b": [0.14204578405356025, np.float64(2.5e-17), 3, True, None], "a": "é", "c": {"x": np.int64(4)}})
    assert text == ('{\n  "a": "é",\n  "b": [\n    0.14204578,\n    2.5e-17,\n    3,\n    true,\n    null\n  ],\n'
                    '  "c": {\n    "x": 4\n  }\n}\n')
    assert io.json_text(0.1420457840535604) == io.json_text(0.14204578405356025)
    with pytest.raises(ValueError):
        io.json_text(float("nan"))


def frontier_like(seed=3, n=40):
    """A size-vs-score table like size_vs_mmlu_frontier.csv, from a fixed seed."""
    rng = np.random.default_rng(seed)
    size = 10 ** rng.uniform(-0.5, 2.8, n)
    score = np.clip(20 + 18 * np.log10(size) + rng.normal(0, 6, n), 1, 99)
    cls = np.where(size < 10, "under 10B", np.where(size < 100, "10-100B", "over 100B"))
    df = pd.DataFrame({"label": [f"Model {i}" for i in range(n)], "total_params_b": size, "score": score, "size_class": cls})
    best = df.groupby("size_class")["score"].transform("max")
    return df.assign(on_frontier=df["score"] == best)


def nudged_chart(folder, change) -> list[bytes]:
    """The SVG and PNG bytes of a labelled scatter with a fitted line, its band, error bars,
    bars and an annotation, every drawn value passed through ``change``."""
    fr = frontier_like()
    data = fr.assign(total_params_b=change(fr["total_params_b"]), score=change(fr["score"]))
    fig, ax = plotting.size_score_scatter(data, "t", "Data: test")
    x = np.geomspace(0.5, 600, 9)
    band = change(40 + 5 * np.log10(x) / 3)  # a fitted line and its interval, as the prediction charts draw them
    ax.plot(x, band, color="k")
    ax.fill_between(x, band - 1 / 3, band + 1 / 3, alpha=0.2)
    ax.errorbar(x[:3], band[:3], yerr=[np.full(3, 1 / 7), np.full(3, 2 / 7)], fmt="o")
    ax.barh([0.3, 0.7], change([31 / 3, 47 / 7]), left=1.0, height=0.1)
    # a name beside an interval's end that reaches past the axes: the layout makes room for it
    ax.annotate("a closed model's name", (float(change([600.0 / 7])[0]), float(change([41 / 3])[0])), xytext=(6, 0),
                textcoords="offset points", va="center")
    return [p.read_bytes() for p in plotting.save_figure(fig, Path(folder) / "chart")]


@pytest.fixture(scope="module")
def unchanged_chart(tmp_path_factory) -> list[bytes]:
    """The chart of the values as they are, drawn once for every nudge it is compared with."""
    return nudged_chart(tmp_path_factory.mktemp("unchanged"), lambda v: np.asarray(v, dtype=float))


# One unit in the last place, and a relative 1e-10: a thousand times what another summation
# order gives a fitted value, still far below the 6 significant digits figures are drawn at.
# Without io.round_figure the 1e-10 case changes SVG coordinates (written to 6 decimals).
@pytest.mark.parametrize("nudged", [lambda v: nudge(v, 1), lambda v: nudge(v, -1), lambda v: np.asarray(v) * (1 + 1e-10)],
                         ids=["ulp_up", "ulp_down", "relative_1e-10"])
def test_a_chart_of_nudged_values_is_the_same_svg_and_png(tmp_path, nudged, unchanged_chart):
    out = {"a": unchanged_chart, "b": nudged_chart(tmp_path, nudged)}
    assert out["a"][0] == out["b"][0], "SVG differs"
    assert out["a"][1] == out["b"][1], "PNG differs"


def test_round_sig():
    assert io.round_sig(123456789.0, 6) == 123457000.0
    assert io.round_sig(-0.000123456789, 3) == -0.000123
    assert io.round_sig(0.0, 6) == 0.0 and np.isnan(io.round_sig(float("nan"), 6))
    assert np.array_equal(io._round_array([1.23456789, np.nan, 0.0, -987654.321], 4), [1.235, np.nan, 0.0, -987700.0],
                          equal_nan=True)
