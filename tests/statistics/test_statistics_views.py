"""Statistik pages through the test client: overview, orders, details, download, cancel;
bad input, rights and tenant isolation."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from adgang.audit.models import ActionLogEntry, Subject
from adgang.audit.services import Actor
from adgang.statistics import reports, services
from adgang.statistics.models import Interval, Report, ReportStatus, StandardKind
from adgang.testing import assert_tenant_isolated
from tests.statistics.statistics_support import sent

DK = ZoneInfo("Europe/Copenhagen")
OVERVIEW = "/statistik/"
ORDER_STANDARD = "/statistik/bestil/standardrapport/"
ORDER_CUSTOM = "/statistik/bestil/brugerdefineret/"
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def actor(membership) -> Actor:
    return Actor(membership.actor_id, membership.organisation.cvr, membership.rid)


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def custom_data(**overrides) -> dict:
    data = {
        "name": "Min rapport",
        "variables": [reports.AFSENDER, reports.BESKEDTYPE, reports.STOERRELSE],
        "start": "2026-02-01",
        "end": "2026-02-28",
        "email": "",
    }
    data.update(overrides)
    return data


def nothing_saved() -> None:
    assert not Report.objects.exists()
    assert not ActionLogEntry.objects.filter(subject=Subject.STATISTIK).exists()


@pytest.fixture
def ready_custom(personas, settings, django_capture_on_commit_callbacks):
    settings.TASKS = IMMEDIATE
    org = personas.sofie.organisation
    sent(org, datetime(2026, 2, 3, tzinfo=DK))
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_order_custom(
            actor=actor(personas.sofie),
            organisation=org,
            name="Februar",
            variables=[reports.AFSENDER, reports.BESKEDTYPE],
            start=date(2026, 2, 1),
            end=date(2026, 2, 28),
        )
    report.refresh_from_db()
    assert report.status == ReportStatus.READY
    return report


# --- access ------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [OVERVIEW, ORDER_STANDARD, ORDER_CUSTOM])
def test_no_right_is_403(client_as, url):
    assert client_as("charlie").get(url).status_code == 403
    assert client_as("alice").get(url).status_code == 403


@pytest.mark.parametrize("name", ["sofie", "birgitte"])
def test_authorities_and_companies_may_use_statistics(client_as, name):
    response = client_as(name).get(OVERVIEW)
    assert response.status_code == 200
    assert "Rapporter i alt (0)" in text(response)


def test_another_organisations_report_is_404_on_every_url(client_as, ready_custom, personas):
    standard = services.report_order_standard(
        actor=actor(personas.sofie),
        organisation=personas.sofie.organisation,
        kind=StandardKind.MEMO,
        interval=Interval.MONTHLY,
    )
    other = client_as("birgitte")
    for report in (ready_custom, standard):
        for suffix in ("", "download/", "opsig/"):
            assert_tenant_isolated(other, f"/statistik/{report.pk}/{suffix}")
        assert_tenant_isolated(other, f"/statistik/{report.pk}/opsig/", method="post")
    assert Report.objects.count() == 2


# --- overview ----------------------------------------------------------------------------


def test_overview_filter_rows_per_page_and_pagination(client_as, personas):
    org = personas.sofie.organisation
    for kind in StandardKind.values:
        services.report_order_standard(
            actor=actor(personas.sofie), organisation=org, kind=kind, interval=Interval.YEARLY
        )
    for number in range(7):
        services.report_order_custom(
            actor=actor(personas.sofie),
            organisation=org,
            name=f"Rapport {number}",
            variables=[reports.BESKEDTYPE],
            start=date(2025, 1, 1),
            end=date(2025, 1, 31),
        )
    client = client_as("sofie")
    page = text(client.get(OVERVIEW))
    assert "Rapporter i alt (12)" in page
    assert page.count('data-report="') == 10
    second = text(client.get(OVERVIEW, {"per_side": 10, "side": 2}))
    assert second.count('data-report="') == 2
    assert text(client.get(OVERVIEW, {"per_side": 25})).count('data-report="') == 12
    standard_only = text(client.get(OVERVIEW, {"type": "STANDARD", "per_side": 25}))
    assert standard_only.count('data-report="') == 5
    assert "Rapporter i alt (5)" in standard_only
    custom_only = text(client.get(OVERVIEW, {"type": "CUSTOM", "per_side": 25}))
    assert custom_only.count('data-report="') == 7
    for header in ("Type", "Rapport", "Tidsperiode", "Oprettelsestidspunkt"):
        assert f">{header}</th>" in page
    # Nonsense parameters fall back to the defaults.
    assert client.get(OVERVIEW, {"per_side": "x", "side": "999", "type": "Z"}).status_code == 200


# --- standard order -------------------------------------------------------------------------


def test_order_standard(client_as, personas):
    client = client_as("sofie")
    page = text(client.get(ORDER_STANDARD))
    assert "Vælg rapport" in page and "Hvor ofte skal rapporten leveres?" in page
    response = client.post(
        ORDER_STANDARD,
        {"kind": StandardKind.OVERVIEW, "interval": Interval.QUARTERLY, "email": "s@a.dk"},
        follow=True,
    )
    assert "Bestillingen af standardrapport, &#x27;Overblikrapport&#x27;, er gennemført." in text(
        response
    ) or "Bestillingen af standardrapport, 'Overblikrapport', er gennemført." in text(response)
    report = Report.objects.get()
    assert (report.kind, report.interval, report.email) == ("OVERBLIK", "QUARTERLY", "s@a.dk")
    entry = ActionLogEntry.objects.get(subject=Subject.STATISTIK)
    assert entry.event == "Standardrapport bestilt"
    assert entry.actor == personas.sofie.actor_id


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "", "interval": "MONTHLY"}, "Vælg en af de fem standardrapporter."),
        ({"kind": "NOPE", "interval": "MONTHLY"}, "Vælg en af de fem standardrapporter."),
        (
            {"kind": "MEMO", "interval": "WEEKLY"},
            "Vælg hvor ofte rapporten skal leveres: månedligt, kvartalsvis, halvårligt "
            "eller årligt.",
        ),
        (
            {"kind": "MEMO", "interval": "MONTHLY", "email": "ikke-en-mail"},
            "Angiv en gyldig e-mailadresse",
        ),
    ],
)
def test_order_standard_bad_input(client_as, data, message):
    response = client_as("sofie").post(ORDER_STANDARD, data)
    assert response.status_code == 200
    assert message in text(response)
    assert "form-error-message" in text(response)
    nothing_saved()


# --- custom order ---------------------------------------------------------------------------


def test_order_custom_then_details_and_download(
    client_as, personas, settings, time_machine, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE
    time_machine.move_to(datetime(2026, 3, 5, 10, tzinfo=DK), tick=False)
    org = personas.sofie.organisation
    sent(org, datetime(2026, 2, 3, tzinfo=DK))
    sent(org, datetime(2026, 2, 4, tzinfo=DK), size_bytes=3 * 1024 * 1024)
    client = client_as("sofie")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(ORDER_CUSTOM, custom_data(), follow=True)
    assert "Bestillingen af brugerdefineret rapport" in text(response)
    report = Report.objects.get()
    assert report.status == ReportStatus.READY
    detail = text(client.get(f"/statistik/{report.pk}/"))
    assert "Brugerdefineret rapport - Min rapport" in detail
    assert "Afsender, Beskedtype, Størrelse" in detail
    assert "01/02/2026-28/02/2026" in detail
    assert "05/03/2026" in detail
    assert " MB" in detail
    download = client.get(f"/statistik/{report.pk}/download/")
    assert download.status_code == 200
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in download["Content-Disposition"]
    assert (
        download["Cache-Control"].startswith("no-store") or "no-store" in download["Cache-Control"]
    )
    body = download.content.decode("utf-8-sig")
    assert body.splitlines()[0] == "Afsender;Beskedtype;Størrelse;Antal meddelelser"
    assert f"{org.name} ({org.cvr});Meddelelse;0-100 KB;1" in body
    assert f"{org.name} ({org.cvr});Meddelelse;1-5 MB;1" in body
    events = sorted(
        ActionLogEntry.objects.filter(subject=Subject.STATISTIK).values_list("event", flat=True)
    )
    assert events == ["Brugerdefineret rapport bestilt", "Rapport downloadet", "Rapport oprettet"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"variables": []}, "Vælg mindst én variabel."),
        ({"variables": [*reports.VARIABLES, "afsender"]}, "Vælg højst ni variabler."),
        ({"variables": ["nope"]}, "Vælg kun variabler fra listen."),
        ({"name": "x" * 51}, "Rapportens navn må højst være 50 tegn."),
        ({"name": ""}, "Angiv rapportens navn."),
        ({"start": "2025-01-01", "end": "2026-01-02"}, "Tidsperioden må højst være 1 år."),
        (
            {"start": "2026-02-10", "end": "2026-02-09"},
            "Sluttidspunktet må ikke ligge før starttidspunktet.",
        ),
        (
            {"start": "2026-03-06", "end": "2026-03-07"},
            "Starttidspunktet må ikke ligge i fremtiden.",
        ),
        (
            {"start": "2026-03-01", "end": "2026-03-06"},
            "Sluttidspunktet må ikke ligge i fremtiden.",
        ),
        ({"start": "31-02-2026"}, "Angiv starttidspunktet som en gyldig dato."),
        ({"email": "a@"}, "Angiv en gyldig e-mailadresse"),
    ],
)
def test_order_custom_bad_input_keeps_input_and_saves_nothing(
    client_as, time_machine, overrides, message
):
    time_machine.move_to(datetime(2026, 3, 5, 10, tzinfo=DK), tick=False)
    response = client_as("sofie").post(ORDER_CUSTOM, custom_data(**overrides))
    assert response.status_code == 200
    page = text(response)
    assert message in page
    assert "form-error-message" in page
    if overrides.get("name") != "x" * 51 and "name" not in overrides:
        assert 'value="Min rapport"' in page  # input kept
    nothing_saved()


def test_ten_variables_are_refused(client_as, time_machine):
    # Nine distinct variables exist; a tampered form could send more than nine values.
    time_machine.move_to(datetime(2026, 3, 5, 10, tzinfo=DK), tick=False)
    response = client_as("sofie").post(
        ORDER_CUSTOM, custom_data(variables=[*reports.VARIABLES, reports.AFSENDER])
    )
    assert "form-error-message" in text(response)
    nothing_saved()


# --- download, details, cancel ---------------------------------------------------------------


def test_pending_and_deleted_reports_cannot_be_downloaded(client_as, personas, ready_custom):
    client = client_as("sofie")
    pending = services.report_order_standard(
        actor=actor(personas.sofie),
        organisation=personas.sofie.organisation,
        kind=StandardKind.MEMO,
        interval=Interval.MONTHLY,
    )
    assert client.get(f"/statistik/{pending.pk}/download/").status_code == 404
    ready_custom.delete()
    assert client.get(f"/statistik/{ready_custom.pk}/download/").status_code == 404
    assert client.get(f"/statistik/{ready_custom.pk}/").status_code == 404
    assert not ActionLogEntry.objects.filter(event="Rapport downloadet").exists()


def test_standard_details_and_cancel(client_as, personas):
    report = services.report_order_standard(
        actor=actor(personas.birgitte),
        organisation=personas.birgitte.organisation,
        kind=StandardKind.MEMO,
        interval=Interval.QUARTERLY,
    )
    client = client_as("birgitte")
    detail = text(client.get(f"/statistik/{report.pk}/"))
    assert "Standardrapport - Anvendelse af MeMo-funktionalitet" in detail
    assert "Hvert kvartal" in detail
    assert "Opsig rapport" in detail
    assert client.get(f"/statistik/{report.pk}/opsig/").status_code == 200
    assert Report.objects.filter(pk=report.pk).exists()  # GET changes nothing
    response = client.post(f"/statistik/{report.pk}/opsig/", follow=True)
    assert "er opsagt" in text(response)
    assert not Report.objects.filter(pk=report.pk).exists()
    assert ActionLogEntry.objects.filter(event="Standardrapport opsagt").count() == 1
    assert client.post(f"/statistik/{report.pk}/opsig/").status_code == 404


def test_a_custom_report_cannot_be_cancelled(client_as, ready_custom):
    response = client_as("sofie").post(f"/statistik/{ready_custom.pk}/opsig/")
    assert response.status_code == 404
    assert Report.objects.filter(pk=ready_custom.pk).exists()


def test_pending_custom_report_shows_its_status(client_as, personas):
    services.report_order_custom(
        actor=actor(personas.sofie),
        organisation=personas.sofie.organisation,
        name="Venter",
        variables=[reports.BESKEDTYPE],
        start=date(2025, 1, 1),
        end=date(2025, 1, 31),
    )
    page = text(client_as("sofie").get(OVERVIEW))
    assert "Under oprettelse" in page
    assert 'http-equiv="refresh"' in page
