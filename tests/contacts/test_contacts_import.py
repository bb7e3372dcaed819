""" "Importér kontaktstruktur" (SPEC §4 "Import", guide §6.7–6.8): the dry run lists every
change and every invalid cell (sheet, row, column, reason) before anything is saved; applying
is all or nothing; exporting and importing an unchanged workbook changes nothing."""

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse

from adgang.contacts import services, transfer
from adgang.contacts.models import ContactGroup, ContactPoint, ImportBatch, JobStatus
from adgang.contacts.tasks import import_batches_prune
from adgang.core.clock import now
from tests.support.contacts_factories import actor_for, build, log_fields, log_of, snapshot
from tests.support.contacts_workbooks import (
    GROUPS_SHEET,
    POINTS_SHEET,
    edited,
    empty_workbook,
    full_structure,
    row_of,
    upload,
)


@pytest.fixture
def full(personas):
    return full_structure(personas)


@pytest.fixture
def alice(client_as):
    return client_as("alice")


def exported(client) -> bytes:
    response = client.get(reverse("contacts:export"))
    assert response.status_code == 200
    return response.content


def dry_run(client, content: bytes):
    """Upload the workbook; the review page and its batch."""
    response = client.post(reverse("contacts:import"), {"workbook": upload(content)})
    assert response.status_code == 302, response.content.decode()[:2000]
    batch = ImportBatch.objects.latest("created_at")
    assert response["Location"] == reverse("contacts:import-review", args=[batch.pk])
    return client.get(response["Location"]), batch


def apply(client, batch):
    return client.post(reverse("contacts:import-review", args=[batch.pk]))


def error_rows(batch) -> list[tuple]:
    batch.refresh_from_db()
    return [(e["sheet"], e["row"], e["column"], e["reason"]) for e in batch.report["errors"]]


# -- round trip ----------------------------------------------------------------------------


def test_import_of_the_unchanged_export_changes_nothing(alice, full):
    before = snapshot(full.organisation)
    page, batch = dry_run(alice, exported(alice))
    html = page.content.decode()
    assert "Ingen ændringer" in html
    assert 'data-testid="apply"' not in html
    assert batch.report["errors"] == [] and batch.report["changes"] == []
    apply(alice, batch)
    assert snapshot(full.organisation) == before  # rows, versions, edges and log count


def test_a_workbook_reads_back_whatever_language_exports_and_imports_it(alice, full):
    # The workbook is a file format in Danish; a person using English imports it unchanged.
    before = snapshot(full.organisation)
    alice.post(reverse("set_language"), {"language": "en", "next": "/"})
    _page, batch = dry_run(alice, exported(alice))
    assert batch.report["errors"] == [] and batch.report["changes"] == []
    apply(alice, batch)
    assert snapshot(full.organisation) == before


def test_import_dry_run_saves_nothing(alice, full):
    content = edited(
        exported(alice),
        [(GROUPS_SHEET, row_of(exported(alice), GROUPS_SHEET, "Pas"), "Navn", "Pas og id")],
    )
    before = snapshot(full.organisation)
    page, _ = dry_run(alice, content)
    assert page.status_code == 200
    assert snapshot(full.organisation) == before


def test_import_of_a_changed_name_updates_and_is_logged(alice, full):
    content = exported(alice)
    content = edited(
        content,
        [
            (GROUPS_SHEET, row_of(content, GROUPS_SHEET, "Pas"), "Navn", "Pas og ID"),
            (POINTS_SHEET, 2, "Navn", "Pas, kørekort og ID"),
        ],
    )
    page, batch = dry_run(alice, content)
    html = page.content.decode()
    assert 'data-testid="apply"' in html
    assert [(c["name"], c["fields"]) for c in batch.report["changes"]] == [
        ("Pas", [["Navn", "Pas", "Pas og ID"]]),
        ("+Pas og kørekort", [["Navn", "+Pas og kørekort", "Pas, kørekort og ID"]]),
    ]
    logged = log_of(full.organisation).count()
    response = apply(alice, batch)
    assert response.status_code == 302
    assert ContactGroup.objects.get(pk=full["Pas"].pk).name == "Pas og ID"
    point = ContactPoint.objects.get(pk=full.points["+Pas og kørekort"].pk)
    assert point.name == "Pas, kørekort og ID"
    assert log_fields(full.organisation, full["Pas"].pk)["Kontaktgruppens navn"] == (
        "Pas",
        "Pas og ID",
    )
    assert log_of(full.organisation).count() == logged + 2
    batch.refresh_from_db()
    assert batch.status == JobStatus.DONE and bytes(batch.content) == b""


def test_import_rows_without_id_create_groups_and_points(alice, full):
    content = edited(
        exported(alice),
        append=[
            (
                GROUPS_SHEET,
                {
                    "Navn": "Ny gruppe",
                    "Beskrivelse": "Ny",
                    "Overordnede grupper": str(full["Pas"].pk),
                },
            ),
            (
                POINTS_SHEET,
                {
                    "Navn": "Nyt punkt",
                    "Beskrivelse": "Nyt",
                    "Kontaktgrupper": str(full["Pas"].pk),
                    "Målgruppe": "Virksomhed",
                    "Søgeord": "ny;punkt",
                },
            ),
        ],
    )
    _, batch = dry_run(alice, content)
    assert [c["action"] for c in batch.report["changes"]] == ["create", "create"]
    apply(alice, batch)
    group = ContactGroup.objects.get(organisation=full.organisation, name="Ny gruppe")
    assert [p.name for p in group.parents.all()] == ["Pas"]
    point = ContactPoint.objects.get(organisation=full.organisation, name="Nyt punkt")
    assert (point.targets, point.keywords, point.visible, point.active) == (
        ["COMPANY"],
        ["ny", "punkt"],
        True,
        False,
    )
    assert [g.name for g in point.groups.all()] == ["Pas"]


def test_import_swaps_a_parent_and_child_without_a_cycle_on_the_way(alice, personas):
    """A under B becomes B under A: the references that go are removed first."""
    built = build(personas.alice.organisation, groups=["A", "B"], edges=[("A", "B")])
    content = exported(alice)
    content = edited(
        content,
        [
            (
                GROUPS_SHEET,
                row_of(content, GROUPS_SHEET, "A"),
                "Overordnede grupper",
                str(built["B"].pk),
            ),
            (GROUPS_SHEET, row_of(content, GROUPS_SHEET, "B"), "Overordnede grupper", None),
        ],
    )
    _, batch = dry_run(alice, content)
    assert batch.report["errors"] == []
    apply(alice, batch)
    assert [g.name for g in ContactGroup.objects.get(pk=built["A"].pk).parents.all()] == ["B"]
    assert not ContactGroup.objects.get(pk=built["B"].pk).parents.exists()


# -- invalid cells -------------------------------------------------------------------------


def _other_org_group(personas):
    return build(personas.maja.organisation, groups=["Kommune M"])["Kommune M"]


BAD = {
    "unknown group id": (
        lambda c, f, p: edited(c, [(GROUPS_SHEET, 2, "ID", str(uuid.UUID(int=7)))]),
        (GROUPS_SHEET, 2, "ID", "findes ikke i jeres kontaktstruktur"),
    ),
    "another organisation's group id": (
        lambda c, f, p: edited(c, [(GROUPS_SHEET, 2, "ID", str(_other_org_group(p).pk))]),
        (GROUPS_SHEET, 2, "ID", "findes ikke i jeres kontaktstruktur"),
    ),
    "another organisation's point id": (
        lambda c, f, p: edited(
            c,
            [
                (
                    POINTS_SHEET,
                    2,
                    "ID",
                    str(build(p.maja.organisation, points=["M"]).points["M"].pk),
                )
            ],
        ),
        (POINTS_SHEET, 2, "ID", "findes ikke i jeres kontaktstruktur"),
    ),
    "another organisation's group as parent": (
        lambda c, f, p: edited(
            c, [(GROUPS_SHEET, 2, "Overordnede grupper", str(_other_org_group(p).pk))]
        ),
        (GROUPS_SHEET, 2, "Overordnede grupper", "findes ikke i jeres kontaktstruktur"),
    ),
    "unknown parent id": (
        lambda c, f, p: edited(c, [(GROUPS_SHEET, 2, "Overordnede grupper", "ikke-et-id")]),
        (GROUPS_SHEET, 2, "Overordnede grupper", "»ikke-et-id« findes ikke"),
    ),
    "a cycle": (
        lambda c, f, p: edited(
            c,
            [
                (
                    GROUPS_SHEET,
                    row_of(c, GROUPS_SHEET, "Borgerservice"),
                    "Overordnede grupper",
                    str(f["Pas"].pk),
                )
            ],
        ),
        (GROUPS_SHEET, 3, "Overordnede grupper", "kan ikke placeres under sig selv"),
    ),
    "a formula": (
        lambda c, f, p: edited(c, [(POINTS_SHEET, 2, "Navn", '=HYPERLINK("http://x","klik")')]),
        (POINTS_SHEET, 2, "Navn", "Cellen indeholder en formel."),
    ),
    "a name of 51 characters": (
        lambda c, f, p: edited(c, [(GROUPS_SHEET, 2, "Navn", "x" * 51)]),
        (GROUPS_SHEET, 2, "Navn", "Navnet må højst være 50 tegn (du har skrevet 51)."),
    ),
    "a group description of 256": (
        lambda c, f, p: edited(c, [(GROUPS_SHEET, 2, "Beskrivelse", "x" * 256)]),
        (GROUPS_SHEET, 2, "Beskrivelse", "højst være 255 tegn"),
    ),
    "a point description of 251": (
        lambda c, f, p: edited(c, [(POINTS_SHEET, 2, "Beskrivelse", "x" * 251)]),
        (POINTS_SHEET, 2, "Beskrivelse", "højst være 250 tegn"),
    ),
    "no target group": (
        lambda c, f, p: edited(c, [(POINTS_SHEET, 2, "Målgruppe", None)]),
        (POINTS_SHEET, 2, "Målgruppe", "Vælg mindst én målgruppe."),
    ),
    "a keyword with !#?": (
        lambda c, f, p: edited(c, [(POINTS_SHEET, 2, "Søgeord", "pas!#?")]),
        (POINTS_SHEET, 2, "Søgeord", "må kun indeholde bogstaver, tal og mellemrum"),
    ),
    "a keyword of 31": (
        lambda c, f, p: edited(c, [(POINTS_SHEET, 2, "Søgeord", "x" * 31)]),
        (POINTS_SHEET, 2, "Søgeord", "højst være 30 tegn"),
    ),
    "no keyword": (
        lambda c, f, p: edited(c, [(POINTS_SHEET, 2, "Søgeord", None)]),
        (POINTS_SHEET, 2, "Søgeord", "Angiv mindst ét søgeord."),
    ),
    "two KLE codes": (
        lambda c, f, p: edited(c, [(POINTS_SHEET, 2, "KLE", "27.24.00;27.24.01")]),
        (POINTS_SHEET, 2, "KLE", "Der kan kun stå én kode i kolonnen."),
    ),
    "a malformed KLE": (
        lambda c, f, p: edited(c, [(POINTS_SHEET, 2, "KLE", "27.2")]),
        (POINTS_SHEET, 2, "KLE", "KLE-koden skal have formen NN.NN.NN"),
    ),
    "an EAN with a wrong check digit": (
        lambda c, f, p: edited(c, [(POINTS_SHEET, 2, "EAN/GLN", "5790000000013")]),
        (POINTS_SHEET, 2, "EAN/GLN", "forkert kontrolciffer"),
    ),
    "11 user-defined codes": (
        lambda c, f, p: edited(
            c, [(POINTS_SHEET, 2, "Brugerdefinerede koder", ";".join(f"K{i}" for i in range(11)))]
        ),
        (POINTS_SHEET, 2, "Brugerdefinerede koder", "højst angive 10 brugerdefinerede koder"),
    ),
    "100 MB": (
        lambda c, f, p: edited(c, [(POINTS_SHEET, 2, "Max MB", 100)]),
        (POINTS_SHEET, 2, "Max MB", "mellem 0,1 og 99,5 MB"),
    ),
    "11 attachments": (
        lambda c, f, p: edited(c, [(POINTS_SHEET, 2, "Max bilag", 11)]),
        (POINTS_SHEET, 2, "Max bilag", "mellem 0 og 10"),
    ),
    "three input fields": (
        lambda c, f, p: edited(c, [(POINTS_SHEET, 2, "Informationsfelter", "a;b;c")]),
        (POINTS_SHEET, 2, "Informationsfelter", "højst tilføje to informationsfelter"),
    ),
    "an input field title of 26": (
        lambda c, f, p: edited(c, [(POINTS_SHEET, 2, "Informationsfelter", "x" * 26)]),
        (POINTS_SHEET, 2, "Informationsfelter", "Titlen må højst være 25 tegn."),
    ),
    "a link that is not https": (
        lambda c, f, p: edited(c, [(POINTS_SHEET, 2, "Link (URL)", "http://www.kommune.dk")]),
        (POINTS_SHEET, 2, "Link (URL)", "https"),
    ),
    "a link text of 51": (
        lambda c, f, p: edited(c, [(POINTS_SHEET, 2, "Linktekst", "x" * 51)]),
        (POINTS_SHEET, 2, "Linktekst", "højst være 50 tegn"),
    ),
    "a yes/no cell that is neither": (
        lambda c, f, p: edited(c, [(POINTS_SHEET, 2, "Synlig", "Måske")]),
        (POINTS_SHEET, 2, "Synlig", "Skriv Ja eller Nej."),
    ),
    "an unknown receiver system": (
        lambda c, f, p: edited(c, [(POINTS_SHEET, 2, "Modtagersystem", str(uuid.UUID(int=9)))]),
        (POINTS_SHEET, 2, "Modtagersystem", "ikke et af jeres modtagersystemer"),
    ),
    "a missing sheet": (
        lambda c, f, p: edited(c, drop_sheet=POINTS_SHEET),
        (POINTS_SHEET, None, "", "Arket »Kontaktpunkter« mangler."),
    ),
    "no sheets of ours at all": (
        lambda c, f, p: empty_workbook(),
        (GROUPS_SHEET, None, "", "Arket »Kontaktgrupper« mangler."),
    ),
    "a missing column": (
        lambda c, f, p: edited(c, drop_column=(GROUPS_SHEET, "Beskrivelse")),
        (GROUPS_SHEET, 1, "Beskrivelse", "Kolonnen »Beskrivelse« mangler."),
    ),
    "an ID twice": (
        lambda c, f, p: edited(
            c, append=[(GROUPS_SHEET, {"ID": str(f["Pas"].pk), "Navn": "Pas", "Beskrivelse": "x"})]
        ),
        (GROUPS_SHEET, 5, "ID", "står i mere end én række"),
    ),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_import_reports_each_invalid_cell_and_saves_nothing(alice, full, personas, case):
    make, (sheet, row, column, reason) = BAD[case]
    content = make(exported(alice), full, personas)
    before = snapshot(full.organisation)
    page, batch = dry_run(alice, content)
    html = page.content.decode()
    found = [e for e in error_rows(batch) if e[:3] == (sheet, row, column) and reason in e[3]]
    assert found, error_rows(batch)
    assert 'data-testid="import-errors"' in html
    assert f"<td>{sheet}</td><td>{'' if row is None else row}</td><td>{column}</td>" in html
    assert 'data-testid="apply"' not in html
    apply(alice, batch)  # a forged "Importér" is refused as well
    assert snapshot(full.organisation) == before


def test_import_refuses_when_the_structure_changed_since_the_dry_run(alice, full):
    content = exported(alice)
    content = edited(content, [(GROUPS_SHEET, row_of(content, GROUPS_SHEET, "Pas"), "Navn", "Ny")])
    _, batch = dry_run(alice, content)
    services.group_update(
        actor=actor_for(full.organisation), group=full["=cmd"], changes={"description": "Ændret"}
    )
    before = snapshot(full.organisation)
    page = apply(alice, batch)
    assert page.status_code == 200
    assert "Kontaktstrukturen er ændret, siden filen blev tjekket." in page.content.decode()
    assert snapshot(full.organisation) == before
    assert ContactGroup.objects.get(pk=full["Pas"].pk).name == "Pas"


def test_import_is_all_or_nothing_when_a_service_refuses(alice, full, monkeypatch):
    """The second change fails inside the transaction: the first is rolled back too."""
    content = exported(alice)
    content = edited(
        content,
        [
            (GROUPS_SHEET, row_of(content, GROUPS_SHEET, "Pas"), "Navn", "Pas 2"),
            (POINTS_SHEET, 2, "Navn", "Punkt 2"),
        ],
    )
    _, batch = dry_run(alice, content)

    def refuse(**kwargs):
        raise services.ContactRuleError("Nej tak.", field="name")

    monkeypatch.setattr(services, "point_update", refuse)
    before = snapshot(full.organisation)
    page = apply(alice, batch)
    assert "Nej tak." in page.content.decode()
    assert snapshot(full.organisation) == before
    assert error_rows(batch) == [(POINTS_SHEET, 2, "Navn", "Nej tak.")]


# -- the upload ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("struktur.csv", b"a;b", "Filen skal være et Excel-ark (.xlsx)."),
        ("struktur.xlsx", b"not a zip file", "Filen kan ikke læses som et Excel-ark (.xlsx)."),
    ],
)
def test_import_upload_refuses_what_is_not_a_workbook(alice, full, name, content, message):
    response = alice.post(reverse("contacts:import"), {"workbook": upload(content, name)})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert 'class="form-group form-error"' in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_import_upload_refuses_a_file_over_the_size_limit(alice, full, monkeypatch):
    monkeypatch.setattr(transfer, "MAX_UPLOAD_BYTES", 10)
    response = alice.post(reverse("contacts:import"), {"workbook": upload(exported(alice))})
    assert "Filen må højst fylde 10 MB." in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_import_upload_requires_a_file(alice, full):
    response = alice.post(reverse("contacts:import"), {})
    assert "Vælg en fil." in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_another_organisations_import_answers_404(alice, client_as, full):
    _, batch = dry_run(alice, exported(alice))
    maja = client_as("maja")
    assert maja.get(reverse("contacts:import-review", args=[batch.pk])).status_code == 404
    assert maja.post(reverse("contacts:import-review", args=[batch.pk])).status_code == 404


def test_a_company_may_not_export_or_import(client_as, personas):
    birgitte = client_as("birgitte")
    assert birgitte.get(reverse("contacts:export")).status_code == 403
    assert birgitte.get(reverse("contacts:import")).status_code == 403


def test_import_batches_are_removed_after_a_day(alice, full):
    _, old = dry_run(alice, exported(alice))
    ImportBatch.objects.filter(pk=old.pk).update(created_at=now() - timedelta(days=1, minutes=1))
    _, fresh = dry_run(alice, exported(alice))
    assert import_batches_prune.call() == 1
    assert list(ImportBatch.objects.values_list("pk", flat=True)) == [fresh.pk]
