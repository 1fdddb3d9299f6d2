"""The SIPRI export: checksum, parser, and the armed-UAV series of figure 8."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest

from dronediplomacy import paths
from dronediplomacy.inputs import sipri
from dronediplomacy.errors import InputError

RAW = paths.DATA_RAW / "sipri_trade_register_turkiye.csv"
RAW_SHA256 = "d897470e0bd060cff5081d633f3bc2615c06be876509738c0ac49e96a96112e5"

HEADER = ("SIPRI AT Database ID,Supplier,Recipient,Designation,Description,Armament category,"
          "Order date,Order date is estimate,Numbers delivered,Numbers delivered is estimate,"
          "Delivery year,Delivery year is estimate,Status,SIPRI estimate,TIV deal unit,"
          "TIV delivery values,Local production;")


def newer_export(rows: list[str], *, generated: str = "3 Mar 2027 09:01:02 AM",
                 years: tuple[int, int] = (1995, 2026)) -> str:
    """A made-up export in SIPRI's format: a different preamble (and one line more)."""
    preamble = [
        f"Transfers of major conventional arms from All countries  to All countries . Deals with "
        f"deliveries made for the year range '{years[0]}' to '{years[1]}';",
        "A '?' in a column indicates uncertain data.;",
        "SIPRI trend-indicator values (TIVs) are in millions.;",
        "A '0' for 'SIPRI TIV of delivered weapons' indicates a small volume; and an empty "
        "field indicates that no deliveries have been identified.",
        "A line this test adds, so the preamble is longer than in 2026.;",
        ";",
        "Source: SIPRI Arms Transfers Database (c) SIPRI.;",
        f"Data generated: {generated};",
    ]
    return "\n".join(preamble + [HEADER] + rows) + "\n"


def row(sid: int, recipient: str, description: str, n: int, estimate: str, year: int,
        supplier: str = "Turkiye", designation: str = "Bayraktar TB-2") -> str:
    return (f"{sid},{supplier},{recipient},{designation},{description},Aircraft,{year - 1},Yes,"
            f"{n},{estimate},{year},No,New,2.4,2.4,{2.4 * n:g},No;")


# -- the file in data/raw ---------------------------------------------------------------

def test_raw_export_is_unchanged():
    assert hashlib.sha256(RAW.read_bytes()).hexdigest() == RAW_SHA256


def test_raw_readme_gives_citation_checksum_and_terms():
    readme = " ".join((paths.DATA_RAW / "README.md").read_text(encoding="utf-8").split())
    assert RAW_SHA256 in readme
    assert "SIPRI Arms Transfers Database" in readme
    assert "12 February 2026" in readme
    assert "terms of use" in readme.lower()
    import re
    hosts = set(re.findall(r"https?://([^/\s>)]+)", readme))
    assert hosts <= {"www.sipri.org", "sipri.org"}, hosts


# -- the parser on the real export -------------------------------------------------------

@pytest.fixture(scope="module")
def export() -> pd.DataFrame:
    return sipri.read_trade_register(RAW)


def test_real_export_rows_columns_and_types(export):
    assert len(export) == 336
    assert list(export.columns[:3]) == ["SIPRI AT Database ID", "Supplier", "Recipient"]
    assert export.columns[-1] == "Local production"  # the trailing ';' is not in the name
    assert set(export["Local production"].dropna()) <= {True, False}
    assert export["Numbers delivered"].dtype == "int64"
    assert export["Delivery year"].dtype == "int64"
    assert export["SIPRI AT Database ID"].dtype == "int64"
    assert export["Numbers delivered is estimate"].dtype == "boolean"
    assert export["TIV delivery values"].dtype == "float64"
    assert set(export["Supplier"]) == {"Turkiye"}
    # Three rows leave the estimate flag empty: NA, not False.
    assert int(export["Numbers delivered is estimate"].isna().sum()) == 3
    # The index is the line number: the first data row is line 13 of the file.
    first = export.iloc[0]
    assert export.index[0] == 13
    assert (first["SIPRI AT Database ID"], first["Recipient"], first["Designation"]) == (
        67184, "Ethiopia", "Akinci")
    assert first["Numbers delivered"] == 1 and bool(first["Numbers delivered is estimate"])
    assert pd.isna(first["Delivery year is estimate"])
    assert first["TIV delivery values"] == pytest.approx(4.5)


def test_real_export_preamble_and_coverage(export):
    assert export.attrs["generated"] == "12 Feb 2026 12:26:12 PM"
    assert export.attrs["year_range"] == (1995, 2025)
    # The preamble says 2025, the data end in 2024.
    assert sipri.last_delivery_year(export) == 2024


def test_armed_uav_deliveries_on_the_real_export(export):
    table = sipri.armed_uav_deliveries(export)
    assert list(table.columns) == ["year", "recipient", "delivered", "includes_estimate",
                                   "estimated", "sipri_ids"]
    assert sorted(set(table["year"])) == list(range(2014, 2025))  # 2025 is not covered
    assert list(dict.fromkeys(table["recipient"])) == ["Azerbaijan", "Ukraine", "All recipients"]
    cell = table.set_index(["recipient", "year"])
    assert cell.loc[("Azerbaijan", 2020), "delivered"] == 12
    assert cell.loc[("Ukraine", 2022), "delivered"] == 67
    assert cell.loc[("Ukraine", 2022), "sipri_ids"] == "63994; 65283"
    assert cell.loc[("Ukraine", 2023), "delivered"] == 1
    assert not cell.loc[("Ukraine", 2023), "includes_estimate"]  # SIPRI: not an estimate
    assert cell.loc[("Ukraine", 2020), "delivered"] == 0  # a real zero inside coverage
    # All recipients is the sum over every recipient of armed UAVs in that year.
    uav = export[export["Description"] == "armed UAV"]
    for year in range(2014, 2025):
        expected = int(uav.loc[uav["Delivery year"] == year, "Numbers delivered"].sum())
        assert cell.loc[("All recipients", year), "delivered"] == expected
    # 2024 includes Poland's 6 with an empty estimate flag: counted, not marked estimated.
    assert cell.loc[("All recipients", 2024), "delivered"] - cell.loc[
        ("All recipients", 2024), "estimated"] >= 6


# -- a newer export of the same format ---------------------------------------------------

def test_reads_a_newer_export_and_follows_its_coverage(tmp_path):
    rows = [
        row(70001, "Ukraine", "armed UAV", 5, "Yes", 2025),
        row(70002, "Ukraine", "armed UAV", 2, "No", 2025),
        row(70003, "Azerbaijan", "armed UAV", 4, "No", 2026),
        row(70004, "Ukraine", "UAV", 9, "No", 2026),  # not armed: left out
        row(70005, "Kenya", "armed UAV", 3, "Yes", 2024),
        row(70006, "Ukraine", "armed UAV", 8, "Yes", 2026, supplier="Poland"),  # other supplier
        '70007,Turkiye,"Bosnia, and others",Akinci,armed UAV,Aircraft,2025,No,1,,2026,,New,4.5,4.5,4.5,No;',
    ]
    path = tmp_path / "trade_register_2027.csv"
    path.write_text(newer_export(rows), encoding="utf-8")
    frame = sipri.read_trade_register(path)
    assert len(frame) == 7
    assert frame.attrs["generated"] == "3 Mar 2027 09:01:02 AM"
    assert frame.attrs["year_range"] == (1995, 2026)
    assert frame.loc[frame["SIPRI AT Database ID"] == 70007, "Recipient"].item() == "Bosnia, and others"
    assert sipri.last_delivery_year(frame) == 2026

    table = sipri.armed_uav_deliveries(frame, first_year=2024).set_index(["recipient", "year"])
    assert sorted(set(table.index.get_level_values("year"))) == [2024, 2025, 2026]
    assert table.loc[("Ukraine", 2025), "delivered"] == 7
    assert table.loc[("Ukraine", 2025), "estimated"] == 5
    assert bool(table.loc[("Ukraine", 2025), "includes_estimate"])
    assert table.loc[("Ukraine", 2026), "delivered"] == 0  # the UAV and the Polish rows are out
    assert table.loc[("Azerbaijan", 2026), "delivered"] == 4
    assert not table.loc[("Azerbaijan", 2026), "includes_estimate"]
    assert table.loc[("All recipients", 2024), "delivered"] == 3
    assert table.loc[("All recipients", 2026), "delivered"] == 5
    assert table.loc[("All recipients", 2026), "sipri_ids"] == "70003; 70007"


def test_windows_line_endings_and_bom_read_the_same(tmp_path):
    text = newer_export([row(70001, "Ukraine", "armed UAV", 5, "Yes", 2025)])
    plain, windows = tmp_path / "plain.csv", tmp_path / "windows.csv"
    plain.write_text(text, encoding="utf-8")
    windows.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    pd.testing.assert_frame_equal(sipri.read_trade_register(plain),
                                  sipri.read_trade_register(windows))


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_an_export_saved_with_a_byte_order_mark_reads_the_same_with_its_preamble(tmp_path, encoding):
    text = newer_export([row(70001, "Ukraine", "armed UAV", 5, "Yes", 2025)])
    plain, saved = tmp_path / "plain.csv", tmp_path / "saved.csv"
    plain.write_text(text, encoding="utf-8")
    saved.write_text(text, encoding=encoding)
    expected, read = sipri.read_trade_register(plain), sipri.read_trade_register(saved)
    pd.testing.assert_frame_equal(read, expected)
    assert read.attrs["generated"] and read.attrs["year_range"]  # the preamble was read
    assert {k: v for k, v in read.attrs.items() if k != "source_file"} == \
        {k: v for k, v in expected.attrs.items() if k != "source_file"}


def test_the_real_export_with_windows_line_endings_reads_the_same(tmp_path, export):
    copy = tmp_path / "crlf.csv"
    copy.write_bytes(RAW.read_bytes().replace(b"\n", b"\r\n"))
    pd.testing.assert_frame_equal(sipri.read_trade_register(copy), export)


# -- malformed input: one InputError naming file, line and column -------------------------

def write(tmp_path: Path, rows: list[str], name: str = "bad.csv") -> Path:
    path = tmp_path / name
    path.write_text(newer_export(rows), encoding="utf-8")
    return path


GOOD = row(70001, "Ukraine", "armed UAV", 5, "Yes", 2025)


@pytest.mark.parametrize("bad, column, words", [
    (row(70002, "Ukraine", "armed UAV", 5, "Yes", 2025).replace(",5,Yes,", ",five,Yes,"),
     "Numbers delivered", "whole number"),
    (row(70002, "Ukraine", "armed UAV", 5, "Maybe", 2025), "Numbers delivered is estimate",
     "Yes, No or empty"),
    (row(70002, "Ukraine", "armed UAV", 5, "Yes", 2025).replace(",2025,No,New", ",,No,New"),
     "Delivery year", "is empty; expected a whole number"),
    (row(70002, "Ukraine", "armed UAV", 5, "Yes", 2025).replace(",New,2.4,", ",New,2,4,"),
     "(after Local production)", "fields"),
    (row(70002, "Ukraine", "armed UAV", 5, "Yes", 2025).replace(",New,2.4,2.4,", ",New,"),
     "TIV delivery values", "fields"),
    (row(70002, "Ukraine", "armed UAV", 5, "Yes", 2025).replace(",12,No;", ",n/a,No;"),
     "TIV delivery values", "a number"),
    (row(70002, "", "armed UAV", 5, "Yes", 2025), "Recipient", "is empty"),
])
def test_a_malformed_row_names_file_line_and_column(tmp_path, bad, column, words):
    path = write(tmp_path, [GOOD, bad])
    with pytest.raises(InputError) as caught:
        sipri.read_trade_register(path)
    error = caught.value
    bad_line = 8 + 1 + 2  # 8 preamble lines, the header, the good row, then the bad one
    assert error.row == bad_line
    assert error.column == column
    message = str(error)
    assert message.startswith("bad.csv, row 11, column ")
    assert words in message
    assert "Fix:" in message


def test_no_header_line(tmp_path):
    path = tmp_path / "nohead.csv"
    path.write_text(newer_export([GOOD]).replace("SIPRI AT Database ID", "Deal ID"), encoding="utf-8")
    with pytest.raises(InputError, match=r"nohead\.csv: no header line starting with 'SIPRI AT Database ID'"):
        sipri.read_trade_register(path)


def test_missing_column_in_header(tmp_path):
    path = tmp_path / "nocol.csv"
    text = newer_export([GOOD]).replace(",Numbers delivered is estimate,", ",Estimate,")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        sipri.read_trade_register(path)
    assert caught.value.column == "Numbers delivered is estimate"
    assert caught.value.row == 9


def test_unterminated_quote(tmp_path):
    path = write(tmp_path, [GOOD, GOOD.replace("Ukraine", '"Ukraine')])
    with pytest.raises(InputError) as caught:
        sipri.read_trade_register(path)
    assert caught.value.row == 11


def test_not_utf8(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(newer_export([GOOD.replace("Ukraine", "Cura\u00e7ao")]).encode("latin-1"))
    with pytest.raises(InputError) as caught:
        sipri.read_trade_register(path)
    assert caught.value.row == 10
    assert "not valid UTF-8" in str(caught.value)


def test_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        sipri.read_trade_register(tmp_path / "absent.csv")


# -- the series function refuses what it cannot answer -----------------------------------

def test_armed_uav_deliveries_rejects_bad_arguments(export):
    with pytest.raises(ValueError, match="never appear"):
        sipri.armed_uav_deliveries(export, ("Azerbijan",))
    with pytest.raises(ValueError, match="after the last year"):
        sipri.armed_uav_deliveries(export, first_year=2025)
    with pytest.raises(ValueError, match="no rows with Supplier"):
        sipri.armed_uav_deliveries(export, supplier="Turkey")
    with pytest.raises(ValueError, match="empty"):
        sipri.armed_uav_deliveries(export, ())
