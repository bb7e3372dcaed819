"""Overviews as .xlsx (SPEC §14 "Downloads"): typed cells, Danish formats, no formulas."""

import io
import tracemalloc
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from adgang.documents.xlsx import (
    DATE_FORMAT,
    DATETIME_FORMAT,
    MAX_WIDTH,
    MIN_WIDTH,
    xlsx_render,
    xlsx_safe,
)

FORMULA_PAYLOADS = ["=1+1", "+45", "-2", "@SUM(A1)", "\t=x", "\r=x", '=HYPERLINK("http://x")']


def sheet_of(content: bytes):
    return load_workbook(io.BytesIO(content)).active


def render(headers=("Navn", "Antal"), rows=(), sheet_title="Systemer") -> bytes:
    return xlsx_render(sheet_title=sheet_title, headers=headers, rows=rows)


def test_xlsx_round_trip_keeps_types_in_danish_formats():
    headers = ["Navn", "Antal", "Beløb", "Andel", "Dato", "Oprettet", "Aktiv", "Passiv", "Tom"]
    row = [
        "Ærø Kommune",
        42,
        Decimal("12.50"),
        0.25,
        date(2025, 2, 28),
        datetime(2025, 7, 1, 22, 5, 9, tzinfo=UTC),
        True,
        False,
        None,
    ]
    sheet = sheet_of(render(headers=headers, rows=[row]))

    assert [cell.value for cell in sheet[1]] == headers
    cells = sheet[2]
    assert [cell.value for cell in cells[:4]] == ["Ærø Kommune", 42, 12.5, 0.25]
    assert cells[4].value == datetime(2025, 2, 28, 0, 0)
    assert cells[4].number_format == DATE_FORMAT
    # Naive Danish wall-clock time: 22:05 UTC in summer is 00:05 the next day.
    assert cells[5].value == datetime(2025, 7, 2, 0, 5, 9)
    assert cells[5].number_format == DATETIME_FORMAT
    assert [cells[6].value, cells[7].value] == ["Ja", "Nej"]
    assert cells[8].value is None


def test_xlsx_header_row_is_bold_frozen_and_filtered():
    sheet = sheet_of(render(rows=[["A", 1], ["B", 2], ["C", 3]]))

    assert all(cell.font.bold for cell in sheet[1])
    assert not any(cell.font.bold for cell in sheet[2])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:B4"


def test_xlsx_column_widths_follow_content_within_bounds():
    rows = [["x" * 500, "kort", 7]]
    sheet = sheet_of(render(headers=["Beskrivelse", "Navn", "N"], rows=rows))

    widths = [sheet.column_dimensions[letter].width for letter in "ABC"]
    assert widths[0] == MAX_WIDTH
    assert len("Beskrivelse") < widths[0]
    assert MIN_WIDTH <= widths[1] < MAX_WIDTH
    assert widths[2] == MIN_WIDTH


@pytest.mark.parametrize("payload", FORMULA_PAYLOADS)
def test_xlsx_text_that_looks_like_a_formula_is_stored_as_prefixed_text(payload):
    sheet = sheet_of(render(headers=[payload], rows=[[payload]]))

    for cell in (sheet["A1"], sheet["A2"]):
        assert cell.data_type == "s"
        assert isinstance(cell.value, str)
        assert not cell.value.startswith("=")
        # openpyxl's plain XML writer turns a bare carriage return into a line feed, its lxml
        # writer keeps it; either way the text is otherwise intact.
        assert cell.value.replace("\r", "\n") == "'" + payload.replace("\r", "\n")


@pytest.mark.parametrize("payload", FORMULA_PAYLOADS)
def test_xlsx_safe_prefixes_formula_text_with_an_apostrophe(payload):
    assert xlsx_safe(payload) == "'" + payload


@pytest.mark.parametrize("text", ["Kommune A", "'citat", "a=b", "1+1", "", "æ-ø"])
def test_xlsx_safe_leaves_ordinary_text_alone(text):
    assert xlsx_safe(text) == text


@pytest.mark.parametrize("number", [-2, -2.5, Decimal("-1.25")])
def test_xlsx_negative_numbers_stay_numbers(number):
    sheet = sheet_of(render(headers=["Tal"], rows=[[number]]))

    assert sheet["A2"].data_type == "n"
    assert sheet["A2"].value == number


@pytest.mark.parametrize("code", ["#N/A", "#DIV/0!", "#REF!"])
def test_xlsx_text_that_looks_like_an_error_stays_text(code):
    sheet = sheet_of(render(headers=["Kode"], rows=[[code]]))

    assert sheet["A2"].data_type == "s"
    assert sheet["A2"].value == code


def test_xlsx_characters_xml_cannot_hold_are_replaced_not_fatal():
    sheet = sheet_of(render(headers=["Navn"], rows=[["A\x00B\x1fC\tD"]]))

    assert sheet["A2"].value == "A\ufffdB\ufffdC\tD"


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Systemer", "Systemer"),
        ("Log [1/2]: *alle?*", "Log -1-2-- -alle--"),
        ("Oversigt over alle tilsluttede systemer", "Oversigt over alle tilsluttede"),
        ("'''", "Ark1"),
    ],
)
def test_xlsx_sheet_title_is_made_acceptable_to_excel(title, expected):
    assert sheet_of(render(sheet_title=title)).title == expected


def test_xlsx_writes_a_hundred_thousand_rows_from_a_generator():
    count = 100_000
    rows = ((number, f"Besked {number}", number % 2 == 0) for number in range(count))

    content = xlsx_render(sheet_title="Log", headers=["Nr", "Tekst", "Lige"], rows=rows)

    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert f'<row r="{count + 1}"' in xml and f'<row r="{count + 2}"' not in xml
    assert f"<t>Besked {count - 1}</t>" in xml
    assert f'<autoFilter ref="A1:C{count + 1}"' in xml
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    assert next(sheet.iter_rows(min_row=2, max_row=2, values_only=True)) == (0, "Besked 0", "Ja")


def test_xlsx_render_streams_rows_instead_of_holding_them_in_memory():
    xlsx_render(sheet_title="Log", headers=["Nr"], rows=[[1]])  # load code and translations
    rows = ((number, f"Besked nummer {number} fra systemet") for number in range(10_000))

    tracemalloc.start()
    try:
        content = xlsx_render(sheet_title="Log", headers=["Nr", "Tekst"], rows=rows)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    # A workbook built in memory takes about 1 kB per row here (over 10 MB); streamed, the
    # peak is the finished file plus a constant.
    assert peak < 3 * len(content) + 1_000_000
