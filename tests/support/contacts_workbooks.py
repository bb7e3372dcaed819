"""Test helpers for the contact structure workbook (export/import, SPEC §4)."""

from decimal import Decimal
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from adgang.contacts import services
from adgang.contacts.models import ContactGroup, Target
from adgang.contacts.transfer import GROUPS_SHEET, POINTS_SHEET
from tests.support.contacts_factories import actor_for, build, point_spec, receiver_new

EAN = "5790000000012"  # a valid check digit


def full_structure(personas):
    """Groups (one with a formula-like name, one in two parents) and a point with every field."""
    organisation = personas.alice.organisation
    built = build(
        organisation,
        groups=["=cmd", "Borgerservice", "Pas"],
        edges=[("=cmd", "Pas"), ("Borgerservice", "Pas")],
    )
    ContactGroup.objects.filter(pk=built["Borgerservice"].pk).update(organisational_unit=True)
    system = receiver_new(personas.alice, name="Modtager Eksport")
    point = services.point_create(
        actor=actor_for(organisation),
        organisation=organisation,
        spec=point_spec(
            "+Pas og kørekort",
            description="Spørgsmål om pas.",
            internal_note="Kun til intern brug",
            group_ids=(built["Pas"].pk, built["Borgerservice"].pk),
            visible=False,
            targets=(Target.AUTHORITY, Target.CITIZEN, Target.COMPANY),
            max_message_mb=Decimal("45.5"),
            max_attachments=3,
            link_headline="Selvbetjening",
            link_description="Book tid",
            link_text="Book her",
            link_url="https://www.kommune.dk/pas",
            input_fields=("CPR-nummer", "Sagsnummer"),
            keywords=("pas", "kørekort"),
            codes=(
                {"type": "FORM", "code": "02.02.04"},
                {"type": "KLE", "code": "27.24.00"},
                {"type": "SOR", "code": "123456"},
                {"type": "GLN", "code": EAN},
                {"type": "CUSTOM", "code": "ABC"},
                {"type": "CUSTOM", "code": "DEF"},
            ),
            system_id=system.pk,
            active=True,
        ),
    )
    built.points["+Pas og kørekort"] = point
    built.system = system
    return built


def read(content: bytes) -> dict[str, list[dict]]:
    """sheet title → its data rows as {header: value}, as openpyxl reads the file."""
    workbook = load_workbook(BytesIO(content))
    sheets = {}
    for sheet in workbook.worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        headers = list(rows[0]) if rows else []
        sheets[sheet.title] = [dict(zip(headers, row, strict=False)) for row in rows[1:]]
    return sheets


def headers(content: bytes, sheet: str) -> list[str]:
    workbook = load_workbook(BytesIO(content))
    return [cell.value for cell in next(workbook[sheet].iter_rows(max_row=1))]


def edited(content: bytes, edits=(), *, append=(), drop_sheet=None, drop_column=None) -> bytes:
    """The workbook with cells changed: `edits` are (sheet, row number, header, value) —
    row 2 is the first data row; `append` adds rows (sheet, {header: value});
    `drop_sheet` removes a sheet, `drop_column` (sheet, header) a column."""
    workbook = load_workbook(BytesIO(content))
    for sheet, row, header, value in edits:
        ws = workbook[sheet]
        column = _column(ws, header)
        # `ws.cell(..., value=None)` would leave the cell as it was: assign instead.
        ws.cell(row=row, column=column).value = value
    for sheet, values in append:
        ws = workbook[sheet]
        names = [c.value for c in ws[1]]
        ws.append([values.get(name) for name in names])
    if drop_column:
        sheet, header = drop_column
        ws = workbook[sheet]
        ws.delete_cols(_column(ws, header))
    if drop_sheet:
        del workbook[drop_sheet]
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _column(ws, header: str) -> int:
    for index, cell in enumerate(ws[1], start=1):
        if cell.value == header:
            return index
    raise KeyError(header)


def row_of(content: bytes, sheet: str, name: str) -> int:
    """The spreadsheet row number of the row whose Navn is `name`."""
    for number, row in enumerate(read(content)[sheet], start=2):
        if row["Navn"] == name:
            return number
    raise KeyError(name)


def empty_workbook() -> bytes:
    """A workbook with neither of the two sheets."""
    workbook = Workbook()
    workbook.active.title = "Ark1"
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, name: str = "kontaktstruktur.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


__all__ = ["EAN", "GROUPS_SHEET", "POINTS_SHEET"]
