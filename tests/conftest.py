"""Shared fixtures of the browser tests (tests/test_browser.py, tests/test_jupyterlab.py).

They drive Debian's ``chromium`` package through Playwright for Python
(``executable_path``): Playwright's own browser download cannot work on these machines.
Without chromium the browser tests skip, saying how to install it; with the environment
variable ``DRONE_REQUIRE_BROWSER=1`` (set by ``.ci/run``) they fail instead, so CI cannot
pass by skipping them.
"""

from __future__ import annotations

import os
import shutil
from urllib.parse import urlsplit

import pytest

#: Headless, as root in a container (no sandbox), and quiet on a closed network: without
#: the background-networking flags Chromium calls Google's hosts at start, and every
#: such call would be refused here.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
INSTALL_MESSAGE = ("no chromium on PATH: the browser tests drive Debian's chromium package. "
                   "Install it with 'sudo apt-get install -y chromium' (Debian/Ubuntu; "
                   "'npx playwright install' cannot download a browser here), then rerun.")


REQUIRE_BROWSER_ENV = "DRONE_REQUIRE_BROWSER"


def chromium_executable() -> str:
    """Debian's chromium on PATH; else skip (or fail where a browser is required)."""
    path = shutil.which("chromium")
    if path is None:
        if os.environ.get(REQUIRE_BROWSER_ENV) == "1":
            pytest.fail(f"{REQUIRE_BROWSER_ENV}=1 but " + INSTALL_MESSAGE)
        pytest.skip(INSTALL_MESSAGE)
    return path


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium per test module (launching takes about half a second)."""
    executable = chromium_executable()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, headless=True,
                                              args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def is_local(url: str, port: int | None = None) -> bool:
    """True for data:/blob:/about: URLs, file: URLs, and http(s) to this machine on
    ``port`` (any port if None)."""
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about", "file"):
        return True
    return (parts.scheme in ("http", "https", "ws", "wss")
            and parts.hostname in ("127.0.0.1", "localhost", "::1")
            and (port is None or parts.port == port))


# --- Fixtures of the tables and verification tests (test_tables, test_schemas, test_verify,
# --- test_dictionary). Names start with the thing they provide.

import csv as _csv
import hashlib as _hashlib
import shutil as _shutil
from dataclasses import dataclass as _dataclass
from pathlib import Path as _Path


def _sources_rows() -> list[dict]:
    from dronediplomacy.paths import DATA_INPUT

    with open(DATA_INPUT / "sources.csv", encoding="utf-8-sig", newline="") as handle:
        return list(_csv.DictReader(handle))


def _missing_source_texts() -> tuple[_Path, list[str]]:
    from dronediplomacy.paths import sources_dir

    folder = sources_dir()
    return folder, [row["text_file"] for row in _sources_rows()
                    if row["text_file"] and not (folder / row["text_file"]).is_file()]


def pytest_report_header(config) -> str:
    """Say once, at the top of the run, whether verification against the source runs."""
    from dronediplomacy.paths import SOURCES_DIR_ENV

    folder, missing = _missing_source_texts()
    if missing:
        return (f"source text: {', '.join(missing)} NOT found in {folder}; the verification "
                f"tests skip. Set {SOURCES_DIR_ENV} to the folder holding it to run them.")
    return f"source text: found in {folder}; quotations, anchors and checksums are verified."


@pytest.fixture
def source_texts_dir() -> _Path:
    """The folder holding every source text named in data/input/sources.csv.

    Skips, saying how to enable the test, when any of them is absent.
    """
    from dronediplomacy.paths import SOURCES_DIR_ENV

    folder, missing = _missing_source_texts()
    if missing:
        pytest.skip(f"source text {', '.join(missing)} not found in {folder}: set "
                    f"{SOURCES_DIR_ENV} to the folder holding it to run this test")
    return folder


@_dataclass
class EditableTables:
    """A folder of input CSVs a test may change cell by cell (never data/input itself)."""
    input_dir: _Path

    def _read(self, file: str) -> tuple[list[str], list[list[str]]]:
        with open(self.input_dir / file, encoding="utf-8", newline="") as handle:
            rows = list(_csv.reader(handle))
        return rows[0], rows[1:]

    def _write(self, file: str, header: list[str], rows: list[list[str]]) -> None:
        with open(self.input_dir / file, "w", encoding="utf-8", newline="") as handle:
            writer = _csv.writer(handle, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows)

    def set(self, file: str, row_key: str, column: str, value: str) -> None:
        """Set ``column`` of the row whose first cell is ``row_key``."""
        header, rows = self._read(file)
        matches = [row for row in rows if row[0] == row_key]
        assert matches, f"no row {row_key!r} in {file}"
        matches[0][header.index(column)] = value
        self._write(file, header, rows)

    def get(self, file: str, row_key: str, column: str) -> str:
        header, rows = self._read(file)
        return next(row for row in rows if row[0] == row_key)[header.index(column)]

    def drop_rows(self, file: str, keep) -> None:
        """Keep only the rows for which ``keep(dict_of_row)`` is true."""
        header, rows = self._read(file)
        self._write(file, header, [row for row in rows if keep(dict(zip(header, row)))])

    def add_row(self, file: str, values: dict) -> None:
        header, rows = self._read(file)
        self._write(file, header, rows + [[values.get(name, "") for name in header]])

    def rename_column(self, file: str, old: str, new: str) -> None:
        header, rows = self._read(file)
        header[header.index(old)] = new
        self._write(file, header, rows)


@pytest.fixture
def input_tables_copy(tmp_path) -> EditableTables:
    """A copy of data/input/*.csv in a temporary folder, to break on purpose."""
    from dronediplomacy.paths import DATA_INPUT
    from dronediplomacy.inputs.schemas import TABLE_SPECS

    folder = tmp_path / "input"
    folder.mkdir()
    for spec in TABLE_SPECS:
        _shutil.copy(DATA_INPUT / spec.file, folder / spec.file)
    return EditableTables(folder)


MADE_UP_TEXT = (
    "Invented Example: Lighthouse Lamps as Diplomacy\n"
    "\n"
    "Test Author Who Does Not Exist\n"
    "\n"
    "This paragraph is invented for the test suite and describes no real country, person or event at all.\n"
    "\n"
    "The fictional harbour minister of Atlantis said \u201cWe sell lamps, not wars, and nobody\u2019s ships "
    "are harmed,\u201d while the imaginary rival fleet replied \u201cYour lamps blind our sailors.\u201d\n"
    "In the made-up year of 2031 the invented lamp works shipped almost 40% of its lamps abroad.\n"
    " \n"
)

MADE_UP_TABLES = {
    "sources.csv": [dict(source_id="madeup-lamps", kind="article", title="Invented Example: Lighthouse Lamps as Diplomacy",
                         author="Test Author Who Does Not Exist", venue="", date="",
                         text_file="madeup.txt", sha256="", paragraph_count="3", title_line="1",
                         author_line="3", sections="opening:1;body:2-3",
                         note="Made up for tests; not a real source.")],
    "conflicts.csv": [dict(conflict_id="lamp_dispute", source_id="madeup-lamps", name="Invented lamp dispute",
                           buyer_actor_id="", opposing_actor_id="", turkey_posture="not applicable",
                           date_derivation="Invented: no dates.", paragraph="2",
                           anchor="the imaginary rival fleet replied")],
    "actors.csv": [
        dict(actor_id="harbour_minister", source_id="madeup-lamps", name="Harbour minister of Atlantis",
             actor_type="person", country="Atlantis", relation_to_turkish_state="foreign",
             paragraph="2", anchor="The fictional harbour minister of Atlantis"),
        dict(actor_id="rival_fleet", source_id="madeup-lamps", name="Imaginary rival fleet",
             actor_type="organisation", country="Elsewhere", relation_to_turkish_state="foreign",
             paragraph="2", anchor="the imaginary rival fleet replied"),
    ],
    "statements.csv": [
        dict(statement_id="st01", source_id="madeup-lamps", conflict_id="lamp_dispute",
             actor_id="harbour_minister", attribution="named", mode="direct_quote", text_kind="verbatim",
             text="We sell lamps, not wars, and nobody’s ships are harmed", paragraph="2",
             anchor="The fictional harbour minister of Atlantis", date_precision="unknown",
             date_derivation="Invented: undated."),
        dict(statement_id="st02", source_id="madeup-lamps", conflict_id="lamp_dispute",
             actor_id="rival_fleet", attribution="named", mode="direct_quote", text_kind="verbatim",
             text="Your lamps blind our sailors.", paragraph="2",
             anchor="the imaginary rival fleet replied", date_precision="unknown",
             date_derivation="Invented: undated."),
        dict(statement_id="st03", source_id="madeup-lamps", conflict_id="lamp_dispute",
             actor_id="harbour_minister", attribution="named", mode="reported", text_kind="paraphrase",
             text="Denied that the lamps do any harm.", paragraph="2",
             anchor="harbour minister of Atlantis said", date_precision="unknown", date_derivation="Invented: undated."),
    ],
    "events.csv": [dict(event_id="ev01", source_id="madeup-lamps", conflict_id="lamp_dispute",
                        event_type="production_share", actor_ids="", description="Share of lamps sent abroad.",
                        value="40", unit="percent", qualifier="almost", date_earliest="2031-01-01",
                        date_latest="2031-12-31", date_precision="year", date_derivation="Given as a year.",
                        paragraph="3", anchor="shipped almost 40% of its")],
    "claims.csv": [dict(claim_id="cl01", source_id="madeup-lamps", claim_type="descriptive",
                        text="The two invented parties disagree about the lamps.", paragraph="2",
                        anchor="the imaginary rival fleet replied")],
    "statement_responses.csv": [dict(response_id="st02", answers_id="st01", note="Invented reply.")],
    "claim_evidence.csv": [dict(claim_id="cl01", evidence_type="statement", evidence_id="st01"),
                           dict(claim_id="cl01", evidence_type="statement", evidence_id="st02")],
}


@pytest.fixture
def made_up_source(tmp_path) -> tuple[EditableTables, _Path]:
    """A small, clearly made-up second source: its text file and a full set of tables.

    Returns (editable tables, folder holding the text). Lives only in tmp_path.
    """
    from dronediplomacy.inputs.schemas import TABLE_SPECS

    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "madeup.txt").write_text(MADE_UP_TEXT, encoding="utf-8")
    digest = _hashlib.sha256((texts / "madeup.txt").read_bytes()).hexdigest()
    tables = EditableTables(tmp_path / "input")
    tables.input_dir.mkdir()
    for spec in TABLE_SPECS:
        header = list(spec.schema.columns)
        rows = [[row.get(name, "") for name in header] for row in MADE_UP_TABLES.get(spec.file, [])]
        tables._write(spec.file, header, rows)
    tables.set("sources.csv", "madeup-lamps", "sha256", digest)
    return tables, texts


def pytest_collection_modifyitems(session, config, items) -> None:
    """Run the long tests first: modules marked ``slow`` (each runs the pipeline's
    notebooks, a browser or JupyterLab), then the notebooks under nbval, then the rest.

    pytest-xdist hands each worker one file at a time, in this order; a long file
    collected last would leave one worker running it alone at the end of the run. The
    order changes no result: every test sets up what it needs.
    """
    def rank(item) -> int:
        if item.get_closest_marker("slow") is not None:
            return 0
        return 1 if item.path.suffix == ".ipynb" else 2

    items.sort(key=rank)  # stable: the order within each group is kept
