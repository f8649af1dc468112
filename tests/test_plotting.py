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
