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
        px = ax.transData.transform(t.get_position()) / 0.01
        assert np.allclose(px, np.round(px), atol=1e-6)
    arrows = [p for p in ax.patches if hasattr(p, "patchA") and p.patchA in texts]
    assert arrows, "near-coincident points should need at least one arrow"
    for a in arrows:
        i = texts.index(a.patchA)
        (_, _), (bx, by) = a._posA_posB
        assert (bx, by) == (xs[i], ys[i])
    plotting.plt.close(fig)
