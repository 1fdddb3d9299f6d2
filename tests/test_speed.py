"""The speed-ups change no result: the coder's faster patterns and slices, the memory of
validated inputs and rendered pages, the deferred import, and the runner's kernel started
ahead (which must never outlive the run)."""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from dronediplomacy.coding import coder
from dronediplomacy.inputs import memo
from dronediplomacy import paths
from dronediplomacy.running import pipeline
from dronediplomacy.running import runner
from dronediplomacy.reporting import site
from dronediplomacy.errors import InputError
from sandbox import processes_marked

# --------------------------------------------------------------------------- the coder


@pytest.fixture(scope="module")
def dictionary():
    return coder.default_dictionary()


EDGES = ["our", "xour", "_our", "1our", "über our", "ourour", "our-our", "we won", "i won",
         "we, i won", "not our victory", "thanks to us", "side by side", "turkey's", "türkiye",
         "the buyer's", "the buyers", "brotherly brothers", "«baykar»", "(private) firms",
         "'our' victory", "", " ", "our\nvictory"]


def corpus(dictionary) -> list[str]:
    """Constructed texts: edge cases around word boundaries, and random runs of the words
    and fragments the patterns use."""
    rng = random.Random(9)
    words = sorted({w for source in dictionary.compiled
                    for w in __import__("re").findall(r"[a-z']{2,}", source)})
    words += [",", ".", ";", "-", "'", "not", "no", "never", "_", "x", "1"]
    texts = list(EDGES)
    texts += [" ".join(rng.choices(words, k=rng.randint(1, 30))) for _ in range(600)]
    texts += ["".join(rng.choices(words, k=rng.randint(1, 6))) for _ in range(150)]  # glued
    return [coder.normalise_text(t) for t in texts]


def test_fast_patterns_match_exactly_where_the_dictionary_patterns_do(dictionary):
    rng = random.Random(4)
    texts = corpus(dictionary)
    for source, original in dictionary.compiled.items():
        fast = dictionary.fast[source]
        for text in texts:
            assert [m.span() for m in fast.finditer(text)] == \
                   [m.span() for m in original.finditer(text)], (source, text)
            position = rng.randrange(len(text) + 1)
            a, b = original.search(text, position), fast.search(text, position)
            assert (a and a.span()) == (b and b.span()), (source, text, position)


@pytest.mark.parametrize("source, expected", [
    (r"\bour\W+win\b", r"o(?<=\bo)ur\W+win\b"),
    (r"\b(?:we|i)\W+won\b", r"(?:w(?<=\bw)e|i(?<=\bi))\W+won\b"),
    (r"\b(?:[|]x|y)z", r"(?:\b[|]x|y(?<=\by))z"),       # a class is kept as it is
    (r"\bfoo|bar", r"f(?<=\bf)oo|bar"),                  # \b belongs to the first branch
    (r"\bs?ide", r"\bs?ide"),                            # a quantified first letter: unchanged
    (r"\b(?:a|b)?c", r"\b(?:a|b)?c"),                    # an optional group: unchanged
    (r"\b(?:a|)c", r"\b(?:a|)c"),                        # an empty branch: unchanged
    (r"\b\w+n't", r"\b\w+n't"),                          # no letter first: unchanged
    (r"\bTurkey", r"\bTurkey"),                          # only lower-case letters are moved
    (r"(?:a|b)", r"(?:a|b)"),
])
def test_fast_equivalent_rewrites_only_a_leading_boundary(source, expected):
    assert coder.fast_equivalent(source) == expected


def test_coding_in_slices_gives_the_same_codes(dictionary, monkeypatch):
    texts = corpus(dictionary) + EDGES * 3  # repeated texts are coded once
    frame = pd.DataFrame({"id": range(len(texts)), "text": texts})
    whole = coder.code_statements(frame, dictionary)
    monkeypatch.setattr(coder, "_TEXTS_PER_SLICE", 7)
    sliced = coder.code_statements(frame, dictionary)
    pd.testing.assert_frame_equal(sliced, whole)
    assert list(whole.columns) == coder.output_columns(dictionary)


# --------------------------------------------------------------------------- memo


@pytest.fixture
def input_copy(tmp_path) -> Path:
    folder = tmp_path / "input"
    shutil.copytree(paths.DATA_INPUT, folder)
    return folder


def test_memo_tables_are_load_tables_and_follow_file_changes(input_copy):
    from dronediplomacy.inputs.tables import load_tables

    first = memo.tables(input_copy)
    fresh = load_tables(input_copy)
    for name in ("sources", "statements", "claims", "claim_evidence"):
        pd.testing.assert_frame_equal(first.frame(name), fresh.frame(name))
    first.statements.loc[0, "text"] = "changed by a caller"        # a caller's change ...
    assert memo.tables(input_copy).statements.loc[0, "text"] != "changed by a caller"  # ... stays its own

    # An edit of the same size, with the modification time put back, is still seen.
    path = input_copy / "statements.csv"
    stat = path.stat()
    data = path.read_bytes()
    old = fresh.statements.loc[0, "text"]
    target = old.replace(old[0], "Q" if old[0] != "Q" else "R", 1)
    assert len(target.encode()) == len(old.encode())
    path.write_bytes(data.replace(old.encode(), target.encode(), 1))
    import os
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert memo.tables(input_copy).statements.loc[0, "text"] == target

    # A broken file fails every time, with load_tables' own message.
    path.write_text("not,a,valid\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(InputError):
            memo.tables(input_copy)


def test_memo_codebook_follows_file_changes(input_copy):
    from dronediplomacy.coding.codebook import load_codebook

    path = input_copy / "codebook.yaml"
    assert memo.codebook(path).data == load_codebook(path).data
    memo.codebook(path).data["title"] = "changed by a caller"
    assert memo.codebook(path).data["title"] != "changed by a caller"
    path.write_text(path.read_text(encoding="utf-8").replace('version: "1.0.0"', 'version: "1.0.1"', 1),
                    encoding="utf-8")
    assert memo.codebook(path).version == "1.0.1"


# --------------------------------------------------------------------------- site pages


def test_nbformat_loads_without_building_the_iri_parser_and_iri_checks_still_work():
    script = (
        "import sys\n"
        "from dronediplomacy.running.lazyimports import defer_rfc3987_syntax\n"
        "defer_rfc3987_syntax()\n"
        "import nbformat, nbclient, jsonschema\n"
        "assert 'rfc3987_syntax.syntax_helpers' not in sys.modules\n"
        "check = jsonschema.Draft202012Validator.FORMAT_CHECKER\n"
        "v = jsonschema.Draft202012Validator({'format': 'iri'}, format_checker=check)\n"
        "print(v.is_valid('http://example.org/a'), v.is_valid('http://exa mple.org/'))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         cwd=paths.ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["True", "False"]


# --------------------------------------------------------------------------- the runner


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize("fails", [False, True])
def test_kernels_started_ahead_run_each_notebook_fresh_and_never_outlive_the_run(
        tmp_path, monkeypatch, fails):
    marker = uuid.uuid4().hex
    monkeypatch.setenv("DRONE_SPEED_TEST", marker)  # inherited by every kernel
    names = ["00-a.ipynb", "01-b.ipynb"]
    for index, name in enumerate(names):
        source = f"assert 'x' not in globals()\nx = {index}\nimport os\nos.getpid()"
        if fails and index == 0:  # the kernel started ahead for 01-b must be stopped
            source = "raise ValueError('stop here')"
        nbformat.write(new_notebook(cells=[new_code_cell(source)]), tmp_path / name)
    monkeypatch.setattr(paths, "NOTEBOOKS", tmp_path)
    notebooks = [pipeline.Notebook(name, "test", (), ()) for name in names]
    written = []
    if fails:
        with pytest.raises(runner.NotebookFailed, match="00-a.ipynb: cell 1 failed"):
            runner.run(notebooks, on_written=written.append)
        assert written == []
    else:
        runner.run(notebooks, on_written=written.append)
        assert written == [tmp_path / name for name in names]
        pids = [nbformat.read(tmp_path / name, as_version=4).cells[0].outputs[0]["data"]["text/plain"]
                for name in names]
        assert len(set(pids)) == 2  # one kernel per notebook
    assert processes_marked("DRONE_SPEED_TEST", marker) == []


def test_modules_imported_reads_the_import_statements_of_code_cells_only():
    nb = new_notebook(cells=[
        nbformat.v4.new_markdown_cell("import markdown_is_not_code"),
        new_code_cell("%matplotlib inline\nimport pandas as pd, json\nfrom dronediplomacy import coding"),
        new_code_cell("!pip list\nfrom os.path import join\nfrom . import relative_is_skipped"),
        new_code_cell("def f(:\n  import not_python"),  # not Python: ignored, not fatal
        new_code_cell("import json\nif True:\n    import colorsys"),
    ])
    assert runner.modules_imported(nb) == [
        "pandas", "json", "dronediplomacy.coding", "os.path.join", "colorsys"]


def test_a_kernel_started_ahead_has_imported_its_modules_and_left_no_trace(tmp_path, monkeypatch):
    names = ["00-a.ipynb", "01-b.ipynb"]
    # 00-a runs long enough for the kernel of 01-b to start and import its modules
    nbformat.write(new_notebook(cells=[new_code_cell("import time\ntime.sleep(1.5)")]),
                   tmp_path / names[0])
    nbformat.write(new_notebook(cells=[
        # before its own import: the module is loaded already, but no name was bound
        new_code_cell("import sys\nprint('colorsys' in sys.modules, sorted(k for k in globals() "
                      "if k in ('importlib', 'MODULES', 'name', 'candidate', 'colorsys')))"),
        new_code_cell("import colorsys"),
        # tried ahead too, and failed silently there: only this cell's own import counts
        new_code_cell("try:\n    from no_such_module import nothing\nexcept ImportError as e:\n"
                      "    print(type(e).__name__)"),
    ]), tmp_path / names[1])
    monkeypatch.setattr(paths, "NOTEBOOKS", tmp_path)
    runner.run([pipeline.Notebook(name, "test", (), ()) for name in names])
    cells = nbformat.read(tmp_path / names[1], as_version=4).cells
    assert [cell.execution_count for cell in cells] == [1, 2, 3]
    assert cells[0].outputs[0]["text"] == "True []\n"
    assert cells[2].outputs[0]["text"] == "ModuleNotFoundError\n"


def test_the_import_ahead_code_binds_no_name_and_skips_what_fails():
    namespace: dict = {}
    exec(runner.import_ahead_code(["colorsys", "os.path.join", "no_such_module"]), namespace)
    assert set(namespace) == {"__builtins__"}
    assert "colorsys" in sys.modules
