"""The period rules shared by the three logs (SPEC §5 "Rules for all three").

Dates are Danish calendar dates; a period covers whole days, from the start date's midnight
to the midnight after the end date, in Europe/Copenhagen (so a DST change inside a period
does not move its edges).

- the period spans at most 3 calendar months (end date ≤ start date + 3 months);
- the end may not be before the start;
- no period means the last 3 months up to and including today;
- only a start: up to 3 months after it, but not past today; only an end: 3 months before it;
- the pages show nothing older than 3 months back from today (`display_floor`); the CSV
  export of the same saved search covers the whole period asked for.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils.translation import gettext_lazy as _

from adgang.core.clock import today

DANISH = ZoneInfo("Europe/Copenhagen")
MONTHS = 3

PERIOD_TOO_LONG = _("Perioden må højst være 3 måneder. Vælg en kortere periode.")
END_BEFORE_START = _("Slutdatoen må ikke ligge før startdatoen.")


class PeriodError(ValueError):
    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = message


def add_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier), clamped to the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def midnight(day: date) -> datetime:
    """The start of a Danish calendar day as an aware datetime."""
    return datetime.combine(day, time.min, tzinfo=DANISH)


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @property
    def start_at(self) -> datetime:
        return midnight(self.start)

    @property
    def end_before(self) -> datetime:
        return midnight(self.end + timedelta(days=1))


def period_resolve(start: date | None, end: date | None) -> Period:
    """The period a search covers, or PeriodError with a Danish message."""
    current = today()
    if start is None and end is None:
        return Period(add_months(current, -MONTHS), current)
    if start is None:
        start = add_months(end, -MONTHS)
    if end is None:
        end = min(add_months(start, MONTHS), max(current, start))
    if end < start:
        raise PeriodError(END_BEFORE_START)
    if end > add_months(start, MONTHS):
        raise PeriodError(PERIOD_TOO_LONG)
    return Period(start, end)


def display_floor() -> datetime:
    """The oldest moment the pages show: midnight 3 months before today (Danish time)."""
    return midnight(add_months(today(), -MONTHS))
