"""Property tests of Flyt post's period rule (hypothesis): the page accepts a period exactly
when its end is not before its start in Danish time, stores both ends in Danish time with the
end minute included, and the service refuses every reversed period the page would."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adgang.movepost.forms import MoveForm, danish_moment
from adgang.movepost.models import Destination
from adgang.movepost.services import PERIOD_REVERSED, MoveRefused, MoveRequest, move_check

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
days = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))
minutes = st.times().map(lambda t: t.replace(second=0, microsecond=0))


def period_form(organisation, start_day, start_at, end_day, end_at) -> MoveForm:
    return MoveForm(
        {
            "scope": "period",
            "start_date": start_day.isoformat(),
            "start_time": start_at.strftime("%H:%M"),
            "end_date": end_day.isoformat(),
            "end_time": end_at.strftime("%H:%M"),
            "destination": Destination.CHOSEN,
            "point": "",
        },
        organisation=organisation,
    )


@pytest.mark.django_db
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(start_day=days, start_at=minutes, end_day=days, end_at=minutes)
def test_period_valid_exactly_when_end_is_not_before_start(
    personas, start_day, start_at, end_day, end_at
):
    form = period_form(personas.alice.organisation, start_day, start_at, end_day, end_at)
    form.is_valid()
    start = danish_moment(start_day, start_at)
    end = danish_moment(end_day, end_at)
    reversed_period = str(PERIOD_REVERSED) in " ".join(form.errors.get("end_date", []))
    assert reversed_period == (end < start)
    if not reversed_period:
        data = form.cleaned_data
        assert data["period_start"] == start
        assert data["period_end"] == end + timedelta(minutes=1, microseconds=-1)
        assert data["period_start"].tzinfo == COPENHAGEN


@given(day=days, at=minutes)
def test_the_end_minute_is_included_and_nothing_after_it(day, at):
    last = danish_moment(day, at, last=True)
    first = danish_moment(day, at)
    assert first <= last < first + timedelta(minutes=1)
    assert (last - first) == timedelta(minutes=1, microseconds=-1)


@pytest.mark.django_db
@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    start=st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1)),
    gap=st.timedeltas(min_value=timedelta(microseconds=1), max_value=timedelta(days=400)),
)
def test_the_service_refuses_every_reversed_period(personas, start, gap):
    start = start.replace(tzinfo=COPENHAGEN)
    request = MoveRequest(
        destination=Destination.CHOSEN,
        point_id=None,
        acknowledged=True,
        period_start=start,
        period_end=start - gap,
    )
    with pytest.raises(MoveRefused) as refused:
        move_check(personas.alice.organisation, request, start)
    assert refused.value.message == PERIOD_REVERSED


def test_danish_summer_and_winter_time():
    assert danish_moment(date(2026, 7, 2), time(0, 0)).utcoffset() == timedelta(hours=2)
    assert danish_moment(date(2026, 1, 2), time(0, 0)).utcoffset() == timedelta(hours=1)
