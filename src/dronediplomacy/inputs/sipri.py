"""Parser of SIPRI Arms Transfers Database trade-register exports, and the armed-UAV series.

The export format, as it really is (see data/raw/README.md):

- a free-text preamble (11 lines in the 12 Feb 2026 export), then a header line that
  starts with ``SIPRI AT Database ID``, then one line per delivery row;
- comma-separated, fields double-quoted where needed;
- most lines end in ``;`` (the header and every data row: the last column reads
  ``No;``), but some preamble lines hold a ``;`` in the middle and none at the end.

So the file is read by position: everything before the header line is preamble (kept
for its "Data generated" date and year range), the ``;`` that ends a line is stripped,
and each line is split as one CSV record. Splitting on ``;`` would break the preamble.

A newer export in the same format (another generation date or year range, more rows,
extra columns after the known ones) reads the same way. A line that does not fit stops
the read with :class:`dronediplomacy.errors.InputError` naming the file, the line
number (1-based, as an editor shows it) and the column.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Sequence

import pandas as pd

from dronediplomacy.errors import InputError

#: The first characters of the header line; everything before it is preamble.
HEADER_START = "SIPRI AT Database ID"

#: Columns the parser types, and the dtype each gets. A file missing any of them is
#: rejected; columns not listed here are kept as text.
INT_COLUMNS: tuple[str, ...] = ("SIPRI AT Database ID", "Numbers delivered", "Delivery year")
OPTIONAL_INT_COLUMNS: tuple[str, ...] = ("Order date",)
BOOL_COLUMNS: tuple[str, ...] = (
    "Order date is estimate",
    "Numbers delivered is estimate",
    "Delivery year is estimate",
    "Local production",
)
FLOAT_COLUMNS: tuple[str, ...] = ("SIPRI estimate", "TIV deal unit", "TIV delivery values")
TEXT_COLUMNS: tuple[str, ...] = (
    "Supplier", "Recipient", "Designation", "Description", "Armament category", "Status",
)
REQUIRED_COLUMNS: tuple[str, ...] = (
    INT_COLUMNS + OPTIONAL_INT_COLUMNS + BOOL_COLUMNS + FLOAT_COLUMNS + TEXT_COLUMNS
)

#: SIPRI's "Description" of an armed drone.
ARMED_UAV = "armed UAV"
#: Label of the all-recipients series in :func:`armed_uav_deliveries`.
ALL_RECIPIENTS = "All recipients"

_YES_NO = {"Yes": True, "No": False, "": pd.NA}
_INT = re.compile(r"[+-]?\d+")
_GENERATED = re.compile(r"^Data generated:\s*(.+?);?\s*$")
_YEAR_RANGE = re.compile(r"year range '(\d{4})' to '(\d{4})'")


def read_trade_register(path: Path | str) -> pd.DataFrame:
    """Read a SIPRI trade-register export into a typed DataFrame.

    One row per delivery row of the export, SIPRI's column names kept. Types:
    ``SIPRI AT Database ID``, ``Numbers delivered`` and ``Delivery year`` are ``int64``;
    ``Order date`` is nullable ``Int64``; every ``... is estimate`` column and
    ``Local production`` are nullable ``boolean`` (``Yes`` True, ``No`` False, empty
    NA: SIPRI marks an estimate with ``Yes``, so an empty flag is "not marked");
    the TIV columns are ``float64`` (empty is NaN); the rest are text. The index,
    named ``line``, is each row's line number in the file.

    ``df.attrs`` holds ``source_file`` (the file name), ``generated`` (the preamble's
    "Data generated" text, or None) and ``year_range`` ((first, last) from the
    preamble, or None). The year range is the query's, not the data's: use
    :func:`last_delivery_year` for the last year the data cover.

    Accepts a UTF-8 byte-order mark and Windows line endings. Raises InputError naming
    the file, the line and the column for anything it cannot read.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(path, f"cannot read the SIPRI export ({exc.strerror}).",
                         fix="Check the path; the export is data/raw/sipri_trade_register_turkiye.csv.") from None
    text = _decode(path, raw)
    lines = text.splitlines()

    header_index = next((i for i, line in enumerate(lines) if line.startswith(HEADER_START)), None)
    if header_index is None:
        raise InputError(path, f"no header line starting with {HEADER_START!r}.",
                         fix="Use an unmodified SIPRI trade-register export (CSV).")
    preamble = lines[:header_index]

    header = _split(path, header_index + 1, lines[header_index])
    if len(set(header)) != len(header):
        duplicated = sorted({name for name in header if header.count(name) > 1})
        raise InputError(path, f"the header on line {header_index + 1} names column(s) "
                         f"{duplicated} twice.", row=header_index + 1, column=duplicated[0],
                         fix="Use an unmodified SIPRI trade-register export.")
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise InputError(path, f"the header on line {header_index + 1} lacks the column(s) "
                         f"{', '.join(repr(m) for m in missing)}.",
                         row=header_index + 1, column=missing[0],
                         fix="Export the trade register with all columns from the SIPRI database.")

    records: list[list[str]] = []
    line_numbers: list[int] = []
    for index in range(header_index + 1, len(lines)):
        line = lines[index]
        if not line.strip():
            continue
        number = index + 1
        fields = _split(path, number, line)
        if len(fields) != len(header):
            # The first column that has no value (too few fields) or the last one
            # (too many: the surplus follows it).
            column = header[len(fields)] if len(fields) < len(header) else header[-1]
            raise InputError(
                path, f"line {number} has {len(fields)} fields, the header has {len(header)}.",
                row=number, column=column,
                fix="Quote any field that contains a comma, or restore the line from the export.")
        records.append(fields)
        line_numbers.append(number)

    columns: dict[str, object] = {}
    for position, name in enumerate(header):
        cells = [record[position] for record in records]
        columns[name] = _typed(path, name, cells, line_numbers)
    frame = pd.DataFrame(columns, index=pd.Index(line_numbers, name="line"))
    frame = frame[header]
    frame.attrs.update(source_file=path.name, generated=_generated(preamble),
                       year_range=_year_range(preamble))
    return frame


def last_delivery_year(frame: pd.DataFrame) -> int:
    """The last delivery year present in an export: the end of its coverage.

    The preamble's year range can run past the data (the 12 Feb 2026 export says
    1995-2025 and has no 2025 rows for any supplier), so coverage is read from the data.
    Pass the whole export, not a filtered part of it.
    """
    if frame.empty:
        raise ValueError("the SIPRI export has no delivery rows, so it covers no year")
    return int(frame["Delivery year"].max())


def armed_uav_deliveries(frame: pd.DataFrame,
                         recipients: Sequence[str] = ("Azerbaijan", "Ukraine"),
                         first_year: int = 2014, *, supplier: str = "Turkiye") -> pd.DataFrame:
    """Armed-UAV systems delivered per year by ``supplier``: to each recipient and to all.

    Rows: every year from ``first_year`` to the last year the export covers
    (:func:`last_delivery_year`, computed on the whole ``frame``), for each name in
    ``recipients`` and then ``ALL_RECIPIENTS``. A year inside the coverage with no
    delivery is a real 0; a year after the coverage is not in the result at all.

    Columns: ``year`` (int), ``recipient`` (str), ``delivered`` (int, SIPRI's "Numbers
    delivered" summed over rows whose Description is ``armed UAV``), ``includes_estimate``
    (bool: any of those rows has "Numbers delivered is estimate" = Yes; an empty flag
    counts as not marked), ``estimated`` (int: systems in rows marked as estimates),
    ``sipri_ids`` (the SIPRI AT Database IDs the cell rests on, ascending, joined by
    ``"; "``; empty for a zero).
    """
    if not recipients:
        raise ValueError("recipients is empty: name at least one recipient country")
    if len(set(recipients)) != len(recipients) or ALL_RECIPIENTS in recipients:
        raise ValueError(f"recipients must be distinct country names, got {list(recipients)}")
    last_year = last_delivery_year(frame)
    if first_year > last_year:
        raise ValueError(f"first_year {first_year} is after the last year the export "
                         f"covers ({last_year})")
    from_supplier = frame[frame["Supplier"] == supplier]
    if from_supplier.empty:
        raise ValueError(f"no rows with Supplier {supplier!r}; suppliers in the export: "
                         f"{', '.join(sorted(frame['Supplier'].unique()))}")
    unknown = [name for name in recipients if name not in set(frame["Recipient"])]
    if unknown:
        raise ValueError(f"recipient(s) {unknown} never appear in the export: check the "
                         "spelling against its Recipient column")

    uav = from_supplier[(from_supplier["Description"] == ARMED_UAV)
                        & from_supplier["Delivery year"].between(first_year, last_year)]
    years = list(range(first_year, last_year + 1))
    rows = []
    for label in (*recipients, ALL_RECIPIENTS):
        subset = uav if label == ALL_RECIPIENTS else uav[uav["Recipient"] == label]
        for year in years:
            cell = subset[subset["Delivery year"] == year]
            marked = cell["Numbers delivered is estimate"].fillna(False).astype(bool)
            rows.append({
                "year": year,
                "recipient": label,
                "delivered": int(cell["Numbers delivered"].sum()),
                "includes_estimate": bool(marked.any()),
                "estimated": int(cell.loc[marked, "Numbers delivered"].sum()),
                "sipri_ids": "; ".join(str(i) for i in sorted(set(cell["SIPRI AT Database ID"]))),
            })
    result = pd.DataFrame(rows)
    return result.astype({"year": "int64", "delivered": "int64", "includes_estimate": "bool",
                          "estimated": "int64"})


# -- helpers ---------------------------------------------------------------------------

def _decode(path: Path, raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(path, f"byte {raw[exc.start]:#04x} on line {line} is not UTF-8.",
                         row=line, fix="Save the export as UTF-8 (SIPRI's CSV export is).") from None


def _split(path: Path, number: int, line: str) -> list[str]:
    """One line as a CSV record, its trailing ';' (and whitespace) removed."""
    body = line.rstrip()
    if body.endswith(";"):
        body = body[:-1]
    try:
        records = list(csv.reader([body], strict=True))
    except csv.Error as exc:
        raise InputError(path, f"line {number} is not a well-formed CSV record ({exc}).",
                         row=number, fix="Restore the line from the SIPRI export.") from None
    if len(records) != 1:
        raise InputError(path, f"line {number} is not a single CSV record.",
                         row=number, fix="Restore the line from the SIPRI export.")
    return [field.strip() for field in records[0]]


def _typed(path: Path, name: str, cells: list[str], line_numbers: list[int]):
    def fail(i: int, expected: str) -> InputError:
        where = f"line {line_numbers[i]}"
        problem = (f"the cell on {where} is empty; expected {expected}." if cells[i] == ""
                   else f"{cells[i]!r} on {where} is not {expected}.")
        return InputError(path, problem, row=line_numbers[i], column=name,
                          fix="Restore the value from the SIPRI export.")

    if name in INT_COLUMNS or name in OPTIONAL_INT_COLUMNS:
        optional = name in OPTIONAL_INT_COLUMNS
        values = []
        for i, cell in enumerate(cells):
            if cell == "" and optional:
                values.append(pd.NA)
            elif _INT.fullmatch(cell):
                values.append(int(cell))
            else:
                raise fail(i, "a whole number")
        return pd.array(values, dtype="Int64" if optional else "int64")
    if name in BOOL_COLUMNS:
        values = []
        for i, cell in enumerate(cells):
            if cell not in _YES_NO:
                raise fail(i, "Yes, No or empty")
            values.append(_YES_NO[cell])
        return pd.array(values, dtype="boolean")
    if name in FLOAT_COLUMNS:
        values = []
        for i, cell in enumerate(cells):
            if cell == "":
                values.append(float("nan"))
                continue
            try:
                values.append(float(cell))
            except ValueError:
                raise fail(i, "a number") from None
        return pd.array(values, dtype="float64")
    if name in TEXT_COLUMNS:
        for i, cell in enumerate(cells):
            if cell == "":
                raise fail(i, "a text")
    return pd.array(cells, dtype="str")


def _generated(preamble: list[str]) -> str | None:
    for line in preamble:
        match = _GENERATED.match(line.strip())
        if match:
            return match.group(1).strip()
    return None


def _year_range(preamble: list[str]) -> tuple[int, int] | None:
    for line in preamble:
        match = _YEAR_RANGE.search(line)
        if match:
            return int(match.group(1)), int(match.group(2))
    return None
