"""Every raw file is byte-identical to the snapshot recorded in data/raw/MANIFEST.csv."""

from conftest import ROOT
from llmscale import manifest

RAW = ROOT / "data" / "raw"


def test_every_manifest_file_matches_its_sha256():
    df = manifest.verify(RAW)
    assert len(df) > 0
    assert set(df.columns) >= {"repo", "commit", "path", "sha256", "licence", "retrieved", "refresh_url"}
    assert (df["licence"].str.len() > 0).all() and (df["credit"].str.len() > 0).all()


def test_every_raw_file_is_in_the_manifest():
    listed = set(manifest.load(RAW)["file"])
    on_disk = {
        str(p.relative_to(RAW)) for p in RAW.rglob("*")
        if p.is_file() and p.name != manifest.MANIFEST and p.relative_to(RAW).parts[0] != "curated"
    }
    assert on_disk == listed


def test_sha256_of_a_known_file():
    df = manifest.load(RAW).set_index("file")
    f = "cjtrowbridge/ai/mmlu-params/data.csv"
    assert manifest.sha256(RAW / f) == df.at[f, "sha256"]


def test_the_makefile_lists_every_reader():
    import re

    from llmscale.sources import READERS

    text = (ROOT / "Makefile").read_text()
    listed = re.search(r"^RAW_READ := (.*?)\n(?=\S)", text, re.M | re.S).group(1).replace("\\", " ").split()
    assert sorted(listed) == sorted(f"{key}/{f}" for key, reader in READERS.items() for f in reader.FILES)
    for path in listed:
        assert (RAW / path).exists(), path
    dated = re.search(r"^RAW_DATED := (.*)$", text, re.M).group(1).split()
    assert sorted(dated) == sorted(r.REFRESHED for r in READERS.values() if hasattr(r, "REFRESHED"))
