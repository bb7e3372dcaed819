"""PDF documents: receipts and detail pages (SPEC §14 "Downloads"; receipts in §3–§12).

A deliberately small document model, so every receipt looks the same: a title, optional
notices (DKFDS alert colours), an intro paragraph and sections of label/value rows. Rendered
with fpdf2 in the vendored IBM Plex Sans (DKFDS' typeface), embedded as TrueType, so Danish
letters and dashes render and the text can be searched, copied and extracted.

Every page carries the product name at the top and, at the bottom, the generation time in
Danish time and "Side x af y".
"""

import logging
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from fpdf import FPDF, FontFace
from fpdf.enums import Align, TableBordersLayout, VAlign, XPos, YPos

from adgang.core import clock
from adgang.documents import COPENHAGEN, local_naive

FONT_DIR = Path(__file__).resolve().parent.parent / "ui/static/dkfds/fonts/IBMPlexSans/complete/ttf"
FONT_FAMILY = "IBMPlexSans"
FONT_FILES = {"": "IBMPlexSans-Regular.ttf", "B": "IBMPlexSans-Bold.ttf"}

# fontTools logs every font subsetting step at INFO, several dozen lines per PDF. Quieten it
# unless the logging settings say otherwise.
_font_logger = logging.getLogger("fontTools")
if _font_logger.level == logging.NOTSET:
    _font_logger.setLevel(logging.WARNING)

PRODUCT_NAME = _("Administrativ Adgang – Digital Post")
EMPTY_VALUE = "–"  # shown for a value that is None or blank

# Layout in millimetres and points (A4: 210 × 297 mm).
MARGIN = 20
TOP_MARGIN = 12
BOTTOM_MARGIN = 22
LINE = 5.0  # line height of body text (10 pt)
LABEL_SHARE = 0.35  # the label column's share of the text width
CELL_PADDING = 1.5
# A table row must fit on one page (fpdf2 refuses taller rows), so a longer value is split
# over several rows of at most this many lines: 40 × 5 mm leaves room for padding and header.
MAX_ROW_LINES = 40

# DKFDS alert colours: the bar and border, and the light background.
NOTICE_COLOURS: dict[str, tuple[tuple[int, int, int], tuple[int, int, int]]] = {
    "info": ((0, 89, 179), (230, 240, 250)),
    "warning": ((255, 188, 0), (255, 247, 224)),
    "success": ((53, 128, 0), (234, 244, 228)),
}
TEXT_COLOUR = (26, 26, 26)
MUTED_COLOUR = (90, 90, 90)
RULE_COLOUR = (200, 200, 200)


@dataclass(frozen=True)
class PdfSection:
    """A heading with a two-column table: `(label, value)` rows; a value may be long or span
    several lines ("\\n"); `None` or a blank value shows as "–"."""

    heading: str
    rows: Sequence[tuple[str, str | None]]


@dataclass(frozen=True)
class PdfNotice:
    """A boxed paragraph in DKFDS alert colours, e.g. "Gem API-nøglen nu" on a receipt."""

    level: Literal["info", "warning", "success"]
    title: str
    text: str = ""


def _clean(text: object) -> str:
    """Text as the PDF shows it: tabs as spaces, any line break as "\\n", no other control
    characters (they have no glyph and would break text extraction)."""
    text = str(text).replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return "".join(ch for ch in text if ch == "\n" or unicodedata.category(ch) not in {"Cc", "Cs"})


def _value(value: str | None) -> str:
    text = "" if value is None else _clean(value)
    return text if text.strip() else EMPTY_VALUE


def danish_time(moment: datetime) -> str:
    """`dd/mm/yyyy HH:MM` in Europe/Copenhagen, as the generation time is printed."""
    local = local_naive(moment)
    return f"{local.day:02d}/{local.month:02d}/{local.year:04d} {local:%H:%M}"


class _Document(FPDF):
    """A4 portrait with the product name on top and time and page numbers at the bottom."""

    def __init__(self, *, product: str, generated: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.product = product
        self.generated = generated
        for style, filename in FONT_FILES.items():
            self.add_font(FONT_FAMILY, style, str(FONT_DIR / filename))
        self.set_margins(MARGIN, TOP_MARGIN, MARGIN)
        self.set_auto_page_break(auto=True, margin=BOTTOM_MARGIN)
        self.set_text_color(*TEXT_COLOUR)

    def header(self) -> None:
        self.set_font(FONT_FAMILY, "", 8)
        self.set_text_color(*MUTED_COLOUR)
        self.cell(0, 4, self.product, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(*RULE_COLOUR)
        self.line(MARGIN, self.get_y() + 1, self.w - MARGIN, self.get_y() + 1)
        self.set_y(self.get_y() + 8)
        self.set_text_color(*TEXT_COLOUR)

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font(FONT_FAMILY, "", 8)
        self.set_text_color(*MUTED_COLOUR)
        width = self.epw / 2
        self.cell(width, 4, self.generated, align=Align.L)
        # "{nb}" is fpdf2's alias for the page count, filled in when the document is closed.
        pages = gettext("Side %(page)s af %(pages)s") % {"page": self.page_no(), "pages": "{nb}"}
        self.cell(width, 4, pages, align=Align.R)
        self.set_text_color(*TEXT_COLOUR)

    def paragraph(
        self, text: str, *, size: float = 10, bold: bool = False, width: float = 0
    ) -> None:
        self.set_font(FONT_FAMILY, "B" if bold else "", size)
        self.multi_cell(
            width,
            size * 0.5,
            _clean(text),
            align=Align.L,
            new_x=XPos.LMARGIN if width == 0 else XPos.LEFT,
            new_y=YPos.NEXT,
        )

    def notice(self, notice: PdfNotice) -> None:
        bar, background = NOTICE_COLOURS[notice.level]
        pad, bar_width = 3.0, 1.5
        inner = self.epw - bar_width - 2 * pad
        self.set_font(FONT_FAMILY, "B", 10)
        height = self.multi_cell(
            inner, LINE, _clean(notice.title), align=Align.L, dry_run=True, output="HEIGHT"
        )
        if notice.text:
            self.set_font(FONT_FAMILY, "", 10)
            height += 1 + self.multi_cell(
                inner, LINE, _clean(notice.text), align=Align.L, dry_run=True, output="HEIGHT"
            )
        height += 2 * pad
        if height > self.page_break_trigger - self.t_margin - 20:
            # Taller than a page: a box cannot hold it, so it flows as plain paragraphs.
            self.paragraph(notice.title, bold=True)
            self.paragraph(notice.text)
            self.set_y(self.get_y() + 4)
            return
        if self.will_page_break(height):
            self.add_page()
        x, y = self.l_margin, self.get_y()
        self.set_draw_color(*bar)
        self.set_fill_color(*background)
        self.rect(x, y, self.epw, height, style="DF")
        self.set_fill_color(*bar)
        self.rect(x, y, bar_width, height, style="F")
        self.set_xy(x + bar_width + pad, y + pad)
        self.paragraph(notice.title, bold=True, width=inner)
        if notice.text:
            self.set_y(self.get_y() + 1)
            self.set_x(x + bar_width + pad)
            self.paragraph(notice.text, width=inner)
        self.set_xy(x, y + height + 4)

    def _value_chunks(self, text: str, width: float) -> list[str]:
        """`text` split into pieces of at most `MAX_ROW_LINES` wrapped lines."""
        self.set_font(FONT_FAMILY, "", 10)
        lines = self.multi_cell(width, LINE, text, align=Align.L, dry_run=True, output="LINES")
        if len(lines) <= MAX_ROW_LINES:
            return [text]
        return [
            "\n".join(lines[start : start + MAX_ROW_LINES])
            for start in range(0, len(lines), MAX_ROW_LINES)
        ]

    def section(self, section: PdfSection) -> None:
        # Keep a heading together with (the start of) its first row.
        if self.will_page_break(8 + 3 * LINE):
            self.add_page()
        self.paragraph(section.heading, size=13, bold=True)
        self.set_y(self.get_y() + 2)
        if not section.rows:
            return
        label_width = self.epw * LABEL_SHARE
        # Measured a little narrower than the cell, so the table never wraps into more lines.
        value_width = self.epw - label_width - 2 * CELL_PADDING - 1
        self.set_draw_color(*RULE_COLOUR)
        self.set_font(FONT_FAMILY, "", 10)
        with self.table(
            col_widths=(LABEL_SHARE, 1 - LABEL_SHARE),
            width=self.epw,
            first_row_as_headings=False,
            text_align=Align.L,
            v_align=VAlign.T,
            borders_layout=TableBordersLayout.HORIZONTAL_LINES,
            line_height=LINE,
            padding=CELL_PADDING,
        ) as table:
            bold = FontFace(emphasis="BOLD")
            for label, value in section.rows:
                for index, chunk in enumerate(self._value_chunks(_value(value), value_width)):
                    row = table.row()
                    row.cell(_clean(label) if index == 0 else "", style=bold)
                    row.cell(chunk)
        self.set_y(self.get_y() + 6)


def pdf_render(
    *,
    title: str,
    sections: Sequence[PdfSection],
    intro: str = "",
    notices: Sequence[PdfNotice] = (),
    generated_at: datetime | None = None,
    author: str = "Administrativ Adgang",
) -> bytes:
    """The PDF document as bytes: A4, product name, `title`, `notices`, `intro`, `sections`.

    Every page shows "Side x af y" and the generation time (`generated_at`, or the
    application clock's now) as `dd/mm/yyyy HH:MM` Danish time. The PDF's metadata carry
    the title, author and creation date; its language is Danish.
    """
    moment = generated_at or clock.now()
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=COPENHAGEN)
    pdf = _Document(
        product=str(PRODUCT_NAME),
        generated=gettext("Dannet %(time)s") % {"time": danish_time(moment)},
    )
    pdf.set_title(_clean(title))
    pdf.set_author(_clean(author))
    pdf.set_creator(str(PRODUCT_NAME))
    pdf.set_lang("da")
    pdf.set_creation_date(moment.astimezone(COPENHAGEN))

    pdf.add_page()
    pdf.paragraph(title, size=18, bold=True)
    pdf.set_y(pdf.get_y() + 4)
    for notice in notices:
        pdf.notice(notice)
    if intro:
        pdf.paragraph(intro)
        pdf.set_y(pdf.get_y() + 4)
    for section in sections:
        pdf.section(section)
    return bytes(pdf.output())
