"""The makers' own benchmark numbers (data/raw/curated/scores.csv): checked, read, ranked first."""

import pandas as pd
import pytest

from conftest import SOURCES
from llmscale import audit, clean, reconcile, schema, size_vs_mmlu
from llmscale.errors import DataError
from llmscale.ingest import ingest_all
from llmscale.over_time import points
from llmscale.predict_params import _one_per_model

SCORES_CSV = "curated/scores.csv"
HEADER = "model_id,benchmark,value,variant,shots,cot,harness,citation_url,evidence\n"
L4 = "https://github.com/meta-llama/llama-models/blob/a9c89c471f793423afd4cc3ca8671d6e56fe64cb/models/llama4/MODEL_CARD.md"
# real rows: data/raw/curated/scores.csv (Meta's Llama 4 card) and Swallow's own run of the same model and setting
SCOUT_CURATED = f"meta-llama/llama-4-scout-17b-16e,mmlu,79.6,base,5,,,{L4},\"Pre-trained models: MMLU | 5 | macro_avg/acc_char | ... | 79.6\"\n"
SCOUT_SWALLOW = {"model_id": "meta-llama/llama-4-scout-17b-16e", "benchmark": "mmlu", "value": 78.0, "shots": 5, "cot": None,
                 "variant": "base", "reasoning": None, "reporter": "independent",
                 "harness": "Swallow LLM Leaderboard (swallow-evaluation)", "index_version": None, "source": "swallow",
                 "source_row": "_data/model.yml#meta-llama/Llama-4-Scout-17B-16E/en_pre/MMLU", "note": "en_pre MMLU (5-shot)"}


def load(raw):
    makers = clean.load_curated(raw / "curated", "makers.csv", schema.MAKERS)
    table = clean.load_curated(raw / "curated", "scores.csv", schema.CURATED_SCORES)
    return reconcile.check_curated_scores(table, raw / SCORES_CSV, makers)


def write(raw, *lines):
    (raw / SCORES_CSV).write_text(HEADER + "".join(lines), encoding="utf-8")


def test_a_curated_score_outranks_a_source_score_of_the_same_setting(fixture_raw, tmp_path):
    write(fixture_raw, SCOUT_CURATED)
    curated = schema.validate(reconcile.curated_scores(load(fixture_raw)), schema.SCORES, fixture_raw / SCORES_CSV)
    assert curated.iloc[0][["source", "reporter", "source_row", "shots", "variant"]].tolist() == ["curated", "maker", "2", 5, "base"]
    swallow = schema.validate(pd.DataFrame([SCOUT_SWALLOW]), schema.SCORES, "swallow")
    both = pd.concat([swallow, curated], ignore_index=True)
    chosen = _one_per_model(both)  # as the size-vs-MMLU charts and the fits pick one score per model and setting
    assert len(chosen) == 1 and chosen.iloc[0][["source", "value", "setting"]].tolist() == ["curated", 79.6, "base, 5-shot"]
    conflict = reconcile.score_conflicts(both)  # the swallow score is kept, listed against the maker's
    assert conflict[["value_used", "value_other", "ref_other"]].values.tolist() == [["79.6", "78", "swallow:" + SCOUT_SWALLOW["source_row"]]]
    assert "curated ranks above swallow" in conflict["reason"].item()
    both.to_csv(tmp_path / "scores.csv", index=False)
    pd.DataFrame({"model_id": [SCOUT_SWALLOW["model_id"]], "name": ["Llama 4 Scout"], "release_date": ["2025-04-05"],
                  "release_date_ref": ["x:1"], "total_params_b": [109.0], "active_params_b": [17.0], "architecture": ["moe"],
                  "weights": ["open"]}).to_csv(tmp_path / "models.csv", index=False)
    assert points(tmp_path, ["mmlu"])[["source", "value"]].values.tolist() == [["curated", 79.6]]  # the staircases' pick


def test_the_chain_reads_curated_scores_into_the_scores_table(fixture_raw, tmp_path):
    ingest_all(fixture_raw, tmp_path / "interim", SOURCES)
    clean.clean_all(fixture_raw, tmp_path / "interim", tmp_path / "processed", SOURCES)
    s = pd.read_csv(tmp_path / "processed" / "scores.csv", dtype={"source_row": str})
    row = s[s["source"] == "curated"]
    assert row[["model_id", "value", "shots", "variant", "reporter", "source_row"]].values.tolist() == [
        ["mistralai/mistral-7b-v0.1", 62.5, 5, "base", "maker", "2"]]
    # the original chart's 62.50% (cjtrowbridge, no setting stated) is the same measurement: one row, the maker's setting
    assert row["note"].item() == ("maker's page: https://mistral.ai/news/announcing-mistral-7b; "
                                  "same value as cjtrowbridge:4 (variant not stated, shots not stated)")
    assert not ((s["source"] == "cjtrowbridge") & (s["source_row"] == "4") & (s["benchmark"] == "mmlu")).any()
    credits = pd.read_csv(tmp_path / "processed" / "sources.csv").set_index("source")  # charts credit every source they use
    assert credits.at["curated", "credit"].startswith("the models' makers")
    chart = audit.audit(tmp_path / "processed")["maker"]["size_vs_mmlu"]  # the chart's points, as 03_size_vs_mmlu draws them
    assert chart["values"] == len(size_vs_mmlu.ours(tmp_path / "processed", ["mmlu"])) > 0


@pytest.mark.parametrize("line, column, value, says", [
    (SCOUT_CURATED.replace(",79.6,", ",120,"), "value", "120", "in_range(0, 100)"),
    (SCOUT_CURATED.replace(",base,", ",chat,"), "variant", "chat", "isin"),
    (SCOUT_CURATED.replace(L4, ""), "citation_url", None, "a value (blank not allowed)"),
    (SCOUT_CURATED.replace(",5,,,", ",five,,,"), "shots", "five", ""),
    (SCOUT_CURATED.replace(",5,,,", ",5,yes,,"), "cot", "yes", "isin"),
])
def test_a_bad_curated_score_row_names_file_row_column_and_value(fixture_raw, line, column, value, says):
    write(fixture_raw, SCOUT_CURATED, line)
    with pytest.raises(DataError) as exc:
        load(fixture_raw)
    e = exc.value
    assert str(e.file).endswith(SCORES_CSV) and str(e.row) == "3" and e.column == column
    assert (value is None and pd.isna(e.value)) or str(e.value) == value
    assert says in str(e)


def test_a_curated_score_cites_the_makers_own_page_once_per_setting(fixture_raw):
    write(fixture_raw, SCOUT_CURATED, SCOUT_CURATED.replace(L4, "https://llm-stats.com/models/llama-4-scout"))
    with pytest.raises(DataError, match="a page of the maker of meta-llama/llama-4-scout-17b-16e") as exc:
        load(fixture_raw)
    assert (exc.value.row, exc.value.column) == (3, "citation_url")
    write(fixture_raw, SCOUT_CURATED, SCOUT_CURATED.replace(",79.6,", ",79.0,"))
    with pytest.raises(DataError, match="one row per model, benchmark and setting") as exc:
        load(fixture_raw)
    assert exc.value.row == 3


def test_a_curated_score_names_a_known_model():
    with pytest.raises(DataError, match="the id of a model") as exc:
        clean.check_known_models(pd.DataFrame({"model_id": ["meta-llama/llama-4-scout-17b-16e", "meta-llama/llama-4-scuot"]}),
                                 {"meta-llama/llama-4-scout-17b-16e"}, SCORES_CSV)
    assert (exc.value.row, exc.value.value) == (3, "meta-llama/llama-4-scuot")
