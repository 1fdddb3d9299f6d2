"""The new-statements command, run as a user runs it (a subprocess), and its bad-input
variants through the same main() in-process."""

from __future__ import annotations

import csv
import importlib
import io
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from coding_fixture import write
from dronediplomacy import paths

MOVES = ["credit_claiming", "private_agency", "bloc_threat_perception"]  # the tiny dictionary's (tests/coding_fixture.py)
HEADER = ["id", *MOVES, "named_agent", "alignment", "evidence"]


def tiny(folder: Path) -> list[str]:
    """The options that select the tiny dictionary and codebook written to ``folder``."""
    files = write(folder)
    return ["--patterns", str(files["patterns"]), "--codebook", str(files["codebook"])]


def run(*args, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dronediplomacy.coding.coder_cli", *map(str, args),
                           *tiny(cwd)], cwd=cwd, capture_output=True, text=True, timeout=120)


def read_output(path: Path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def test_codes_a_csv_it_has_never_seen(tmp_path):
    source = tmp_path / "INPUT.csv"
    # A spreadsheet export: byte order mark, CRLF, an extra column, a quoted field
    # with a comma and a line break, and free-text conflict and speaker.
    source.write_bytes(
        "\ufeffid,conflict,speaker,text,notes\r\n"
        "n2,Libya 2020,a defence minister,\"The drones were sold by a private company,\r\n"
        "not by the government.\",x\r\n"
        "n1,a border war,an ambassador,Ankara's drones made our victory.,\r\n"
        "n3,,,\"The weather was mild.\",\r\n".encode("utf-8"))
    result = run(source, "OUTPUT.csv", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    output = tmp_path / "OUTPUT.csv"
    text = output.read_text(encoding="utf-8")
    assert text.splitlines()[0] == ",".join(HEADER) and "\r" not in text
    rows = read_output(output)
    assert [r["id"] for r in rows] == ["n2", "n1", "n3"]                # input order
    assert rows[0]["private_agency"] == "1" and rows[0]["named_agent"] == "turkish_company"
    assert rows[0]["alignment"] == "-1"
    assert rows[1]["credit_claiming"] == "1" and rows[1]["named_agent"] == "turkish_state"
    assert all(rows[2][m] == "0" for m in MOVES) and rows[2]["alignment"] == "0"
    assert all(r[m] in {"0", "1"} for r in rows for m in MOVES)
    assert all(int(r["alignment"]) in range(-1, 2) for r in rows)
    # the evidence: the words behind each code given, nothing for a statement without codes
    assert rows[0]["evidence"] == ("private_agency: 'private company'; "
                                   "named_agent=turkish_company: 'private company'; "
                                   "alignment=dissociation: 'private company'")
    assert rows[2]["evidence"] == ""


SPREADSHEET = [["Id ", " TEXT", "Speaker"], ["n1", "A private firm; sold them.", "x"],
               ["n2", "Thanks to us.", ""]]


@pytest.mark.parametrize("separator", [",", ";", "\t"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])
def test_reads_what_spreadsheets_save(tmp_path, separator, encoding):
    """Comma, semicolon or tab; UTF-8 with or without a byte order mark, UTF-16 with one
    (Python's utf-16 codec writes it); header names trimmed and case-folded; only id and
    text required (speaker is ignored)."""
    from dronediplomacy.coding.coder_cli import read_statements
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=separator, lineterminator="\r\n").writerows(SPREADSHEET)
    (tmp_path / "in.csv").write_bytes(buffer.getvalue().encode(encoding))
    statements = read_statements(tmp_path / "in.csv")
    assert statements.to_dict("list") == {"id": ["n1", "n2"],
                                          "text": ["A private firm; sold them.", "Thanks to us."]}


@pytest.mark.parametrize("content, seems", [
    ("id|text\n1|a\n".encode("utf-8"), "comma-separated UTF-8 with the columns 'id|text'"),
    ("\ufeffnr;words\n1;a\n".encode("utf-8"), "semicolon-separated UTF-8 with a byte order mark"),
    ("nr\twords\n1\ta\n".encode("utf-16"), "tab-separated UTF-16"),
    (b"id;text\n1;caf\xe9\n", "semicolon-separated text in a legacy encoding"),
])
def test_an_unreadable_table_is_described_with_how_to_save_it(tmp_path, content, seems):
    from dronediplomacy.coding.coder_cli import read_statements
    from dronediplomacy.errors import InputError
    (tmp_path / "in.csv").write_bytes(content)
    with pytest.raises(InputError) as error:
        read_statements(tmp_path / "in.csv")
    assert seems in str(error.value) and "'CSV UTF-8'" in error.value.fix


def test_header_only_input_gives_header_only_output(tmp_path):
    (tmp_path / "in.csv").write_text("id,conflict,speaker,text\n", encoding="utf-8")
    result = run("in.csv", "out.csv", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out.csv").read_text(encoding="utf-8") == ",".join(HEADER) + "\n"


BAD_INPUTS = {
    "missing column": (b"id,conflict,speaker\n1,a,b\n", "row 1, column text"),
    "empty file": (b"", "row 1, column id"),
    "blank file": (b"  \n\n", "row 1, column id"),
    "bad encoding": (b"id,conflict,speaker,text\n1,a,b,caf\xe9\n", "row 2, column text"),
    "duplicate id": (b"id,conflict,speaker,text\n7,a,b,c\n8,a,b,d\n7,a,b,e\n", "row 4, column id"),
    "empty id": (b"id,conflict,speaker,text\n1,a,b,c\n  ,a,b,d\n", "row 3, column id"),
    "too few fields": (b"id,conflict,speaker,text\n1,a,b\n", "row 2, column text"),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_input_fails_with_one_message_and_writes_nothing(tmp_path, case, capsys,
                                                            monkeypatch):
    # In-process (the command's own main()): each variant as a subprocess cost a second
    # of the suite; the tests below and tests/test_bad_inputs.py run it as a subprocess.
    from dronediplomacy.coding.coder_cli import main

    content, where = BAD_INPUTS[case]
    (tmp_path / "in.csv").write_bytes(content)
    monkeypatch.chdir(tmp_path)
    assert main(["in.csv", "out.csv"]) != 0  # an exception here would fail the test
    captured = capsys.readouterr()
    lines = [line for line in captured.err.splitlines() if line.strip()]
    assert len(lines) == 1, captured.err
    assert "in.csv" in lines[0] and where in lines[0]
    assert captured.out == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]   # no output, no temp file


def test_missing_input_file_fails_cleanly(tmp_path):
    result = run("nowhere.csv", "out.csv", cwd=tmp_path)
    assert result.returncode != 0 and "nowhere.csv" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "out.csv").exists()


def test_bad_input_leaves_an_existing_output_untouched(tmp_path):
    (tmp_path / "in.csv").write_bytes(b"id,words\n1,a\n")
    (tmp_path / "out.csv").write_text("old results\n", encoding="utf-8")
    result = run("in.csv", "out.csv", cwd=tmp_path)
    assert result.returncode != 0
    assert (tmp_path / "out.csv").read_text(encoding="utf-8") == "old results\n"


def test_console_script_declared_in_pyproject_is_main():
    scripts = tomllib.loads((paths.ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    module, function = scripts["code-statements"].split(":")
    entry = getattr(importlib.import_module(module), function)
    from dronediplomacy.coding import coder_cli
    assert entry is coder_cli.main


def test_main_returns_exit_codes_in_process(tmp_path, capsys):
    from dronediplomacy.coding.coder_cli import main
    source = tmp_path / "in.csv"
    source.write_text("id,conflict,speaker,text\na,x,y,Thanks to us.\n", encoding="utf-8")
    assert main([str(source), str(tmp_path / "out.csv"), *tiny(tmp_path)]) == 0
    assert read_output(tmp_path / "out.csv")[0]["credit_claiming"] == "1"
    source.write_text("id,conflict,speaker\n", encoding="utf-8")
    assert main([str(source), str(tmp_path / "out2.csv")]) == 1
    assert "column text" in capsys.readouterr().err


def test_installed_console_script_if_present(tmp_path):
    script = Path(sys.executable).parent / "code-statements"
    if not script.exists() and shutil.which("code-statements") is None:
        pytest.skip("the console script is not installed in this environment; install the "
                    "package (pip install -e .) to get .venv/bin/code-statements")
    script = script if script.exists() else Path(shutil.which("code-statements"))
    (tmp_path / "INPUT.csv").write_text("id,conflict,speaker,text\n1,a,b,a private firm\n",
                                        encoding="utf-8")
    result = subprocess.run([str(script), "INPUT.csv", "OUTPUT.csv", *tiny(tmp_path)], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert read_output(tmp_path / "OUTPUT.csv")[0]["private_agency"] == "1"
