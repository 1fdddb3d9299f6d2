"""The data dictionary (data/README.md) is generated from the schemas and kept current."""

from __future__ import annotations

import os

from dronediplomacy.reporting import data_dictionary as dictionary
from dronediplomacy.reporting.data_dictionary import DICTIONARY_PATH, is_stale, render_dictionary, write_dictionary
from dronediplomacy.inputs.schemas import MODES, REFERENCES, TABLE_SPECS
from dronediplomacy.inputs.verify import NORMALISATION_RULE


def test_data_readme_is_up_to_date():
    assert not is_stale(), ("data/README.md is stale: run "
                            "'.venv/bin/python -m dronediplomacy.reporting.data_dictionary' and commit the result")


def test_every_column_is_documented_with_its_meaning():
    text = render_dictionary()
    for spec in TABLE_SPECS:
        assert f"## {spec.name} (`data/input/{spec.file}`)" in text
        for name, column in spec.schema.columns.items():
            assert f"| `{name}` |" in text and column.description.replace("|", "\\|") in text, \
                (spec.name, name)


def test_allowed_values_rules_and_references_come_from_the_schemas():
    text = render_dictionary()
    assert " \\| ".join(f"`{mode}`" for mode in MODES) in text
    for ref in REFERENCES:
        assert f"`{ref.column}` → `{ref.target}.{ref.target_column}`" in text
    for spec in TABLE_SPECS:
        for check in spec.schema.checks:
            assert str(check.error) in text
    assert NORMALISATION_RULE in text


def test_write_is_deterministic_and_leaves_identical_bytes_untouched(tmp_path):
    target = tmp_path / "README.md"
    write_dictionary(target)
    assert target.read_text(encoding="utf-8") == render_dictionary()
    os.utime(target, (1_000_000, 1_000_000))
    write_dictionary(target)
    assert target.stat().st_mtime == 1_000_000


def test_check_command_fails_when_stale(tmp_path, monkeypatch, capsys):
    stale = tmp_path / "README.md"
    stale.write_text("# old dictionary\n", encoding="utf-8")
    monkeypatch.setattr(dictionary, "DICTIONARY_PATH", stale)
    assert dictionary.main(["--check"]) == 1
    assert "stale" in capsys.readouterr().err
    assert dictionary.main([]) == 0
    assert dictionary.main(["--check"]) == 0
    assert DICTIONARY_PATH != stale  # the real file was not touched
