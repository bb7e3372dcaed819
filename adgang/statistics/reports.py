"""Report computation (SPEC §11, guide §14.1): grouped message counts, computed by the database.

What is counted: **messages**, not events. Each message is counted once per direction of the
organisation's own log, by one *counting event*:

- outgoing (the organisation sent it): "Valideret" (`MEMO_SEND_VALIDATED`), or "Valideret –
  sendes efter valør" (`DELAYED_MEMO_SEND_VALIDATED_AWAITING_DELAY`) for a message held for its
  value date. Intake writes exactly one of the two for every accepted message, so an accepted
  message counts on the day it was accepted, whether it was delivered later, recalled or
  refused by routing (it was still sent by the organisation).
- incoming (the organisation received it in a receiver system): "Sendt"
  (`MEMO_SEND_SENT_TO_RECIPIENT_SYSTEM`), the successful hand-over to one of its systems.

The count is `COUNT(DISTINCT message_uuid)` per group, so a counting event recorded twice (a
retried hand-over) still counts one message. A message the organisation sends to itself is
counted once as sent and once as received. A period covers whole Danish days.

Variables (table 14.2). Afsender / Afsendersystem have a value only on sent messages (the
organisation's own CVR / system id), Modtager / Modtagersystem only on received ones: the
organisation sees only itself, never the other party. They read "Navn (CVR)" / "Navn (id)"
where the organisation or system is known, else the bare number.
Kundetype (afsender/modtager) is Borger for a CPR number, Myndighed for the CVR of an
authority known to the portal, else Virksomhed;
before 22 March 2023 (Danish time) Myndighed counts as Virksomhed. Størrelse is the message's
size in the buckets of `SIZE_BUCKETS` (KB = 1024 bytes). MeMo-funktionalitet is the
combination of features the message uses (`adgang.messaging.memo.features`), "Ingen" for none:
one value per message, so the counts of a report always add up to the number of messages.

Everything is grouped by the database (`GROUP BY` over the annotated expressions, see
`_count_per_group`); Python only turns the few grouped rows into labels. Only the
organisation's own events are read.
"""

from __future__ import annotations

import calendar
import io
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connections, transaction
from django.db.models import (
    Case,
    CharField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    UUIDField,
    Value,
    When,
)
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from adgang.accounts.models import Organisation, OrganisationKind
from adgang.documents.csv import csv_write
from adgang.messaging.events import Direction, EventTag
from adgang.messaging.memo import (
    FEATURE_ACTIONS,
    FEATURE_ADDITIONAL_NOTIFICATION,
    FEATURE_ATTENTION_DATA,
    FEATURE_CONTENT_DATA,
    FEATURE_REPLY_DATA,
)
from adgang.messaging.models import MessageEvent, MessageKind
from adgang.statistics.models import Interval, StandardKind
from adgang.systems.models import MailSystem

DANISH = ZoneInfo("Europe/Copenhagen")
MAX_VARIABLES = 9
# Before this moment the register did not tell authorities from companies (guide §14.1.2).
AUTHORITY_SPLIT_FROM = datetime(2023, 3, 22, tzinfo=DANISH)

OUTGOING_COUNTING = (EventTag.VALIDATED, EventTag.AWAITING_VALUE_DATE)
INCOMING_COUNTING = (EventTag.SENT_TO_RECIPIENT_SYSTEM,)

AFSENDER = "afsender"
MODTAGER = "modtager"
AFSENDERSYSTEM = "afsendersystem"
MODTAGERSYSTEM = "modtagersystem"
BESKEDTYPE = "beskedtype"
STOERRELSE = "stoerrelse"
KUNDETYPE_AFSENDER = "kundetype_afsender"
KUNDETYPE_MODTAGER = "kundetype_modtager"
MEMO = "memo"

# Slug → label, in the guide's order (table 14.2).
VARIABLES: dict[str, object] = {
    AFSENDER: _("Afsender"),
    MODTAGER: _("Modtager"),
    AFSENDERSYSTEM: _("Afsendersystem"),
    MODTAGERSYSTEM: _("Modtagersystem"),
    BESKEDTYPE: _("Beskedtype"),
    STOERRELSE: _("Størrelse"),
    KUNDETYPE_AFSENDER: _("Kundetype (afsender)"),
    KUNDETYPE_MODTAGER: _("Kundetype (modtager)"),
    MEMO: _("MeMo-funktionalitet"),
}

# Table 14.1: each standard report's variables and description.
STANDARD_VARIABLES: dict[str, tuple[str, ...]] = {
    StandardKind.OVERVIEW: (
        AFSENDER,
        MODTAGER,
        AFSENDERSYSTEM,
        MODTAGERSYSTEM,
        BESKEDTYPE,
        STOERRELSE,
        KUNDETYPE_MODTAGER,
        KUNDETYPE_AFSENDER,
    ),
    StandardKind.MESSAGE_TYPES: (AFSENDER, BESKEDTYPE, STOERRELSE, KUNDETYPE_MODTAGER),
    StandardKind.SYSTEMS: (
        AFSENDER,
        MODTAGER,
        AFSENDERSYSTEM,
        MODTAGERSYSTEM,
        KUNDETYPE_AFSENDER,
        KUNDETYPE_MODTAGER,
    ),
    StandardKind.SENT_RECEIVED: (AFSENDER, MODTAGER, BESKEDTYPE),
    StandardKind.MEMO: (AFSENDER, KUNDETYPE_MODTAGER, MEMO),
}
STANDARD_DESCRIPTIONS: dict[str, object] = {
    StandardKind.OVERVIEW: _(
        "Rapporten tilbyder et overblik over din organisations anvendelse af Digital Post, "
        "herunder hvilke systemer organisationen har opsat, hvilke typer af meddelelser der "
        "bliver sendt og/eller modtaget, hvilken størrelse meddelelserne har og hvilke "
        "kundetyper (borger, virksomhed og myndighed) organisationen kommunikerer med."
    ),
    StandardKind.MESSAGE_TYPES: _(
        "Rapporten tilbyder et overblik over, hvilke beskedtyper, der er blevet sendt, hvilken "
        "størrelse beskederne har, og hvem beskederne er blevet sendt til."
    ),
    StandardKind.SYSTEMS: _(
        "Rapporten tilbyder et overblik over, hvilke systemer, der anvendes til hvilke kundetyper."
    ),
    StandardKind.SENT_RECEIVED: _(
        "Rapporten tilbyder et overblik over, hvor mange meddelelser (herunder type), som er "
        "blevet sendt og modtaget af organisationen."
    ),
    StandardKind.MEMO: _(
        "Rapporten tilbyder et overblik over, hvilken MeMo-funktionalitet organisationen "
        "anvender, herunder til hvilke kundetyper."
    ),
}

KIND_LABELS = {
    MessageKind.MANDATORY: _("Obligatorisk"),
    MessageKind.LEGAL_NOTIFICATION: _("Forkyndelse"),
    MessageKind.LETTER: _("Meddelelse"),
    MessageKind.NEMSMS: _("NemSMS"),
}
KB = 1024
MB = 1024 * KB
# (upper bound in bytes, exclusive; label). The last bucket has no upper bound.
SIZE_BUCKETS: tuple[tuple[int | None, object], ...] = (
    (100 * KB, _("0-100 KB")),
    (1 * MB, _("100 KB-1 MB")),
    (5 * MB, _("1-5 MB")),
    (10 * MB, _("5-10 MB")),
    (None, _("Over 10 MB")),
)
BORGER, VIRKSOMHED, MYNDIGHED = "BORGER", "VIRKSOMHED", "MYNDIGHED"
CUSTOMER_LABELS = {BORGER: _("Borger"), VIRKSOMHED: _("Virksomhed"), MYNDIGHED: _("Myndighed")}
FEATURE_LABELS = {
    FEATURE_ACTIONS: _("Handlinger"),
    FEATURE_REPLY_DATA: _("Svardata"),
    FEATURE_ATTENTION_DATA: _("Attentiondata"),
    FEATURE_CONTENT_DATA: _("Indholdsdata"),
    FEATURE_ADDITIONAL_NOTIFICATION: _("Yderligere notifikation"),
}
COUNT_HEADER = _("Antal meddelelser")


# --- periods --------------------------------------------------------------------------

_MONTHS = {
    Interval.MONTHLY: 1,
    Interval.QUARTERLY: 3,
    Interval.HALF_YEARLY: 6,
    Interval.YEARLY: 12,
}


def period_containing(day: date, interval: str) -> tuple[date, date]:
    """The calendar period of `interval` (month, quarter, half-year, year) holding `day`."""
    months = _MONTHS[interval]
    first_month = (day.month - 1) // months * months + 1
    last_month = first_month + months - 1
    start = date(day.year, first_month, 1)
    end = date(day.year, last_month, calendar.monthrange(day.year, last_month)[1])
    return start, end


def period_before(period: tuple[date, date], interval: str) -> tuple[date, date]:
    return period_containing(period[0] - timedelta(days=1), interval)


def production_day(period: tuple[date, date]) -> date:
    """The 10th day of the period after `period`: when its report is produced."""
    return period[1] + timedelta(days=10)


def latest_due_period(today: date, interval: str) -> tuple[date, date]:
    """The newest completed period whose report is due on or before `today`."""
    period = period_before(period_containing(today, interval), interval)
    if production_day(period) > today:
        period = period_before(period, interval)
    return period


def day_range(start: date, end: date) -> tuple[datetime, datetime]:
    """Whole Danish days from `start` to `end` as [from, to) aware datetimes."""
    return (
        datetime.combine(start, time.min, tzinfo=DANISH),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=DANISH),
    )


# --- computation ----------------------------------------------------------------------


def counting_events(organisation_id, start: date, end: date):
    """The organisation's counting events (see the module docstring) in the period."""
    since, until = day_range(start, end)
    return MessageEvent.objects.filter(
        Q(direction=Direction.OUTGOING, event__in=OUTGOING_COUNTING)
        | Q(direction=Direction.INCOMING, event__in=INCOMING_COUNTING),
        organisation_id=organisation_id,
        occurred_at__gte=since,
        occurred_at__lt=until,
    )


def _customer_type(type_field: str, id_field: str):
    authority = Exists(
        Organisation.objects.filter(cvr=OuterRef(id_field), kind=OrganisationKind.MYNDIGHED)
    )
    return Case(
        When(**{type_field: "CPR"}, then=Value(BORGER)),
        When(occurred_at__lt=AUTHORITY_SPLIT_FROM, then=Value(VIRKSOMHED)),
        When(authority, then=Value(MYNDIGHED)),
        default=Value(VIRKSOMHED),
        output_field=CharField(),
    )


def _size_bucket():
    whens = []
    for index, (upper, _label) in enumerate(SIZE_BUCKETS):
        if upper is not None:
            whens.append(When(size_bytes__lt=upper, then=Value(index)))
    return Case(*whens, default=Value(len(SIZE_BUCKETS) - 1), output_field=IntegerField())


def _expression(slug: str):
    out, into = Q(direction=Direction.OUTGOING), Q(direction=Direction.INCOMING)
    if slug == AFSENDER:
        return Case(When(out, then=F("sender_id")), default=Value(""), output_field=CharField())
    if slug == MODTAGER:
        return Case(When(into, then=F("recipient_id")), default=Value(""), output_field=CharField())
    if slug == AFSENDERSYSTEM:
        return Case(When(out, then=F("sender_system_id")), default=None, output_field=UUIDField())
    if slug == MODTAGERSYSTEM:
        return Case(
            When(into, then=F("recipient_system_id")), default=None, output_field=UUIDField()
        )
    if slug == BESKEDTYPE:
        return F("kind")
    if slug == STOERRELSE:
        return _size_bucket()
    if slug == KUNDETYPE_AFSENDER:
        return _customer_type("sender_type", "sender_id")
    if slug == KUNDETYPE_MODTAGER:
        return _customer_type("recipient_type", "recipient_id")
    if slug == MEMO:
        return F("message__features")
    raise ValueError(f"Unknown variable {slug!r}")


def _features_label(value) -> str:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            value = []
    features = sorted(value or [])
    if not features:
        return str(_("Ingen"))
    return ", ".join(str(FEATURE_LABELS.get(feature, feature)) for feature in features)


def _system_key(value) -> str:
    """A system id as text with dashes, as the database hands it over (a UUID on PostgreSQL,
    32 hex digits on SQLite), or "" for none."""
    return str(uuid.UUID(str(value))) if value else ""


def _names(
    grouped: list[dict], aliases: dict[str, str], organisation_id, using: str
) -> dict[str, str]:
    """Display names of the organisations (by CVR) and systems (by id) in the grouped rows:
    "Navn (CVR)" / "Navn (id)". At most one query for each, however many rows. Only the
    organisation's own systems are named (the only ones its counting events carry)."""
    found: dict[bool, set[str]] = {True: set(), False: set()}  # is an organisation → keys
    for slug in (AFSENDER, MODTAGER, AFSENDERSYSTEM, MODTAGERSYSTEM):
        if slug in aliases:
            organisation = slug in (AFSENDER, MODTAGER)
            key = str if organisation else _system_key
            found[organisation] |= {key(row[aliases[slug]]) for row in grouped}
    names: dict[str, str] = {}
    for organisation, keys in found.items():
        keys.discard("")
        if not keys:
            continue
        if organisation:
            rows = Organisation.objects.using(using).filter(cvr__in=keys).values_list("cvr", "name")
        else:
            rows = (
                MailSystem.objects.using(using)
                .filter(organisation_id=organisation_id, id__in=keys)
                .values_list("id", "name")
            )
        names.update({str(key): f"{name} ({key})" for key, name in rows})
    return names


def _label(slug: str, value, names: dict[str, str]) -> str:
    if slug in (AFSENDERSYSTEM, MODTAGERSYSTEM):
        value = _system_key(value)
    if slug in (AFSENDER, MODTAGER, AFSENDERSYSTEM, MODTAGERSYSTEM):
        # Known organisations and systems read "Navn (CVR/id)"; an unknown one its number.
        return names.get(str(value), str(value)) if value else ""
    if slug == BESKEDTYPE:
        return str(KIND_LABELS.get(value, value or ""))
    if slug == STOERRELSE:
        return str(SIZE_BUCKETS[value][1])
    if slug in (KUNDETYPE_AFSENDER, KUNDETYPE_MODTAGER):
        return str(CUSTOMER_LABELS[value])
    if slug == MEMO:
        return _features_label(value)
    return value or ""


@dataclass(frozen=True)
class ReportTable:
    headers: list[str]
    rows: list[tuple]  # variable labels…, count

    @property
    def total(self) -> int:
        return sum(row[-1] for row in self.rows)


# How PostgreSQL runs a report's query (see `_count_per_group`): no JIT (compiling a 9-variable
# query costs seconds and gains nothing on one scan), hash aggregation over (groups, message)
# instead of sorting a million rows on ten keys, with room for that hash table in memory.
_POSTGRES_REPORT_SETTINGS = {"jit": "off", "enable_sort": "off", "work_mem": "256MB"}


def _count_per_group(per_message, columns: list[str], using: str) -> list[dict]:
    """`COUNT(*)` of the distinct (variables…, message) rows of `per_message` per group of
    `columns`: what `COUNT(DISTINCT message_uuid) … GROUP BY` means, in two hash-aggregation
    steps (a distinct count can only be computed by sorting each group). On PostgreSQL the
    query runs under `_POSTGRES_REPORT_SETTINGS`, set for this statement only: the previous
    values come back afterwards, even inside a caller's transaction."""
    connection = connections[using]
    inner, params = per_message.query.sql_with_params()
    quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
    sql = f"SELECT {quoted}, COUNT(*) FROM ({inner}) per_message GROUP BY {quoted}"  # noqa: S608
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return [dict(zip([*columns, "n"], row, strict=True)) for row in rows]
    setting_names = list(_POSTGRES_REPORT_SETTINGS)
    read = ", ".join("current_setting(%s)" for _ in setting_names)
    write = ", ".join("set_config(%s, %s, true)" for _ in setting_names)
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute(f"SELECT {read}", setting_names)
        previous = cursor.fetchone()
        cursor.execute(
            f"SELECT {write}",
            [part for item in _POSTGRES_REPORT_SETTINGS.items() for part in item],
        )
        try:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        finally:
            cursor.execute(
                f"SELECT {write}",
                [part for item in zip(setting_names, previous, strict=True) for part in item],
            )
    return [dict(zip([*columns, "n"], row, strict=True)) for row in rows]


def report_compute(
    *, organisation_id, variables: Sequence[str], start: date, end: date, using: str = "default"
) -> ReportTable:
    """The grouped counts of the organisation's messages in [start, end] by `variables`.

    Headers and labels are in the platform's language (Danish, the guide's names) whatever
    language the calling thread has active: the file is made once and downloaded by everyone.
    """
    with translation.override(settings.LANGUAGE_CODE):
        return _report_compute(
            organisation_id=organisation_id, variables=variables, start=start, end=end, using=using
        )


def _report_compute(
    *, organisation_id, variables: Sequence[str], start: date, end: date, using: str
) -> ReportTable:
    if not 1 <= len(variables) <= MAX_VARIABLES or len(set(variables)) != len(variables):
        raise ValueError("A report needs 1–9 distinct variables.")
    aliases = {slug: f"v_{slug}" for slug in variables}
    per_message = (
        counting_events(organisation_id, start, end)
        .using(using)
        .annotate(**{aliases[slug]: _expression(slug) for slug in variables})
        .values(*aliases.values(), "message_uuid")
        .distinct()
        .order_by()
    )
    grouped = _count_per_group(per_message, list(aliases.values()), using)
    # Labels can merge database groups (the same feature list stored differently); each
    # message is in exactly one database group, so the sums stay message counts.
    names = _names(grouped, aliases, organisation_id, using)
    merged: dict[tuple, int] = {}
    for row in grouped:
        key = tuple(_label(slug, row[aliases[slug]], names) for slug in variables)
        merged[key] = merged.get(key, 0) + row["n"]
    headers = [str(VARIABLES[slug]) for slug in variables] + [str(COUNT_HEADER)]
    rows = [(*key, count) for key, count in sorted(merged.items())]
    return ReportTable(headers, rows)


def report_csv(table: ReportTable) -> bytes:
    """The report as Danish-Excel CSV: UTF-8 with BOM, `;`, CRLF, formula-safe."""
    buffer = io.StringIO(newline="")
    csv_write(buffer, table.headers, table.rows)
    return buffer.getvalue().encode("utf-8")
