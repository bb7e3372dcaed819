"""The contact structure as an Excel workbook and back (SPEC §4 "Export / import", guide §6.7–6.8).

`build_workbook()` writes the whole structure as one .xlsx: the sheet "Kontaktgrupper" (one
row per group, its parents as IDs) and the sheet "Kontaktpunkter" (one row per point, every
field, its groups and receiver system as IDs). The same workbook, edited, is read back by
`analyse()`: a row without ID creates, a row with ID updates; the result is the dry run — every
change (field, before, after) and every invalid cell (sheet, row, column, reason) — and the
operations to carry it out. `apply()` carries them out all or nothing, through the services.

Decisions:
- A workbook never deletes: a node missing from its sheet is left as it is (deleting is
  "Slet gruppe", with its preview).
- Parents and groups are referenced by ID only. A group created by this import has no ID
  yet, so it can only be referenced in a second import (export again after the first one).
  Names are not unique, and an ID typed wrong must not silently pick another group.
- Another organisation's ID is reported exactly like an unknown ID: the import does not
  reveal what exists elsewhere.
- Cells are read as stored (`data_only=False`): a formula is an error "Cellen indeholder en
  formel" and is never evaluated. A text the export protected with a leading apostrophe
  (`'=1+1`, see `adgang.documents.xlsx.formula_neutralise`) reads back as the original text.
- Every value is checked by the same `validation.py` functions as the wizard and the forms;
  the services check them again when the import is applied.
- Column headers are a file format, not UI text: they are the same in every language, so a
  workbook exported in English reads back in Danish.
"""

from __future__ import annotations

import hashlib
import uuid
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from io import BytesIO

import xlsxwriter
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from adgang.accounts.models import Organisation
from adgang.audit.services import Actor
from adgang.contacts import services, validation
from adgang.contacts.models import (
    CodeType,
    ContactGroup,
    ContactPoint,
    GroupInGroup,
    PointInGroup,
    Target,
)
from adgang.contacts.services import ContactRuleError, PointSpec
from adgang.documents.xlsx import FORMULA_PREFIX, formula_neutralise, xlsx_safe
from adgang.systems.models import MailSystem

GROUPS_SHEET = "Kontaktgrupper"
POINTS_SHEET = "Kontaktpunkter"
SEPARATOR = ";"
YES, NO = "Ja", "Nej"

# Column header → the field it holds.
GROUP_COLUMNS = {
    "ID": "id",
    "Navn": "name",
    "Beskrivelse": "description",
    "Organisatorisk enhed": "organisational_unit",
    "Overordnede grupper": "parent_ids",
}
SINGLE_CODE_COLUMNS = {"FORM": CodeType.FORM, "KLE": CodeType.KLE, "SOR": CodeType.SOR}
SINGLE_CODE_COLUMNS["EAN/GLN"] = CodeType.GLN
POINT_COLUMNS = {
    "ID": "id",
    "Navn": "name",
    "Beskrivelse": "description",
    "Intern note": "internal_note",
    "Kontaktgrupper": "group_ids",
    "Synlig": "visible",
    "Målgruppe": "targets",
    "Max MB": "max_message_mb",
    "Max bilag": "max_attachments",
    "Linkoverskrift": "link_headline",
    "Linkbeskrivelse": "link_description",
    "Linktekst": "link_text",
    "Link (URL)": "link_url",
    "Informationsfelter": "input_fields",
    "Søgeord": "keywords",
    "FORM": "code_FORM",
    "KLE": "code_KLE",
    "SOR": "code_SOR",
    "EAN/GLN": "code_GLN",
    "Brugerdefinerede koder": "code_CUSTOM",
    "Modtagersystem": "system_id",
    "Aktiv": "active",
}
# Model field → its column, for placing a service's refusal on the right cell.
GROUP_FIELD_COLUMN = {v: k for k, v in GROUP_COLUMNS.items()} | {"parents": "Overordnede grupper"}
POINT_FIELD_COLUMN = {v: k for k, v in POINT_COLUMNS.items()} | {
    "groups": "Kontaktgrupper",
    "system": "Modtagersystem",
    "codes": "Brugerdefinerede koder",
}
TARGET_LABELS = {
    Target.CITIZEN: "Borger",
    Target.COMPANY: "Virksomhed",
    Target.AUTHORITY: "Myndighed",
}

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# What the members of the zip may unpack to, together (a zip bomb: 10 MB of deflate can
# declare gigabytes). A real export of a large structure unpacks to a few MB.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024


def _join(values: Iterable) -> str:
    return SEPARATOR.join(str(v) for v in values)


def _yes_no(value: bool) -> str:
    return YES if value else NO


# -- export --------------------------------------------------------------------------------


def _edges(model, column: str, organisation: Organisation, owner: str) -> dict:
    """child id → its group ids in a stable order (one query)."""
    result: dict[uuid.UUID, list[uuid.UUID]] = {}
    rows = model.objects.filter(**{f"{owner}__organisation": organisation}).values_list(
        column, "parent_id" if model is GroupInGroup else "group_id"
    )
    for child, parent in rows:
        result.setdefault(child, []).append(parent)
    return {child: sorted(parents, key=str) for child, parents in result.items()}


def point_cells(point: dict, group_ids: list) -> list:
    """A point's row as the workbook holds it, in `POINT_COLUMNS` order."""
    codes = point["codes"] or []

    def code_of(code_type: CodeType) -> str:
        return next((c["code"] for c in codes if c["type"] == code_type), "")

    return [
        str(point["id"]),
        point["name"],
        point["description"],
        point["internal_note"],
        _join(group_ids),
        _yes_no(point["visible"]),
        _join(TARGET_LABELS.get(t, t) for t in point["targets"] or []),
        point["max_message_mb"],
        point["max_attachments"],
        point["link_headline"],
        point["link_description"],
        point["link_text"],
        point["link_url"],
        _join(point["input_fields"] or []),
        _join(point["keywords"] or []),
        code_of(CodeType.FORM),
        code_of(CodeType.KLE),
        code_of(CodeType.SOR),
        code_of(CodeType.GLN),
        _join(c["code"] for c in codes if c["type"] == CodeType.CUSTOM),
        str(point["system_id"]) if point["system_id"] else "",
        _yes_no(point["active"]),
    ]


POINT_VALUES = (
    "id",
    "name",
    "description",
    "internal_note",
    "visible",
    "targets",
    "max_message_mb",
    "max_attachments",
    "link_headline",
    "link_description",
    "link_text",
    "link_url",
    "input_fields",
    "keywords",
    "codes",
    "system_id",
    "active",
)


# The export is written with XlsxWriter in constant-memory mode: openpyxl's write-only mode
# needs about 1.3 s for 10,000 points (220,000 cells), the issue asks for well under a second.
# Every value still passes `xlsx_safe` (formula protection), and XlsxWriter is told never to
# turn a string into a formula, number or link.
_WRITER_OPTIONS = {
    "constant_memory": True,
    "in_memory": True,
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
}


def _package(sheets: list[tuple[str, list[str], Iterable[list]]]) -> bytes:
    """The .xlsx: per sheet a bold, frozen header row, sensible widths, then the rows."""
    buffer = BytesIO()
    workbook = xlsxwriter.Workbook(buffer, _WRITER_OPTIONS)
    bold = workbook.add_format({"bold": True})
    for title, headers, rows in sheets:
        sheet = workbook.add_worksheet(title)
        sheet.freeze_panes(1, 0)
        for column, header in enumerate(headers):
            sheet.set_column(column, column, max(len(header) + 4, 14))
        sheet.write_row(0, 0, headers, bold)
        write_string, write = sheet.write_string, sheet.write
        for number, row in enumerate(rows, start=1):
            for column, value in enumerate(row):
                # Text is by far the most common cell: its fast path is `formula_neutralise`,
                # the rule `xlsx_safe` applies to text; other types go through `xlsx_safe`.
                if type(value) is str:
                    if value:
                        write_string(number, column, formula_neutralise(value))
                elif value is not None:
                    write(number, column, xlsx_safe(value))
    workbook.close()
    return buffer.getvalue()


def build_workbook(organisation: Organisation) -> bytes:
    """The whole structure as .xlsx bytes (SPEC §4 "Export"), in four queries."""
    groups = list(
        ContactGroup.objects.filter(organisation=organisation)
        .order_by("name", "id")
        .values_list("id", "name", "description", "organisational_unit")
    )
    group_parents = _edges(GroupInGroup, "child_id", organisation, "child")
    points = ContactPoint.objects.filter(organisation=organisation).order_by("name", "id")
    point_groups = _edges(PointInGroup, "point_id", organisation, "point")

    group_rows = [
        [str(pk), name, description, _yes_no(unit), _join(group_parents.get(pk, ()))]
        for pk, name, description, unit in groups
    ]
    point_rows = [
        point_cells(point, point_groups.get(point["id"], []))
        for point in points.values(*POINT_VALUES).iterator(chunk_size=2000)
    ]
    return _package(
        [
            (GROUPS_SHEET, list(GROUP_COLUMNS), group_rows),
            (POINTS_SHEET, list(POINT_COLUMNS), point_rows),
        ]
    )


# -- reading -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CellError:
    sheet: str
    row: int | None
    column: str
    reason: str

    def as_dict(self) -> dict:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "reason": self.reason}


class WorkbookUnreadable(Exception):
    """The file is not an .xlsx workbook at all (or a damaged one)."""


class WorkbookTooLarge(WorkbookUnreadable):
    """The workbook's members would unpack to more than `MAX_UNPACKED_BYTES`."""


# What a damaged .xlsx raises while opened or while openpyxl inflates and parses its sheets
# (read-only mode reads them lazily): a broken zip or deflate stream, a CRC mismatch, an
# unknown compression method, a missing member, malformed XML (ParseError is a SyntaxError).
_DAMAGED = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    NotImplementedError,
    KeyError,
    OSError,
    ValueError,
    TypeError,
    SyntaxError,
)


def _original_text(text: str) -> str:
    """Undo the export's formula protection: `'=1+1` reads as `=1+1`."""
    if text.startswith(FORMULA_PREFIX) and formula_neutralise(text[1:]) == text:
        return text[1:]
    return text


@dataclass
class SheetRow:
    """One data row: its spreadsheet row number and its cells by column header."""

    number: int
    cells: dict[str, object]
    # Columns holding a formula: already reported, and never read as an empty cell.
    formulas: frozenset[str] = frozenset()


def _is_formula(cell) -> bool:
    value = cell.value
    return cell.data_type == "f" or (isinstance(value, str) and value.startswith("="))


def _read_sheet(
    workbook, title: str, columns: dict[str, str], errors: list[CellError]
) -> list[SheetRow] | None:
    """The sheet's rows by header, or None when the sheet or one of its columns is missing."""
    if title not in workbook.sheetnames:
        errors.append(
            CellError(title, None, "", _("Arket »%(sheet)s« mangler.") % {"sheet": title})
        )
        return None
    rows = workbook[title].iter_rows()
    header_row = next(rows, ())
    positions: dict[str, int] = {}
    for index, cell in enumerate(header_row):
        if isinstance(cell.value, str) and cell.value.strip() in columns:
            positions.setdefault(cell.value.strip(), index)
    missing = [name for name in columns if name not in positions]
    for name in missing:
        errors.append(
            CellError(title, 1, name, _("Kolonnen »%(column)s« mangler.") % {"column": name})
        )
    if missing:
        return None
    result = []
    for number, row in enumerate(rows, start=2):
        cells: dict[str, object] = {}
        formulas = set()
        for name, index in positions.items():
            cell = row[index] if index < len(row) else None
            if cell is None or cell.value is None:
                cells[name] = None
            elif _is_formula(cell):
                errors.append(CellError(title, number, name, _("Cellen indeholder en formel.")))
                cells[name] = None
                formulas.add(name)
            elif isinstance(cell.value, str):
                cells[name] = _original_text(cell.value)
            else:
                cells[name] = cell.value
        if formulas or any(v not in (None, "") for v in cells.values()):
            result.append(SheetRow(number, cells, frozenset(formulas)))
    return result


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _list(value: object) -> list[str]:
    return [part.strip() for part in _text(value).split(SEPARATOR) if part.strip()]


def _bool(value: object, default: bool) -> bool:
    text = _text(value).casefold()
    if not text:
        return default
    if text in ("ja", "yes", "true", "1"):
        return True
    if text in ("nej", "no", "false", "0"):
        return False
    raise ValidationError(_("Skriv Ja eller Nej."))


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def _messages(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.messages)


# -- analysis ------------------------------------------------------------------------------


@dataclass
class Operation:
    """One service call of the import: create or update one group or point."""

    sheet: str
    row: int
    kind: str  # "group" | "point"
    node_id: uuid.UUID | None  # None: create
    values: dict
    # Display: (column, before, after) per changed field.
    fields: list[tuple[str, str, str]] = field(default_factory=list)
    name: str = ""


@dataclass
class Analysis:
    errors: list[CellError]
    operations: list[Operation]
    state: str

    def report(self, sha256: str) -> dict:
        return {
            "sha256": sha256,
            "state": self.state,
            "errors": [e.as_dict() for e in self.errors],
            "changes": [
                {
                    "sheet": op.sheet,
                    "row": op.row,
                    "action": "update" if op.node_id else "create",
                    "id": str(op.node_id) if op.node_id else "",
                    "name": op.name,
                    "fields": [list(f) for f in op.fields],
                }
                for op in self.operations
            ],
        }


def structure_state(organisation: Organisation) -> str:
    """A fingerprint of the structure: every node and its version (every change to a node or
    its edges raises its version; a new or deleted node changes the set). Two queries."""
    digest = hashlib.sha256()
    for model in (ContactGroup, ContactPoint):
        for pk, version in (
            model.objects.filter(organisation=organisation)
            .order_by("pk")
            .values_list("pk", "version")
        ):
            digest.update(f"{model.__name__}:{pk}:{version};".encode())
    return digest.hexdigest()


class _Reader:
    """Reads one sheet row's cells into checked values, collecting each bad cell."""

    def __init__(self, sheet: str, row: SheetRow, errors: list[CellError]):
        self.sheet, self.row, self.errors = sheet, row, errors
        self.failed = False

    def fail(self, column: str, reason: str) -> None:
        self.failed = True
        self.errors.append(CellError(self.sheet, self.row.number, column, reason))

    def read(self, column: str, check: Callable):
        if column in self.row.formulas:  # reported once, as a formula, not as empty
            self.failed = True
            return None
        try:
            return check(_text(self.row.cells.get(column)))
        except ValidationError as error:
            self.fail(column, _messages(error))
            return None


def _group_refs(reader: _Reader, column: str, known: dict[uuid.UUID, str]) -> list[uuid.UUID]:
    ids = []
    for part in _list(reader.row.cells.get(column)):
        pk = _uuid(part)
        if pk is None or pk not in known:
            reader.fail(
                column,
                _("Kontaktgruppen med ID »%(id)s« findes ikke i jeres kontaktstruktur.")
                % {"id": part},
            )
        elif pk not in ids:
            ids.append(pk)
    return ids


def _row_id(reader: _Reader, known, seen: set, what: str) -> tuple[bool, uuid.UUID | None]:
    """(row usable, id): an empty ID creates; an ID must be one of the organisation's."""
    text = _text(reader.row.cells.get("ID"))
    if not text:
        return True, None
    pk = _uuid(text)
    if pk is None or pk not in known:
        reader.fail(
            "ID",
            _(
                "%(what)s med ID »%(id)s« findes ikke i jeres kontaktstruktur. Lad ID være tomt "
                "for at oprette en ny."
            )
            % {"what": what, "id": text},
        )
        return False, None
    if pk in seen:
        reader.fail("ID", _("ID'et »%(id)s« står i mere end én række.") % {"id": text})
        return False, None
    seen.add(pk)
    return True, pk


def _names_of(ids: Iterable[uuid.UUID], names: dict[uuid.UUID, str]) -> str:
    return "; ".join(sorted((names.get(i, str(i)) for i in ids), key=str.casefold))


def _analyse_groups(rows, organisation, errors, group_names, parents_now) -> list[Operation]:
    current = {g.pk: g for g in ContactGroup.objects.filter(organisation=organisation)}
    operations = []
    seen: set = set()
    for row in rows:
        reader = _Reader(GROUPS_SHEET, row, errors)
        usable, pk = _row_id(reader, current, seen, _("Kontaktgruppen"))
        values = {
            "name": reader.read(
                "Navn", lambda v: validation.validate_name(v, what=_("kontaktgruppen"))
            ),
            "description": reader.read("Beskrivelse", validation.validate_group_description),
            "organisational_unit": reader.read("Organisatorisk enhed", lambda v: _bool(v, False)),
            "parent_ids": _group_refs(reader, "Overordnede grupper", current),
        }
        if reader.failed or not usable:
            continue
        if pk is None:
            fields = [
                ("Navn", "", values["name"]),
                ("Beskrivelse", "", values["description"]),
                ("Organisatorisk enhed", "", _yes_no(values["organisational_unit"])),
                ("Overordnede grupper", "", _names_of(values["parent_ids"], group_names)),
            ]
            operations.append(
                Operation(GROUPS_SHEET, row.number, "group", None, values, fields, values["name"])
            )
            continue
        group = current[pk]
        changes, fields = {}, []
        for name, column in (
            ("name", "Navn"),
            ("description", "Beskrivelse"),
            ("organisational_unit", "Organisatorisk enhed"),
        ):
            before = getattr(group, name)
            if values[name] != before:
                changes[name] = values[name]
                show = _yes_no if name == "organisational_unit" else str
                fields.append((column, show(before), show(values[name])))
        old_parents = parents_now.get(pk, set())
        if set(values["parent_ids"]) != old_parents:
            changes["parent_ids"] = values["parent_ids"]
            fields.append(
                (
                    "Overordnede grupper",
                    _names_of(old_parents, group_names),
                    _names_of(values["parent_ids"], group_names),
                )
            )
        if changes:
            operations.append(
                Operation(GROUPS_SHEET, row.number, "group", pk, changes, fields, group.name)
            )
    return operations


def _cycle_errors(operations, parents_now, errors, group_names) -> None:
    """A cycle among the parent references as they would be after the import (SPEC §4)."""
    parents = {pk: set(ids) for pk, ids in parents_now.items()}
    row_of = {}
    for op in operations:
        if op.kind == "group" and op.node_id and "parent_ids" in op.values:
            parents[op.node_id] = set(op.values["parent_ids"])
            row_of[op.node_id] = op.row
    # Depth-first search for a back edge (white/grey/black).
    state: dict[uuid.UUID, int] = {}
    reported: set[uuid.UUID] = set()
    for start in sorted(parents, key=str):
        if state.get(start):
            continue
        stack = [(start, iter(sorted(parents.get(start, ()), key=str)))]
        path = [start]
        state[start] = 1
        while stack:
            node, parent_iter = stack[-1]
            nxt = next(parent_iter, None)
            if nxt is None:
                state[node] = 2
                stack.pop()
                path.pop()
                continue
            if state.get(nxt) == 1:
                ring = path[path.index(nxt) :]
                names = " → ".join(group_names.get(g, str(g)) for g in [*ring, nxt])
                for member in ring:
                    if member in row_of and member not in reported:
                        reported.add(member)
                        errors.append(
                            CellError(
                                GROUPS_SHEET,
                                row_of[member],
                                "Overordnede grupper",
                                _(
                                    "En kontaktgruppe kan ikke placeres under sig selv eller en "
                                    "af sine undergrupper (%(ring)s)."
                                )
                                % {"ring": names},
                            )
                        )
            elif not state.get(nxt):
                state[nxt] = 1
                path.append(nxt)
                stack.append((nxt, iter(sorted(parents.get(nxt, ()), key=str))))


def _point_values(reader: _Reader, groups, systems) -> dict:
    cells = reader.row.cells
    values = {
        "name": reader.read(
            "Navn", lambda v: validation.validate_name(v, what=_("kontaktpunktet"))
        ),
        "description": reader.read("Beskrivelse", validation.validate_point_description),
        "internal_note": reader.read("Intern note", validation.validate_internal_note),
        "group_ids": _group_refs(reader, "Kontaktgrupper", groups),
        "visible": reader.read("Synlig", lambda v: _bool(v, True)),
        "targets": reader.read("Målgruppe", lambda v: validation.validate_targets(_list(v))),
        "input_fields": reader.read(
            "Informationsfelter", lambda v: validation.validate_input_fields(_list(v))
        ),
        "keywords": reader.read("Søgeord", lambda v: validation.validate_keywords(_list(v))),
        "active": reader.read("Aktiv", lambda v: _bool(v, False)),
    }
    try:
        values["max_message_mb"], values["max_attachments"] = validation.validate_capacity(
            cells.get("Max MB"), cells.get("Max bilag")
        )
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            reader.fail(POINT_FIELD_COLUMN[name], " ".join(messages))
    try:
        values.update(
            validation.validate_external_link(
                *(_text(cells.get(POINT_FIELD_COLUMN[n])) for n in services.LINK_FIELDS)
            )
        )
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            reader.fail(POINT_FIELD_COLUMN[name], " ".join(messages))
    codes = []
    single_ok = True
    for column, code_type in SINGLE_CODE_COLUMNS.items():
        text = _text(cells.get(column))
        if not text:
            continue
        if SEPARATOR in text:
            reader.fail(column, _("Der kan kun stå én kode i kolonnen."))
            single_ok = False
            continue
        code = {"type": code_type.value, "code": text}
        if reader.read(column, lambda _v, c=code: validation.validate_codes([c])) is None:
            single_ok = False
        codes.append(code)
    codes += [
        {"type": CodeType.CUSTOM.value, "code": c}
        for c in _list(cells.get("Brugerdefinerede koder"))
    ]
    if single_ok:
        values["codes"] = reader.read(
            "Brugerdefinerede koder", lambda _v: validation.validate_codes(codes)
        )
    system_text = _text(cells.get("Modtagersystem"))
    values["system_id"] = None
    if system_text:
        pk = _uuid(system_text)
        if pk is None or pk not in systems:
            reader.fail(
                "Modtagersystem",
                _("Modtagersystemet med ID »%(id)s« er ikke et af jeres modtagersystemer.")
                % {"id": system_text},
            )
        else:
            values["system_id"] = pk
    return values


def _point_display(values: dict, group_names, system_names) -> dict[str, str]:
    """column → the value as the dry run shows it."""
    cells = point_cells(
        {"id": "", **values, "system_id": values.get("system_id")}, values["group_ids"]
    )
    shown = dict(zip(POINT_COLUMNS, (_text(c) for c in cells), strict=True))
    shown["Kontaktgrupper"] = _names_of(values["group_ids"], group_names)
    shown["Modtagersystem"] = system_names.get(values.get("system_id"), "")
    shown.pop("ID")
    return shown


def _analyse_points(rows, organisation, errors, group_names) -> list[Operation]:
    current = {
        p["id"]: p
        for p in ContactPoint.objects.filter(organisation=organisation).values(*POINT_VALUES)
    }
    groups_now = _edges(PointInGroup, "point_id", organisation, "point")
    system_names = dict(
        MailSystem.objects.receivers().filter(organisation=organisation).values_list("pk", "name")
    )
    operations = []
    seen: set = set()
    for row in rows:
        reader = _Reader(POINTS_SHEET, row, errors)
        usable, pk = _row_id(reader, current, seen, _("Kontaktpunktet"))
        values = _point_values(reader, group_names, system_names)
        if reader.failed or not usable:
            continue
        if pk is None:
            after = _point_display(values, group_names, system_names)
            fields = [(column, "", value) for column, value in after.items() if value]
            operations.append(
                Operation(POINTS_SHEET, row.number, "point", None, values, fields, values["name"])
            )
            continue
        stored = {**current[pk], "group_ids": groups_now.get(pk, [])}
        changes = {}
        for name, value in values.items():
            old = stored[name]
            if name == "group_ids":
                differs = set(value) != set(old)
            elif name in ("targets", "input_fields", "keywords", "codes"):
                differs = list(value) != list(old or [])
            else:
                differs = value != old
            if differs:
                changes[name] = value
        if not changes:
            continue
        before = _point_display(stored, group_names, system_names)
        after = _point_display(values, group_names, system_names)
        columns = {POINT_FIELD_COLUMN.get(n) for n in changes}
        if "codes" in changes:
            columns |= set(SINGLE_CODE_COLUMNS)
        fields = [
            (column, before[column], after[column])
            for column in POINT_COLUMNS
            if column in columns and before[column] != after[column]
        ]
        operations.append(
            Operation(POINTS_SHEET, row.number, "point", pk, changes, fields, stored["name"])
        )
    return operations


def _check_unpacked_size(content: bytes) -> None:
    """Refuse a zip whose members declare more than `MAX_UNPACKED_BYTES` in total.

    The declared sizes bind: zipfile never inflates a member past its `file_size` (and a
    member that lies fails its CRC), so this bounds what openpyxl can unpack.
    """
    try:
        with zipfile.ZipFile(BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except _DAMAGED as error:
        raise WorkbookUnreadable(str(error)) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise WorkbookTooLarge(f"{unpacked} bytes unpacked")


def _read_workbook(content: bytes, errors: list[CellError]):
    """Both sheets' rows (None for a sheet that is missing or lacks a column).

    Opening and reading happen under one guard: openpyxl (read-only) inflates and parses a
    sheet only while it is iterated, so a damaged member fails there, not at opening.
    """
    _check_unpacked_size(content)
    try:
        workbook = load_workbook(BytesIO(content), read_only=True, data_only=False)
        try:
            group_rows = _read_sheet(workbook, GROUPS_SHEET, GROUP_COLUMNS, errors)
            point_rows = _read_sheet(workbook, POINTS_SHEET, POINT_COLUMNS, errors)
        finally:
            workbook.close()
    except _DAMAGED as error:
        raise WorkbookUnreadable(str(error)) from None
    return group_rows, point_rows


def analyse(organisation: Organisation, content: bytes) -> Analysis:
    """The dry run of an uploaded workbook (SPEC §4 "Import"): every change and every
    invalid cell. Raises `WorkbookUnreadable` when the file is not a workbook or is damaged,
    `WorkbookTooLarge` (a kind of it) when it would unpack to more than the limit."""
    errors: list[CellError] = []
    group_rows, point_rows = _read_workbook(content, errors)
    state = structure_state(organisation)
    if group_rows is None or point_rows is None:
        return Analysis(errors, [], state)
    group_names = dict(
        ContactGroup.objects.filter(organisation=organisation).values_list("pk", "name")
    )
    parents_now = {
        pk: set(ids) for pk, ids in _edges(GroupInGroup, "child_id", organisation, "child").items()
    }
    operations = _analyse_groups(group_rows, organisation, errors, group_names, parents_now)
    _cycle_errors(operations, parents_now, errors, group_names)
    operations += _analyse_points(point_rows, organisation, errors, group_names)
    errors.sort(key=lambda e: (e.sheet != GROUPS_SHEET, e.row or 0))
    return Analysis(errors, [] if errors else operations, state)


# -- apply ---------------------------------------------------------------------------------


class ImportRefused(Exception):
    """The import was not applied; `errors` say why (nothing was saved)."""

    def __init__(self, errors: list[CellError]):
        super().__init__("; ".join(e.reason for e in errors))
        self.errors = errors


def _point_spec(values: dict) -> PointSpec:
    return PointSpec(
        **{
            name: tuple(value) if isinstance(value, list) else value
            for name, value in values.items()
        }
    )


def apply(
    *, actor: Actor, organisation: Organisation, content: bytes, sha256: str, state: str
) -> int:
    """Carry out the dry run of `content`, all or nothing (SPEC §4 "Import").

    Refused — with nothing saved — when the file is not the one the dry run read, when the
    structure changed since the dry run, when the workbook has an invalid cell, or when a
    service refuses a change. New groups first, then the groups' changes (parents in two
    passes: first the references that go, then the new ones, so no step on the way makes a
    cycle the final structure does not have), then points. Returns the number of changes.
    """
    if hashlib.sha256(content).hexdigest() != sha256:
        raise ImportRefused([CellError("", None, "", _("Filen er ikke den, der blev tjekket."))])
    with transaction.atomic():
        # The organisation's lock, as every service takes it: no change can slip in between
        # the check of the state and the last write.
        Organisation.objects.select_for_update().get(pk=organisation.pk)
        analysis = analyse(organisation, content)
        if analysis.state != state:
            raise ImportRefused(
                [
                    CellError(
                        "",
                        None,
                        "",
                        _(
                            "Kontaktstrukturen er ændret, siden filen blev tjekket. Upload "
                            "filen igen for at se de ændringer, den vil give nu."
                        ),
                    )
                ]
            )
        if analysis.errors:
            raise ImportRefused(analysis.errors)
        try:
            _carry_out(actor, organisation, analysis.operations)
        except ContactRuleError as error:
            raise ImportRefused(_refusal_cells(error)) from None
    return len(analysis.operations)


def _refusal_cells(error: ContactRuleError) -> list[CellError]:
    op = getattr(error, "operation", None)
    sheet, row = (op.sheet, op.row) if op else ("", None)
    columns = GROUP_FIELD_COLUMN if op and op.kind == "group" else POINT_FIELD_COLUMN
    return [
        CellError(sheet, row, columns.get(name, ""), " ".join(messages))
        for name, messages in error.errors.items()
    ]


def _carry_out(actor: Actor, organisation: Organisation, operations: list[Operation]) -> None:
    def run(op: Operation, call: Callable[[], object]):
        try:
            return call()
        except ContactRuleError as error:
            error.operation = op
            raise

    group_ops = [op for op in operations if op.kind == "group"]
    point_ops = [op for op in operations if op.kind == "point"]
    for op in group_ops:
        if op.node_id is None:
            run(
                op,
                lambda op=op: services.group_create(
                    actor=actor, organisation=organisation, **op.values
                ),
            )
    updates = [op for op in group_ops if op.node_id is not None]
    current_parents = {
        pk: set(ids) for pk, ids in _edges(GroupInGroup, "child_id", organisation, "child").items()
    }
    # First every reference that goes, with the other field changes; then every new one.
    second = []
    for op in updates:
        changes = {k: v for k, v in op.values.items() if k != "parent_ids"}
        if "parent_ids" in op.values:
            old = current_parents.get(op.node_id, set())
            kept = old & set(op.values["parent_ids"])
            if kept != old:
                changes["parent_ids"] = sorted(kept, key=str)
            if kept != set(op.values["parent_ids"]):
                second.append(op)
        if changes:
            run(op, lambda op=op, c=changes: _group_update(actor, op, c))
    for op in second:
        changes = {"parent_ids": op.values["parent_ids"]}
        run(op, lambda op=op, c=changes: _group_update(actor, op, c))
    for op in point_ops:
        if op.node_id is None:
            run(
                op,
                lambda op=op: services.point_create(
                    actor=actor, organisation=organisation, spec=_point_spec(op.values)
                ),
            )
        else:
            run(op, lambda op=op: _point_update(actor, op))


def _group_update(actor: Actor, op: Operation, changes: dict) -> None:
    group = ContactGroup.objects.get(pk=op.node_id)
    services.group_update(actor=actor, group=group, changes=changes)


def _point_update(actor: Actor, op: Operation) -> None:
    point = ContactPoint.objects.get(pk=op.node_id)
    services.point_update(actor=actor, point=point, changes=op.values)
