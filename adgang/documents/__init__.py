"""Document helpers shared by every app: PDF, xlsx and CSV downloads (SPEC §14 "Downloads").

A plain library package (no models, no templates, not in INSTALLED_APPS). Import from the
modules themselves, so a CSV export never loads the PDF library:

- `adgang.documents.pdf`: `pdf_render()` with `PdfSection` and `PdfNotice` (receipts and
  detail pages);
- `adgang.documents.xlsx`: `xlsx_render()` and `xlsx_safe()` (overviews);
- `adgang.documents.csv`: `csv_write()`, `csv_iter_lines()` and `csv_safe()` (logs and
  reports, streamed);
- `adgang.documents.responses`: `download_response()`, `pdf_response()`, `xlsx_response()`
  and `csv_streaming_response()`.

What is shared by all three formats lives here: the time zone documents are written in.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

# Documents show Danish time whatever time zone a request may have activated (DESIGN "Time").
COPENHAGEN = ZoneInfo("Europe/Copenhagen")


def local_naive(value: datetime) -> datetime:
    """`value` as a naive Europe/Copenhagen wall-clock time.

    Aware datetimes are converted; a naive datetime is taken to be Danish wall-clock time
    already (the project stores aware UTC times, so naive ones only come from callers that
    built a local time on purpose).
    """
    if value.tzinfo is None or value.utcoffset() is None:
        return value
    return value.astimezone(COPENHAGEN).replace(tzinfo=None)
