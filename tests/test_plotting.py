"""Point labels: placed by adjustText, then snapped so that PNG pixels depend on the data alone."""

import numpy as np

from llmscale import plotting


def test_labels_sit_on_the_pixel_grid_and_arrows_point_at_the_data():
    fig, ax = plotting.new_figure()
    xs = [1.0, 1.0, 1.02, 3.0, 10.0, 10.0]  # coincident and near points force moves and arrows
    ys = [50.0, 50.0, 50.5, 60.0, 70.0, 70.2]
    ax.scatter(xs, ys)
    ax.set_xscale("log")
    plotting.label_points(ax, xs, ys, [f"model {i}" for i in range(len(xs))])
    texts = ax.texts
    assert len(texts) == len(xs)
    for t in texts:
        px = ax.transData.transform(t.get_position()) / plotting._GRID_PX
        assert np.allclose(px - np.floor(px), plotting._GRID_OFFSET, atol=1e-6)
    leaders = [line for line in ax.get_children() if hasattr(line, "label_index")]
    assert leaders, "near-coincident points should need at least one leader line"
    assert not [p for p in ax.patches if type(p).__name__ == "FancyArrowPatch"]  # adjustText's curves are gone
    renderer = fig.canvas.get_renderer()
    for line in leaders:
        i = line.label_index
        (x0, x1), (y0, y1) = line.get_xdata(), line.get_ydata()
        assert (x1, y1) == (xs[i], ys[i])  # ends at the data point itself
        start = ax.transData.transform((x0, y0))
        assert not texts[i].get_window_extent(renderer).contains(*start)  # starts outside its label
        grid = start / plotting._GRID_PX
        assert np.allclose(grid - np.floor(grid), plotting._GRID_OFFSET, atol=1e-6)
    plotting.plt.close(fig)


def test_save_figure_raises_small_text_to_the_column_minimum(tmp_path):
    fig, ax = plotting.new_figure()
    ax.set_title("A title")
    ax.text(0.5, 0.5, "tiny", fontsize=6)
    ax.tick_params(labelsize=7)
    plotting.footer(fig, "Data: somebody")
    assert min(t.get_fontsize() for t in plotting.visible_texts(fig)) < plotting.MIN_TEXT_PT
    plotting.save_figure(fig, tmp_path / "f")
    sizes = [t.get_fontsize() for t in plotting.visible_texts(fig)]
    assert min(plotting.column_px(s) for s in sizes) >= plotting.MIN_COLUMN_TEXT_PX
    assert (tmp_path / "f.png").exists() and (tmp_path / "f.svg").exists()


def test_save_figure_refuses_text_cut_at_the_edge_or_tick_labels_on_top_of_each_other(tmp_path):
    import pytest

    fig, ax = plotting.new_figure()
    ax.set_title("A title")
    fig.text(0.98, 0.5, "this sentence runs past the right edge")
    with pytest.raises(ValueError, match=r"^edge: .*past the figure's edge: 'this sentence runs past the right edge' \(right\)"):
        plotting.save_figure(fig, tmp_path / "edge")
    fig, ax = plotting.new_figure()
    ax.set_yticks(range(40), [f"row {i}\nsecond line" for i in range(40)])  # 80 lines in one axes' height
    with pytest.raises(ValueError, match=r"^crowded: .*overlapping: tick labels 'row 0\\nsecond line' and 'row 1"):
        plotting.save_figure(fig, tmp_path / "crowded")
    fig, ax = plotting.new_figure()
    ax.plot([1, 2], [1, 2], label="a line")
    fig.legend(loc="lower right", bbox_to_anchor=(1, 0))
    plotting.footer(fig, "Data: somebody, somewhere, under some licence")
    with pytest.raises(ValueError, match=r"overlapping: legend entry 'a line' and 'Data: somebody"):
        plotting.save_figure(fig, tmp_path / "legend")
    assert list(tmp_path.iterdir()) == []  # nothing written for a refused figure
    fig, ax = plotting.new_figure()
    ax.set_yticks(range(4), [f"row {i}\nsecond line" for i in range(4)])
    ax.set_xlim(0, 1)
    ax.set_xticks([-5, 0, 1, 5])  # ticks outside the view are not drawn, so not counted
    fig.draw_without_rendering()
    assert plotting.off_canvas(fig) == [] and plotting.collisions(fig) == []
    plotting.save_figure(fig, tmp_path / "fine")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fine.png", "fine.svg"]


def test_the_chance_line_is_named_in_the_legend_and_point_labels_keep_clear_of_it():
    fig, ax = plotting.new_figure()
    xs, ys = [0.11, 0.13, 40.0, 60.0], [25.5, 26.0, 21.0, 22.0]  # the first two by the chance line, the rest by the legend
    ax.scatter(xs, ys, label="models")
    ax.set_xscale("log")
    ax.set_xlim(0.1, 100)
    ax.set_ylim(20, 32)
    plotting.chance_line(ax, 25.0)
    ax.legend(title="Size class", loc="lower right")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["models", "chance (25 %)"]
    assert len(ax.texts) == 0  # no label of its own among the point labels
    plotting.label_points(ax, xs, ys, ["SmolLM 135M Instruct", "Qwen1.5 0.5B", "Command R Plus", "Mistral Large 2411"])
    fig.draw_without_rendering()
    r = fig.canvas.get_renderer()
    legend = ax.get_legend().get_window_extent(r)
    for t in ax.texts:
        assert not plotting.overlap(t.get_window_extent(r), legend), t.get_text()
    plotting.plt.close(fig)


def test_point_labels_are_display_names_never_cut():
    from llmscale.display import display_name, wrap

    assert display_name("Qwen/Qwen3-32B") == "Qwen3 32B"
    assert display_name("Meta-Llama-3.1-405B-FP8") == "Llama 3.1 405B"  # one style, whatever the source
    assert display_name("Qwen3-0.6B-Base") == display_name("qwen/qwen3-0.6b-base") == "Qwen3 0.6B Base"
    assert display_name("DeepSeek-V3.1-Terminus") == "DeepSeek-V3.1 Terminus" and display_name("zai-org/GLM-4.5-Air") == "GLM-4.5 Air"
    assert display_name("llama-2-13b-hf") == "Llama 2 13B"
    assert display_name("meta-llama/llama-4-maverick-17b-128e") == "Llama 4 Maverick 17B 128E"
    assert display_name("google/flan-t5-small") == "Flan-T5 Small"
    assert display_name("anthropic/claude-opus-4-1") == "Claude Opus 4.1"
    assert display_name("gpt-5-mini") == "GPT-5 Mini"
    assert display_name("openai/gpt-4o-2024-08-06") == "GPT-4o 2024-08-06"  # a date stays whole
    long = "dolphin-2.9.2-Phi-3-Medium-abliterated"
    label = plotting.short_label("cognitivecomputations/" + long)
    assert "…" not in label and label.replace("\n", " ") == "Dolphin 2.9.2 Phi 3 Medium Abliterated"  # nothing dropped
    assert all(len(line) <= 22 for line in label.splitlines())
    assert wrap("Smaug Llama 3 70B Instruct", 22) == "Smaug Llama 3 70B\nInstruct"


def test_settings_in_plain_words_and_chance_levels():
    from llmscale.display import chance_level, plain_setting

    assert plain_setting("instruct, 0-shot, CoT") == "instruction-tuned models, no examples in the prompt, chain of thought"
    assert plain_setting("base, 5-shot") == "base (pre-trained) models, 5 examples in the prompt"
    assert (chance_level("mmlu"), chance_level("mmlu_pro"), chance_level("gpqa_diamond")) == (25, 10, 25)
    assert chance_level("ifeval") is None


def test_the_staircase_draws_one_line_per_setting_and_names_each_panels_record():
    import matplotlib.dates
    import pandas as pd

    steps = pd.DataFrame({
        "benchmark": ["mmlu"] * 5, "threshold": [60.0] * 5, "measure": ["total", "total", "total", "active", "total"],
        "setting": ["base, 5-shot", "base, 5-shot", "instruct, 0-shot", "base, 5-shot", "instruct, 0-shot"],
        "model_id": ["a/big-70b", "qwen/qwen2.5-7b", "x/mid-13b", "a/big-70b", "x/small-3b"],
        "release_date": ["2023-01-01", "2024-01-01", "2023-06-01", "2023-01-01", "2024-06-01"],
        "params_b": [70.0, 7.0, 13.0, 20.0, 3.0]})
    fig = plotting.draw_staircases(steps, {"mmlu": [60, 70]}, "Data: x")
    panel = fig.axes[0]
    drawn = [line for line in panel.get_lines() if len(line.get_xdata()) > 1 and not hasattr(line, "label_index")]
    assert len(drawn) == 2  # two settings, total parameters only: the active staircase stays in the table
    labels = [t.get_text() for t in panel.texts]
    assert labels == ["Small 3B"]  # the smallest model clearing it today
    fig.draw_without_rendering()  # on the final log axis, the label sits by its point (placed before the scale was set, it ended a decade off)
    box = panel.texts[0].get_window_extent(fig.canvas.get_renderer())
    px, py = panel.transData.transform((matplotlib.dates.date2num(pd.Timestamp("2024-06-01")), 3.0))
    assert max(box.x0 - px, px - box.x1, 0) < 60 and max(box.y0 - py, py - box.y1, 0) < 60, (box, px, py)
    assert not box.contains(px, py) and box.x1 < px  # beside the point, on the side with room (left of a recent record)
    assert any(t.get_text() == "no dated model\nof known size\nclears it" for t in fig.axes[1].texts)
    plotting.plt.close(fig)
