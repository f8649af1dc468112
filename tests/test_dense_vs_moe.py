"""The dense-vs-MoE comparison recovers a known offset at equal total and at equal active size."""

import numpy as np
import pandas as pd
import pytest

from llmscale import dense_vs_moe


def synthetic(n_dense=40, n_moe=15, seed=3):
    rng = np.random.default_rng(seed)
    total = np.concatenate([10 ** rng.uniform(0, 2.5, n_dense), 10 ** rng.uniform(1, 2.7, n_moe)])
    moe = np.r_[np.zeros(n_dense), np.ones(n_moe)].astype(int)
    active = np.where(moe == 1, total / 8, total)
    # the score follows total size, with MoE models 4 points below dense ones of equal total
    score = 30 + 15 * np.log10(total) - 4 * moe + rng.normal(0, 1, len(total))
    return pd.DataFrame({"benchmark": "b", "setting": "s", "model_id": [f"m{i}" for i in range(len(total))],
                         "total_params_b": total, "active_params_b": active, "moe": moe, "score": score})


def test_recovers_the_offset_at_equal_total_and_shifts_it_at_equal_active():
    t = dense_vs_moe.compare(synthetic()).set_index("measure")
    assert t.loc["total", "low"] < -4 < t.loc["total", "high"]
    # at equal active size a MoE model has 8x the weights: 15 * log10(8) = 13.5 points more, less 4
    assert t.loc["active", "moe_minus_dense_points"] == pytest.approx(15 * np.log10(8) - 4, abs=1.5)
    assert (t["n_moe"] == 15).all() and (t["n_dense"] == 40).all()


def test_too_few_moe_models_gives_no_row():
    assert dense_vs_moe.compare(synthetic(n_moe=3)).empty
