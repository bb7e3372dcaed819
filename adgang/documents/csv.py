"""CSV downloads for logs and reports (SPEC §14 "Downloads", §5 "Download gives CSV").

Written for Danish Excel, which opens a double-clicked CSV file with the machine's regional
settings: UTF-8 with a byte order mark (or æøå turn into mojibake), `;` as the delimiter
(`,` is the Danish decimal comma), CRLF line ends, times in Europe/Copenhagen as
`dd-mm-yyyy HH:MM:SS` and decimals with a comma. Every value goes through `csv_safe()`,
which applies the same formula-injection rule as the xlsx export (`xlsx_safe()`, see
`adgang.documents.xlsx` for the decision). Logs stream: `csv_iter_lines()` yields one line
per row and never holds the export in memory.
"""

import csv
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import Protocol

from adgang.documents.xlsx import xlsx_safe

BOM = "\ufeff"
DELIMITER = ";"
LINE_END = "\r\n"


class TextSink(Protocol):
    """Anything with `write(str)`: a text file opened with `newline=""`, `io.StringIO`, or a
    Django `HttpResponse` (which encodes with its charset, UTF-8)."""

    def write(self, text: str, /) -> object: ...


class _Echo:
    """A file-like object whose `write` hands the line back, so `csv.writer` formats
    one row at a time for a generator (the pattern of Django's streaming CSV how-to)."""

    def write(self, text: str) -> str:
        return text


def _date_text(value: date) -> str:
    # Not strftime: it does not zero-pad years before 1000 on every platform.
    return f"{value.day:02d}-{value.month:02d}-{value.year:04d}"


def csv_safe(value: object) -> str:
    """One value as the text of a CSV field: formula-safe, in Danish formats.

    Text is neutralised exactly as `xlsx_safe()` does (output is the text or `"'" + text`);
    `None` is empty; booleans are "Ja"/"Nej"; aware datetimes are shown in Europe/Copenhagen
    as `dd-mm-yyyy HH:MM:SS`, dates as `dd-mm-yyyy`; floats and Decimals with a decimal
    comma. Numbers are not prefixed: a number field is never a formula.
    """
    safe = xlsx_safe(value)
    if safe is None:
        return ""
    if isinstance(safe, str):
        return safe
    if isinstance(safe, datetime):
        return f"{_date_text(safe)} {safe:%H:%M:%S}"
    if isinstance(safe, date):
        return _date_text(safe)
    if isinstance(safe, time):
        return f"{safe:%H:%M:%S}"
    if isinstance(safe, Decimal):
        return format(safe, "f").replace(".", ",")
    if isinstance(safe, float):
        return repr(safe).replace(".", ",")
    return str(safe)


def csv_iter_lines(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """The CSV file as lines (each ending in CRLF): the header line, starting with the byte
    order mark, then one line per row. Lazy: for `StreamingHttpResponse` and big logs."""
    writer = csv.writer(_Echo(), delimiter=DELIMITER, lineterminator=LINE_END)
    yield BOM + writer.writerow([csv_safe(header) for header in headers])
    for row in rows:
        yield writer.writerow([csv_safe(value) for value in row])


def csv_write(stream: TextSink, headers: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """Write the CSV file (byte order mark, header, rows) to a text stream, row by row."""
    for line in csv_iter_lines(headers, rows):
        stream.write(line)
