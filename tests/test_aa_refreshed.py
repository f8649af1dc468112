"""A snapshot of Artificial Analysis' live API, saved by `make refresh`, read by the chain."""

import json
import shutil

import pandas as pd
import pytest

from conftest import ROOT
from llmscale import ingest, manifest, refresh
from llmscale.errors import DataError
from llmscale.sources import artificial_analysis as src
from test_source_artificial_analysis import chain, one

RAW = ROOT / "data" / "raw"
JULY = RAW / src.KEY / src.FILES[-1]
DATE = "2026-12-02"
OPEN, CLOSED = "qwen3-235b-a22b-instruct-2507", "gpt-5"


def api_record(m, slug=None, **evaluations):
    """A July record as AA's API returns it: ``model_creator``, no sizes, URL or country."""
    return {"id": m["id"], "name": m["name"], "slug": slug or m["slug"], "release_date": m["release_date"],
            "model_creator": {k: m["creator"][k] for k in ("id", "name", "slug")},
            "evaluations": evaluations, "pricing": {"price_1m_blended_3_to_1": 1.0, "price_1m_input_tokens": 0.5,
                                                    "price_1m_output_tokens": 2.5}}


def payload(extra=None):
    july = {m["slug"]: m for m in json.loads(JULY.read_text(encoding="utf-8"))["models"]}
    models = [
        api_record(july[OPEN], artificial_analysis_intelligence_index=33.3, gpqa=0.777, mmlu_pro=0.811),
        api_record(july[CLOSED], slug="gpt-5-high-renamed", artificial_analysis_intelligence_index=44.4, gpqa=0.888),
        {**api_record(july[OPEN], artificial_analysis_intelligence_index=12.5), "id": "00000000-0000-4000-8000-00000000abcd",
         "name": "Brand New Model", "slug": "brand-new-model"},
    ]
    if extra:
        models[0]["evaluations"].update(extra)
    return json.dumps({"status": 200, "data": models}).encode()


@pytest.fixture
def raw(tmp_path):
    """A copy of the AA snapshots and the manifest, refreshed once with a saved API response."""
    raw = tmp_path / "raw"
    shutil.copytree(RAW / src.KEY, raw / src.KEY)
    shutil.copy(RAW / manifest.MANIFEST, raw / manifest.MANIFEST)
    n = refresh.refresh_aa(raw, "key", date=DATE, fetcher=lambda url, key: payload())
    assert n == 3
    return raw


def test_a_refreshed_snapshot_is_listed_and_verified_with_its_source(raw, tmp_path):
    assert src.refreshed(raw) == [(DATE, f"{src.KEY}@{DATE}/models.json")]
    counts = ingest.ingest_all(raw, tmp_path / "interim", [src.KEY])
    rows = pd.read_csv(tmp_path / "interim" / f"{src.KEY}.csv", dtype=str)
    assert int(counts["rows"].iloc[0]) == len(rows) == 472 + 509 + 570 + 3
    assert (rows["snapshot"] == DATE).sum() == 3


def test_its_index_is_a_version_of_its_own_and_its_other_scores_are_the_newest(raw):
    rows, models, scores, ids = chain(raw)
    qwen = ids[ids["source_row"] == f"{src.KEY}@{DATE}/models.json#{OPEN}"]["model_id"].iloc[0]
    assert qwen == "qwen/qwen3-235b-a22b-instruct-2507"
    index = scores[(scores["model_id"] == qwen) & (scores["benchmark"] == src.INDEX)]
    assert one(index, index_version=DATE)["value"] == pytest.approx(33.3)
    july = one(index, index_version="2026-07-10")["value"]  # the pinned version is untouched
    assert july != pytest.approx(33.3)
    gpqa = scores[(scores["model_id"] == qwen) & (scores["benchmark"] == "gpqa_diamond")]
    assert len(gpqa) == 1 and gpqa["value"].iloc[0] == pytest.approx(77.7)
    assert gpqa["source_row"].iloc[0].startswith(f"{src.KEY}@{DATE}/") and "also in older snapshots" in gpqa["note"].iloc[0]
    # sizes, open weights and country come from the newest snapshot of the same AA id
    m = one(models, source_row=f"{src.KEY}@{DATE}/models.json#{OPEN}")
    assert m["weights"] == "open" and m["total_params_b"] == pytest.approx(235) and m["country"] == "cn"


def test_a_renamed_slug_keeps_its_model_and_a_new_one_waits_in_unmatched(raw):
    rows, models, scores, ids = chain(raw)
    renamed = one(ids, source_row=f"{src.KEY}@{DATE}/models.json#gpt-5-high-renamed")
    july = one(ids, source_row=f"{src.FILES[-1]}#{CLOSED}")
    assert renamed["model_id"] == july["model_id"] == "openai/gpt-5-2025-08-07"
    new = one(ids, source_row=f"{src.KEY}@{DATE}/models.json#brand-new-model")
    assert new["id_basis"] == "unmatched"
    assert one(scores, source_row=new["source_row"], benchmark=src.INDEX)["index_version"] == DATE


def test_a_response_the_reader_cannot_read_is_refused_and_nothing_is_saved(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(RAW / src.KEY, raw / src.KEY)
    shutil.copy(RAW / manifest.MANIFEST, raw / manifest.MANIFEST)
    before = (raw / manifest.MANIFEST).read_bytes()
    with pytest.raises(DataError, match=r"^https://example.invalid/models, row #qwen3-235b-a22b-instruct-2507, column 'evaluations.new_bench'.*nothing was saved"):
        refresh.refresh_aa(raw, "key", date=DATE, url="https://example.invalid/models",
                           fetcher=lambda url, key: payload({"new_bench": 0.5}))
    assert not (raw / f"{src.KEY}@{DATE}").exists() and (raw / manifest.MANIFEST).read_bytes() == before


def test_a_dated_folder_the_manifest_does_not_list_is_refused(raw, tmp_path):
    man = pd.read_csv(raw / manifest.MANIFEST, dtype=str, keep_default_na=False)
    man[man["source"] != f"{src.KEY}@{DATE}"].to_csv(raw / manifest.MANIFEST, index=False)
    with pytest.raises(DataError, match=rf"{src.KEY}@{DATE}.*a manifest row for each file"):
        ingest.ingest_all(raw, tmp_path / "interim", [src.KEY])
    shutil.move(str(raw / f"{src.KEY}@{DATE}"), str(raw / f"{src.KEY}@2026-13-45"))
    with pytest.raises(DataError, match="a real date"):
        src.refreshed(raw)
