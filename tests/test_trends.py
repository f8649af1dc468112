"""The staircase, the as-of frontier and the halving-time fit on hand-made timelines with known
answers, and the distinct-staircase bookkeeping of 04_over_time."""

import math

import numpy as np
import pandas as pd
import pytest

from llmscale import over_time, trends
from llmscale.trends import as_of_frontier, halving_time, staircase


def timeline(rows):
    return pd.DataFrame(rows, columns=["model_id", "release_date", "total_params_b", "value"])


def test_staircase_keeps_only_record_setting_models():
    df = timeline([
        ("a", "2023-02-24", 65, 63.4),   # first to clear 60
        ("b", "2023-05-01", 70, 69.0),   # clears it, but larger than a: not a step
        ("c", "2023-07-18", 34, 62.6),   # smaller: step
        ("d", "2023-08-01", 13, 55.0),   # below the threshold
        ("e", "2023-09-27", 7.3, 60.1),  # smaller: step
        ("f", "2023-09-27", 7.0, 59.9),  # same day and smaller, but below the threshold
        ("g", "2024-03-28", 14.3, 62.5), # clears, not smaller
        ("h", None, 1.0, 90.0),          # no date: ignored
    ])
    steps = staircase(df, 60)
    assert steps["model_id"].tolist() == ["a", "c", "e"]
    assert steps["previous_b"].tolist()[1:] == [65, 34]


def test_same_day_ties_take_the_smallest():
    df = timeline([("big", "2024-01-01", 70, 80), ("small", "2024-01-01", 8, 61)])
    assert staircase(df, 60)["model_id"].tolist() == ["small"]


def test_the_as_of_frontier_holds_each_record_until_the_next_and_through_the_tail():
    steps = pd.DataFrame({"release_date": ["2023-01-10", "2023-03-10", "2023-03-25"], "total_params_b": [70, 13, 7]})
    fr = as_of_frontier(steps, "2023-07-10")
    assert fr["when"].dt.strftime("%Y-%m-%d").tolist() == ["2023-01-10", "2023-02-10", "2023-03-10", "2023-04-10",
                                                             "2023-05-10", "2023-06-10", "2023-07-10"]
    assert fr["size"].tolist() == [70, 70, 13, 7, 7, 7, 7]
    with pytest.raises(ValueError, match="before the staircase's last step"):
        as_of_frontier(steps, "2023-03-01")


def regular(n_steps=6, every_months=6, start="2022-01-15"):
    """A record every ``every_months`` months, each half the size of the last: a true halving
    time of ``every_months`` months."""
    dates = [pd.Timestamp(start) + pd.DateOffset(months=every_months * k) for k in range(n_steps)]
    return pd.DataFrame({"release_date": [d.strftime("%Y-%m-%d") for d in dates],
                         "total_params_b": [100 * 0.5 ** k for k in range(n_steps)]})


def test_recovers_a_known_rate_and_a_long_flat_tail_lengthens_it():
    steps = regular()
    last = pd.Timestamp(steps["release_date"].iloc[-1])
    # the window ends just before the next record was due: the staircase brackets its trend line
    h = halving_time(steps, 60, end=last + pd.DateOffset(months=5), n_boot=300)
    assert h.status == "fitted" and h.n_steps == 6 and h.n_months == 36
    assert h.months == pytest.approx(6.0, rel=0.1)
    assert h.low <= h.months <= h.high
    # no record for two more years: the fall has slowed, and the fit says so
    by_tail = [halving_time(steps, 60, end=last + pd.DateOffset(months=m), n_boot=300) for m in (5, 12, 24, 36)]
    months = [x.months for x in by_tail]
    assert months == sorted(months) and months[-1] > 1.5 * months[0]
    assert by_tail[-1].high > by_tail[0].high
    # stopping at the last record ignores the tail (the old fit's blind spot)
    assert halving_time(steps, 60, n_boot=300).window_end == steps["release_date"].iloc[-1]


def test_a_flat_resample_gives_an_interval_without_upper_end():
    steps = regular(n_steps=5, every_months=2)
    last = pd.Timestamp(steps["release_date"].iloc[-1])
    h = halving_time(steps, 60, end=last + pd.DateOffset(months=60), n_boot=500)
    assert h.status == "fitted" and math.isfinite(h.months) and h.high == math.inf


def simulate(rng, true_months=6.0, months=36, per_month=1.0, noise=0.4):
    """Models arrive at random; each one's log10 size sits on a falling trend plus noise; only
    the records make the staircase."""
    k = rng.poisson(per_month * months)
    t = np.sort(rng.uniform(0, months, k))
    log_size = 2 - math.log10(2) * t / true_months + rng.normal(0, noise, k)
    start = pd.Timestamp("2022-01-01")
    df = pd.DataFrame({"model_id": [f"m{i}" for i in range(k)],
                       "release_date": (start + pd.to_timedelta(t * 30.44, "D")).strftime("%Y-%m-%d"),
                       "total_params_b": 10 ** log_size, "value": 60.0})
    return staircase(df, 50), start + pd.Timedelta(days=months * 30.44)


def test_the_block_bootstrap_interval_covers_a_known_rate_most_of_the_time():
    rng = np.random.default_rng(11)
    hits = fitted = 0
    for i in range(100):
        steps, end = simulate(rng)
        h = halving_time(steps, 50, end=end, n_boot=300, seed=i)
        if h.status == "fitted":
            fitted += 1
            hits += h.low <= 6.0 <= h.high
    assert fitted >= 90
    assert hits / fitted >= 0.72  # nominal 90 %; months resampled one by one cover far less


def test_months_resampled_one_by_one_would_cover_less(monkeypatch):
    rng = np.random.default_rng(11)
    runs = [simulate(rng) for _ in range(60)]

    def coverage():
        ok = [halving_time(s, 50, end=e, n_boot=300, seed=i) for i, (s, e) in enumerate(runs)]
        ok = [h for h in ok if h.status == "fitted"]
        return sum(h.low <= 6.0 <= h.high for h in ok) / len(ok)

    blocks = coverage()
    monkeypatch.setattr(trends, "block_length", lambda n_months, n_steps: 1)
    assert coverage() < blocks - 0.15


def test_refuses_too_few_steps_a_short_window_or_a_size_that_does_not_fall():
    four = regular(n_steps=4)
    h = halving_time(four, 80)
    assert h.months is None and h.status == "not fitted: 4 step(s), fewer than 5"
    assert halving_time(four, 80, min_steps=4, n_boot=100).status == "fitted"
    quick = pd.DataFrame({"release_date": ["2024-01-01", "2024-01-20", "2024-02-05", "2024-02-20", "2024-03-01"],
                          "total_params_b": [50, 40, 30, 20, 10]})
    assert halving_time(quick, 50).status == "not fitted: a window of 3 month(s), fewer than 6"
    rising = regular().assign(total_params_b=[1, 2, 4, 8, 16, 32])
    assert halving_time(rising, 50).status == "not fitted: the size does not fall over time"


def points(rows):
    return pd.DataFrame(rows, columns=["model_id", "benchmark", "setting", "value", "release_date", "total_params_b",
                                       "active_params_b"])


def test_identical_staircases_are_one_result_fitted_with_the_latest_window_end():
    steps = regular()
    rows = []
    for setting, extra in (("base, 5-shot", "2025-06-01"), ("variant not stated, 5-shot", "2026-01-01")):
        for i, r in steps.iterrows():
            rows.append((f"m{i}", "mmlu", setting, 70.0, r["release_date"], r["total_params_b"], r["total_params_b"]))
        rows.append((f"late-{setting}", "mmlu", setting, 20.0, extra, 500.0, 500.0))  # scored, clears nothing
    pts = points(rows)
    _, fits = over_time.all_staircases(pts, {"mmlu": [50, 60]}, min_steps=5, n_boot=200, seed=0)
    # 2 settings x 2 thresholds x total/active: eight rows, one staircase
    assert len(fits) == 8 and (fits["status"] == "fitted").sum() == 1
    rep = fits[fits["status"] == "fitted"].iloc[0]
    assert (rep["setting"], rep["threshold"], rep["measure"]) == ("base, 5-shot", 60, "total")
    assert rep["window_end"] == "2026-01-01"  # the other setting watched longer
    assert set(fits["same_as"].dropna()) == {"mmlu | base, 5-shot | 60 | total"}
    d = over_time.distinct_fits(fits)
    assert len(d) == 1 and d["label"].iloc[0] == (
        "MMLU ≥ 50/60, base models, 5-shot (same as base or instruct not stated, 5-shot), total = active")
    # the rule "last step" ignores the tail; "data" ends at the data's last release date
    _, last = over_time.all_staircases(pts, {"mmlu": [50]}, 5, 200, 0, end_rule="last step")
    assert last.loc[last["status"] == "fitted", "window_end"].tolist() == [steps["release_date"].iloc[-1]]


def test_sensitivity_sweeps_the_window_end_and_the_threshold():
    steps = regular()
    pts = points([(f"m{i}", "mmlu", "base, 5-shot", 60.0 + i, r["release_date"], r["total_params_b"], r["total_params_b"])
                  for i, r in steps.iterrows()] + [("late", "mmlu", "base, 5-shot", 10.0, "2025-12-15", 900.0, 900.0)])
    s = over_time.sensitivity(pts, [("mmlu", "base, 5-shot", 60, "total")], min_steps=5, n_boot=200, seed=0)
    ends = s[s["vary"] == "window end"]
    assert ends["window_end"].is_monotonic_increasing
    # the setting's last release is the data's here: one row names both
    assert ends.loc[ends["end_rule"] != "", "end_rule"].tolist() == ["last step", "setting; data"]
    fitted = ends[ends["status"] == "fitted"]
    # past the time the next record was due, a longer flat tail is a slower fall
    assert fitted["halving_months"].iloc[1:].is_monotonic_increasing
    assert fitted["halving_months"].iloc[-1] > 1.2 * fitted["halving_months"].iloc[0]
    thr = s[s["vary"] == "threshold"].set_index("threshold")
    assert thr.loc[62.5, "steps"] == 3 and thr.loc[62.5, "status"].startswith("not fitted")
    assert thr.loc[60, "halving_months"] == pytest.approx(
        ends.loc[ends["end_rule"] == "setting; data", "halving_months"].iloc[0])


def chart_text_sizes(fig):
    """The font size of every piece of text a chart draws, except the shared footer (its credit)."""
    fig.canvas.draw()
    footer = {id(t) for t in fig.texts if t.get_text().startswith("Data:")}
    return [t.get_fontsize() for t in fig.findobj(lambda a: hasattr(a, "get_fontsize") and hasattr(a, "get_text"))
            if t.get_text().strip() and id(t) not in footer]


def test_the_halving_and_sensitivity_charts_stay_legible_in_a_blog_column():
    steps = regular()
    pts = points([(f"m{i}", "mmlu", "base, 5-shot", 60.0 + i, r["release_date"], r["total_params_b"], r["total_params_b"])
                  for i, r in steps.iterrows()] + [("late", "mmlu", "base, 5-shot", 10.0, "2025-12-15", 900.0, 900.0)])
    _, fits = over_time.all_staircases(pts, {"mmlu": [60]}, 5, 200, 0)
    published = pd.DataFrame({"label": ["Densing Law", "Epoch AI"], "low": [3.3, 6.3], "high": [3.5, 6.3],
                              "style": [{"color": "C1"}, {"color": "C2", "ls": "--"}]})
    sens = over_time.sensitivity(pts, [("mmlu", "base, 5-shot", 60, "total")], 5, 200, 0)
    # 15 pt at 100 dpi is 21 px: 9 px when the 1600 px PNG is shown 700 px wide
    for fig in (over_time.draw_halving(fits, published, "Data: test"), over_time.draw_sensitivity(sens, "Data: test")):
        sizes = chart_text_sizes(fig)
        assert sizes and min(sizes) >= 15
