"""The Memory3 chart's points: one harness's mean over a fixed benchmark set."""

import pandas as pd
import pytest

from llmscale import non_embedding


def _write(tmp_path, scores):
    models = pd.DataFrame({
        "model_id": ["a", "b", "c"], "name": ["A", "B", "C"], "architecture": ["dense", "moe", "dense"], "total_params_b": [7.0, 1.0, 3.0],
        "non_embedding_params_b": [6.5, 0.8, None], "vocab_size": [32000, 50000, None],
        "hidden_size": [4096, 2048, None], "tied_embeddings": ["false", "true", None],
    })
    models.to_csv(tmp_path / "models.csv", index=False)
    cols = ["model_id", "benchmark", "value", "variant", "source", "source_row"]
    pd.DataFrame(scores, columns=cols).to_csv(tmp_path / "scores.csv", index=False)


def test_mean_of_a_fixed_set_needs_every_benchmark_from_one_source(tmp_path):
    _write(tmp_path, [
        ("a", "mmlu", 60.0, "base", "obsscaling", "2"), ("a", "gsm8k", 40.0, "base", "obsscaling", "2"),
        ("a", "mmlu", 99.0, "base", "other", "7"),                       # another source: not mixed in
        ("b", "mmlu", 30.0, "base", "obsscaling", "3"),                  # gsm8k missing: left out
        ("b", "gsm8k", 90.0, "instruct", "obsscaling", "4"),             # other variant does not fill the gap
        ("c", "mmlu", 50.0, "base", "obsscaling", "5"), ("c", "gsm8k", 50.0, "base", "obsscaling", "5"),
    ])
    pts = non_embedding.points(tmp_path, "obsscaling:mmlu,gsm8k")
    assert pts["model_id"].tolist() == ["a", "c"]
    a = pts.iloc[0]
    assert a["average"] == pytest.approx(50.0) and a["source"] == "obsscaling" and a["source_row"] == "2;2"
    d, fit = non_embedding.fit_residuals(pts, min_models=2)
    assert d["model_id"].tolist() == ["a"] and fit is None  # c has no computed non-embedding count


def test_single_average_benchmark_and_residual_pick(tmp_path):
    _write(tmp_path, [("a", "avg", 70.0, "base", "swallow", "x"), ("b", "avg", 20.0, "base", "swallow", "y")])
    pts = non_embedding.points(tmp_path, "avg")
    assert sorted(pts["model_id"]) == ["a", "b"]
    extra = pd.DataFrame({"model_id": [f"m{i}" for i in range(4)], "average": [30.0, 41.0, 49.0, 62.0],
                          "non_embedding_params_b": [0.5, 1.0, 2.0, 4.0]})
    d, fit = non_embedding.fit_residuals(pd.concat([pts, extra], ignore_index=True), top=1, min_models=5)
    assert fit is not None
    best = d[d["beats_its_size"]]
    assert len(best) == 1 and best.iloc[0]["residual"] == d["residual"].max() > 0
