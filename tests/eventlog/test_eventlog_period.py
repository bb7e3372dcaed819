"""The period rules (SPEC §5): at most 3 months, end not before start, no period = the last
3 months, pages never older than 3 months back from today, the export may reach further.
Danish calendar days, also at month ends and across daylight-saving changes."""

from datetime import date, datetime

import pytest

from adgang.eventlog.models import SavedSearch
from adgang.eventlog.period import (
    END_BEFORE_START,
    PERIOD_TOO_LONG,
    Period,
    PeriodError,
    display_floor,
    period_resolve,
)
from tests.support.eventlog_rows import message_event


def utc(text: str) -> datetime:
    return datetime.fromisoformat(f"{text}+00:00")


@pytest.mark.parametrize(
    ("clock", "expected"),
    [
        ("2026-03-15 11:00", Period(date(2025, 12, 15), date(2026, 3, 15))),
        ("2026-05-31 10:00", Period(date(2026, 2, 28), date(2026, 5, 31))),  # month end
        ("2028-05-30 10:00", Period(date(2028, 2, 29), date(2028, 5, 30))),  # leap year
        ("2026-03-31 22:30", Period(date(2026, 1, 1), date(2026, 4, 1))),  # Danish midnight
    ],
)
def test_no_period_means_the_last_three_months_in_danish_days(time_machine, clock, expected):
    time_machine.move_to(utc(clock), tick=False)
    assert period_resolve(None, None) == expected


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(2025, 11, 30), date(2026, 2, 28)),  # 30 Nov + 3 months is clamped to 28 Feb
        (date(2026, 1, 31), date(2026, 4, 30)),
        (date(2026, 3, 1), date(2026, 3, 1)),
    ],
)
def test_a_period_of_at_most_three_months_is_accepted(frozen, start, end):
    assert period_resolve(start, end) == Period(start, end)


@pytest.mark.parametrize(
    ("start", "end"),
    [(date(2025, 11, 30), date(2026, 3, 1)), (date(2026, 1, 31), date(2026, 5, 1))],
)
def test_a_period_over_three_months_is_refused(frozen, start, end):
    with pytest.raises(PeriodError) as error:
        period_resolve(start, end)
    assert error.value.message == PERIOD_TOO_LONG


def test_an_end_before_the_start_is_refused(frozen):
    with pytest.raises(PeriodError) as error:
        period_resolve(date(2026, 3, 2), date(2026, 3, 1))
    assert error.value.message == END_BEFORE_START


def test_only_a_start_runs_three_months_but_not_past_today(frozen):
    assert period_resolve(date(2026, 2, 1), None) == Period(date(2026, 2, 1), date(2026, 3, 15))
    assert period_resolve(date(2025, 10, 1), None) == Period(date(2025, 10, 1), date(2026, 1, 1))


def test_only_an_end_reaches_three_months_back(frozen):
    assert period_resolve(None, date(2026, 3, 1)) == Period(date(2025, 12, 1), date(2026, 3, 1))


def test_a_period_covers_whole_danish_days_across_the_spring_dst_change():
    period = Period(date(2026, 3, 29), date(2026, 3, 29))  # clocks go forward on 29 March
    assert period.start_at == utc("2026-03-28 23:00")  # CET midnight
    assert period.end_before == utc("2026-03-29 22:00")  # CEST midnight


def test_a_period_covers_whole_danish_days_across_the_autumn_dst_change():
    period = Period(date(2026, 10, 25), date(2026, 10, 25))  # clocks go back on 25 October
    assert period.start_at == utc("2026-10-24 22:00")
    assert period.end_before == utc("2026-10-25 23:00")


def test_the_display_floor_is_danish_midnight_three_months_back(time_machine):
    time_machine.move_to(utc("2026-03-29 10:00"), tick=False)  # CEST today, CET three months ago
    assert display_floor() == utc("2025-12-28 23:00")


def test_the_page_hides_rows_older_than_three_months_and_the_export_keeps_them(
    personas, client_as, time_machine
):
    time_machine.move_to(utc("2026-05-31 10:00"), tick=False)
    org = personas.lars.organisation
    message_event(org, utc("2026-02-27 22:59"), title="For gammel")  # 27 Feb 23:59 Danish
    message_event(org, utc("2026-02-27 23:00"), title="Lige inden for")  # 28 Feb 00:00
    client = client_as("lars")
    location = client.post(
        "/haendelseslog/meddelelser/", {"start": "2026-02-01", "end": "2026-04-30"}
    )["Location"]
    html = client.get(location).content.decode()
    assert "Lige inden for" in html and "For gammel" not in html
    assert "Siden viser kun hændelser fra 28/02/2026" in html
    download = location.replace("/meddelelser/", "/meddelelser/download/")
    csv = b"".join(client.get(download).streaming_content).decode()
    assert "For gammel" in csv and "Lige inden for" in csv
    assert SavedSearch.objects.get().criteria["start"] == "2026-02-01"


def test_the_end_date_includes_its_whole_danish_day(personas, client_as, time_machine):
    time_machine.move_to(utc("2026-04-10 10:00"), tick=False)
    org = personas.lars.organisation
    message_event(org, utc("2026-03-29 21:59"), title="Sidst på dagen")  # 23:59 CEST
    message_event(org, utc("2026-03-29 22:00"), title="Næste dag")  # 30 March 00:00
    client = client_as("lars")
    location = client.post(
        "/haendelseslog/meddelelser/", {"start": "2026-03-29", "end": "2026-03-29"}
    )["Location"]
    html = client.get(location).content.decode()
    assert "Sidst på dagen" in html and "Næste dag" not in html
