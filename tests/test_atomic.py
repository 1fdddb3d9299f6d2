"""Atomic writes: the target holds the old bytes or the new, never a mixture."""

import pytest

from dronediplomacy import atomic


def test_write_replaces_content(tmp_path):
    target = tmp_path / "out" / "table.csv"
    atomic.write_text(target, "a\n1\n")
    atomic.write_text(target, "a\n2\n")
    assert target.read_text() == "a\n2\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["table.csv"]


def test_failure_inside_writer_keeps_old_bytes_and_no_temp_file(tmp_path):
    target = tmp_path / "figure.svg"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError):
        with atomic.atomic_path(target) as tmp:
            tmp.write_bytes(b"half")
            raise RuntimeError("interrupted")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["figure.svg"]


def test_identical_content_does_not_touch_the_file(tmp_path):
    target = tmp_path / "same.txt"
    atomic.write_text(target, "x")
    stamp = target.stat().st_mtime_ns
    atomic.write_text(target, "x")
    assert target.stat().st_mtime_ns == stamp
