"""The codebook and hand coding for QDA programs (ATLAS.ti, MAXQDA, NVivo, QualCoder, …) in REFI-QDA's
QDA-XML 1.0, from ``templates/refi_qda/``: ``data/exports/codebook.qdc`` and ``project.qdpx`` (a zip of
``project.qde`` and a text file per statement). Byte-identical on every run: name-based GUIDs
(:func:`guid`), no dates, zip entries sorted, stored uncompressed and stamped 1980-01-01.
:func:`problems` validates against the standard's XSDs in ``data/exports/xsd/`` (see its README)."""

import io
import re
import uuid
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from lxml import etree

from dronediplomacy import atomic, paths
from dronediplomacy.coding.codebook import Codebook, load_codebook
from dronediplomacy.coding.hand_coding import NO_CODE
from dronediplomacy.coding.second_coder import first_coding, statement_texts
from dronediplomacy.inputs.tables import Tables, load_tables
from dronediplomacy.reporting.narrative import jinja

EXPORTS = paths.DATA / "exports"
XSD = EXPORTS / "xsd"
CODEBOOK_QDC = EXPORTS / "codebook.qdc"
PROJECT_QDPX = EXPORTS / "project.qdpx"
CODEBOOK_NS, PROJECT_NS = "urn:QDA-XML:codebook:1.0", "urn:QDA-XML:project:1.0"
#: Fixed once (a random UUID drawn for this project): every GUID is uuid5(NAMESPACE, path).
NAMESPACE = uuid.UUID("b5f73fd8-4a09-427d-a728-d8c28004e36e")
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry
TEMPLATES = Path(__file__).parent / "templates" / "refi_qda"
ATTRIBUTE_ENTITIES = {'"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}


def guid(*parts: str) -> str:
    """The stable GUID of the thing named by ``parts`` (e.g. ``guid("code", "stance")``)."""
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


def _render(template: str, codebook: Codebook, **values) -> bytes:
    # Escaped as lxml serialises: text escapes & < > (and CR); attributes also " and whitespace.
    env = jinja(TEMPLATES, x=lambda text: escape(str(text), {"\r": "&#13;"}),
                a=lambda text: escape(str(text), ATTRIBUTE_ENTITIES))
    env.globals.update(guid=guid, no_code=NO_CODE)
    return env.get_template(f"{template}.j2").render(
        codebook=codebook, **values).encode("utf-8")


def codebook_qdc(codebook: Codebook | None = None) -> bytes:
    """The REFI-QDA codebook (.qdc) of ``codebook`` (default: the repository's), as bytes."""
    return _render("codebook.qdc", codebook or load_codebook())


def project_qdpx(tables: Tables | None = None, codebook: Codebook | None = None,
                 input_dir: Path | str = paths.DATA_INPUT) -> bytes:
    """The REFI-QDA project (.qdpx, a zip) of every statement and its hand codes, as bytes.
    Hand codes from ``input_dir`` (``second_coder.first_coding``: InputError on any problem)."""
    tables = tables or load_tables()
    codebook = codebook or load_codebook()
    hand = first_coding(tables, codebook, input_dir)
    sources, notes, files = [], [], {}
    for statement_id, description, text in statement_texts(tables).itertuples(index=False):
        source_guid = guid("statement", statement_id)
        files[f"sources/{source_guid}.txt"] = text.encode("utf-8")
        rows = hand[hand["statement_id"] == statement_id]
        codings = [(statement_id, row.dimension, row.code) for row in rows.itertuples()]
        notes += zip(codings, rows["rationale"])
        sources.append({"id": statement_id, "guid": source_guid, "description": description,
                        "length": len(text), "codings": codings})
    files["project.qde"] = _render("project.qde", codebook, sources=sources, notes=notes,
                                   user=guid("user", "hand"))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name in sorted(files):
            entry = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            entry.create_system, entry.external_attr = 3, 0o644 << 16
            archive.writestr(entry, files[name])
    return buffer.getvalue()


def problems(path: Path | str) -> list[str]:
    """The errors of a .qdc or .qdpx file against the standard's XSDs in ``data/exports/xsd/``
    (empty when it is valid). The codebook XSD's only copy found (QualCoder's) has hyphens turned
    into U+2010 and some spaces before attribute names lost: both are repaired here, nothing else."""
    path = Path(path)
    if path.suffix == ".qdpx":
        with zipfile.ZipFile(path) as archive:
            data = archive.read("project.qde")
        xsd = etree.XMLSchema(etree.parse(str(XSD / "Project-mrt2019.xsd")))
    else:
        data = path.read_bytes()
        text = (XSD / "Codebook.xsd").read_text(encoding="utf-8").replace("\u2010", "-")
        text = re.sub(r'(<xsd:\w+|")(?=(?:name|type|base|value|minOccurs)=)', r"\1 ", text)
        xsd = etree.XMLSchema(etree.fromstring(text.encode("utf-8")))
    return [] if xsd.validate(etree.fromstring(data)) else [str(e) for e in xsd.error_log]


def write_exports() -> list[Path]:
    """Write codebook.qdc and project.qdpx to data/exports/ atomically (if changed); their paths."""
    atomic.write_bytes(CODEBOOK_QDC, codebook_qdc())
    atomic.write_bytes(PROJECT_QDPX, project_qdpx())
    return [CODEBOOK_QDC, PROJECT_QDPX]
