"""Report computation: what counts, each variable's values, periods, the CSV (reports.py)."""

import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from adgang.messaging.events import EventTag
from adgang.messaging.models import Message, MessageKind
from adgang.statistics import reports
from adgang.statistics.models import Interval
from tests.statistics.statistics_support import COMPANY, received, sent
from tests.support.messaging_core import sender_system

DK = ZoneInfo("Europe/Copenhagen")
JAN = datetime(2026, 1, 15, 12, tzinfo=DK)


def compute(organisation, variables, start=date(2026, 1, 1), end=date(2026, 1, 31)):
    return reports.report_compute(
        organisation_id=organisation.pk, variables=variables, start=start, end=end
    )


# --- periods -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "interval", "expected"),
    [
        (date(2026, 2, 14), Interval.MONTHLY, (date(2026, 2, 1), date(2026, 2, 28))),
        (date(2026, 5, 1), Interval.QUARTERLY, (date(2026, 4, 1), date(2026, 6, 30))),
        (date(2026, 12, 31), Interval.HALF_YEARLY, (date(2026, 7, 1), date(2026, 12, 31))),
        (date(2024, 2, 29), Interval.YEARLY, (date(2024, 1, 1), date(2024, 12, 31))),
    ],
)
def test_period_containing(day, interval, expected):
    assert reports.period_containing(day, interval) == expected


@pytest.mark.parametrize(
    ("today", "interval", "expected"),
    [
        (date(2026, 4, 9), Interval.QUARTERLY, (date(2025, 10, 1), date(2025, 12, 31))),
        (date(2026, 4, 10), Interval.QUARTERLY, (date(2026, 1, 1), date(2026, 3, 31))),
        (date(2026, 1, 10), Interval.YEARLY, (date(2025, 1, 1), date(2025, 12, 31))),
        (date(2026, 1, 9), Interval.YEARLY, (date(2024, 1, 1), date(2024, 12, 31))),
        (date(2026, 3, 10), Interval.MONTHLY, (date(2026, 2, 1), date(2026, 2, 28))),
        (date(2026, 7, 10), Interval.HALF_YEARLY, (date(2026, 1, 1), date(2026, 6, 30))),
    ],
)
def test_latest_due_period_is_produced_on_the_tenth_day_of_the_next_period(
    today, interval, expected
):
    assert reports.latest_due_period(today, interval) == expected


@given(
    day=st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)),
    interval=st.sampled_from(Interval.values),
)
def test_periods_tile_the_calendar(day, interval):
    start, end = reports.period_containing(day, interval)
    assert start <= day <= end
    assert start.day == 1
    assert (end + timedelta(days=1)).day == 1
    assert reports.period_containing(end + timedelta(days=1), interval)[0] == end + timedelta(
        days=1
    )
    due = reports.latest_due_period(day, interval)
    assert reports.production_day(due) <= day
    # The next period's version is not due yet.
    following = reports.period_containing(due[1] + timedelta(days=1), interval)
    assert reports.production_day(following) > day


# --- what counts ---------------------------------------------------------------------------


def test_counts_messages_by_their_counting_event_only(personas):
    org = personas.sofie.organisation
    one = sent(org, JAN)
    # More events of the same message do not count it again.
    sent(org, JAN, message_uuid=one.message_uuid, event=EventTag.AVAILABLE_TO_RECIPIENT)
    sent(org, JAN, message_uuid=one.message_uuid)  # a counting event recorded twice
    sent(org, JAN, event=EventTag.AWAITING_VALUE_DATE)  # held for its value date: sent
    sent(org, JAN, event=EventTag.TECHNICALLY_REJECTED)  # never accepted: not counted
    sent(org, JAN, event=EventTag.FAILED)
    received(org, JAN)
    received(org, JAN, event=EventTag.SENT_TO_RECIPIENT_SYSTEM_FAILED)
    received(org, JAN, event=EventTag.FETCHED)
    table = compute(org, [reports.AFSENDER, reports.MODTAGER])
    assert table.headers == ["Afsender", "Modtager", "Antal meddelelser"]
    named = f"{org.name} ({org.cvr})"  # a known organisation reads "Navn (CVR)"
    assert sorted(table.rows) == sorted([(named, "", 2), ("", named, 1)])
    assert table.total == 3


def test_only_the_organisations_own_data_in_whole_danish_days(personas):
    org, other = personas.sofie.organisation, personas.maja.organisation
    sent(org, datetime(2026, 1, 1, 0, 0, tzinfo=DK))
    sent(org, datetime(2026, 1, 31, 23, 59, 59, tzinfo=DK))
    sent(org, datetime(2025, 12, 31, 23, 59, 59, tzinfo=DK))  # before
    sent(org, datetime(2026, 2, 1, 0, 0, tzinfo=DK))  # after
    sent(other, JAN)
    assert compute(org, [reports.BESKEDTYPE]).rows == [("Meddelelse", 2)]


def test_labels_are_danish_whatever_language_the_caller_has_active(personas):
    # The report file is made once and downloaded by everyone; a request or a test that
    # left English active (Django's LocaleMiddleware never deactivates) must not change it.
    org = personas.sofie.organisation
    sent(org, JAN)
    with translation.override("en"):
        table = compute(org, [reports.BESKEDTYPE])
    assert table.headers == ["Beskedtype", "Antal meddelelser"]
    assert table.rows == [("Meddelelse", 1)]


def test_message_types_are_mapped_to_the_guides_names(personas):
    org = personas.sofie.organisation
    for kind in (
        MessageKind.LETTER,
        MessageKind.LETTER,
        MessageKind.MANDATORY,
        MessageKind.LEGAL_NOTIFICATION,
        MessageKind.NEMSMS,
    ):
        sent(org, JAN, kind=kind)
    assert dict(compute(org, [reports.BESKEDTYPE]).rows) == {
        "Meddelelse": 2,
        "Obligatorisk": 1,
        "Forkyndelse": 1,
        "NemSMS": 1,
    }


def test_size_buckets(personas):
    org = personas.sofie.organisation
    kb, mb = 1024, 1024 * 1024
    for size in (0, 100 * kb - 1, 100 * kb, mb - 1, mb, 5 * mb, 10 * mb - 1, 10 * mb, 99 * mb):
        sent(org, JAN, size_bytes=size)
    assert dict(compute(org, [reports.STOERRELSE]).rows) == {
        "0-100 KB": 2,
        "100 KB-1 MB": 2,
        "1-5 MB": 1,
        "5-10 MB": 2,
        "Over 10 MB": 2,
    }


def test_customer_types_and_the_22_march_2023_rule(personas):
    org = personas.sofie.organisation
    authority = personas.maja.organisation.cvr  # Kommune M
    company = personas.birgitte.organisation.cvr  # Virksomhed B
    before = datetime(2023, 3, 21, 23, 59, tzinfo=DK)
    after = datetime(2023, 3, 22, 0, 0, tzinfo=DK)
    sent(org, before, recipient_id=authority, recipient_type="CVR")
    sent(org, after, recipient_id=authority, recipient_type="CVR")
    sent(org, after, recipient_id=company, recipient_type="CVR")
    sent(org, after, recipient_id=COMPANY, recipient_type="CVR")  # not known: a company
    sent(org, after)  # a citizen
    received(org, before, sender_cvr=authority)
    received(org, after, sender_cvr=authority)
    table = compute(
        org,
        [reports.KUNDETYPE_AFSENDER, reports.KUNDETYPE_MODTAGER],
        start=date(2023, 3, 1),
        end=date(2023, 3, 31),
    )
    # Outgoing: the sender is Kommune A itself; incoming: Kommune M to Kommune A. Before
    # the split both authorities count as Virksomhed.
    assert dict((row[:2], row[2]) for row in table.rows) == {
        ("Virksomhed", "Virksomhed"): 2,  # one sent, one received before 22 March 2023
        ("Myndighed", "Myndighed"): 2,  # one sent, one received after
        ("Myndighed", "Virksomhed"): 2,  # a known company and an unknown CVR
        ("Myndighed", "Borger"): 1,
    }


def test_systems_belong_to_their_direction(personas):
    org = personas.sofie.organisation
    sent(org, JAN, sender_system_id=uuid.UUID(int=10))
    received(org, JAN, sender_system_id=uuid.UUID(int=20), recipient_system_id=uuid.UUID(int=30))
    table = compute(org, [reports.AFSENDERSYSTEM, reports.MODTAGERSYSTEM])
    assert sorted(table.rows) == sorted(
        [(str(uuid.UUID(int=10)), "", 1), ("", str(uuid.UUID(int=30)), 1)]
    )


def test_known_systems_read_with_their_name(personas):
    org = personas.alice.organisation
    system, _auth = sender_system(personas.alice)
    sent(org, JAN, sender_system_id=system.id)
    sent(org, JAN, sender_system_id=uuid.UUID(int=10))  # a system since deleted
    other, _auth = sender_system(personas.maja)  # Kommune M's: never named here
    sent(org, JAN, sender_system_id=other.id)
    table = compute(org, [reports.AFSENDERSYSTEM])
    assert sorted(table.rows) == sorted(
        [(f"{system.name} ({system.id})", 1), (str(uuid.UUID(int=10)), 1), (str(other.id), 1)]
    )


def test_memo_features_from_the_message(personas):
    org = personas.alice.organisation
    system, _auth = sender_system(personas.alice)

    def message(features):
        return Message.objects.create(
            message_uuid=uuid.uuid4(),
            transmission_id=uuid.uuid4(),
            memo_version="1.2",
            sender_organisation=org,
            sender_system=system,
            sender_id=org.cvr,
            recipient_id_type="CPR",
            recipient_id="0101901234",
            message_type="DIGITALPOST",
            kind=MessageKind.LETTER,
            features=features,
            route="MAILBOX",
            state="DELIVERED",
        )

    for features in (["actions", "reply_data"], ["actions", "reply_data"], [], ["content_data"]):
        msg = message(features)
        sent(org, JAN, message=msg, message_uuid=str(msg.message_uuid))
    sent(org, JAN)  # an event without a stored message: no features
    assert dict(compute(org, [reports.MEMO]).rows) == {
        "Handlinger, Svardata": 2,
        "Ingen": 2,
        "Indholdsdata": 1,
    }


def test_nine_variables_and_the_limits(personas):
    org = personas.sofie.organisation
    sent(org, JAN)
    table = compute(org, list(reports.VARIABLES))
    assert len(table.headers) == 10
    assert table.total == 1
    with pytest.raises(ValueError):
        compute(org, [])
    with pytest.raises(ValueError):
        compute(org, [reports.AFSENDER, reports.AFSENDER])


def test_csv_is_danish_excel_and_formula_safe(personas):
    org = personas.sofie.organisation
    sent(org, JAN, sender_id="=cmd|' /C calc'!A0")
    content = reports.report_csv(compute(org, [reports.AFSENDER, reports.BESKEDTYPE]))
    assert content.startswith("\ufeff".encode())
    text = content.decode("utf-8-sig")
    lines = text.split("\r\n")
    assert lines[0] == "Afsender;Beskedtype;Antal meddelelser"
    assert lines[1].startswith("'=cmd")
    assert lines[1].endswith(";Meddelelse;1")


def test_the_database_groups_the_rows(personas, django_assert_max_num_queries):
    org = personas.sofie.organisation
    for _ in range(30):
        sent(org, JAN)
    received(org, JAN)
    # A fixed number of queries whatever the number of events: the grouping query, at most one
    # name look-up for organisations and one for systems, and on PostgreSQL the transaction
    # and the planner settings around the grouping query.
    with django_assert_max_num_queries(8):
        table = compute(org, list(reports.STANDARD_VARIABLES["OVERBLIK"]))
    assert table.total == 31
    assert len(table.rows) == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="planner settings are PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_the_planner_settings_hold_for_the_report_query_only(personas):
    """On PostgreSQL a report runs without JIT and with hash aggregation; whatever transaction
    the caller is in, its own settings are back afterwards."""
    org = personas.sofie.organisation
    sent(org, JAN)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '8MB'")
        assert compute(org, [reports.AFSENDER]).total == 1
        cursor.execute(
            "SELECT current_setting('jit'), current_setting('enable_sort'), "
            "current_setting('work_mem')"
        )
        jit, enable_sort, work_mem = cursor.fetchone()
    assert (enable_sort, work_mem) == ("on", "8MB")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert jit == cursor.fetchone()[0]
