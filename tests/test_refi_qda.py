"""The REFI-QDA exports (codebook .qdc, project .qdpx): valid against the standard's XSDs,
stable GUIDs, identical bytes on reruns, and every statement, hand code and rationale carried
over. Built on the constructed fixture of tests/exchange_fixture.py, except the check that the
committed exports are current."""

import io
import zipfile

import pandas as pd
import yaml
from lxml import etree

from dronediplomacy.coding.codebook import load_codebook
from dronediplomacy.reporting import refi_qda
from exchange_fixture import TEXTS, make as _fixture

Q = {"q": refi_qda.PROJECT_NS}


def test_codebook_has_every_dimension_and_code_with_stable_guids_and_validates(tmp_path):
    files, _tables, codebook = _fixture(tmp_path)
    data = refi_qda.codebook_qdc(codebook)
    assert data == refi_qda.codebook_qdc(codebook)
    (tmp_path / "c.qdc").write_bytes(data)
    assert refi_qda.problems(tmp_path / "c.qdc") == []
    root = etree.fromstring(data)
    codes = {c.get("guid"): c for c in root.iter(f"{{{refi_qda.CODEBOOK_NS}}}Code")}
    for dimension in codebook.dimensions:
        assert codes[refi_qda.guid("code", dimension["id"])].get("isCodable") == "false"
        for code in dimension["codes"]:
            element = codes[refi_qda.guid("code", dimension["id"], code["id"])]
            description = element.findtext(f"{{{refi_qda.CODEBOOK_NS}}}Description")
            for part in (code["definition"], code["include"], code["exclude"],
                         code["example"]["text"], code["counter_example"]["text"]):
                assert " ".join(part.split()) in description
    # A code added to the codebook leaves every other GUID as it was.
    raw = yaml.safe_load(files["codebook"].read_text(encoding="utf-8"))
    label, definition = 'Tom & "Jerry" <both>', "Uses < and > & 'quotes'."  # XML's special characters
    raw["dimensions"][1]["codes"].append({**raw["dimensions"][1]["codes"][0], "id": "new_code",
                                          "label": label, "definition": definition})
    files["codebook"].write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    revised = etree.fromstring(refi_qda.codebook_qdc(load_codebook(files["codebook"])))
    revised_codes = {c.get("guid"): c for c in revised.iter(f"{{{refi_qda.CODEBOOK_NS}}}Code")}
    assert set(codes) < set(revised_codes) and len(revised_codes) == len(codes) + 1
    new = revised_codes[refi_qda.guid("code", raw["dimensions"][1]["id"], "new_code")]
    assert new.get("name") == label
    assert definition in new.findtext(f"{{{refi_qda.CODEBOOK_NS}}}Description")


def test_project_holds_every_statement_its_hand_codes_and_rationales(tmp_path):
    _files, tables, codebook = _fixture(tmp_path)
    data = refi_qda.project_qdpx(tables, codebook, tmp_path)
    assert data == refi_qda.project_qdpx(tables, codebook, tmp_path)  # byte-identical rerun
    (tmp_path / "p.qdpx").write_bytes(data)
    assert refi_qda.problems(tmp_path / "p.qdpx") == []
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = archive.namelist()
    assert names == sorted(names) and "project.qde" in names
    assert {info.date_time for info in archive.infolist()} == {refi_qda.ZIP_TIME}
    root = etree.fromstring(archive.read("project.qde"))
    code_guids = {c.get("guid") for c in root.iterfind(".//q:CodeBook//q:Code", Q)}
    notes = {n.get("guid"): n.findtext("q:PlainTextContent", namespaces=Q)
             for n in root.iterfind("q:Notes/q:Note", Q)}
    sources = {s.get("name"): s for s in root.iterfind("q:Sources/q:TextSource", Q)}
    texts = TEXTS
    assert set(sources) == set(texts)
    hand = pd.concat([pd.read_csv(tmp_path / "hand_coding.csv", keep_default_na=False),
                      pd.read_csv(tmp_path / "corpus_hand_coding.csv", keep_default_na=False)])
    for statement_id, text in texts.items():
        source = sources[statement_id]
        inside = source.get("plainTextPath").removeprefix("internal://")
        assert archive.read(f"sources/{inside}").decode("utf-8") == text
        selection = source.find("q:PlainTextSelection", Q)
        assert (selection.get("startPosition"), selection.get("endPosition")) == ("0", str(len(text)))
        codings = selection.findall("q:Coding", Q)
        expected = hand[hand["statement_id"] == statement_id]
        assert len(codings) == len(expected)
        for coding, row in zip(codings, expected.itertuples()):
            target = coding.find("q:CodeRef", Q).get("targetGUID")
            assert target == refi_qda.guid("code", row.dimension, row.code) and target in code_guids
            assert notes[coding.find("q:NoteRef", Q).get("targetGUID")] == row.rationale


def test_validation_catches_what_the_standard_forbids(tmp_path):
    _files, tables, codebook = _fixture(tmp_path)
    bad_code = refi_qda.codebook_qdc(codebook).replace(b'guid="', b'guid="not-a-uuid-', 1)
    (tmp_path / "bad.qdc").write_bytes(bad_code)
    assert any("guid" in problem for problem in refi_qda.problems(tmp_path / "bad.qdc"))
    project = zipfile.ZipFile(io.BytesIO(refi_qda.project_qdpx(tables, codebook, tmp_path)))
    broken = project.read("project.qde").replace(b' startPosition="0"', b"", 1)
    with zipfile.ZipFile(tmp_path / "bad.qdpx", "w") as archive:
        archive.writestr("project.qde", broken)
    assert any("startPosition" in problem for problem in refi_qda.problems(tmp_path / "bad.qdpx"))


def test_the_committed_exports_are_current_and_valid():
    assert refi_qda.CODEBOOK_QDC.read_bytes() == refi_qda.codebook_qdc(), \
        "data/exports/codebook.qdc is stale: run 'python3 repro.py run'"
    assert refi_qda.PROJECT_QDPX.read_bytes() == refi_qda.project_qdpx(), \
        "data/exports/project.qdpx is stale: run 'python3 repro.py run'"
    for path in (refi_qda.CODEBOOK_QDC, refi_qda.PROJECT_QDPX):
        assert refi_qda.problems(path) == []
