"""The catalogue of bad inputs (src/dronediplomacy/inputs/bad_inputs.yaml), case by case.

Every case breaks a copy of one input the way a person editing it might, and checks what
that person reads: one InputError naming the file, the row, the column (or YAML key) and
the fix, with no pandas or pandera traceback chained to it. The cases marked with a user
path are also run as the user runs them (the notebook runner or code-statements, in a
subprocess, on a temporary copy of the repository): one message, a non-zero exit, and not
one byte written. The harmless variants (byte order mark, Windows line endings, spaces
around cells) must give exactly what the clean file gives.

The older per-module tests (test_schemas, test_tables, test_verify, test_codebook,
test_coder_cli, test_sipri) check the loaders' details; this module is the user-facing
contract, and the README's list is generated from the same catalogue.
"""

from __future__ import annotations

import ast
import csv
import io
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pandas as pd
import pytest
import yaml

from dronediplomacy.inputs import bad_inputs as catalogue
from dronediplomacy.coding import codebook
from dronediplomacy.coding import coder
from dronediplomacy.coding import coder_cli
from dronediplomacy.coding import codings as coding
from dronediplomacy.coding import hand_coding
from dronediplomacy import paths
from dronediplomacy import pipeline
from dronediplomacy.inputs import sipri
from dronediplomacy.inputs.bad_inputs import CASES, HARMLESS
from dronediplomacy.errors import InputError
from dronediplomacy.inputs.tables import load_tables
from dronediplomacy.inputs.verify import verify_sources
from sandbox import environment, make_sandbox, snapshot

pytestmark = pytest.mark.slow  # run first: see tests/conftest.py

SIPRI_FILE = "sipri_trade_register_turkiye.csv"


# --- a copy of the inputs to break ---------------------------------------------------------

@dataclass
class Workspace:
    """A folder holding copies of every input a case can break (data/input/*, the SIPRI
    export, the new-statements INPUT.csv), and the folder of source texts (source cases
    use the made-up source of conftest.py)."""
    inputs: Path
    texts: Path | None = None

    def path(self, name: str) -> Path:
        return self.inputs / name


def copy_inputs(folder: Path) -> Workspace:
    shutil.copytree(paths.DATA_INPUT, folder)
    shutil.copy(paths.DATA_RAW / SIPRI_FILE, folder / SIPRI_FILE)
    (folder / "INPUT.csv").write_text(
        "id,conflict,speaker,text\n7,a border war,a minister,We stand with our brothers.\n"
        "8,a border war,an ambassador,Your drones are killing our soldiers.\n", encoding="utf-8")
    return Workspace(folder)


def read_rows(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def set_cell(path: Path, row_key: str, column: str, value: str) -> None:
    """Set ``column`` of the row whose first cell is ``row_key`` ('#2' = the first row)."""
    rows = read_rows(path)
    header = rows[0]
    row = rows[1] if row_key == "#2" else next(r for r in rows[1:] if r[0] == row_key)
    row[header.index(column)] = value
    write_rows(path, rows)


def replace_once(path: Path, old: str, new: str, *, encoding: str = "utf-8") -> int:
    """Replace the first ``old`` by ``new`` (``new`` alone written in ``encoding``, the rest of
    the file stays UTF-8); return the line on which ``new`` starts."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not in {path.name}"
    start = text.index(old)
    path.write_bytes(text[:start].encode() + new.encode(encoding) + text[start + len(old):].encode())
    return text[:start].count("\n") + 1


# --- how each case breaks its input (returns the row to expect when it depends on the file)

BREAKS: dict[str, Callable[[Workspace], object]] = {}


def breaks(case_id: str):
    def register(function):
        BREAKS[case_id] = function
        return function
    return register


@breaks("table-renamed-column")
def _(ws):
    rows = read_rows(ws.path("events.csv"))
    rows[0][rows[0].index("qualifier")] = "hedge"
    write_rows(ws.path("events.csv"), rows)


@breaks("table-unknown-column")
def _(ws):
    rows = read_rows(ws.path("claims.csv"))
    write_rows(ws.path("claims.csv"), [rows[0] + ["strength"]] + [r + ["high"] for r in rows[1:]])


@breaks("table-empty-file")
def _(ws):
    ws.path("actors.csv").write_bytes(b"")


@breaks("table-header-only")
def _(ws):
    write_rows(ws.path("statements.csv"), read_rows(ws.path("statements.csv"))[:1])


@breaks("table-invisible-character")
def _(ws):
    text = read_rows(ws.path("statements.csv"))
    row = next(r for r in text[1:] if r[0] == "st01")
    set_cell(ws.path("statements.csv"), "st01", "text",
             row[text[0].index("text")].replace(" ", "\u00a0", 1))


@breaks("table-decomposed-accent")
def _(ws):
    set_cell(ws.path("actors.csv"), "kiran", "name", "Kira\u0301n")


@breaks("table-duplicate-id")
def _(ws):
    set_cell(ws.path("statements.csv"), "st03", "statement_id", "st02")


@breaks("table-dangling-reference")
def _(ws):
    set_cell(ws.path("statements.csv"), "st01", "actor_id", "nobody")


@breaks("table-unknown-conflict")
def _(ws):
    set_cell(ws.path("events.csv"), "ev01", "conflict_id", "atlantis")


@breaks("table-unknown-value")
def _(ws):
    set_cell(ws.path("statements.csv"), "st06", "mode", "stance")


@breaks("table-malformed-date")
def _(ws):
    set_cell(ws.path("events.csv"), "ev03", "date_earliest", "24/02/2026")


@breaks("table-impossible-date")
def _(ws):
    set_cell(ws.path("events.csv"), "ev03", "date_earliest", "2026-02-30")
    set_cell(ws.path("events.csv"), "ev03", "date_latest", "2026-02-30")


@breaks("table-end-before-start")
def _(ws):
    set_cell(ws.path("statements.csv"), "st01", "date_latest", "2020-01-01")


@breaks("table-war-ends-before-start")
def _(ws):
    set_cell(ws.path("conflicts.csv"), "nk2020", "date_end", "2020-01-01")


@breaks("table-paragraph-outside-source")
def _(ws):
    set_cell(ws.path("claims.csv"), "cl01", "paragraph", "99")


@breaks("table-not-utf8")
def _(ws):
    set_cell(ws.path("actors.csv"), "kiran", "country", "T\u00fcrkiye")
    data = ws.path("actors.csv").read_bytes()
    ws.path("actors.csv").write_bytes(data.replace("T\u00fcrkiye".encode(), "T\u00fcrkiye".encode("latin-1")))


@breaks("source-misquoted")
def _(ws):
    set_cell(ws.path("statements.csv"), "st02", "text", "Your lamps dazzle our sailors.")


@breaks("source-anchor-elsewhere")
def _(ws):
    set_cell(ws.path("events.csv"), "ev01", "anchor", "the imaginary rival fleet")


@breaks("source-checksum")
def _(ws):
    text = ws.texts / "madeup.txt"
    text.write_text(text.read_text(encoding="utf-8").replace("invented", "imagined", 1),
                    encoding="utf-8")
    return read_rows(ws.path("sources.csv"))[1][0]


@breaks("codebook-syntax")
def _(ws):
    return replace_once(ws.path("codebook.yaml"), '        label: "Credit claiming"\n',
                        "        label: Credit: claiming\n")


@breaks("codebook-duplicate-key")
def _(ws):
    return replace_once(ws.path("codebook.yaml"), '        label: "Credit claiming"\n',
                        '        label: "Credit claiming"\n        label: "Claiming credit"\n') + 1


@breaks("codebook-no-definition")
def _(ws):
    line = replace_once(ws.path("codebook.yaml"), "      - id: private_agency\n",
                        "      - id: private_agency\n")
    replace_once(ws.path("codebook.yaml"), '        label: "Private agency"\n        definition:',
                 '        label: "Private agency"\n        explanation:')
    return line


@breaks("codebook-boolean-as-text")
def _(ws):
    return replace_once(ws.path("codebook.yaml"), '        label: "Credit claiming"\n',
                        "        label: true\n")


@breaks("codebook-not-utf8")
def _(ws):
    return replace_once(ws.path("codebook.yaml"), '        label: "Credit claiming"\n',
                        '        label: "Cr\u00e9dit claiming"\n', encoding="latin-1")


@breaks("dictionary-bad-pattern")
def _(ws):
    return replace_once(ws.path("coder_patterns.yaml"), "      - '\\b(?:we|i)\\W+",
                        "      - '(\\b(?:we|i)\\W+")


@breaks("dictionary-unknown-code")
def _(ws):
    return replace_once(ws.path("coder_patterns.yaml"), "  credit_claiming:\n",
                        "  credit_claim:\n")


@breaks("hand-unknown-code")
def _(ws):
    set_cell(ws.path("hand_coding.csv"), "#2", "code", "threat")


@breaks("hand-unknown-statement")
def _(ws):
    set_cell(ws.path("hand_coding.csv"), "#2", "statement_id", "st99")


@breaks("hand-statement-not-coded")
def _(ws):
    rows = read_rows(ws.path("hand_coding.csv"))
    write_rows(ws.path("hand_coding.csv"),
               [r for r in rows if not (r[0] == "st05" and r[1] == "stance")])


@breaks("hand-old-codebook-version")
def _(ws):
    set_cell(ws.path("hand_coding.csv"), "#2", "codebook_version", "0.9.0")


@breaks("new-missing-column")
def _(ws):
    ws.path("INPUT.csv").write_text("id;conflict;speaker\n1;a war;someone\n", encoding="utf-8")


@breaks("new-empty-file")
def _(ws):
    ws.path("INPUT.csv").write_bytes(b"")


@breaks("new-duplicate-id")
def _(ws):
    ws.path("INPUT.csv").write_text("id,conflict,speaker,text\n7,a,b,c\n8,a,b,d\n7,a,b,e\n",
                                    encoding="utf-8")


@breaks("new-not-utf8")
def _(ws):
    ws.path("INPUT.csv").write_bytes(b"id,conflict,speaker,text\n1,a,b,caf\xe9 diplomacy\n")


@breaks("new-unreadable-layout")
def _(ws):
    ws.path("INPUT.csv").write_text("id|conflict|speaker|text\n1|a|b|c\n", encoding="utf-8")


@breaks("new-short-row")
def _(ws):
    ws.path("INPUT.csv").write_text("id,conflict,speaker,text\n1,a,b\n", encoding="utf-8")


def _first_delivery_line(path: Path) -> tuple[int, str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith(sipri.HEADER_START))
    return header + 2, lines[header + 1]


@breaks("sipri-short-line")
def _(ws):
    number, line = _first_delivery_line(ws.path(SIPRI_FILE))
    fields = line.split(",")
    replace_once(ws.path(SIPRI_FILE), line, ",".join(fields[:1] + fields[2:]))
    return number


@breaks("sipri-not-a-number")
def _(ws):
    number, line = _first_delivery_line(ws.path(SIPRI_FILE))
    fields = line.split(",")
    fields[10] = fields[10].replace("0", "O", 1)   # 2024 -> 2O24 ("Delivery year")
    replace_once(ws.path(SIPRI_FILE), line, ",".join(fields))
    return number


# --- what reads each input ---------------------------------------------------------------

def _statement_ids(ws: Workspace) -> list[str]:
    return load_tables(ws.inputs).statements["statement_id"].tolist()


LOAD: dict[str, Callable[[Workspace], object]] = {
    "data table": lambda ws: load_tables(ws.inputs),
    "source text": lambda ws: verify_sources(load_tables(ws.inputs), ws.texts, announce=False),
    "codebook": lambda ws: codebook.load_codebook(ws.path("codebook.yaml")),
    "coder dictionary": lambda ws: coder.load_dictionary(
        ws.path("coder_patterns.yaml"), codebook.load_codebook(ws.path("codebook.yaml"))),
    "hand coding": lambda ws: hand_coding.load_hand_coding(
        ws.path("hand_coding.csv"), codebook.load_codebook(ws.path("codebook.yaml")),
        _statement_ids(ws)),
    "new statements": lambda ws: coder_cli.read_statements(ws.path("INPUT.csv")),
    "SIPRI export": lambda ws: sipri.read_trade_register(ws.path(SIPRI_FILE)),
}


def workspace_for(case, tmp_path: Path, request) -> Workspace:
    if case.input == "source text":
        tables, texts = request.getfixturevalue("made_up_source")
        return Workspace(tables.input_dir, texts)
    return copy_inputs(tmp_path / "inputs")


def row_pattern(row: object) -> str:
    """The row as the message shows it: the id or number, perhaps followed by its line."""
    return re.escape(str(row)) + r"(?: \(line \d+\))?"


def assert_one_clear_message(error: InputError, file: str, row: object, column: str) -> None:
    assert (error.file, error.column) == (file, column), str(error)
    assert re.fullmatch(row_pattern(row), str(error.row)), (error.row, row)
    assert error.fix and error.fix.strip(), f"no fix in: {error}"
    first_line = str(error).splitlines()[0]
    assert first_line.startswith(f"{file}, row {error.row}, column {column}: "), first_line
    assert first_line.endswith(f" Fix: {error.fix}"), first_line
    for noise in ("Traceback", "pandera", "SchemaError", "failure_cases", "File \""):
        assert noise not in str(error), str(error)
    # raised "from None" (or with nothing underneath): no chained traceback to read
    assert error.__cause__ is None
    assert error.__context__ is None or error.__suppress_context__


# --- the catalogue, case by case ---------------------------------------------------------

def test_catalogue_is_complete_and_every_case_has_its_breakage():
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids)) >= 15
    assert set(BREAKS) == set(ids)
    assert {case.input for case in CASES} == set(catalogue.INPUTS)
    assert {h.input for h in HARMLESS} <= set(catalogue.INPUTS)
    assert all(case.user_path in (None, "code-statements") or re.fullmatch(r"runner \d\d",
                                                                           case.user_path)
               for case in CASES)


def _keys(node: ast.expr) -> set:
    """The message keys an input_error call's first argument can be: a string, or either
    branch of a conditional expression (a key computed otherwise is not seen)."""
    if isinstance(node, ast.IfExp):
        return _keys(node.body) | _keys(node.orelse)
    return {node.value} if isinstance(node, ast.Constant) else set()


def test_every_message_is_used_and_every_message_raised_is_in_the_catalogue():
    """A key misspelt in the package would fail only when a person meets that bad input."""
    constants, raised = set(), set()
    for path in (paths.ROOT / "src" / "dronediplomacy").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                constants.add(node.value)
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "input_error":
                raised |= _keys(node.args[0])
    assert raised and raised <= set(catalogue.MESSAGES)
    assert set(catalogue.MESSAGES) <= constants
    assert all({"problem", "fix"} == set(message) for message in catalogue.MESSAGES.values())


YAML_FILES = sorted(p for folder in ("src", "data") for p in (paths.ROOT / folder).rglob("*.yaml"))


@pytest.mark.parametrize("path", YAML_FILES, ids=[p.name for p in YAML_FILES])
def test_no_hand_written_yaml_file_repeats_a_key(path):
    # yaml.safe_load keeps the last of two equal keys: a second message would silently win
    yaml.load(path.read_text(encoding="utf-8"), Loader=codebook.StrictSafeLoader)  # noqa: S506


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_input_stops_with_one_message_naming_file_row_column_and_fix(case, tmp_path,
                                                                         request):
    ws = workspace_for(case, tmp_path, request)
    expected_row = BREAKS[case.id](ws) or case.row
    with pytest.raises(InputError) as caught:
        LOAD[case.input](ws)
    assert_one_clear_message(caught.value, case.file, expected_row, case.column)


NEW_STATEMENT_CASES = [case for case in CASES if case.input == "new statements"]


@pytest.mark.parametrize("case", NEW_STATEMENT_CASES, ids=[c.id for c in NEW_STATEMENT_CASES])
def test_code_statements_prints_the_message_alone_and_writes_nothing(case, tmp_path, capsys):
    ws = copy_inputs(tmp_path / "inputs")
    BREAKS[case.id](ws)
    output = tmp_path / "OUTPUT.csv"
    assert coder_cli.main([str(ws.path("INPUT.csv")), str(output)]) == coder_cli.EXIT_BAD_INPUT
    captured = capsys.readouterr()
    (line,) = captured.err.splitlines()
    assert line.startswith(f"code-statements: {case.file}, row {case.row}, column {case.column}: ")
    assert " Fix: " in line and captured.out == ""
    assert not output.exists()


# --- as the user meets them: the runner and the command, in a subprocess ------------------

RUNNER_CASES = [case for case in CASES if case.user_path and case.user_path.startswith("runner")]


@pytest.mark.parametrize("case", RUNNER_CASES, ids=[case.id for case in RUNNER_CASES])
def test_runner_stops_with_the_message_intact_and_writes_nothing(case, tmp_path):
    sandbox = make_sandbox(tmp_path / "repo")   # the run reads and writes only this copy
    expected_row = BREAKS[case.id](Workspace(sandbox / "data" / "input")) or case.row
    before = snapshot(sandbox)
    number = case.user_path.split()[1]
    notebook = next(nb.name for nb in pipeline.NOTEBOOKS if nb.name.startswith(number))
    result = subprocess.run([sys.executable, "-m", "dronediplomacy.running.runner", number],
                            cwd=tmp_path, env=environment(sandbox),
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 1, result.stderr
    failure = [line for line in result.stderr.splitlines() if "failed:" in line]
    assert len(failure) == 1, result.stderr
    folder = "data/input"
    assert re.match(rf"runner: stopped\. {re.escape(notebook)}: cell \d+ failed: InputError: "
                    rf"{folder}/{re.escape(case.file)}, row {row_pattern(expected_row)}, "
                    rf"column {re.escape(case.column)}: .+ Fix: .+", failure[0]), failure[0]
    assert "runner: outputs of the failed notebook were not written" in result.stderr
    for noise in ("Traceback", "pandera", "SchemaError"):
        assert noise not in result.stderr, result.stderr
    assert snapshot(sandbox) == before   # nothing written, no temporary file left


CLI_CASES = [case for case in CASES if case.user_path == "code-statements"]


@pytest.mark.parametrize("case", CLI_CASES, ids=[case.id for case in CLI_CASES])
def test_code_statements_command_exits_non_zero_with_one_line(case, tmp_path):
    ws = copy_inputs(tmp_path / "inputs")
    BREAKS[case.id](ws)
    before = snapshot(ws.inputs)
    result = subprocess.run([sys.executable, "-m", "dronediplomacy.coding.coder_cli", "INPUT.csv",
                             "OUTPUT.csv"], cwd=ws.inputs, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == coder_cli.EXIT_BAD_INPUT
    assert result.stdout == "" and "Traceback" not in result.stderr
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"code-statements: {case.file}, row {case.row}, "
                           f"column {case.column}: ") and " Fix: " in line
    assert snapshot(ws.inputs) == before


# --- harmless variants -------------------------------------------------------------------

def messy_csv(path: Path) -> None:
    """Same cells, but a byte order mark, CRLF line endings and spaces around every cell."""
    rows = read_rows(path)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(
        [[f"  {cell} \t" if cell else " " for cell in row] for row in rows])
    path.write_bytes(b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8"))


def messy_text(path: Path) -> None:
    """A byte order mark, CRLF line endings and trailing spaces on every line."""
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_bytes(b"\xef\xbb\xbf" + "".join(f"{line}  \t\r\n" for line in lines).encode("utf-8"))


def _same_frames(first: dict, second: dict) -> None:
    assert first.keys() == second.keys()
    for name in first:
        pd.testing.assert_frame_equal(first[name], second[name], obj=name)


def harmless_tables(tmp_path: Path) -> None:
    from dronediplomacy.inputs.schemas import TABLE_SPECS

    ws = copy_inputs(tmp_path / "inputs")
    for spec in TABLE_SPECS:
        messy_csv(ws.path(spec.file))
    assert ws.path("statements.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    book = codebook.load_codebook()
    dictionary = coder.load_dictionary(codebook=book)
    clean = coding.build(load_tables(), book, dictionary, n_resamples=50)
    messy = coding.build(load_tables(ws.inputs), book, dictionary, n_resamples=50)
    _same_frames(clean.frames(), messy.frames())   # the derived tables notebook 03 writes


def harmless_hand_coding(tmp_path: Path) -> None:
    ws = copy_inputs(tmp_path / "inputs")
    messy_csv(ws.path("hand_coding.csv"))
    book = codebook.load_codebook()
    ids = load_tables().statements["statement_id"].tolist()
    clean = hand_coding.load_hand_coding(codebook=book, statement_ids=ids)
    messy = hand_coding.load_hand_coding(ws.path("hand_coding.csv"), book, ids)
    _same_frames({"long": clean, "wide": hand_coding.hand_codes_wide(clean, book)},
                 {"long": messy, "wide": hand_coding.hand_codes_wide(messy, book)})


def harmless_yaml(tmp_path: Path) -> None:
    ws = copy_inputs(tmp_path / "inputs")
    messy_text(ws.path("codebook.yaml"))
    messy_text(ws.path("coder_patterns.yaml"))
    clean_book = codebook.load_codebook()
    messy_book = codebook.load_codebook(ws.path("codebook.yaml"))
    assert messy_book.data == clean_book.data
    statements = load_tables().statements
    coded = [coder.code_statements(statements, coder.load_dictionary(path, book),
                                   id_column="statement_id")
             for path, book in ((coder.PATTERNS_PATH, clean_book),
                                (ws.path("coder_patterns.yaml"), messy_book))]
    pd.testing.assert_frame_equal(*coded)


def harmless_new_statements(tmp_path: Path) -> None:
    ws = copy_inputs(tmp_path / "inputs")
    clean_out, messy_out = tmp_path / "clean.csv", tmp_path / "messy.csv"
    assert coder_cli.main([str(ws.path("INPUT.csv")), str(clean_out)]) == 0
    rows = read_rows(ws.path("INPUT.csv"))
    messy_csv(ws.path("INPUT.csv"))
    assert coder_cli.main([str(ws.path("INPUT.csv")), str(messy_out)]) == 0
    assert messy_out.read_bytes() == clean_out.read_bytes()
    # as Excel saves it on a German system, or as "Unicode text": the same output
    for separator, encoding in ((";", "utf-8-sig"), ("\t", "utf-16")):
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=separator, lineterminator="\r\n").writerows(
            [[name.upper() for name in rows[0]], *rows[1:]])
        ws.path("INPUT.csv").write_bytes(buffer.getvalue().encode(encoding))
        assert coder_cli.main([str(ws.path("INPUT.csv")), str(messy_out)]) == 0
        assert messy_out.read_bytes() == clean_out.read_bytes()


def harmless_sipri(tmp_path: Path) -> None:
    ws = copy_inputs(tmp_path / "inputs")
    clean = sipri.read_trade_register(ws.path(SIPRI_FILE))
    lines = ws.path(SIPRI_FILE).read_text(encoding="utf-8").splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith(sipri.HEADER_START))
    spaced = lines[:header + 1] + [", ".join(line.split(",")) for line in lines[header + 1:]]
    ws.path(SIPRI_FILE).write_bytes(b"\xef\xbb\xbf" + "\r\n".join(spaced).encode("utf-8") + b"\r\n")
    messy = sipri.read_trade_register(ws.path(SIPRI_FILE))
    pd.testing.assert_frame_equal(messy, clean)
    assert messy.attrs == clean.attrs


HARMLESS_CHECKS = {
    "tables-bom-crlf-whitespace": harmless_tables,
    "hand-coding-bom-crlf-whitespace": harmless_hand_coding,
    "yaml-bom-crlf-trailing-space": harmless_yaml,
    "new-statements-bom-crlf-whitespace": harmless_new_statements,
    "sipri-bom-crlf": harmless_sipri,
}


@pytest.mark.parametrize("variant", HARMLESS, ids=[variant.id for variant in HARMLESS])
def test_harmless_variant_gives_exactly_what_the_clean_file_gives(variant, tmp_path):
    assert set(HARMLESS_CHECKS) == {v.id for v in HARMLESS}
    HARMLESS_CHECKS[variant.id](tmp_path)


# --- every message of an input reader says what would fix it --------------------------------

INPUT_READERS = ("inputs/tables", "inputs/schemas", "inputs/csvfile", "coding/codebook",
                 "coding/hand_coding", "coding/coder", "coding/coder_cli", "inputs/sipri",
                 "inputs/verify")


def test_every_input_error_raised_by_a_reader_of_inputs_names_a_fix():
    """The catalogue samples the messages; this covers every one the readers can raise."""
    import ast

    missing = []
    for module in INPUT_READERS:
        path = paths.ROOT / "src" / "dronediplomacy" / f"{module}.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("InputError",
                                                                                 "Problem"):
                if "fix" not in {keyword.arg for keyword in node.keywords}:
                    missing.append(f"{module}.py:{node.lineno}")
    assert missing == []
