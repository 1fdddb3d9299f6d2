"""The codebook and the hand coding for QDA programs: REFI-QDA codebook and project files.

REFI-QDA (the Rotterdam Exchange Format Initiative's QDA-XML 1.0) is the exchange standard
that ATLAS.ti, MAXQDA, NVivo, QualCoder and others import. :func:`write_exports` writes

- ``data/exports/codebook.qdc``: the codebook (namespace ``urn:QDA-XML:codebook:1.0``),
  every dimension as a non-codable code holding its codes; each description gives the
  definition, the inclusion and exclusion rules and the two constructed examples;
- ``data/exports/project.qdpx``: a zip holding ``project.qde`` (``urn:QDA-XML:project:1.0``)
  and one plain-text file per statement (the article's and the corpus's) under ``sources/``;
  each statement's hand codes are codings of one selection spanning its whole text, each
  with its rationale as a note.

Identifiers are name-based UUIDs (``uuid.uuid5`` on :data:`NAMESPACE` and a path such as
``code/alignment/support``), so the same code, statement or note gets the same GUID on every
run. Nothing carries a date; zip entries are sorted, stored (not compressed, so no zlib
version can change the bytes) and stamped 1980-01-01: reruns give identical bytes.
:func:`problems` validates against the standard's XSDs kept in ``data/exports/xsd/``
(copied from QualCoder; see the README there, which also lists the repairs
:func:`schema` makes to the codebook XSD's damaged copy before using it).
"""

from __future__ import annotations

import io
import re
import uuid
import zipfile
from pathlib import Path

from lxml import etree

from dronediplomacy import atomic, paths
from dronediplomacy.coding.codebook import Codebook, load_codebook
from dronediplomacy.coding.hand_coding import NO_CODE
from dronediplomacy.coding.second_coder import first_coding, statement_texts
from dronediplomacy.inputs.tables import Tables, load_tables

EXPORTS = paths.DATA / "exports"
XSD = EXPORTS / "xsd"
CODEBOOK_QDC = EXPORTS / "codebook.qdc"
PROJECT_QDPX = EXPORTS / "project.qdpx"
CODEBOOK_NS, PROJECT_NS = "urn:QDA-XML:codebook:1.0", "urn:QDA-XML:project:1.0"
#: Fixed once (a random UUID drawn for this project): every GUID is uuid5(NAMESPACE, path).
NAMESPACE = uuid.UUID("b5f73fd8-4a09-427d-a728-d8c28004e36e")
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry


def guid(*parts: str) -> str:
    """The stable GUID of the thing named by ``parts`` (e.g. ``guid("code", "stance")``)."""
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


def _flat(text) -> str:
    return " ".join(str(text).split())


def _description(item: dict, *keys: tuple[str, str]) -> str:
    return "\n".join(f"{title}: {_flat(item[key]['text'] if isinstance(item[key], dict) else item[key])}"
                     for title, key in keys if key in item)


def _codes(dimension: dict) -> list[dict]:
    """A dimension's codes, with the hand coding's 'none' for a multi-label dimension."""
    extra = [{"id": NO_CODE, "label": "None of these", "definition": "The statement makes none "
              f"of the {dimension['label'].lower()}s above (the code '{NO_CODE}' of the hand "
              "coding)."}] if dimension["kind"] == "multi_label" else []
    return [*dimension["codes"], *extra]


def _add_codes(parent, ns: str, codebook: Codebook) -> None:
    """Append one Code per dimension (not codable) holding one Code per code (codable)."""
    for dimension in codebook.dimensions:
        top = etree.SubElement(parent, f"{{{ns}}}Code", name=dimension["label"],
                               guid=guid("code", dimension["id"]), isCodable="false")
        etree.SubElement(top, f"{{{ns}}}Description").text = (
            f"id: {dimension['id']} ({dimension['kind']}, {dimension['level_of_measurement']}, "
            f"coded by {', '.join(dimension['coded_by'])}; codebook {codebook.version})\n"
            + _description(dimension, ("Question", "question"), ("Grounding", "grounding")))
        for code in _codes(dimension):
            element = etree.SubElement(top, f"{{{ns}}}Code", name=code["label"],
                                       guid=guid("code", dimension["id"], code["id"]),
                                       isCodable="true")
            value = f", value {code['value']:+d}" if "value" in code else ""
            etree.SubElement(element, f"{{{ns}}}Description").text = (
                f"id: {code['id']}{value}\n" + _description(
                    code, ("Definition", "definition"), ("Include", "include"),
                    ("Exclude", "exclude"), ("Example (constructed)", "example"),
                    ("Counter-example (constructed)", "counter_example")))


def _xml(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def codebook_qdc(codebook: Codebook | None = None) -> bytes:
    """The REFI-QDA codebook (.qdc) of ``codebook`` (default: the repository's), as bytes."""
    codebook = codebook or load_codebook()
    root = etree.Element(f"{{{CODEBOOK_NS}}}CodeBook", nsmap={None: CODEBOOK_NS},
                         origin=f"dronediplomacy, codebook {codebook.version}")
    _add_codes(etree.SubElement(root, f"{{{CODEBOOK_NS}}}Codes"), CODEBOOK_NS, codebook)
    return _xml(root)


def project_qdpx(tables: Tables | None = None, codebook: Codebook | None = None,
                 input_dir: Path | str = paths.DATA_INPUT) -> bytes:
    """The REFI-QDA project (.qdpx, a zip) of every statement and its hand codes, as bytes.

    Hand codes are read from ``input_dir`` (``second_coder.first_coding``: validated against
    the codebook and the statements, InputError on any problem)."""
    tables = tables or load_tables()
    codebook = codebook or load_codebook()
    ns = PROJECT_NS
    hand = first_coding(tables, codebook, input_dir)
    user = guid("user", "hand")
    root = etree.Element(f"{{{ns}}}Project", nsmap={None: ns}, creatingUserGUID=user,
                         name="dronediplomacy: statements and hand codes",
                         origin=f"dronediplomacy, codebook {codebook.version}")
    etree.SubElement(etree.SubElement(root, f"{{{ns}}}Users"), f"{{{ns}}}User", guid=user,
                     id="hand", name="Hand coder (data/input/hand_coding.csv and "
                                     "corpus_hand_coding.csv)")
    _add_codes(etree.SubElement(etree.SubElement(root, f"{{{ns}}}CodeBook"), f"{{{ns}}}Codes"),
               ns, codebook)
    sources, notes = etree.SubElement(root, f"{{{ns}}}Sources"), []
    files = {}
    for statement_id, description, text in statement_texts(tables).itertuples(index=False):
        source_guid = guid("statement", statement_id)
        files[f"sources/{source_guid}.txt"] = text.encode("utf-8")
        source = etree.SubElement(sources, f"{{{ns}}}TextSource", guid=source_guid,
                                  name=statement_id, creatingUser=user,
                                  plainTextPath=f"internal://{source_guid}.txt")
        etree.SubElement(source, f"{{{ns}}}Description").text = description
        selection = etree.SubElement(source, f"{{{ns}}}PlainTextSelection", creatingUser=user,
                                     guid=guid("selection", statement_id), name=statement_id,
                                     startPosition="0", endPosition=str(len(text)))
        for row in hand[hand["statement_id"] == statement_id].itertuples():
            path = (statement_id, row.dimension, row.code)
            coding = etree.SubElement(selection, f"{{{ns}}}Coding", guid=guid("coding", *path),
                                      creatingUser=user)
            etree.SubElement(coding, f"{{{ns}}}CodeRef",
                             targetGUID=guid("code", row.dimension, row.code))
            etree.SubElement(coding, f"{{{ns}}}NoteRef", targetGUID=guid("note", *path))
            notes.append((path, row.rationale))
    note_list = etree.SubElement(root, f"{{{ns}}}Notes")
    for path, rationale in notes:
        note = etree.SubElement(note_list, f"{{{ns}}}Note", guid=guid("note", *path),
                                name=f"Rationale: {' / '.join(path)}", creatingUser=user)
        etree.SubElement(note, f"{{{ns}}}PlainTextContent").text = rationale
    files["project.qde"] = _xml(root)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name in sorted(files):
            entry = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            entry.create_system, entry.external_attr = 3, 0o644 << 16
            archive.writestr(entry, files[name])
    return buffer.getvalue()


def schema(kind: str) -> etree.XMLSchema:
    """The standard's XSD for ``kind`` ('codebook' or 'project') from ``data/exports/xsd/``.

    The codebook XSD's only copy found (QualCoder's) was damaged in transcription: hyphens
    became U+2010 (so no GUID would match) and some spaces before attribute names were lost;
    both are repaired here, mechanically, and nothing else is changed."""
    if kind == "project":
        return etree.XMLSchema(etree.parse(str(XSD / "Project-mrt2019.xsd")))
    text = (XSD / "Codebook.xsd").read_text(encoding="utf-8").replace("\u2010", "-")
    text = re.sub(r'(<xsd:\w+|")(?=(?:name|type|base|value|minOccurs)=)', r"\1 ", text)
    return etree.XMLSchema(etree.fromstring(text.encode("utf-8")))


def problems(path: Path | str) -> list[str]:
    """The XSD validation errors of a .qdc or .qdpx file (empty when it is valid)."""
    path = Path(path)
    if path.suffix == ".qdpx":
        with zipfile.ZipFile(path) as archive:
            data, kind = archive.read("project.qde"), "project"
    else:
        data, kind = path.read_bytes(), "codebook"
    xsd = schema(kind)
    return [] if xsd.validate(etree.fromstring(data)) else [str(e) for e in xsd.error_log]


def write_exports() -> list[Path]:
    """Write codebook.qdc and project.qdpx to data/exports/ atomically (unchanged bytes leave
    the files untouched); return their paths."""
    atomic.write_bytes(CODEBOOK_QDC, codebook_qdc())
    atomic.write_bytes(PROJECT_QDPX, project_qdpx())
    return [CODEBOOK_QDC, PROJECT_QDPX]
