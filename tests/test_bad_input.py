"""Bad input stops with one error naming file, row, column and value."""


import pandas as pd
import pytest

from conftest import FIXTURE_RAW, SOURCES
from llmscale import clean, identity, manifest, schema
from llmscale.errors import DataError
from llmscale.ingest import ingest_all
from llmscale.sources import cjtrowbridge, epoch_open_model_trends

CJT = cjtrowbridge.KEY + "/" + cjtrowbridge.FILES[0]
EPOCH = epoch_open_model_trends.KEY + "/" + epoch_open_model_trends.FILES[0]


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture no longer holds {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def clean_one(raw, key, tmp_path):
    """Ingest and clean one source of a (possibly broken) raw copy, skipping the hash check."""
    reader = {"cjtrowbridge": cjtrowbridge, "epoch-open-model-trends": epoch_open_model_trends}[key]
    rows = reader.ingest(raw)
    corr = clean.load_curated(raw / "curated", "corrections.csv", schema.CORRECTIONS)
    aliases = clean.load_curated(raw / "curated", "aliases.csv", schema.ALIASES)
    rows = clean.apply_corrections(rows, corr, key, raw / key / reader.FILES[0], raw / "curated" / "corrections.csv")
    registry = identity.Registry(aliases["model_id"])
    return clean.clean_source(key, rows, raw, aliases, registry)[:2]


def assert_located(exc, file_end, row, column, value):
    e = exc.value
    assert str(e.file).endswith(file_end)
    assert str(e.row) == str(row)
    assert e.column == column
    assert str(value) in str(e.value)
    msg = str(e)
    assert f"row {row}" in msg and repr(column) in msg and repr(e.value) in msg and "expected" in msg


@pytest.mark.parametrize(
    "old, new, row, column, value",
    [
        ("Mistral 7B,62.50%", "Mistral 7B,62.5O%", 4, "MMLU", "62.5O%"),  # letter O for zero
        ("Llama 3.2 1B,49.30%", "Llama 3.2 1B,149.30%", 2, "MMLU", "149.30%"),  # out of range
        ("Apple OpenElm 1.1B,27.10%,https://huggingface.co/apple/OpenELM#:~:text=OpenELM,1.1",
         "Apple OpenElm 1.1B,27.10%,https://huggingface.co/apple/OpenELM#:~:text=OpenELM,1.1Q", 3, "B Params", "1.1Q"),
    ],
)
def test_cjtrowbridge_bad_cells(fixture_raw, tmp_path, old, new, row, column, value):
    edit(fixture_raw / CJT, old, new)
    with pytest.raises(DataError) as exc:
        clean_one(fixture_raw, "cjtrowbridge", tmp_path)
    assert_located(exc, CJT, row, column, value)


def test_cjtrowbridge_malformed_row(fixture_raw):
    edit(fixture_raw / CJT, "QwQ-32B,78.20%,,32", "QwQ-32B,78.20%,32")
    with pytest.raises(DataError, match=r"row 6.*expected 4 fields"):
        cjtrowbridge.ingest(fixture_raw)


def test_cjtrowbridge_duplicate_model(fixture_raw, tmp_path):
    # without the correction that drops row 7, QwQ-32B has two MMLU scores
    corr = fixture_raw / "curated" / "corrections.csv"
    edit(corr, "cjtrowbridge,7,(row),,,,duplicate of row 6\n", "")
    with pytest.raises(DataError) as exc:
        clean_one(fixture_raw, "cjtrowbridge", tmp_path)
    assert_located(exc, CJT, 7, "model", "qwen/qwq-32b")
    assert "row 6" in str(exc.value)


@pytest.mark.parametrize(
    "old, new, row, column, value",
    [
        ("Mistral 7B,7000000000,\"7,000,000,000\",,2023-10-10,Open",
         "Mistral 7B,7000000000,\"7,000,000,000\",,2023-10-10,Opne", 4, "Open/Closed", "Opne"),
        ("Yi-34B,34000000000", "Yi-34B,34 billion", 14, "Model size (parameters)", "34 billion"),
        ("0.7635", "76.35", 14, "MMLU", "76.35"),  # a percent where Epoch writes fractions
    ],
)
def test_epoch_bad_cells(fixture_raw, tmp_path, old, new, row, column, value):
    edit(fixture_raw / EPOCH, old, new)
    with pytest.raises(DataError) as exc:
        clean_one(fixture_raw, "epoch-open-model-trends", tmp_path)
    assert_located(exc, EPOCH, row, column, value)


def test_epoch_bad_date_is_caught_by_the_schema(fixture_raw, tmp_path):
    edit(fixture_raw / EPOCH, "2023-11-02,Open", "Nov/2023,Open")
    with pytest.raises(DataError) as exc:
        clean_one(fixture_raw, "epoch-open-model-trends", tmp_path)
    assert_located(exc, EPOCH, 14, "release_date", "Nov/2023")


def test_epoch_missing_column(fixture_raw):
    edit(fixture_raw / EPOCH, "System,Model size (parameters)", "Name,Model size (parameters)")
    with pytest.raises(DataError, match=r"row 1, column 'System'"):
        epoch_open_model_trends.ingest(fixture_raw)


def test_missing_source_file(fixture_raw, tmp_path):
    (fixture_raw / EPOCH).unlink()
    with pytest.raises(DataError, match="MANIFEST.csv.*the listed raw file to exist"):
        ingest_all(fixture_raw, tmp_path / "interim", SOURCES)
    assert not (tmp_path / "interim").exists() or not any((tmp_path / "interim").iterdir())


def test_unknown_source(fixture_raw, tmp_path):
    with pytest.raises(DataError, match="'nope'"):
        ingest_all(fixture_raw, tmp_path / "interim", ["nope"])


def test_tampered_raw_file_fails_the_hash_check(fixture_raw, tmp_path):
    edit(fixture_raw / CJT, "49.30%", "49.31%")
    with pytest.raises(DataError, match="sha256.*raw files are never edited"):
        ingest_all(fixture_raw, tmp_path / "interim", SOURCES)


def test_correction_that_no_longer_matches_the_raw_value(fixture_raw, tmp_path):
    edit(fixture_raw / "curated" / "corrections.csv", "epoch-open-model-trends,4,Date,2023-10-10", "epoch-open-model-trends,4,Date,2023-10-11")
    with pytest.raises(DataError) as exc:
        clean_one(fixture_raw, "epoch-open-model-trends", tmp_path)
    assert str(exc.value.file).endswith("corrections.csv") and exc.value.row == 5 and exc.value.column == "source_value"
    assert "'2023-10-10'" in str(exc.value)


def test_curated_table_schema(fixture_raw):
    edit(fixture_raw / "curated" / "aliases.csv", "openai/gpt-oss-20b", "OpenAI GPT OSS 20B")
    with pytest.raises(DataError) as exc:
        clean.load_curated(fixture_raw / "curated", "aliases.csv", schema.ALIASES)
    assert exc.value.row == 4 and exc.value.column == "model_id" and exc.value.value == "OpenAI GPT OSS 20B"


def test_scores_schema_rejects_a_bad_row():
    df = pd.DataFrame([
        {"model_id": "a", "benchmark": "mmlu", "value": 50.0, "shots": 5, "cot": False, "variant": "base",
         "reasoning": None, "reporter": "maker", "harness": None, "index_version": None, "source": "s",
         "source_row": "2", "note": None},
        {"model_id": "b", "benchmark": "mmlu", "value": 101.0, "shots": 5, "cot": False, "variant": "base",
         "reasoning": None, "reporter": "maker", "harness": None, "index_version": None, "source": "s",
         "source_row": "3", "note": None},
    ])
    with pytest.raises(DataError) as exc:
        schema.validate(df, schema.SCORES, "scores.csv")
    assert exc.value.row == "3" and exc.value.column == "value" and exc.value.value == 101.0
    assert "between 0 and 100 for benchmark mmlu" in str(exc.value) and "more failure" not in str(exc.value)


def test_manifest_duplicate_entry(fixture_raw):
    man = fixture_raw / "MANIFEST.csv"
    lines = man.read_text().splitlines(keepends=True)
    man.write_text("".join(lines + [lines[1]]))
    with pytest.raises(DataError, match="each file listed once"):
        manifest.load(fixture_raw)


def test_fixture_is_untouched_by_these_tests():
    # the tests above break copies only
    assert manifest.verify(FIXTURE_RAW) is not None


def test_an_alias_for_a_name_the_source_lacks(fixture_raw):
    aliases = clean.load_curated(fixture_raw / "curated", "aliases.csv", schema.ALIASES)
    rows = {"cjtrowbridge": cjtrowbridge.ingest(fixture_raw)}
    clean.check_aliases(aliases, rows, "aliases.csv")
    typo = pd.concat([aliases, pd.DataFrame([{"source": "cjtrowbridge", "source_name": "Mistral 7b", "model_id": "m/x"}])], ignore_index=True)
    with pytest.raises(DataError) as exc:
        clean.check_aliases(typo, rows, "aliases.csv")
    assert exc.value.row == len(typo) + 1 and exc.value.column == "source_name" and exc.value.value == "Mistral 7b"


def test_an_alias_pointing_at_no_known_id_is_located_with_the_nearest_one(fixture_raw, tmp_path):
    (tmp_path / "interim").mkdir()
    (tmp_path / "processed").mkdir()
    ingest_all(fixture_raw, tmp_path / "interim", SOURCES)
    clean.clean_all(fixture_raw, tmp_path / "interim", tmp_path / "processed", SOURCES)  # the fixture as it is: every target known
    aliases = fixture_raw / "curated" / "aliases.csv"
    lines = aliases.read_text(encoding="utf-8").splitlines()
    row = lines.index("epoch-open-model-trends,Mistral 7B,mistralai/mistral-7b-v0.1,") + 1
    edit(aliases, "epoch-open-model-trends,Mistral 7B,mistralai/mistral-7b-v0.1,", "epoch-open-model-trends,Mistral 7B,mistralai/mistral-7b-v01,")
    with pytest.raises(DataError) as exc:
        clean.clean_all(fixture_raw, tmp_path / "interim", tmp_path / "processed", SOURCES)
    assert_located(exc, "aliases.csv", row, "model_id", "mistralai/mistral-7b-v01")
    assert "nearest known id: 'mistralai/mistral-7b-v0.1'" in str(exc.value)


def test_a_registered_id_must_name_a_spelling_its_source_has(fixture_raw, tmp_path):
    (tmp_path / "interim").mkdir()
    ingest_all(fixture_raw, tmp_path / "interim", SOURCES)
    edit(fixture_raw / "curated" / "model_ids.csv", "cjtrowbridge,QwQ-32B,", "cjtrowbridge,QwQ 32B,")
    with pytest.raises(DataError) as exc:
        clean.clean_all(fixture_raw, tmp_path / "interim", tmp_path / "processed", SOURCES)
    assert_located(exc, "model_ids.csv", 3, "source_name", "QwQ 32B")


def test_registered_ids_are_alias_targets_and_a_misspelt_target_names_the_nearest():
    from conftest import ROOT

    curated = ROOT / "data/raw/curated"
    aliases = clean.load_curated(curated, "aliases.csv", schema.ALIASES)
    registered = clean.load_curated(curated, "model_ids.csv", schema.MODEL_IDS)
    assert registered["model_id"].isin(aliases["model_id"]).all()  # an id is registered only for an alias to point at
    typo = aliases.copy()
    typo.loc[5, "model_id"] = typo.loc[5, "model_id"] + "x"
    known = set(aliases["model_id"])
    with pytest.raises(DataError) as exc:
        identity.check_alias_targets(typo, known, curated / "aliases.csv")
    assert exc.value.row == 7 and exc.value.column == "model_id"
    assert str(exc.value).endswith(f"nearest known id: {aliases.loc[5, 'model_id']!r}")


# --- audited faults: each reproduced on a broken copy of the fixture ------------------------------

from llmscale import io as llio  # noqa: E402
from llmscale import reconcile  # noqa: E402

CURATED = "curated/models.csv"


def check_curated(raw):
    facts = clean.load_curated(raw / "curated", "models.csv", schema.CURATED_FACTS)
    makers = clean.load_curated(raw / "curated", "makers.csv", schema.MAKERS)
    return reconcile.check_curated(facts, raw / CURATED, makers)


@pytest.mark.parametrize("value, says", [
    ("7e9", "no exponent"), ("inf", "no exponent"), ("nan", "no exponent"), ("-7.3", "no exponent"),
    ("7,3", "no exponent"), ("7000000", "between 0.001 and 100000"), ("0", "between 0.001 and 100000"),
])
def test_a_curated_size_is_a_plain_number_in_a_plausible_range(fixture_raw, value, says):
    edit(fixture_raw / CURATED, "mistralai/mistral-7b-v0.1,total_params_b,7.3,", f'mistralai/mistral-7b-v0.1,total_params_b,"{value}",')
    with pytest.raises(DataError) as exc:
        check_curated(fixture_raw)
    assert_located(exc, CURATED, 3, "value", value)
    assert says in str(exc.value)


def test_a_curated_count_is_a_whole_number(fixture_raw):
    edit(fixture_raw / CURATED, "hidden_size,4096,", "hidden_size,4096.5,")
    with pytest.raises(DataError, match="a whole number for hidden_size") as exc:
        check_curated(fixture_raw)
    assert_located(exc, CURATED, 5, "value", "4096.5")


def test_a_curated_date_must_be_a_calendar_date(fixture_raw):
    edit(fixture_raw / CURATED, "release_date,,not_looked_up,,",
         "release_date,2024-13-45,sourced,https://mistral.ai/news/announcing-mistral-7b,fixture")
    with pytest.raises(DataError, match="a real calendar date") as exc:
        check_curated(fixture_raw)
    assert_located(exc, CURATED, 7, "value", "2024-13-45")


@pytest.mark.parametrize("date", ["2023-13-45", "2023-02-29"])
def test_a_raw_date_must_be_a_calendar_date(fixture_raw, tmp_path, date):
    edit(fixture_raw / EPOCH, "2023-11-02,Open", f"{date},Open")
    with pytest.raises(DataError, match="a real calendar date") as exc:
        clean_one(fixture_raw, "epoch-open-model-trends", tmp_path)
    assert_located(exc, EPOCH, 14, "release_date", date)


def test_a_negative_score_says_below_0(fixture_raw, tmp_path):
    edit(fixture_raw / CJT, "Mistral 7B,62.50%", "Mistral 7B,-62.50%")
    with pytest.raises(DataError, match="is below 0") as exc:
        clean_one(fixture_raw, "cjtrowbridge", tmp_path)
    assert_located(exc, CJT, 4, "MMLU", "-62.50%")


def test_an_unlisted_file_in_a_source_folder_is_refused(fixture_raw, tmp_path):
    extra = fixture_raw / "epoch-open-model-trends" / "data" / "more_models.csv"
    extra.write_text((fixture_raw / EPOCH).read_text())
    with pytest.raises(DataError, match="listed here with its sha256") as exc:
        ingest_all(fixture_raw, tmp_path / "interim", SOURCES)
    assert exc.value.value == "epoch-open-model-trends/data/more_models.csv"
    assert str(exc.value.file).endswith("MANIFEST.csv")
    assert not (tmp_path / "interim").exists()


def test_bytes_that_are_not_utf8_are_located(fixture_raw, tmp_path):
    path = fixture_raw / CJT
    path.write_bytes(path.read_bytes().replace(b"Mistral 7B", b"Mistral 7\xff", 1))
    with pytest.raises(DataError, match="UTF-8") as exc:
        cjtrowbridge.ingest(fixture_raw)
    assert (exc.value.line, exc.value.char) == (4, 10) and str(exc.value.file).endswith(CJT)
    assert "line 4, character 10" in str(exc.value)
    aliases = fixture_raw / "curated" / "aliases.csv"
    lines = aliases.read_bytes().split(b"\n")
    aliases.write_bytes(b"\n".join([*lines[:2], lines[2] + b"\xe9", *lines[3:]]))  # Latin-1 'e acute'
    with pytest.raises(DataError, match=r"aliases.csv, line 3, character \d+") as exc:
        clean.load_curated(fixture_raw / "curated", "aliases.csv", schema.ALIASES)


def test_a_csv_cut_short_is_refused(fixture_raw):
    path = fixture_raw / CJT
    text = path.read_text()
    path.write_text(text.rstrip("\n").rsplit(",", 1)[0])  # the last line loses its last field and newline
    with pytest.raises(DataError, match="looks cut short") as exc:
        cjtrowbridge.ingest(fixture_raw)
    assert exc.value.line == text.rstrip("\n").count("\n") + 1
    path.write_text(text.rstrip("\n") + ',"unclosed')
    with pytest.raises(DataError, match="ends inside a quoted field"):
        cjtrowbridge.ingest(fixture_raw)


def test_a_full_disk_names_the_file(tmp_path, monkeypatch):
    import os
    import tempfile

    target = tmp_path / "scores.csv"
    target.write_text("previous\n")
    real = tempfile.mkstemp

    def on_a_full_disk(*args, **kwargs):
        fd, name = real(*args, **kwargs)
        os.close(fd)
        return os.open("/dev/full", os.O_WRONLY), name  # writes fail with ENOSPC (errno 28)

    monkeypatch.setattr(tempfile, "mkstemp", on_a_full_disk)
    with pytest.raises(OSError) as exc:
        llio.write_table(pd.DataFrame({"a": range(20000)}), target)
    assert exc.value.errno == 28
    assert str(exc.value).startswith(f"could not write {target}: the disk is full")
    assert target.read_text() == "previous\n" and [p.name for p in tmp_path.iterdir()] == ["scores.csv"]


def test_yaml_errors_name_line_and_character(tmp_path):
    bad = tmp_path / "claims.yaml"
    bad.write_text("- id: a\n  text: fine\n- id: b\n  text: [unclosed\n  check: x\n")
    from llmscale import claims

    with pytest.raises(DataError) as exc:
        claims.load_claims(bad)
    assert exc.value.line is not None and exc.value.char is not None
    assert f"line {exc.value.line}, character {exc.value.char}" in str(exc.value)
    bad.write_text("a: 1\n b: 2\n")
    with pytest.raises(DataError, match=r"line 2, character 3: .*expected valid YAML \(mapping values are not allowed here\)"):
        llio.read_yaml(bad)


@pytest.mark.parametrize("old, new, key, meant", [
    ("table: scores", "table: scorez", ".table", "scores"),
    ("column: value", "column: valeu", ".column", "value"),
])
def test_a_claim_naming_a_misspelt_table_or_column_is_an_error(tmp_path, old, new, key, meant):
    from conftest import ROOT
    from llmscale import claims

    text = (ROOT / "data/raw/curated/claims.yaml").read_text(encoding="utf-8")
    assert old in text
    bad = tmp_path / "claims.yaml"
    bad.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(DataError, match=f"did you mean '{meant}'") as exc:
        claims.load_claims(bad)
    assert exc.value.value == new.split(": ")[1] and exc.value.column.endswith(key)
    assert exc.value.row  # the claim's id
    claims.load_claims(ROOT / "data/raw/curated/claims.yaml")  # a column no table has yet (country) is not a typo
