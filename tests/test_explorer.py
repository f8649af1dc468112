"""The interactive explorer: its data, its filter, and the page in a real browser."""

import re
import shutil
import subprocess
import time

import pytest

from conftest import ROOT
from llmscale import explorer

PROCESSED = ROOT / "data" / "processed"


@pytest.fixture(scope="module")
def data():
    return explorer.points(PROCESSED)


def test_points_keep_where_each_number_comes_from(data):
    assert len(data) and data["score_ref"].str.match(r"^[a-z0-9-]+:.+").all()
    has_total = data["total_params_b"].notna()
    assert data.loc[has_total, "total_params_b_ref"].notna().all()
    assert not data.duplicated(["model_id", "benchmark", "setting"]).any()  # one score per model and setting
    closed = data[data["weights"] == "closed"]
    # a closed model is plotted at a size only where a curated maker page discloses it; rumoured sizes never
    assert closed.loc[closed["total_params_b"].notna(), "total_params_b_ref"].str.startswith("curated: ").all()


def test_select_filters_by_setting_measure_weights_and_dates(data):
    first = explorer.defaults(data)
    view = explorer.select(data, first["benchmark"], first["setting"], "total")
    assert len(view) and (view["setting"] == first["setting"]).all() and view["total_params_b"].notna().all()
    dated = explorer.select(data, first["benchmark"], first["setting"], "total", date_from="2024-01-01", date_to="2024-12-31")
    assert len(dated) < len(view) and dated["release_date"].between("2024-01-01", "2024-12-31").all()
    active = explorer.select(data, first["benchmark"], first["setting"], "active")
    assert active["active_params_b"].notna().all()
    assert explorer.select(data, first["benchmark"], first["setting"], weights=["closed"]).empty
    with pytest.raises(Exception, match="measure"):
        explorer.select(data, first["benchmark"], first["setting"], "embedding")


def test_the_page_is_self_contained_and_the_same_bytes_twice(data):
    a, b = explorer.page(data, "Data: x"), explorer.page(data, "Data: x")
    assert a == b
    assert f'id="{explorer.DIV_ID}"' in a
    assert not re.search(r"<script[^>]+src=", a)  # no CDN, no file beside it: plotly.js is inlined
    assert "plotly.js v" in a or "plotly.js" in a


def chromium():
    return shutil.which("chromium") or shutil.which("chromium-browser")


def test_the_page_shows_the_expected_points_in_headless_chromium(data, tmp_path):
    browser = chromium()
    if not browser:
        pytest.skip("no chromium on this machine: the explorer was not checked in a browser (.ci/run installs it)")
    page = tmp_path / "explorer.html"
    explorer.write_html(data, page, "Data: x")
    first = explorer.defaults(data)
    expected = len(explorer.select(data, **first))
    start = time.perf_counter()
    r = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}",
                        "--virtual-time-budget=20000", "--dump-dom", page.as_uri()],
                       capture_output=True, text=True, timeout=240)
    seconds = time.perf_counter() - start
    status = re.search(r'<div id="status" data-points="(\d+)" data-selected="(\d+)" data-ms="(\d+)"', r.stdout)
    assert status, f"the page did not draw (chromium exit {r.returncode}): {r.stderr[-800:]}"
    points, selected, ms = map(int, status.groups())
    print(f"explorer in headless chromium: {points} points drawn, {selected} expected {expected}; "
          f"drawn {ms} ms after navigation start, {seconds:.1f} s including the browser's start")
    assert points == selected == expected
    assert f"<title>llmscale explorer: {expected} points</title>" in r.stdout
