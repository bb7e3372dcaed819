"""Spreadsheet downloads (.xlsx) for overviews (SPEC §14 "Downloads"), safe against formulas.

Formula injection (OWASP "CSV Injection"): a text that starts with `=`, `+`, `-`, `@`, a tab
or a line break is taken as a formula by spreadsheet programs, so a system name such as
`=HYPERLINK("http://evil", "klik")` typed by one organisation could run in a caseworker's
Excel. `xlsx_safe()` is the one rule for xlsx and CSV alike; the decision:

- such a text is written with a leading apostrophe: `=1+1` becomes `'=1+1`. The apostrophe
  is visible, and that is the point: the cell stays text when a caseworker saves the sheet
  as CSV from Excel and opens that file again, where a plain string cell would turn back
  into a formula;
- in the xlsx file every text is a plain string cell (data type `s`, never `f`);
- the original text is always recoverable: the output is the text itself or `"'" + text`,
  and the apostrophe is added exactly when the text would be dangerous.

Numbers, dates and times stay typed cells (a number cell is never a formula, `-2` as an int
is a number): only text is neutralised.
"""

import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from io import BytesIO
from itertools import chain, islice
from math import isfinite

from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from adgang.documents import local_naive

# First characters that make a spreadsheet program read a cell as a formula (OWASP), plus the
# full-width forms that East Asian input methods produce and some programs accept as well.
FORMULA_TRIGGERS = frozenset("=+-@\t\r\n＝＋－＠")
FORMULA_PREFIX = "'"

DATETIME_FORMAT = "dd-mm-yyyy hh:mm:ss"
DATE_FORMAT = "dd-mm-yyyy"
TIME_FORMAT = "hh:mm:ss"

# Column widths are measured on the header and the first rows only: a write-only sheet must
# write its column widths before its first row, and a 100,000-row log is not kept in memory.
WIDTH_SAMPLE_ROWS = 200
MIN_WIDTH = 8
MAX_WIDTH = 60

# What an xlsx file (XML 1.0) cannot hold: C0 controls other than tab and line breaks, lone
# surrogates and the two non-characters. openpyxl refuses them; we replace them.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SHEET_TITLE_ILLEGAL = re.compile(r"[\\/*?:\[\]]")
SHEET_TITLE_MAX = 31

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def formula_neutralise(text: str) -> str:
    """`text`, or `"'" + text` when a spreadsheet would read it as a formula.

    Dangerous: the first character is a formula trigger, or the first one after leading
    whitespace is (some programs trim before they look).
    """
    if text[:1] in FORMULA_TRIGGERS or text.lstrip()[:1] in FORMULA_TRIGGERS:
        return FORMULA_PREFIX + text
    return text


def xlsx_safe(value: object) -> object:
    """One value as a spreadsheet cell holds it, never as a formula.

    - text (and anything else shown as text: lazy translations, UUIDs, …): `str()` and
      neutralised by `formula_neutralise()`;
    - `None` stays `None` (an empty cell); booleans become "Ja"/"Nej";
    - aware datetimes become naive Europe/Copenhagen wall-clock time (Excel has no zones);
    - dates, times, ints, finite floats and Decimals stay as they are (typed cells).
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return gettext("Ja") if value else gettext("Nej")
    if isinstance(value, datetime):
        return local_naive(value)
    if isinstance(value, date | time | int | Decimal):
        return value
    if isinstance(value, float) and isfinite(value):
        return value
    return formula_neutralise(str(value))


def _sheet_title(title: str) -> str:
    """A title Excel accepts: no `\\ / * ? : [ ]`, not quoted, at most 31 characters."""
    cleaned = _SHEET_TITLE_ILLEGAL.sub("-", _XML_ILLEGAL.sub("", title)).strip().strip("'")
    return cleaned[:SHEET_TITLE_MAX].strip() or gettext("Ark1")


def _display_width(value: object) -> int:
    """How many characters a value takes on screen (its longest line)."""
    if value is None:
        return 0
    if isinstance(value, datetime):
        return len("00-00-0000 00:00:00")
    if isinstance(value, date):
        return len("00-00-0000")
    return max((len(line) for line in str(value).splitlines()), default=0)


def _cell(sheet: WriteOnlyWorksheet, value: object) -> object:
    """A row item for `sheet.append()`: the safe value, styled when it is a date or time."""
    value = xlsx_safe(value)
    if isinstance(value, str):
        if not value:
            return None  # an empty cell, not an empty inline string
        value = _XML_ILLEGAL.sub("\ufffd", value)
        if value in ERROR_CODES:
            # openpyxl would write "#N/A" typed by a user as an error cell; keep it text.
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            return cell
        return value
    if isinstance(value, datetime | date | time):
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, datetime):
            cell.number_format = DATETIME_FORMAT
        elif isinstance(value, date):
            cell.number_format = DATE_FORMAT
        else:
            cell.number_format = TIME_FORMAT
        return cell
    return value


def xlsx_render(
    *, sheet_title: str, headers: Sequence[str], rows: Iterable[Sequence[object]]
) -> bytes:
    """An .xlsx workbook with one sheet: a bold, frozen, filterable header row and the rows.

    `rows` may be a generator (a queryset's `.iterator()`, a `values_list`): the workbook is
    written in openpyxl's write-only mode, which streams rows to a temporary file, so only
    the finished file is held in memory. Column widths follow the header and the first
    `WIDTH_SAMPLE_ROWS` rows, between `MIN_WIDTH` and `MAX_WIDTH` characters. Every value
    goes through `xlsx_safe()`.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_sheet_title(sheet_title))

    remaining = iter(rows)
    sample = [list(row) for row in islice(remaining, WIDTH_SAMPLE_ROWS)]
    for index, header in enumerate(headers, start=1):
        widest = max(
            [_display_width(header) + 2]  # room for the filter button
            + [_display_width(xlsx_safe(row[index - 1])) for row in sample if len(row) >= index]
        )
        width = min(max(widest + 1, MIN_WIDTH), MAX_WIDTH)
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"

    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = _cell(sheet, header)
        if not isinstance(cell, Cell):
            cell = WriteOnlyCell(sheet, value=cell)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)

    count = 0
    for row in chain(sample, remaining):
        sheet.append([_cell(sheet, value) for value in row])
        count += 1

    if headers:
        # The filter range is written after the rows, so it can cover all of them.
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{count + 1}"

    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
