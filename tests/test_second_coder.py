"""The second coder, end to end on constructed statements: a blank sheet is written, filled in
by a synthetic second coder, read back into second_coding.csv, and compared with the hand
coding; bad sheets are refused with file, row, column and fix; no file means no comparison."""

from __future__ import annotations

import csv
import io

import pytest

from dronediplomacy.coding import second_coder
from dronediplomacy.errors import InputError
from exchange_fixture import TEXTS, make


def _fill(sheet_path, codes_by_id: dict[str, dict[str, str]]) -> None:
    """Fill the code cells of a blank sheet as a spreadsheet would save them."""
    rows = list(csv.reader(io.StringIO(sheet_path.read_text(encoding="utf-8-sig"))))
    header = rows[0]
    for row in rows[1:]:
        for column, value in codes_by_id.get(row[0], {}).items():
            row[next(i for i, name in enumerate(header) if name.split(" (")[0] == column)] = value
    with open(sheet_path, "w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle, lineterminator="\r\n").writerows(rows)


def _blank(tmp_path):
    files, tables, codebook = make(tmp_path)
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(second_coder.blank_sheet(tables, codebook).to_csv(index=False), encoding="utf-8-sig")
    return tables, codebook, sheet


def test_blank_sheet_lists_every_statement_and_the_allowed_codes(tmp_path):
    tables, codebook, sheet = _blank(tmp_path)
    blank = second_coder.blank_sheet(tables, codebook)
    assert list(blank["statement_id"]) == list(TEXTS) and list(blank["text"]) == list(TEXTS.values())
    for dimension in codebook.dimensions_coded_by("hand"):
        header = next(c for c in blank.columns if c.startswith(dimension + " ("))
        assert all(code in header for code in codebook.code_ids(dimension))
    assert "speaker_side" not in " ".join(blank.columns)  # derived, not coded by people
    assert second_coder.read_sheet(sheet, codebook, list(TEXTS)).empty  # nothing coded yet


def test_round_trip_gives_reliability_and_disagreements(tmp_path):
    tables, codebook, sheet = _blank(tmp_path)
    assert second_coder.compare(tables, codebook, tmp_path) is None  # no second coding yet
    _fill(sheet, {
        "s1": {"accountability_move": "credit_claiming", "named_agent": "unspecified",
               "alignment": "support", "stance": "none"},                       # agrees
        "s2": {"accountability_move": "private_agency ; credit_claiming",
               "named_agent": "turkish_state", "alignment": "dissociation", "stance": "contests",
               "note": "Read as a state sale."},
        "c1": {"accountability_move": "none", "named_agent": "turkish_state",
               "alignment": "no_alignment", "stance": "none"}})
    coded = second_coder.read_sheet(sheet, codebook, list(TEXTS))
    assert coded.set_index("statement_id").at["s2", "accountability_move"] == \
        "credit_claiming;private_agency"  # codebook order
    coded.to_csv(tmp_path / "second_coding.csv", index=False)
    reliability, disagreements = second_coder.compare(tables, codebook, tmp_path, n_resamples=50)
    rows = reliability.set_index(["dimension", "code"])
    assert rows.loc[("alignment", "all codes"), "alpha"] == 1.0
    assert rows.loc[("alignment", "all codes"), "level_of_measurement"] == "ordinal"
    assert rows.loc[("accountability_move", "private_agency"), "percent_agreement"] == 1.0
    assert rows.loc[("accountability_move", "credit_claiming"), "percent_agreement"] == round(2 / 3, 4)
    assert set(rows.index) >= {("accountability_move", "all moves"), ("named_agent", "all codes"),
                               ("stance", "all codes")}
    assert (rows["n_statements"] == 3).all()
    got = {(r.statement_id, r.dimension): (r.hand_coding, r.second_coding)
           for r in disagreements.itertuples()}
    assert got == {("s2", "accountability_move"): ("private_agency", "credit_claiming;private_agency"),
                   ("s2", "named_agent"): ("turkish_company", "turkish_state")}
    assert set(disagreements["second_note"]) == {"Read as a state sale."}


@pytest.mark.parametrize("cells, column, words", [
    ({"accountability_move": "credit_claming", "named_agent": "unspecified", "alignment": "support",
      "stance": "none"}, "accountability_move", "unknown code 'credit_claming'"),
    ({"accountability_move": "none; private_agency", "named_agent": "unspecified",
      "alignment": "support", "stance": "none"}, "accountability_move", "cannot go together"),
    ({"accountability_move": "none", "named_agent": "unspecified;turkish_state",
      "alignment": "support", "stance": "none"}, "named_agent", "cannot go together"),
    ({"accountability_move": "none", "named_agent": "unspecified", "alignment": "",
      "stance": "none"}, "alignment", "no code for s2"),
    ({"accountability_move": "none", "named_agent": "unspecified", "alignment": "support",
      "stance": "none", "codebook_version": "0.9.0"}, "codebook_version", "0.9.0"),
])
def test_a_bad_cell_is_named_by_file_row_and_column(tmp_path, cells, column, words):
    _tables, codebook, sheet = _blank(tmp_path)
    _fill(sheet, {"s2": cells})
    with pytest.raises(InputError) as caught:
        second_coder.read_sheet(sheet, codebook, list(TEXTS))
    error = caught.value
    assert (error.file, error.row, error.column) == ("sheet.csv", 3, column)
    assert words in str(error) and error.fix


def test_the_command_writes_nothing_on_a_bad_sheet(tmp_path, capsys):
    sheet, out = tmp_path / "sheet.csv", tmp_path / "second_coding.csv"
    assert second_coder.main(["blank", str(sheet)]) == 0
    assert second_coder.main(["read", str(sheet), "--to", str(out)]) == 1  # nothing coded
    first = next(csv.reader(io.StringIO(sheet.read_text(encoding="utf-8-sig").split("\n", 2)[1])))[0]
    _fill(sheet, {first: {"accountability_move": "no_such_move", "named_agent": "x",
                          "alignment": "x", "stance": "x"}})
    assert second_coder.main(["read", str(sheet), "--to", str(out)]) == 1
    message = capsys.readouterr().err
    assert "sheet.csv, row 2, column accountability_move" in message and "Fix:" in message
    assert not out.exists()
