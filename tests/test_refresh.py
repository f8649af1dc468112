"""`make refresh` against a local server: a new dated folder, a change report, never an overwrite."""

import functools
import http.server
import socket
import threading
from pathlib import Path

import pandas as pd
import pytest

from llmscale import manifest, refresh
from llmscale.errors import DataError

CJT = "cjtrowbridge/ai/mmlu-params/data.csv"
EPOCH = "epoch-open-model-trends/data/benchmarks_with_model_accessibility.csv"


@pytest.fixture
def live(tmp_path, fixture_raw):
    """A local 'live' copy of the fixture sources, changed, served over HTTP on loopback."""
    site = tmp_path / "site"
    for f in (CJT, EPOCH):
        (site / f).parent.mkdir(parents=True, exist_ok=True)
        (site / f).write_bytes((fixture_raw / f).read_bytes())
    text = (site / CJT).read_text(encoding="utf-8")
    text = text.replace("Llama 3.2 1B,49.30%", "Llama 3.2 1B,49.40%")  # changed
    text = text.replace("Apple OpenElm 1.1B,27.10%,https://huggingface.co/apple/OpenELM#:~:text=OpenELM,1.1\n", "")  # removed
    text += "New Model 3B,55.00%,,3\n"  # added
    (site / CJT).write_text(text, encoding="utf-8")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *a, **k: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    point_manifest_at(fixture_raw, f"http://127.0.0.1:{port}")
    yield fixture_raw
    server.shutdown()


def point_manifest_at(raw, base):
    man = pd.read_csv(raw / "MANIFEST.csv", dtype=str, keep_default_na=False)
    man["refresh_url"] = base + "/" + man["file"]
    man.to_csv(raw / "MANIFEST.csv", index=False, lineterminator="\n")


def test_refresh_writes_a_dated_folder_and_reports_changes(live):
    before = (live / CJT).read_bytes()
    rep = refresh.refresh(live, date="2026-12-01").set_index("source")
    assert (live / CJT).read_bytes() == before  # the snapshot in use is untouched
    new = live / "cjtrowbridge@2026-12-01" / "ai/mmlu-params/data.csv"
    assert new.exists() and b"New Model 3B" in new.read_bytes()
    assert rep.loc["cjtrowbridge", ["added", "removed", "changed"]].tolist() == [1, 1, 1]
    assert rep.loc["epoch-open-model-trends", ["added", "removed", "changed"]].tolist() == [0, 0, 0]
    assert bool(rep.loc["epoch-open-model-trends", "identical"])
    # the new files are in the manifest with their hashes, and verify
    man = manifest.verify(live)
    assert "cjtrowbridge@2026-12-01/ai/mmlu-params/data.csv" in set(man["file"])
    with pytest.raises(Exception, match="never overwrites"):
        refresh.refresh(live, date="2026-12-01")


def closed_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def test_offline_refresh_fails_with_one_message_and_writes_nothing(fixture_raw):
    point_manifest_at(fixture_raw, f"http://127.0.0.1:{closed_port()}")
    before = sorted(p.relative_to(fixture_raw) for p in fixture_raw.rglob("*"))
    man_before = (fixture_raw / "MANIFEST.csv").read_bytes()
    with pytest.raises(refresh.OfflineError, match="needs the network: could not fetch http://127.0.0.1"):
        refresh.refresh(fixture_raw, date="2026-12-01")
    assert sorted(p.relative_to(fixture_raw) for p in fixture_raw.rglob("*")) == before
    assert (fixture_raw / "MANIFEST.csv").read_bytes() == man_before


def test_records_key_csv_rows_by_first_column_and_json_by_key():
    old = b"Model,MMLU\nA,1\nB,2\n"
    new = b"Model,MMLU\nA,1\nB,3\nC,4\n"
    assert refresh.compare(old, new, ".csv") == {"added": 1, "removed": 0, "changed": 1}
    assert refresh.compare(b'[{"id": 1, "x": 1}]', b'[{"id": 1, "x": 2}, {"id": 2}]', ".json") == {"added": 1, "removed": 0, "changed": 1}


# --- the optional Artificial Analysis snapshot ---------------------------------------------------

AA_FIXTURE = Path(__file__).parent / "fixtures" / "artificial-analysis" / "models.json"


@pytest.fixture
def aa_server():
    """A local stand-in for AA's API: answers the documented response shape, and only to the key."""
    seen = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            seen.append((self.path, self.headers.get("x-api-key")))
            if self.headers.get("x-api-key") != "test-key":
                self.send_response(401)
                self.end_headers()
                return
            body = AA_FIXTURE.read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/api/v2/data/llms/models", seen
    server.shutdown()


def test_aa_snapshot_with_a_key(fixture_raw, aa_server):
    url, seen = aa_server
    n = refresh.refresh_aa(fixture_raw, "test-key", date="2026-12-01", url=url)
    assert n == 2 and seen == [("/api/v2/data/llms/models", "test-key")]
    saved = fixture_raw / "artificial-analysis@2026-12-01" / "models.json"
    assert saved.read_bytes() == AA_FIXTURE.read_bytes()
    man = pd.read_csv(fixture_raw / "MANIFEST.csv", dtype=str, keep_default_na=False)
    row = man[man["source"] == "artificial-analysis@2026-12-01"].iloc[0]
    assert row["credit"] == refresh.AA_CREDIT and "artificialanalysis.ai" in row["licence"]
    assert row["sha256"] == manifest.sha256(saved) and "test-key" not in (fixture_raw / "MANIFEST.csv").read_text()
    with pytest.raises(DataError, match="never overwrites"):
        refresh.refresh_aa(fixture_raw, "test-key", date="2026-12-01", url=url)


def test_aa_without_a_key_or_with_a_wrong_one_writes_nothing(fixture_raw, aa_server):
    url, seen = aa_server
    before = sorted(p.relative_to(fixture_raw) for p in fixture_raw.rglob("*"))
    assert refresh.refresh_aa(fixture_raw, None, date="2026-12-01", url=url) == -1 and seen == []
    with pytest.raises(refresh.OfflineError, match="refused the request \\(401"):
        refresh.refresh_aa(fixture_raw, "wrong", date="2026-12-01", url=url)
    with pytest.raises(refresh.OfflineError, match="needs the network"):
        refresh.refresh_aa(fixture_raw, "test-key", date="2026-12-01", url=f"http://127.0.0.1:{closed_port()}/x")
    assert sorted(p.relative_to(fixture_raw) for p in fixture_raw.rglob("*")) == before


def test_aa_response_of_another_shape_is_refused(fixture_raw):
    with pytest.raises(DataError, match="'data' list of models"):
        refresh.refresh_aa(fixture_raw, "k", date="2026-12-01", fetcher=lambda url, key: b'{"status": 200, "models": []}')
    assert not (fixture_raw / "artificial-analysis@2026-12-01").exists()


def tree(raw):
    return sorted((str(p.relative_to(raw)), p.read_bytes() if p.is_file() else b"") for p in raw.rglob("*"))


def test_sources_fetched_but_aa_refused_writes_nothing_and_a_retry_finishes(live, aa_server):
    url, seen = aa_server
    before = tree(live)
    with pytest.raises(refresh.FetchError, match=r"refused the request \(401.*nothing was written"):
        refresh.refresh(live, date="2026-12-01", aa_key="wrong", aa_url=url)
    assert tree(live) == before  # no dated folder, no manifest row, no staging folder left
    rep = refresh.refresh(live, date="2026-12-01", aa_key="test-key", aa_url=url)  # the retry is not refused
    assert rep.attrs["aa_models"] == 2
    man = manifest.verify(live)
    assert {"cjtrowbridge@2026-12-01", "epoch-open-model-trends@2026-12-01", "artificial-analysis@2026-12-01"} <= set(man["source"])


def test_a_404_upstream_is_not_reported_as_offline(live):
    man = pd.read_csv(live / "MANIFEST.csv", dtype=str, keep_default_na=False)
    man.loc[man["file"] == EPOCH, "refresh_url"] += ".moved"
    man.to_csv(live / "MANIFEST.csv", index=False, lineterminator="\n")
    before = tree(live)
    with pytest.raises(refresh.FetchError, match=r"answered 404 .*moved or is gone upstream.*refresh_url") as exc:
        refresh.refresh(live, date="2026-12-01")
    assert "needs the network" not in str(exc.value)
    assert tree(live) == before
