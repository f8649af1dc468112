"""The gallery page and FINDINGS.md: what they say is what the processed tables hold."""

import json

import pandas as pd
import pytest

from conftest import ROOT
from llmscale import gallery, predict_params, writeup

PROCESSED = ROOT / "data" / "processed"


def test_findings_numbers_match_the_processed_tables():
    text = (ROOT / "FINDINGS.md").read_text()
    models = pd.read_csv(PROCESSED / "models.csv")
    scores = pd.read_csv(PROCESSED / "scores.csv", dtype={"source_row": str})
    assert f"The data: {len(models):,} models and {len(scores):,} scores" in text
    moe = models[(models["architecture"] == "moe") & models["total_params_b"].notna() & models["active_params_b"].notna()]
    assert f"{len(moe)} mixture-of-experts models have both" in text
    met = pd.read_csv(PROCESSED / "predict_metrics.csv")
    own = met[~met["setting"].str.startswith("pooled") & ~met["covariates"].str.contains("pooled")]
    head = own[own["spec"] == predict_params.headline_spec(own)].iloc[0]
    assert f"**{head['spec']}** ({head['n_models']} models in {head['n_lineages']} lineages" in text
    claims = pd.read_csv(PROCESSED / "claims.csv")["verdict"].value_counts()
    assert f"{claims.get('supported', 0)} supported, {claims.get('contradicted', 0)} contradicted" in text
    halving = pd.read_csv(PROCESSED / "over_time_halving.csv")
    assert f"({(halving['status'] == 'fitted').sum()} fitted;" in text


def test_every_placeholder_of_the_template_is_computed():
    template = (ROOT / "templates" / "FINDINGS.md.in").read_text()
    values = writeup.numbers(PROCESSED)
    assert writeup.placeholders(template) <= set(values)
    with pytest.raises(KeyError, match="no_such_number"):
        writeup.render(template + "{no_such_number}", values, "FINDINGS.md.in")


def test_gallery_lists_every_figure_with_alt_text_credit_and_notebook():
    page = (ROOT / "figures" / "README.md").read_text()
    records = gallery.load(PROCESSED)
    assert records and {r["name"] for r in records} == {p.stem for p in (ROOT / "figures").glob("*.png")}
    for r in records:
        assert f"![{' '.join(r['alt'].split())}]({r['name']}.png)" in page
        assert ' '.join(r["credit"].split()) in page and f"notebooks/{r['notebook']}.ipynb" in page
        assert (ROOT / "notebooks" / f"{r['notebook']}.ipynb").exists()


def test_describe_and_gallery_on_a_small_build(tmp_path):
    (tmp_path / "figs").mkdir()
    pd.DataFrame({"source": ["s"], "credit": ["Somebody"], "licence": ["CC-BY-4.0"], "repo": ["r"], "commit": ["c"]}).to_csv(
        tmp_path / "sources.csv", index=False)
    gallery.describe(tmp_path, "a_chart", title="A chart", caption="What it is.", alt="Dots rising to the right.",
                     sources=["s"], notebook="03_x")
    rec = json.loads((tmp_path / "figures" / "a_chart.json").read_text())
    assert rec["credit"] == "Data: Somebody (CC-BY-4.0)"
    page = gallery.gallery_markdown(gallery.load(tmp_path), tmp_path / "figs")
    assert "Not drawn in this build" in page  # no PNG yet: said, not linked
    (tmp_path / "figs" / "a_chart.png").write_bytes(b"x")
    (tmp_path / "figs" / "a_chart.svg").write_bytes(b"x")
    page = gallery.gallery_markdown(gallery.load(tmp_path), tmp_path / "figs")
    assert "![Dots rising to the right.](a_chart.png)" in page and "figures/a_chart.png" in page
    with pytest.raises(ValueError, match="empty alt"):
        gallery.describe(tmp_path, "b", title="B", caption="c", alt=" ", sources=["s"], notebook="03_x")
