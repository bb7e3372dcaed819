""" "Eksportér kontaktstruktur" (SPEC §4 "Export", guide §6.7–6.8): one workbook with a groups
sheet and a points sheet, every field, IDs and parent references, safe against formulas, read
in a fixed number of queries."""

import time
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from adgang.contacts import transfer
from adgang.contacts.models import ContactGroup, ContactPoint, PointInGroup, Target
from adgang.core.clock import now
from tests.support.contacts_factories import build
from tests.support.contacts_workbooks import (
    EAN,
    GROUPS_SHEET,
    POINTS_SHEET,
    full_structure,
    headers,
    read,
)

GROUP_HEADERS = ["ID", "Navn", "Beskrivelse", "Organisatorisk enhed", "Overordnede grupper"]
POINT_HEADERS = [
    "ID",
    "Navn",
    "Beskrivelse",
    "Intern note",
    "Kontaktgrupper",
    "Synlig",
    "Målgruppe",
    "Max MB",
    "Max bilag",
    "Linkoverskrift",
    "Linkbeskrivelse",
    "Linktekst",
    "Link (URL)",
    "Informationsfelter",
    "Søgeord",
    "FORM",
    "KLE",
    "SOR",
    "EAN/GLN",
    "Brugerdefinerede koder",
    "Modtagersystem",
    "Aktiv",
]


@pytest.fixture
def full(personas):
    return full_structure(personas)


def test_export_is_one_workbook_named_by_cvr_and_date(client_as, full):
    response = client_as("alice").get(reverse("contacts:export"))
    cvr = full.organisation.cvr
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert (
        f'filename="kontaktstruktur-{cvr}-{now().date().isoformat()}.xlsx"'
        in response["Content-Disposition"]
    )
    assert load_workbook(BytesIO(response.content)).sheetnames == [GROUPS_SHEET, POINTS_SHEET]
    assert headers(response.content, GROUPS_SHEET) == GROUP_HEADERS
    assert headers(response.content, POINTS_SHEET) == POINT_HEADERS


def test_export_groups_sheet_holds_every_field_and_the_parents(full):
    groups = {
        row["Navn"]: row for row in read(transfer.build_workbook(full.organisation))[GROUPS_SHEET]
    }
    parents = sorted([str(full["=cmd"].pk), str(full["Borgerservice"].pk)])
    assert groups["Pas"] == {
        "ID": str(full["Pas"].pk),
        "Navn": "Pas",
        "Beskrivelse": "Om Pas",
        "Organisatorisk enhed": "Nej",
        "Overordnede grupper": ";".join(parents),
    }
    assert groups["Borgerservice"]["Organisatorisk enhed"] == "Ja"
    assert groups["Borgerservice"]["Overordnede grupper"] is None


def test_export_points_sheet_holds_every_field(full):
    (row,) = read(transfer.build_workbook(full.organisation))[POINTS_SHEET]
    point = full.points["+Pas og kørekort"]
    assert row == {
        "ID": str(point.pk),
        "Navn": "'+Pas og kørekort",
        "Beskrivelse": "Spørgsmål om pas.",
        "Intern note": "Kun til intern brug",
        "Kontaktgrupper": ";".join(sorted([str(full["Pas"].pk), str(full["Borgerservice"].pk)])),
        "Synlig": "Nej",
        "Målgruppe": "Borger;Virksomhed;Myndighed",
        "Max MB": 45.5,
        "Max bilag": 3,
        "Linkoverskrift": "Selvbetjening",
        "Linkbeskrivelse": "Book tid",
        "Linktekst": "Book her",
        "Link (URL)": "https://www.kommune.dk/pas",
        "Informationsfelter": "CPR-nummer;Sagsnummer",
        "Søgeord": "pas;kørekort",
        "FORM": "02.02.04",
        "KLE": "27.24.00",
        "SOR": "123456",
        "EAN/GLN": EAN,
        "Brugerdefinerede koder": "ABC;DEF",
        "Modtagersystem": str(full.system.pk),
        "Aktiv": "Ja",
    }


def test_export_never_writes_a_formula(full):
    workbook = load_workbook(BytesIO(transfer.build_workbook(full.organisation)))
    cells = [c for sheet in workbook.worksheets for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    names = [row[1].value for row in workbook[GROUPS_SHEET].iter_rows(min_row=2)]
    assert "'=cmd" in names


def test_export_holds_only_the_own_organisations_structure(personas, full):
    build(personas.maja.organisation, groups=["Kommune M gruppe"], points=["M punkt"])
    sheets = read(transfer.build_workbook(full.organisation))
    names = {row["Navn"] for rows in sheets.values() for row in rows}
    assert "Kommune M gruppe" not in names and "M punkt" not in names


def _queries(organisation) -> int:
    with CaptureQueriesContext(connection) as captured:
        transfer.build_workbook(organisation)
    return len(captured)


def test_export_reads_a_fixed_number_of_queries(personas):
    organisation = personas.alice.organisation
    build(organisation, groups=["A"], points=["p"], edges=[("A", "p")])
    few = _queries(organisation)
    build(
        organisation,
        groups=[f"G{i}" for i in range(30)],
        points=[f"P{i}" for i in range(60)],
        edges=[(f"G{i % 30}", f"P{i}") for i in range(60)] + [("G0", "G1"), ("G1", "G2")],
    )
    assert _queries(organisation) == few <= 5


def test_export_of_10000_points_in_1000_groups_is_timed(personas, client_as):
    """The benchmark of the issue's acceptance (printed, not asserted: the machine decides)."""
    organisation = personas.alice.organisation
    groups = ContactGroup.objects.bulk_create(
        [
            ContactGroup(organisation=organisation, name=f"Gruppe {i}", description="Om gruppen")
            for i in range(1000)
        ]
    )
    points = ContactPoint.objects.bulk_create(
        [
            ContactPoint(
                organisation=organisation,
                name=f"Punkt {i}",
                description="Om punktet",
                targets=[Target.CITIZEN],
                keywords=["test", "pas"],
                codes=[{"type": "KLE", "code": "27.24.00"}],
                active=True,
            )
            for i in range(10000)
        ],
        batch_size=1000,
    )
    PointInGroup.objects.bulk_create(
        [PointInGroup(group=groups[i % 1000], point=point) for i, point in enumerate(points)],
        batch_size=2000,
    )
    started = time.perf_counter()
    content = transfer.build_workbook(organisation)
    elapsed = time.perf_counter() - started
    print(
        f"\nexport of 10,000 points in 1,000 groups ({connection.vendor}): {elapsed:.3f} s, "
        f"{len(content) / 1024:.0f} KiB"
    )
    client = client_as("alice")
    started = time.perf_counter()
    response = client.get(reverse("contacts:export"))
    elapsed = time.perf_counter() - started
    print(f"the same through GET /kontaktstruktur/eksport/: {elapsed:.3f} s")
    assert response.status_code == 200
    for query, what in (("", "top level"), ("?soeg=Punkt", "a search matching every point")):
        started = time.perf_counter()
        page = client.get(reverse("contacts:overview") + query)
        elapsed = time.perf_counter() - started
        print(f"GET /kontaktstruktur/{query} ({what}): {elapsed:.3f} s")
        assert page.status_code == 200
    assert len(read(content)[POINTS_SHEET]) == 10000
