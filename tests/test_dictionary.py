"""The data dictionary (data/README.md) and the data package (data/datapackage.json) are
generated from data/tables.yaml and kept current; the package validates with frictionless,
and a broken foreign key is caught."""

from __future__ import annotations

import csv
import json
import os
import shutil

import frictionless
import pytest

from dronediplomacy import text
from dronediplomacy.inputs.schemas import DESCRIPTOR, SPECS_BY_NAME, TABLE_SPECS, build_schema
from dronediplomacy.paths import DATA
from dronediplomacy.reporting.data_dictionary import (DICTIONARY_PATH, PACKAGE_PATH, datapackage,
                                                      render_dictionary, render_package,
                                                      write_dictionary)


def test_data_readme_and_package_are_up_to_date():
    assert DICTIONARY_PATH.read_text(encoding="utf-8") == render_dictionary(), ("data/README.md is stale: run "
                            "'.venv/bin/python -m dronediplomacy.reporting.data_dictionary' and commit the result")
    assert PACKAGE_PATH.read_text(encoding="utf-8") == render_package()


def test_every_column_of_every_table_is_documented_with_its_meaning():
    rendered = render_dictionary()
    for resource in DESCRIPTOR["resources"]:
        assert f"## {resource['name']} (`data/{resource['path']}`)" in rendered
        for field in resource["schema"]["fields"]:
            assert len(field["description"]) > 10, (resource["name"], field["name"])
            assert f"| `{field['name']}` |" in rendered
            assert field["description"].replace("|", "\\|") in rendered, field["name"]


def test_allowed_values_rules_and_references_come_from_the_descriptor():
    rendered = render_dictionary()
    for resource in DESCRIPTOR["resources"]:
        for field in resource["schema"]["fields"]:
            if "enum" in field.get("constraints", {}):
                assert " \\| ".join(f"`{v}`" for v in field["constraints"]["enum"]) in rendered
        for key in resource["schema"].get("foreignKeys", []):
            target = key["reference"]
            assert f"`{key['fields']}` → `{target['resource']}.{target['fields']}`" in rendered
    for spec in TABLE_SPECS:
        for check in spec.schema.checks:
            assert str(check.error) in rendered
    assert text.RULE in rendered


def test_the_schema_follows_an_edit_of_the_descriptor():
    """One source of truth: a value added to an enum in the descriptor is allowed by the schema."""
    resource = json.loads(json.dumps(SPECS_BY_NAME["statements"].resource))
    mode = next(f for f in resource["schema"]["fields"] if f["name"] == "mode")
    mode["constraints"]["enum"].append("rumour")
    column = build_schema(resource).columns["mode"]
    assert "rumour" in column.checks[0].statistics["allowed_values"]
    assert column.nullable is False


def _copy_data(tmp_path):
    folder = tmp_path / "data"
    for part in ("input", "raw", "derived"):
        shutil.copytree(DATA / part, folder / part)
    return folder


def test_write_is_deterministic_and_leaves_identical_bytes_untouched(tmp_path):
    folder = _copy_data(tmp_path)
    write_dictionary(folder)
    assert (folder / "README.md").read_text(encoding="utf-8") == render_dictionary()
    for name in ("README.md", "datapackage.json"):
        os.utime(folder / name, (1_000_000, 1_000_000))
    write_dictionary(folder)
    assert all((folder / name).stat().st_mtime == 1_000_000
               for name in ("README.md", "datapackage.json"))


def test_derived_columns_that_follow_the_codebook_come_from_the_csv_header(tmp_path):
    folder = _copy_data(tmp_path)
    resource = next(r for r in DESCRIPTOR["resources"] if "otherFields" in r)
    path = folder / resource["path"]
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(
            [rows[0] + ["a_new_code"]] + [row + ["0"] for row in rows[1:]])
    described = next(r for r in datapackage(folder)["resources"] if r["name"] == resource["name"])
    names = [field["name"] for field in described["schema"]["fields"]]
    assert names == rows[0] + ["a_new_code"]
    assert described["schema"]["fields"][-1]["type"] == resource["otherFields"]["type"]


# --- validation with frictionless itself ------------------------------------------------------

def _validate(folder):
    (folder / "datapackage.json").write_text(render_package(folder), encoding="utf-8")
    return frictionless.validate(str(folder / "datapackage.json"))


def test_the_data_package_validates_with_frictionless():
    report = frictionless.validate(str(PACKAGE_PATH))
    assert report.valid, [(task.name, error.type, error.note) for task in report.tasks
                          for error in task.errors]


def test_a_broken_foreign_key_is_caught_by_frictionless(tmp_path):
    folder = _copy_data(tmp_path)
    assert _validate(folder).valid
    resource = next(r for r in DESCRIPTOR["resources"] if r.get("validated")
                    and any("when" not in k and "delimiter" not in k
                            for k in r["schema"].get("foreignKeys", [])))
    key = next(k for k in resource["schema"]["foreignKeys"] if not {"when", "delimiter"} & set(k))
    path = folder / resource["path"]
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    rows[1][rows[0].index(key["fields"])] = "no_such_row"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    report = _validate(folder)
    assert not report.valid
    errors = [(task.name, error.type, error.row_number) for task in report.tasks
              for error in task.errors]
    assert errors == [(resource["name"], "foreign-key", 2)], errors
