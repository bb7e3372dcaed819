"""Logs and reports as CSV (SPEC §14, §5): Danish Excel dialect, formula-safe, streamed."""

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from adgang.documents.csv import csv_iter_lines, csv_safe, csv_write

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_PAYLOADS = ["=1+1", "+45", "-2", "@SUM(A1)", "\t=x", "\r=x", '=HYPERLINK("http://x")']


def written(headers, rows) -> str:
    stream = io.StringIO(newline="")
    csv_write(stream, headers, rows)
    return stream.getvalue()


def parsed(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:], newline=""), delimiter=";"))


def test_csv_starts_with_byte_order_mark_uses_semicolons_and_crlf():
    text = written(["Navn", "Antal"], [["Ærø", 1], ["Å; Ø", 2]])

    assert text == '\ufeffNavn;Antal\r\nÆrø;1\r\n"Å; Ø";2\r\n'
    assert text.encode("utf-8").startswith(b"\xef\xbb\xbf")


def test_csv_parses_back_to_the_same_fields():
    rows = [["Linje 1\nLinje 2", 'Sagde "hej"', "a;b", ""], ["æøå", "ÆØÅ", " mellemrum ", "x"]]

    assert parsed(written(["A", "B", "C", "D"], rows)) == [["A", "B", "C", "D"], *rows]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (datetime(2025, 3, 5, 13, 30, 7, tzinfo=UTC), "05-03-2025 14:30:07"),  # winter, +1
        (datetime(2025, 7, 1, 22, 5, 9, tzinfo=UTC), "02-07-2025 00:05:09"),  # summer, +2
        (date(2025, 2, 28), "28-02-2025"),
        (date(999, 1, 2), "02-01-0999"),
        (True, "Ja"),
        (False, "Nej"),
        (None, ""),
        (42, "42"),
        (-2, "-2"),
        (Decimal("12.50"), "12,50"),
        (0.25, "0,25"),
    ],
)
def test_csv_safe_writes_values_in_danish_formats(value, text):
    assert csv_safe(value) == text


@pytest.mark.parametrize("payload", FORMULA_PAYLOADS)
def test_csv_text_that_looks_like_a_formula_is_prefixed_with_an_apostrophe(payload):
    rows = parsed(written([payload], [[payload]]))

    assert rows == [["'" + payload], ["'" + payload]]
    assert not any(field.startswith(DANGEROUS) for row in rows for field in row)


def test_csv_iter_lines_is_lazy_one_line_per_row():
    consumed = []

    def rows():
        for number in range(3):
            consumed.append(number)
            yield [number]

    lines = csv_iter_lines(["Nr"], rows())

    assert next(lines) == "\ufeffNr\r\n"
    assert consumed == []
    assert next(lines) == "0\r\n"
    assert consumed == [0]
    assert list(lines) == ["1\r\n", "2\r\n"]


def test_csv_write_writes_what_csv_iter_lines_yields():
    rows = [[1, "a"], [2, "=b"]]

    assert written(["Nr", "Tekst"], rows) == "".join(csv_iter_lines(["Nr", "Tekst"], rows))
