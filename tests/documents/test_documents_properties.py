"""Properties of the injection guard and file names, for any text (SPEC §14 "Downloads")."""

import csv
import io

from django.http import HttpResponse
from django.utils.http import parse_header_parameters
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from adgang.documents.csv import csv_iter_lines, csv_safe
from adgang.documents.responses import content_disposition, safe_filename
from adgang.documents.xlsx import xlsx_render, xlsx_safe

# The characters that make a spreadsheet read a cell as a formula (OWASP).
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")

# Any text, and often text that starts like an attack (plain random text rarely does).
texts = st.text() | st.builds(
    str.__add__, st.sampled_from([*DANGEROUS, "\n", " =", " \t-", "'=", "＝"]), st.text()
)


@given(text=texts)
def test_xlsx_safe_output_never_starts_like_a_formula_and_keeps_the_text(text):
    safe = xlsx_safe(text)

    assert not safe.startswith(DANGEROUS)
    assert safe in (text, "'" + text)


@given(text=texts)
def test_csv_safe_output_never_starts_like_a_formula_and_keeps_the_text(text):
    safe = csv_safe(text)

    assert not safe.startswith(DANGEROUS)
    assert safe in (text, "'" + text)


@given(text=st.text(st.characters(exclude_categories=("Z", "Cc"))))
def test_safe_text_is_only_prefixed_when_it_starts_like_a_formula(text):
    if not text.startswith(("=", "+", "-", "@", "＝", "＋", "－", "＠")):
        assert xlsx_safe(text) == csv_safe(text) == text


@given(rows=st.lists(st.lists(texts, min_size=3, max_size=3), max_size=5))
def test_csv_parses_back_to_the_safe_values(rows):
    text = "".join(csv_iter_lines(["A", "B", "C"], rows))

    assert text.startswith("\ufeff")
    parsed = list(csv.reader(io.StringIO(text[1:], newline=""), delimiter=";"))
    assert parsed == [["A", "B", "C"]] + [[csv_safe(value) for value in row] for row in rows]


@settings(max_examples=40, deadline=None)
@given(values=st.lists(texts, min_size=1, max_size=4))
def test_xlsx_reads_back_text_cells_never_formulas(values):
    content = xlsx_render(sheet_title="T", headers=["H"] * len(values), rows=[values])

    cells = load_workbook(io.BytesIO(content)).active[2]
    for cell, value in zip(cells, values, strict=True):
        if value == "":
            assert cell.value is None
            continue
        assert cell.data_type == "s"
        assert not cell.value.startswith(DANGEROUS[:4])
        # XML cannot hold most C0 controls; line ends come back as either of openpyxl's XML
        # writers (plain or lxml) keeps them.
        expected = xlsx_safe(value).replace("\r\n", "\n").replace("\r", "\n")
        expected = "".join("\ufffd" if ch < " " and ch not in "\t\n" else ch for ch in expected)
        assert cell.value.replace("\r\n", "\n").replace("\r", "\n") == expected


@given(filename=st.text())
def test_safe_filename_is_idempotent_and_has_no_dangerous_characters(filename):
    name = safe_filename(filename)

    assert safe_filename(name) == name
    assert name and len(name) <= 150
    assert not any(ch in name for ch in "/\\\"'\r\n\x00")
    assert not name.startswith(".")


@given(filename=st.text())
def test_content_disposition_is_ascii_and_names_the_safe_file(filename):
    response = HttpResponse()
    response["Content-Disposition"] = content_disposition(filename)  # Django checks the header

    kind, parameters = parse_header_parameters(response["Content-Disposition"])
    assert response["Content-Disposition"].isascii()
    assert kind == "attachment"
    assert parameters["filename"] == safe_filename(filename)
