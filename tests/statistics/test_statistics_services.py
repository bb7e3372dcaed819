"""Statistics services: the order rules, production on the 10th, removal after 7 days, logs."""

import csv
import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Count, Q
from hypothesis import given, settings
from hypothesis import strategies as st

from adgang.audit.models import ActionLogEntry, Subject
from adgang.audit.services import Actor
from adgang.core.scheduler import registered_jobs
from adgang.messaging.events import Direction, EventTag
from adgang.messaging.models import MessageEvent, MessageKind
from adgang.statistics import reports, services, tasks
from adgang.statistics.models import EmailOutbox, Interval, Report, ReportStatus, StandardKind
from adgang.statistics.services import ReportRuleError
from tests.statistics.statistics_support import received, sent

DK = ZoneInfo("Europe/Copenhagen")
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def actor(membership) -> Actor:
    return Actor(membership.actor_id, membership.organisation.cvr, membership.rid)


def rows_of(report: Report) -> list[dict]:
    text = bytes(report.content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


# --- rules -------------------------------------------------------------------------------

TODAY = date(2026, 6, 15)


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"variables": []}, "variables", "Vælg mindst én variabel."),
        ({"variables": [*reports.VARIABLES, "x"]}, "variables", "Vælg kun variabler fra listen."),
        ({"name": "x" * 51}, "name", "Rapportens navn må højst være 50 tegn."),
        ({"name": "  "}, "name", "Angiv rapportens navn."),
        ({"start": date(2026, 6, 16)}, "start", "Starttidspunktet må ikke ligge i fremtiden."),
        ({"end": date(2026, 6, 16)}, "end", "Sluttidspunktet må ikke ligge i fremtiden."),
        ({"end": date(2026, 4, 30)}, "end", "Sluttidspunktet må ikke ligge før starttidspunktet."),
        (
            {"start": date(2025, 5, 31), "end": date(2026, 6, 1)},
            "end",
            "Tidsperioden må højst være 1 år. Vælg et sluttidspunkt senest 31/05/2026.",
        ),
    ],
)
def test_custom_rules(values, field, message):
    arguments = {
        "name": "Min rapport",
        "variables": [reports.AFSENDER],
        "start": date(2026, 5, 1),
        "end": date(2026, 5, 31),
        "on": TODAY,
        **values,
    }
    with pytest.raises(ReportRuleError) as caught:
        services.report_rules_custom(**arguments)
    assert caught.value.field == field
    assert caught.value.message == message


@settings(max_examples=200)
@given(
    start=st.dates(min_value=date(2020, 1, 1), max_value=TODAY),
    length=st.integers(min_value=-400, max_value=800),
)
def test_period_rule_property(start, length):
    end = start + timedelta(days=length)
    try:
        services.report_rules_custom(
            name="R", variables=[reports.BESKEDTYPE], start=start, end=end, on=TODAY
        )
    except ReportRuleError:
        accepted = False
    else:
        accepted = True
    within_year = end <= services.one_year_after(start)
    assert accepted == (start <= end <= TODAY and within_year)
    if accepted:
        assert (end - start).days <= 366


@given(name=st.text(max_size=80), count=st.integers(min_value=0, max_value=12))
def test_name_and_variable_count_property(name, count):
    variables = list(reports.VARIABLES)[:count] + ["extra"] * max(count - 9, 0)
    try:
        services.report_rules_custom(
            name=name, variables=variables, start=TODAY, end=TODAY, on=TODAY
        )
    except ReportRuleError:
        accepted = False
    else:
        accepted = True
    assert accepted == (0 < len(name.strip()) <= 50 and 1 <= count <= 9)


@pytest.mark.parametrize("email", ["a", "a@", "a@b", "<a@b.dk>", "a b@c.dk"])
def test_invalid_email(email):
    with pytest.raises(ReportRuleError) as caught:
        services.report_rules_email(email)
    assert caught.value.field == "email"


def test_unknown_kind_or_interval():
    with pytest.raises(ReportRuleError) as caught:
        services.report_rules_standard("NOPE", Interval.MONTHLY)
    assert caught.value.field == "kind"
    with pytest.raises(ReportRuleError) as caught:
        services.report_rules_standard(StandardKind.MEMO, "WEEKLY")
    assert caught.value.field == "interval"


def test_services_refuse_and_save_nothing(personas):
    org = personas.sofie.organisation
    with pytest.raises(ReportRuleError):
        services.report_order_standard(
            actor=actor(personas.sofie), organisation=org, kind="NOPE", interval="MONTHLY"
        )
    with pytest.raises(ReportRuleError):
        services.report_order_custom(
            actor=actor(personas.sofie),
            organisation=org,
            name="R",
            variables=[*reports.VARIABLES, "afsender"],
            start=date(2025, 1, 1),
            end=date(2025, 1, 2),
        )
    assert not Report.objects.exists()
    assert not ActionLogEntry.objects.filter(subject=Subject.STATISTIK).exists()


# --- standard reports on the 10th ------------------------------------------------------------


def _independent_counts(org, start: date, end: date) -> tuple[int, dict[str, int]]:
    """Messages per Beskedtype, counted straight from the message events."""
    since = datetime.combine(start, datetime.min.time(), tzinfo=DK)
    until = datetime.combine(end + timedelta(days=1), datetime.min.time(), tzinfo=DK)
    counting = MessageEvent.objects.filter(
        Q(
            direction=Direction.OUTGOING,
            event__in=[EventTag.VALIDATED, EventTag.AWAITING_VALUE_DATE],
        )
        | Q(direction=Direction.INCOMING, event=EventTag.SENT_TO_RECIPIENT_SYSTEM),
        organisation=org,
        occurred_at__gte=since,
        occurred_at__lt=until,
    )
    per_kind = {
        row["kind"]: row["n"]
        for row in counting.values("kind").annotate(n=Count("message_uuid", distinct=True))
    }
    labels = {
        MessageKind.LETTER: "Meddelelse",
        MessageKind.MANDATORY: "Obligatorisk",
        MessageKind.LEGAL_NOTIFICATION: "Forkyndelse",
        MessageKind.NEMSMS: "NemSMS",
    }
    # A message sent to oneself counts in both directions; the fixtures have none.
    total = counting.values("message_uuid").distinct().count()
    return total, {labels[kind]: n for kind, n in per_kind.items()}


def _fill(org, other):
    """Messages in each quarter of 2026 and Q4 2025, at the quarters' Danish edges too."""
    kinds = [MessageKind.LETTER, MessageKind.MANDATORY, MessageKind.NEMSMS]
    for quarter, month in enumerate((1, 4, 7, 10)):
        for i in range(3 + quarter):
            at = datetime(2026, month, 1 + i, 9, tzinfo=DK)
            sent(org, at, kind=kinds[i % 3], size_bytes=2_000 * (i + 1) ** 4)
            sent(org, at, event=EventTag.AVAILABLE_TO_RECIPIENT)  # not a counting event
        received(
            org, datetime(2026, month, 1, 0, 0, tzinfo=DK), kind=MessageKind.LEGAL_NOTIFICATION
        )
        sent(org, datetime(2026, month, 1, 0, 0, tzinfo=DK) - timedelta(seconds=1))
        sent(other, datetime(2026, month, 5, tzinfo=DK))  # another organisation's
    sent(org, datetime(2025, 11, 3, tzinfo=DK))


def test_quarterly_overview_versions_on_the_tenth(
    personas, time_machine, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "adgang.statistics.mail.OutboxEmailBackend"
    org, other = personas.sofie.organisation, personas.maja.organisation
    _fill(org, other)
    time_machine.move_to(datetime(2026, 2, 15, 12, tzinfo=DK), tick=False)
    report = services.report_order_standard(
        actor=actor(personas.sofie),
        organisation=org,
        kind=StandardKind.OVERVIEW,
        interval=Interval.QUARTERLY,
        email="sofie@kommune-a.dk",
    )
    assert report.status == ReportStatus.PENDING
    assert "statistics.periodic" in {job.name for job in registered_jobs()}

    def run(at: datetime) -> Report:
        time_machine.move_to(at, tick=False)
        with django_capture_on_commit_callbacks(execute=True):
            tasks.statistics_periodic_task.call()
        assert Report.objects.filter(organisation=org).count() == 1  # replaced, not added
        return Report.objects.get(pk=report.pk)

    # The first run after ordering makes the newest due period's version: Q4 2025 has data.
    first = run(datetime(2026, 2, 15, 13, tzinfo=DK))
    assert (first.period_start, first.period_end, first.version) == (
        date(2025, 10, 1),
        date(2025, 12, 31),
        1,
    )
    assert run(datetime(2026, 4, 9, 23, 30, tzinfo=DK)).version == 1  # not the 10th yet
    expected_periods = [
        (datetime(2026, 4, 10, 0, 30, tzinfo=DK), date(2026, 1, 1), date(2026, 3, 31)),
        (datetime(2026, 7, 10, 0, 30, tzinfo=DK), date(2026, 4, 1), date(2026, 6, 30)),
        (datetime(2026, 10, 10, 0, 30, tzinfo=DK), date(2026, 7, 1), date(2026, 9, 30)),
    ]
    for version, (at, start, end) in enumerate(expected_periods, start=2):
        current = run(at)
        assert (current.period_start, current.period_end) == (start, end)
        assert current.version == version
        assert current.created_at == at
        rows = rows_of(current)
        assert list(rows[0]) == [
            "Afsender",
            "Modtager",
            "Afsendersystem",
            "Modtagersystem",
            "Beskedtype",
            "Størrelse",
            "Kundetype (modtager)",
            "Kundetype (afsender)",
            "Antal meddelelser",
        ]
        total, per_kind = _independent_counts(org, start, end)
        assert sum(int(row["Antal meddelelser"]) for row in rows) == total
        report_kinds: dict[str, int] = {}
        for row in rows:
            report_kinds[row["Beskedtype"]] = report_kinds.get(row["Beskedtype"], 0) + int(
                row["Antal meddelelser"]
            )
        assert report_kinds == per_kind
        assert current.size_bytes == len(bytes(current.content))
        assert run(at + timedelta(hours=1)).version == version  # produced once per period
    # One notification per version, and every version in the log with actor System.
    assert EmailOutbox.objects.filter(to=["sofie@kommune-a.dk"]).count() == 4
    assert (
        ActionLogEntry.objects.filter(
            organisation=org, subject=Subject.STATISTIK, actor="System"
        ).count()
        == 4
    )


def test_first_version_waits_for_a_period_with_data_or_after_the_order(personas, time_machine):
    org = personas.birgitte.organisation
    time_machine.move_to(datetime(2026, 5, 20, tzinfo=DK), tick=False)
    report = services.report_order_standard(
        actor=actor(personas.birgitte),
        organisation=org,
        kind=StandardKind.SENT_RECEIVED,
        interval=Interval.MONTHLY,
    )
    services.standard_reports_produce()
    report.refresh_from_db()
    assert report.status == ReportStatus.PENDING  # April has no data
    time_machine.move_to(datetime(2026, 6, 10, 8, tzinfo=DK), tick=False)
    services.standard_reports_produce()
    report.refresh_from_db()
    assert report.status == ReportStatus.READY  # May ended after the order: an empty report
    assert (report.period_start, report.period_end) == (date(2026, 5, 1), date(2026, 5, 31))
    assert (
        bytes(report.content).decode("utf-8-sig")
        == "Afsender;Modtager;Beskedtype;Antal meddelelser\r\n"
    )


def test_cancel_removes_the_subscription_and_logs(personas):
    report = services.report_order_standard(
        actor=actor(personas.sofie),
        organisation=personas.sofie.organisation,
        kind=StandardKind.MEMO,
        interval=Interval.YEARLY,
    )
    services.report_cancel(actor=actor(personas.sofie), report=report)
    assert not Report.objects.exists()
    events = list(
        ActionLogEntry.objects.filter(subject=Subject.STATISTIK).values_list("event", flat=True)
    )
    assert sorted(events) == ["Standardrapport bestilt", "Standardrapport opsagt"]


# --- custom reports --------------------------------------------------------------------------


def test_custom_report_produced_once_then_deleted_after_seven_days(
    personas, settings, time_machine, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE
    settings.EMAIL_BACKEND = "adgang.statistics.mail.OutboxEmailBackend"
    org = personas.sofie.organisation
    ordered = datetime(2026, 3, 2, 10, tzinfo=DK)
    time_machine.move_to(ordered, tick=False)
    sent(org, datetime(2026, 2, 3, tzinfo=DK))
    received(org, datetime(2026, 2, 4, tzinfo=DK))
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_order_custom(
            actor=actor(personas.sofie),
            organisation=org,
            name="Februar",
            variables=[reports.AFSENDER, reports.MODTAGER, reports.BESKEDTYPE],
            start=date(2026, 2, 1),
            end=date(2026, 2, 28),
            email="sofie@kommune-a.dk",
        )
    report.refresh_from_db()
    assert report.status == ReportStatus.READY
    assert sum(int(row["Antal meddelelser"]) for row in rows_of(report)) == 2
    assert services.custom_report_produce(report.pk) == ReportStatus.READY  # runs once
    assert report.version == 1
    assert EmailOutbox.objects.count() == 1

    time_machine.move_to(ordered + timedelta(days=7) - timedelta(minutes=1), tick=False)
    tasks.statistics_periodic_task.call()
    assert Report.objects.filter(pk=report.pk).exists()
    time_machine.move_to(ordered + timedelta(days=7), tick=False)
    tasks.statistics_periodic_task.call()
    assert not Report.objects.filter(pk=report.pk).exists()
    assert ActionLogEntry.objects.filter(
        subject=Subject.STATISTIK, event="Brugerdefineret rapport slettet", object_id=str(report.pk)
    ).exists()


def test_a_lost_enqueue_is_picked_up_by_the_periodic_job(personas, time_machine):
    org = personas.birgitte.organisation
    time_machine.move_to(datetime(2026, 3, 2, 10, tzinfo=DK), tick=False)
    report = services.report_order_custom(  # on_commit never runs here: nothing enqueued
        actor=actor(personas.birgitte),
        organisation=org,
        name="Tabt",
        variables=[reports.BESKEDTYPE],
        start=date(2026, 2, 1),
        end=date(2026, 2, 28),
    )
    tasks.statistics_periodic_task.call()
    assert Report.objects.get(pk=report.pk).status == ReportStatus.PENDING  # too fresh
    time_machine.move_to(datetime(2026, 3, 2, 10, 6, tzinfo=DK), tick=False)
    tasks.statistics_periodic_task.call()
    assert Report.objects.get(pk=report.pk).status == ReportStatus.READY


def test_outbox_backend_stores_mail(db, settings):
    from django.core.mail import send_mail

    settings.EMAIL_BACKEND = "adgang.statistics.mail.OutboxEmailBackend"
    assert send_mail("Emne", "Tekst", "noreply@adgang.dk", ["a@b.dk"]) == 1
    mail = EmailOutbox.objects.get()
    assert (mail.subject, mail.to, mail.body) == ("Emne", ["a@b.dk"], "Tekst")
