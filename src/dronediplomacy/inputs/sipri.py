"""Parser of SIPRI Arms Transfers Database trade-register exports (data/raw/README.md), and the
armed-UAV series. An export: a free-text preamble, a header line starting with ``HEADER_START``,
then one CSV line per delivery row ending in ``;`` (read by ``csvfile.read_records``). Column
types come from data/tables.yaml; extra columns stay text."""

import re
from pathlib import Path
from typing import Sequence

import pandas as pd

from dronediplomacy.inputs.bad_inputs import input_error
from dronediplomacy.inputs.csvfile import encoding_of, read_records
from dronediplomacy.inputs.schemas import RESOURCES

HEADER_START = "SIPRI AT Database ID"
#: The export's columns (name without the line's final ';') -> field of data/tables.yaml.
FIELDS = {f["name"].rstrip(";"): f for f in RESOURCES["sipri_trade_register_turkiye"]["schema"]["fields"]}
ARMED_UAV = "armed UAV"  # SIPRI's "Description" of an armed drone
ALL_RECIPIENTS = "All recipients"


#: A field's kind -> (parser raising KeyError or ValueError, what it expects, dtype if optional).
_KINDS = {"integer": (int, "a whole number", "Int64"), "number": (float, "a number", "float64"),
          "flag": ({"Yes": True, "No": False}.__getitem__, "Yes, No or empty", "boolean"),
          "string": (str, "a text", "str")}


def _typed(path: Path, name: str, cells: list[str], lines: list[int]):
    field = FIELDS.get(name, {"type": "string"})
    rules = field.get("constraints", {})
    kind, required = "flag" if "enum" in rules else field["type"], rules.get("required", False)
    parse, expected, dtype = _KINDS[kind]
    values = []
    for cell, line in zip(cells, lines):
        try:
            if not cell and required:
                raise ValueError("empty")
            values.append(parse(cell) if cell or kind == "string" else None)
        except (KeyError, ValueError):
            raise input_error("sipri bad cell" if cell else "sipri empty cell", path, row=line,
                              column=name, line=line, cell=cell, expected=expected) from None
    return pd.array(values, dtype="int64" if required and kind == "integer" else dtype)


def read_trade_register(path: Path | str) -> pd.DataFrame:
    """A SIPRI trade-register export (as ``csvfile.read_records`` reads it) as a DataFrame: a row
    per delivery row, SIPRI's column names, index ``line`` (1-based). Required integers int64,
    ``Order date`` Int64, Yes/No flags boolean (empty NA: "not marked"), TIV columns float64, the
    rest text. ``attrs``: ``source_file``, ``generated`` (the preamble's "Data generated" or None),
    ``year_range`` (the query's (first, last), not the data's, or None). Raises InputError."""
    path = Path(path)
    header, records = read_records(path, tuple(FIELDS), header_starts=HEADER_START, line_end=";")
    lines = [record.line for record in records]
    frame = pd.DataFrame({name: _typed(path, name, [r.values[name] for r in records], lines)
                          for name in header}, index=pd.Index(lines, name="line"))
    raw = path.read_bytes()  # read_records has checked it; the preamble is what precedes the header
    preamble = raw.decode(encoding_of(raw)[0], "replace").split(HEADER_START)[0]
    generated = re.search(r"^Data generated:\s*(.+?);?\s*$", preamble, re.MULTILINE)
    years = re.search(r"year range '(\d{4})' to '(\d{4})'", preamble)
    frame.attrs.update(source_file=path.name, generated=generated and generated.group(1).strip(),
                       year_range=years and (int(years.group(1)), int(years.group(2))))
    return frame


def last_delivery_year(frame: pd.DataFrame) -> int:
    """The last delivery year in a whole export: the end of its coverage (the preamble's year
    range can run past the data). ValueError for an export without rows."""
    if frame.empty:
        raise ValueError("the SIPRI export has no delivery rows, so it covers no year")
    return int(frame["Delivery year"].max())


def armed_uav_deliveries(frame: pd.DataFrame,
                         recipients: Sequence[str] = ("Azerbaijan", "Ukraine"),
                         first_year: int = 2014, *, supplier: str = "Turkiye") -> pd.DataFrame:
    """Armed-UAV systems delivered by ``supplier`` per year (``first_year`` to
    :func:`last_delivery_year`; no delivery is a real 0) to each of ``recipients``, then to
    ``ALL_RECIPIENTS``. Columns: year, recipient, delivered ("Numbers delivered" of rows
    described ``armed UAV``), includes_estimate, estimated (systems in rows marked as SIPRI
    estimates), sipri_ids (ascending, "; "-joined). ValueError for what the export cannot answer."""
    if not recipients:
        raise ValueError("recipients is empty: name at least one recipient country")
    if len(set(recipients)) != len(recipients) or ALL_RECIPIENTS in recipients:
        raise ValueError(f"recipients must be distinct country names, got {list(recipients)}")
    last_year = last_delivery_year(frame)
    if first_year > last_year:
        raise ValueError(f"first_year {first_year} is after the last year the export "
                         f"covers ({last_year})")
    if not (frame["Supplier"] == supplier).any():
        raise ValueError(f"no rows with Supplier {supplier!r}; suppliers in the export: "
                         f"{', '.join(sorted(frame['Supplier'].unique()))}")
    if unknown := [name for name in recipients if name not in set(frame["Recipient"])]:
        raise ValueError(f"recipient(s) {unknown} never appear in the export: check the "
                         "spelling against its Recipient column")
    uav = frame[(frame["Supplier"] == supplier) & (frame["Description"] == ARMED_UAV)]
    rows = []
    for label in (*recipients, ALL_RECIPIENTS):
        for year in range(first_year, last_year + 1):
            cell = uav[(uav["Delivery year"] == year)
                       & ((uav["Recipient"] == label) | (label == ALL_RECIPIENTS))]
            marked = cell["Numbers delivered is estimate"].fillna(False).astype(bool)
            rows.append({"year": year, "recipient": label,
                         "delivered": int(cell["Numbers delivered"].sum()),
                         "includes_estimate": bool(marked.any()),
                         "estimated": int(cell.loc[marked, "Numbers delivered"].sum()),
                         "sipri_ids": "; ".join(map(str, sorted(set(cell["SIPRI AT Database ID"]))))})
    return pd.DataFrame(rows).astype({"year": "int64", "delivered": "int64",
                                      "includes_estimate": "bool", "estimated": "int64"})
