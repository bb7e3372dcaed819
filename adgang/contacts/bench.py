"""The `contacts` suite of `manage.py bench` (issue 10; SPEC §4 at 10,000 contact points).

One bench authority (CVR from `messaging.bench.setup.bench_cvr`, its own person holding
Kontaktstrukturadministrator) gets a fresh structure of `POINTS_AT_SCALE_1 × scale` points in
a tenth as many groups: top-level groups each holding nine subgroups, every point in one
group, plus two identical top-level "deletion" groups holding `DELETE_SHARE` of the points
each (one for the real deletion, one for the baseline's). Then, each beside a baseline doing
the same logical work in the same run, alternating which goes first:

- `overview.top_level` / `overview.search`: `GET /kontaktstruktur/` through Django's test
  Client (the real view, middleware, template), the default page and a search matching every
  point at 100 rows a page; baseline: one SELECT of the rows the page shows.
- `export`: `GET /kontaktstruktur/eksport/` (the .xlsx); baseline: SELECT of every point and
  its groups, written as the same number of cells with XlsxWriter directly.
- `import_dry_run`: `transfer.analyse` (what the upload runs: read, validate every cell,
  compare with the structure) of the exported workbook after a tenth of the points'
  descriptions changed in the database; nothing is saved. Baseline: reading the same
  workbook with openpyxl.
- `delete_group`: `tasks.group_deletion_run` (what the worker runs: plan, log per node,
  delete, one transaction) of a deletion group; baseline: raw `DELETE … WHERE group IN (…)`
  of the other, identical one.

Figures are the median in milliseconds; ratio = value / baseline. Timings are never asserted.
"""

from __future__ import annotations

import statistics
import time
import uuid
from io import BytesIO

import xlsxwriter
from django.core.management import call_command
from django.db import connections, transaction
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from adgang.accounts import rights as r
from adgang.accounts.models import OrganisationKind
from adgang.accounts.services import testportal_user_upsert
from adgang.contacts import tasks, transfer
from adgang.contacts.models import (
    ContactGroup,
    ContactPoint,
    GroupDeletion,
    GroupInGroup,
    PointInGroup,
    Target,
)
from adgang.messaging.bench.setup import bench_cvr
from adgang.systems.models import MailSystem
from adgang.testing import login

POINTS_AT_SCALE_1 = 10_000
POINTS_PER_GROUP = 10
SUBGROUPS = 9  # each top-level group holds this many subgroups
DELETE_SHARE = 0.05  # of the points, in each of the two deletion groups
ORGANISATION_NUMBER = 10  # bench_cvr(10): the contacts suite's own authority
RID = "9810"
OVERVIEW_PAGE = 10
SEARCH_PAGE = 100
CHANGED_EVERY = 10  # the dry run's workbook differs from the structure in every 10th point


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def _figure(value: float, baseline: float, **extra) -> dict:
    return {
        "value": round(value, 2),
        "unit": "ms",
        "baseline": round(baseline, 2),
        "ratio": round(value / baseline, 3) if baseline else None,
        **extra,
    }


def _param(alias: str, value: uuid.UUID):
    """A UUID as the database's raw driver takes it (SQLite stores it as 32 hex digits)."""
    return value.hex if connections[alias].vendor == "sqlite" else value


def _alternate(repeat: int, ours, baseline) -> tuple[list[float], list[float]]:
    """Time `ours()` and `baseline()` `repeat` times each, alternating which goes first."""
    timings: dict = {ours: [], baseline: []}
    for turn in range(repeat):
        for step in (ours, baseline) if turn % 2 == 0 else (baseline, ours):
            began = time.perf_counter()
            step()
            timings[step].append(time.perf_counter() - began)
    return timings[ours], timings[baseline]


# -- data ----------------------------------------------------------------------------------


def _prepare(points: int):
    """The bench authority, its administrator and a fresh structure of `points` points."""
    user = testportal_user_upsert(
        cvr=bench_cvr(ORGANISATION_NUMBER),
        org_name="Bench kontaktmyndighed",
        org_kind=OrganisationKind.MYNDIGHED,
        rid=RID,
        name="Bench Kontaktadministrator",
        rights=[r.KONTAKTSTRUKTURADMINISTRATOR],
    )
    organisation = user.organisation
    with transaction.atomic():
        PointInGroup.objects.filter(group__organisation=organisation).delete()
        GroupInGroup.objects.filter(child__organisation=organisation).delete()
        ContactPoint.objects.filter(organisation=organisation).delete()
        ContactGroup.objects.filter(organisation=organisation).delete()

        per_deletion = max(int(points * DELETE_SHARE), 1)
        ordinary = max(points - 2 * per_deletion, 1)
        tops = max(ordinary // (POINTS_PER_GROUP * (SUBGROUPS + 1)), 1)
        deletion_tops = [
            _group(organisation, f"Bench slet {letter}") for letter in ("A", "B")
        ]  # fmt: skip
        top_groups = [_group(organisation, f"Gruppe {i:05d}") for i in range(tops)]
        groups = ContactGroup.objects.bulk_create(
            deletion_tops
            + top_groups
            + [
                _group(organisation, f"{top.name}.{sub}")
                for top in deletion_tops + top_groups
                for sub in range(SUBGROUPS)
            ],
            batch_size=1000,
        )
        children = groups[len(deletion_tops) + len(top_groups) :]
        GroupInGroup.objects.bulk_create(
            [
                GroupInGroup(parent=groups[index // SUBGROUPS], child=child)
                for index, child in enumerate(children)
            ],
            batch_size=2000,
        )
        # Every group of a family (the top and its subgroups) gets an equal share.
        families: list[list[ContactGroup]] = [
            [top, *children[i * SUBGROUPS : (i + 1) * SUBGROUPS]]
            for i, top in enumerate(groups[: len(deletion_tops) + len(top_groups)])
        ]
        placements: list[tuple[ContactPoint, ContactGroup]] = []
        counter = 0
        for family_index, family in enumerate(families):
            count = per_deletion if family_index < 2 else None
            if count is None:
                share, rest = divmod(ordinary, len(families) - 2)
                count = share + (1 if family_index - 2 < rest else 0)
            for n in range(count):
                placements.append((_point(organisation, counter), family[n % len(family)]))
                counter += 1
        point_rows = ContactPoint.objects.bulk_create([p for p, _ in placements], batch_size=1000)
        PointInGroup.objects.bulk_create(
            [
                PointInGroup(group=group, point=point)
                for point, (_, group) in zip(point_rows, placements, strict=True)
            ],
            batch_size=2000,
        )
    families_of = {family[0].name: family for family in families[:2]}
    return user, families_of["Bench slet A"], families_of["Bench slet B"], len(point_rows)


def _group(organisation, name: str) -> ContactGroup:
    return ContactGroup(organisation=organisation, name=name, description="Om gruppen")


def _point(organisation, number: int) -> ContactPoint:
    return ContactPoint(
        organisation=organisation,
        name=f"Punkt {number:06d}",
        description="Om punktet",
        targets=[Target.CITIZEN, Target.COMPANY],
        keywords=["bench", "kontakt"],
        codes=[{"type": "KLE", "code": "27.24.00"}],
        link_headline="Læs mere",
        link_text="Gå til siden",
        link_url="https://www.example.dk/punkt",
        active=number % 3 != 0,
    )


# -- overview ------------------------------------------------------------------------------

GROUP_TABLE = ContactGroup._meta.db_table
POINT_TABLE = ContactPoint._meta.db_table
GROUP_EDGE_TABLE = GroupInGroup._meta.db_table
POINT_EDGE_TABLE = PointInGroup._meta.db_table
SYSTEM_TABLE = MailSystem._meta.db_table


def _raw_top_level(alias: str, organisation_id: uuid.UUID) -> list:
    """The rows of the default page: the first top-level groups, each with whether it has
    content (the toggle); every point of the bench sits in a group."""
    with connections[alias].cursor() as cursor:
        cursor.execute(
            f"SELECT g.id, g.name, "  # noqa: S608
            f"EXISTS (SELECT 1 FROM {GROUP_EDGE_TABLE} e WHERE e.parent_id = g.id) "
            f"OR EXISTS (SELECT 1 FROM {POINT_EDGE_TABLE} p WHERE p.group_id = g.id) "
            f"FROM {GROUP_TABLE} g WHERE g.organisation_id = %s AND NOT EXISTS "
            f"(SELECT 1 FROM {GROUP_EDGE_TABLE} e WHERE e.child_id = g.id) "
            f"ORDER BY g.name LIMIT {OVERVIEW_PAGE}",
            [_param(alias, organisation_id)],
        )
        return cursor.fetchall()


def _raw_search(alias: str, organisation_id: uuid.UUID, text: str) -> list:
    """The rows of a search page: matching points with the columns the page shows."""
    with connections[alias].cursor() as cursor:
        cursor.execute(
            f"SELECT p.id, p.name, p.targets, p.visible, p.active, s.name "  # noqa: S608
            f"FROM {POINT_TABLE} p LEFT JOIN {SYSTEM_TABLE} s ON s.id = p.system_id "
            f"WHERE p.organisation_id = %s AND LOWER(p.name) LIKE %s "
            f"ORDER BY p.name LIMIT {SEARCH_PAGE}",
            [_param(alias, organisation_id), f"%{text.lower()}%"],
        )
        return cursor.fetchall()


def _get(client: Client, url: str, data: dict | None = None) -> bytes:
    response = client.get(url, data or {})
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}")
    return b"".join(response) if response.streaming else response.content


# -- export --------------------------------------------------------------------------------


def _raw_export(alias: str, organisation_id: uuid.UUID) -> bytes:
    """Every group and point with their edges, written as the same cells (one per column)."""
    organisation = _param(alias, organisation_id)
    point_columns = ", ".join(f"p.{name}" for name in transfer.POINT_VALUES if name != "codes")
    with connections[alias].cursor() as cursor:
        cursor.execute(
            f"SELECT g.id, g.name, g.description, g.organisational_unit FROM {GROUP_TABLE} g "  # noqa: S608
            "WHERE g.organisation_id = %s ORDER BY g.name, g.id",
            [organisation],
        )
        groups = cursor.fetchall()
        cursor.execute(
            f"SELECT e.child_id, e.parent_id FROM {GROUP_EDGE_TABLE} e "  # noqa: S608
            f"JOIN {GROUP_TABLE} g ON g.id = e.child_id WHERE g.organisation_id = %s",
            [organisation],
        )
        parents: dict = {}
        for child, parent in cursor.fetchall():
            parents.setdefault(child, []).append(str(parent))
        cursor.execute(
            f"SELECT e.point_id, e.group_id FROM {POINT_EDGE_TABLE} e "  # noqa: S608
            f"JOIN {POINT_TABLE} p ON p.id = e.point_id WHERE p.organisation_id = %s",
            [organisation],
        )
        point_groups: dict = {}
        for point, group in cursor.fetchall():
            point_groups.setdefault(point, []).append(str(group))
        cursor.execute(
            f"SELECT {point_columns}, p.codes FROM {POINT_TABLE} p "  # noqa: S608
            "WHERE p.organisation_id = %s ORDER BY p.name, p.id",
            [organisation],
        )
        points = cursor.fetchall()
    buffer = BytesIO()
    workbook = xlsxwriter.Workbook(buffer, transfer._WRITER_OPTIONS)
    sheet = workbook.add_worksheet(transfer.GROUPS_SHEET)
    sheet.write_row(0, 0, list(transfer.GROUP_COLUMNS))
    for number, (pk, name, description, unit) in enumerate(groups, start=1):
        sheet.write_row(
            number, 0, [str(pk), name, description, str(unit), ";".join(parents.get(pk, ()))]
        )
    sheet = workbook.add_worksheet(transfer.POINTS_SHEET)
    sheet.write_row(0, 0, list(transfer.POINT_COLUMNS))
    blank_codes = [""] * 4  # FORM, KLE, SOR, EAN/GLN beside the custom codes: same cell count
    for number, row in enumerate(points, start=1):
        cells = [str(value) if value is not None else "" for value in row]
        cells.insert(4, ";".join(point_groups.get(row[0], ())))
        # cells: … keywords, system, active, codes → the columns' order, codes last of five
        sheet.write_row(number, 0, [*cells[:-3], *blank_codes, cells[-1], cells[-3], cells[-2]])
    workbook.close()
    return buffer.getvalue()


def _raw_read(content: bytes) -> int:
    """The workbook read with openpyxl as the import reads it (read-only, cells as stored)."""
    workbook = load_workbook(BytesIO(content), read_only=True, data_only=False)
    try:
        cells = 0
        for title in (transfer.GROUPS_SHEET, transfer.POINTS_SHEET):
            for row in workbook[title].iter_rows():
                cells += sum(1 for cell in row if cell.value is not None)
        return cells
    finally:
        workbook.close()


# -- delete --------------------------------------------------------------------------------


def _delete_ours(user, family: list[ContactGroup]) -> dict:
    job = GroupDeletion.objects.create(
        organisation=user.organisation,
        group_id=family[0].pk,
        group_name=family[0].name,
        actor_display="Bench Kontaktadministrator",
        actor_cvr=user.organisation.cvr,
        actor_rid=RID,
    )
    began = time.perf_counter()
    status = tasks.group_deletion_run(job.pk)
    elapsed = time.perf_counter() - began
    job.refresh_from_db()
    return {
        "seconds": elapsed,
        "status": str(status),
        "deleted_groups": job.deleted_groups,
        "deleted_points": job.deleted_points,
    }


def _delete_raw(alias: str, family: list[ContactGroup]) -> dict:
    ids = [_param(alias, group.pk) for group in family]
    marks = ", ".join(["%s"] * len(ids))
    began = time.perf_counter()
    with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {POINT_TABLE} WHERE id IN (SELECT point_id FROM {POINT_EDGE_TABLE} "  # noqa: S608
            f"WHERE group_id IN ({marks}))",
            ids,
        )
        points = cursor.rowcount
        cursor.execute(f"DELETE FROM {POINT_EDGE_TABLE} WHERE group_id IN ({marks})", ids)  # noqa: S608
        cursor.execute(
            f"DELETE FROM {GROUP_EDGE_TABLE} WHERE parent_id IN ({marks}) "  # noqa: S608
            f"OR child_id IN ({marks})",
            ids + ids,
        )
        cursor.execute(f"DELETE FROM {GROUP_TABLE} WHERE id IN ({marks})", ids)  # noqa: S608
        groups = cursor.rowcount
    return {
        "seconds": time.perf_counter() - began,
        "deleted_groups": groups,
        "deleted_points": points,
    }


# -- the suite -----------------------------------------------------------------------------


def run(
    *,
    alias: str = "default",
    scale: float = 1.0,
    repeat: int = 20,
    migrate: bool = False,
    **_options,
) -> dict:
    if migrate:
        call_command("migrate", database=alias, verbosity=0, interactive=False)
    user, delete_a, delete_b, points = _prepare(max(int(POINTS_AT_SCALE_1 * scale), 10))
    organisation = user.organisation
    client = login(Client(), user.membership)
    url = reverse("contacts:overview")
    quick, slow = max(min(repeat, 20), 1), max(min(repeat, 3), 1)
    figures = {}

    _get(client, url)  # warm: templates, translations, the session
    ours, base = _alternate(
        quick, lambda: _get(client, url), lambda: _raw_top_level(alias, organisation.pk)
    )
    figures["overview.top_level"] = _figure(_median_ms(ours), _median_ms(base), repeat=quick)
    search = {"soeg": "punkt", "per_side": str(SEARCH_PAGE)}
    ours, base = _alternate(
        quick,
        lambda: _get(client, url, search),
        lambda: _raw_search(alias, organisation.pk, "punkt"),
    )
    figures["overview.search"] = _figure(_median_ms(ours), _median_ms(base), repeat=quick)

    export_url = reverse("contacts:export")
    exported: dict[str, bytes] = {}
    ours, base = _alternate(
        slow,
        lambda: exported.__setitem__("ours", _get(client, export_url)),
        lambda: exported.__setitem__("raw", _raw_export(alias, organisation.pk)),
    )
    figures["export"] = _figure(
        _median_ms(ours),
        _median_ms(base),
        repeat=slow,
        kib=round(len(exported["ours"]) / 1024),
        baseline_kib=round(len(exported["raw"]) / 1024),
    )

    workbook = exported["ours"]
    changed = list(
        ContactPoint.objects.filter(organisation=organisation)
        .order_by("name")
        .values_list("pk", flat=True)[::CHANGED_EVERY]
    )
    ContactPoint.objects.filter(pk__in=changed).update(description="Ændret i databasen")
    analyses: list = []
    ours, base = _alternate(
        slow,
        lambda: analyses.append(transfer.analyse(organisation, workbook)),
        lambda: _raw_read(workbook),
    )
    analysis = analyses[-1]
    figures["import_dry_run"] = _figure(
        _median_ms(ours),
        _median_ms(base),
        repeat=slow,
        changes=len(analysis.operations),
        errors=len(analysis.errors),
        cells_read=_raw_read(workbook),
    )

    raw = _delete_raw(alias, delete_b)
    real = _delete_ours(user, delete_a)
    figures["delete_group"] = _figure(
        real.pop("seconds") * 1000,
        raw.pop("seconds") * 1000,
        **real,
        baseline_detail=raw,
    )
    return {
        "suite": "contacts",
        "database": connections[alias].vendor,
        "points": points,
        "groups": ContactGroup.objects.filter(organisation=organisation).count()
        + len(delete_a)
        + len(delete_b),
        "figures": figures,
    }
