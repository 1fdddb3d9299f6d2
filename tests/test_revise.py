"""The codebook revision workflow (README, "Revise the codebook"), end to end on a tiny
codebook and hand coding in tmp_path."""

from __future__ import annotations

import subprocess
import sys

import pytest
import yaml

from coding_fixture import write
from dronediplomacy.coding import codebook as cb
from dronediplomacy.coding import hand_coding, revise
from dronediplomacy.errors import InputError


def revised(files, version="1.1.0", code="private_agency", field="definition"):
    """Copy the codebook to old.yaml, then change one field of one code and the version."""
    old = files["codebook"].with_name("old.yaml")
    old.write_bytes(files["codebook"].read_bytes())
    data = yaml.safe_load(files["codebook"].read_text(encoding="utf-8"))
    data["version"] = version
    for dimension in data["dimensions"]:
        for entry in dimension["codes"]:
            if entry["id"] == code and isinstance(entry[field], dict):
                entry[field]["text"] = "A revised sentence that shows something else."
            elif entry["id"] == code:
                entry[field] = "A revised text that means something else."
    files["codebook"].write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return old


def run(*args, cwd):
    return subprocess.run([sys.executable, "-m", "dronediplomacy.coding.revise", *map(str, args)],
                          cwd=cwd, capture_output=True, text=True, timeout=120)


def test_revision_lists_changes_and_restamps_only_unchanged_codes(tmp_path):
    files = write(tmp_path)
    old = revised(files)
    before = files["hand_coding"].read_text(encoding="utf-8")
    listed = run(old, "--codebook", files["codebook"], "--hand-coding", files["hand_coding"],
                 cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert "accountability_move.private_agency: changed: definition" in listed.stdout
    assert "credit_claiming" not in listed.stdout.split("need review")[0].split("changed.")[1]
    assert files["hand_coding"].read_text(encoding="utf-8") == before   # listing writes nothing

    applied = run(old, "--codebook", files["codebook"], "--hand-coding", files["hand_coding"],
                  "--apply", cwd=tmp_path)
    assert applied.returncode == 0, applied.stderr
    after = files["hand_coding"].read_text(encoding="utf-8").splitlines()
    changed_line = next(i for i, line in enumerate(after, 1) if ",private_agency," in line)
    assert after[changed_line - 1].endswith(",1.0.0")                   # kept for review
    others = [line for i, line in enumerate(after[1:], 2) if i != changed_line]
    assert all(line.endswith(",1.1.0") for line in others)
    # only the version cells changed
    assert [line.rsplit(",", 1)[0] for line in after] == \
           [line.rsplit(",", 1)[0] for line in before.splitlines()]

    # the validation names the row left for review, with the fix
    new_book = cb.load_codebook(files["codebook"])
    with pytest.raises(InputError, match="revise") as error:
        hand_coding.load_hand_coding(files["hand_coding"], new_book)
    assert (error.value.row, error.value.column) == (changed_line, "codebook_version")
    assert "1.1.0" in error.value.fix

    # after review, the researcher updates the row's version: the hand coding loads
    lines = files["hand_coding"].read_text(encoding="utf-8").replace(",1.0.0", ",1.1.0")
    files["hand_coding"].write_text(lines, encoding="utf-8")
    assert len(hand_coding.load_hand_coding(files["hand_coding"], new_book)) == len(after) - 1


def test_a_changed_code_without_a_new_version_is_refused(tmp_path):
    files = write(tmp_path)
    old = revised(files, version="1.0.0", field="include")
    with pytest.raises(InputError, match="bump the version") as error:
        revise.plan(cb.load_codebook(old), cb.load_codebook(files["codebook"]), files["hand_coding"])
    assert error.value.column == "version"


def test_reflowed_text_is_no_change_but_a_move_change_touches_none(tmp_path):
    files = write(tmp_path)
    old_book = cb.load_codebook(files["codebook"])
    text = files["codebook"].read_text(encoding="utf-8")
    files["codebook"].write_text(text.replace("The statement shows", "The statement   shows"),
                                 encoding="utf-8")
    same = cb.load_codebook(files["codebook"])
    assert same.data != old_book.data
    assert revise.changed_codes(old_book, same) == {}
    old = revised(files, code="credit_claiming", field="example")
    changes = revise.changed_codes(cb.load_codebook(old), cb.load_codebook(files["codebook"]))
    assert set(changes) == {("accountability_move", "credit_claiming"),
                            ("accountability_move", "none")}
