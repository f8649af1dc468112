import pandas as pd
import pytest

from llmscale.frontier import class_labels, frontier_table, on_frontier, size_class
from llmscale.names import normalise_name


@pytest.mark.parametrize(
    "raw, key",
    [
        ("GPT\u20115\u2011Mini", "gpt-5-mini"),
        ("<b>Qwen2.5</b> 72B", "qwen2.5-72b"),
        ("meta-llama/Llama-3.1-8B", "meta-llama-llama-3.1-8b"),
        ("Qwen 3-235B", "qwen-3-235b"),
        ("  Mixtral_8x7B  ", "mixtral-8x7b"),
    ],
)
def test_normalise_name(raw, key):
    assert normalise_name(raw) == key


def test_normalise_name_does_not_merge_distinct_spellings():
    assert normalise_name("Qwen 3-235B") != normalise_name("Qwen3-235B")


def test_class_labels_and_edges():
    assert class_labels([10, 100]) == ["under 10B", "10-100B", "over 100B"]
    got = size_class(pd.Series([9.99, 10.0, 99, 100, 1000]), [10, 100])
    assert got.astype(str).tolist() == ["under 10B", "10-100B", "10-100B", "over 100B", "over 100B"]
    with pytest.raises(ValueError):
        class_labels([100, 10])


def test_on_frontier_keeps_only_unbeaten_models():
    p = pd.Series([1, 2, 2, 4, 8, 16])
    s = pd.Series([50, 45, 55, 55, 70, 60])
    # 2B@45 loses to 1B@50; 4B@55 ties 2B@55 but is larger; 16B@60 loses to 8B@70
    assert on_frontier(p, s).tolist() == [True, False, True, False, True, False]


def test_frontier_is_computed_within_each_class():
    df = pd.DataFrame({
        "dataset": ["d"] * 4, "total_params_b": [5, 8, 50, 500], "score": [60, 55, 50, 40],
    })
    out = frontier_table(df, [10, 100])
    # 50B@50 and 500B@40 are beaten by smaller models overall, but lead their own classes
    assert out["on_frontier"].tolist() == [True, False, True, True]


def test_vectorised_normalisation_matches_the_scalar_one():
    from llmscale.identity import match_key, match_keys
    from llmscale.names import normalise_names

    raw = ["GPT\u20115\u2011Mini", "<b>Qwen2.5</b> 72B", "meta-llama/Llama-3.1-8B", "  Mixtral_8x7B ", "A &amp; B", "Qwen 3-235B"]
    assert normalise_names(raw).tolist() == [normalise_name(r) for r in raw]
    assert match_keys(pd.Series(raw)).tolist() == [match_key(r) for r in raw]
