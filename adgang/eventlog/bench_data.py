"""Synthetic event-log data for `manage.py bench eventlog` (SPEC §5 at national scale).

The rows have the shapes the core writes: both directions, every EventTag, every kind, CPR
and CVR parties, several systems per organisation, spread over seven months, with one big
organisation holding most rows (as one large municipality would). They belong to an isolated
set of organisations made for the bench (CVR numbers starting "99"), so the bench never reads
or changes anyone else's rows.

Filling is the slow part at ten million rows, so PostgreSQL gets `COPY` (text format, written
in large blocks) and, on a table that holds no other rows, its secondary indexes are dropped
before the copy and built after it (one sorted build is many times faster than ten indexes
maintained row by row). SQLite gets executemany in transactions.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import connections, transaction

from adgang.accounts.models import Organisation, OrganisationKind
from adgang.audit.models import ActionLogEntry, Register, SearchLogEntry, Subject
from adgang.messaging.events import INCOMING_TAGS, OUTGOING_TAGS
from adgang.messaging.models import MessageEvent, MessageKind, MessageType

BENCH_CVR_PREFIX = "99"
ORGANISATIONS = 8
BIG_SHARE = 0.7  # of all rows, in the first (big) organisation
SYSTEMS_PER_ORGANISATION = 6
SPAN = timedelta(days=210)
BLOCK = 50_000  # rows per COPY write / executemany transaction

EVENT_COLUMNS = (
    "organisation_id",
    "direction",
    "event",
    "occurred_at",
    "message_uuid",
    "transmission_id",
    "message_type",
    "kind",
    "title",
    "sender_id",
    "sender_type",
    "recipient_id",
    "recipient_type",
    "sender_system_id",
    "recipient_system_id",
    "contact_point_id",
    "endpoint",
    "error_message",
    "attachment_count",
    "size_bytes",
    "value_date",
    "content_responsible_id",
    "representative_id",
    "receipt_status",
    "mandatory",
    "legal_notification",
)
ACTION_COLUMNS = (
    "id",
    "occurred_at",
    "organisation_id",
    "actor",
    "actor_cvr",
    "actor_rid",
    "subject",
    "event",
    "object_id",
    "object_name",
    "concerns",
    "field",
    "before",
    "after",
    "reason",
    "power_of_attorney",
)
SEARCH_COLUMNS = (
    "id",
    "occurred_at",
    "organisation_id",
    "actor",
    "actor_rid",
    "search_data",
    "register",
    "result_count",
)
TITLES = ("Indkaldelse til samtale", "Afgørelse om boligstøtte", "Kvittering", "Påmindelse")
ACTION_EVENTS = ("Oprettet", "Ændret", "Slettet", "Godkendt", "Afvist")


@dataclass
class BenchOrganisation:
    organisation: Organisation
    systems: list[uuid.UUID]
    rids: list[str]
    share: float


@dataclass
class Population:
    """Who the filler writes for and the end of the filled span."""

    organisations: list[BenchOrganisation]
    end: datetime
    citizens: list[str]
    companies: list[str]

    @property
    def big(self) -> BenchOrganisation:
        return self.organisations[0]


def bench_organisations(alias: str, rng: random.Random) -> list[BenchOrganisation]:
    """The bench's organisations (made on first use), the big one first."""
    result = []
    for number in range(ORGANISATIONS):
        cvr = f"{BENCH_CVR_PREFIX}{number:06d}"
        organisation, _created = Organisation.objects.using(alias).get_or_create(
            cvr=cvr,
            defaults={"name": f"Bench organisation {number}", "kind": OrganisationKind.MYNDIGHED},
        )
        share = BIG_SHARE if number == 0 else (1 - BIG_SHARE) / (ORGANISATIONS - 1)
        systems = [uuid.UUID(int=rng.getrandbits(128)) for _ in range(SYSTEMS_PER_ORGANISATION)]
        rids = [str(rng.randint(10_000, 99_999)) for _ in range(20)]
        result.append(BenchOrganisation(organisation, systems, rids, share))
    return result


def population(alias: str, events: int, seed: int, end: datetime) -> Population:
    """The deterministic population for (events, seed): same seed, same values."""
    rng = random.Random(seed)
    organisations = bench_organisations(alias, rng)
    people = max(events // 20, 50)
    citizens = [
        f"{rng.randint(1, 28):02d}{rng.randint(1, 12):02d}{rng.randint(0, 99_999_999):08d}"[:10]
        for _ in range(people)
    ]
    companies = [f"{rng.randint(10_000_000, 98_999_999)}" for _ in range(max(people // 10, 10))]
    return Population(organisations, end, citizens, companies)


def _event_rows(pop: Population, organisation: BenchOrganisation, count: int, rng: random.Random):
    """`count` event rows of one organisation: messages of 1–4 events each."""
    start = pop.end - SPAN
    span_seconds = SPAN.total_seconds()
    org_id = organisation.organisation.id
    outgoing, incoming = sorted(OUTGOING_TAGS), sorted(INCOMING_TAGS)
    kinds = list(MessageKind.values)
    written = 0
    while written < count:
        message_uuid = str(uuid.UUID(int=rng.getrandbits(128)))
        transmission = uuid.UUID(int=rng.getrandbits(128))
        kind = rng.choice(kinds)
        citizen = rng.random() < 0.85
        party = rng.choice(pop.citizens) if citizen else rng.choice(pop.companies)
        party_type = "CPR" if citizen else "CVR"
        system = rng.choice(organisation.systems)
        other_system = rng.choice(organisation.systems)
        base = start + timedelta(seconds=rng.random() * span_seconds)
        outgoing_message = rng.random() < 0.75
        tags = outgoing if outgoing_message else incoming
        for step in range(min(rng.randint(1, 4), count - written)):
            tag = rng.choice(tags)
            sender, sender_type = (organisation.organisation.cvr, "CVR")
            recipient, recipient_type = (party, party_type)
            if not outgoing_message:
                sender, sender_type, recipient, recipient_type = (
                    party,
                    party_type,
                    sender,
                    sender_type,
                )
            yield (
                org_id,
                "OUT" if outgoing_message else "IN",
                tag,
                base + timedelta(seconds=step * 7),
                message_uuid,
                transmission,
                MessageType.NEMSMS if kind == MessageKind.NEMSMS else MessageType.DIGITALPOST,
                kind,
                rng.choice(TITLES),
                sender,
                sender_type,
                recipient[:10],
                recipient_type,
                system,
                other_system if not outgoing_message else None,
                "",
                "",
                "Timeout" if tag.endswith("FAILED") else "",
                rng.randint(0, 3),
                rng.randint(2_000, 900_000),
                None,
                "",
                "",
                "",
                kind == MessageKind.MANDATORY,
                kind == MessageKind.LEGAL_NOTIFICATION,
            )
            written += 1


def _action_rows(pop: Population, count: int, rng: random.Random):
    start, span_seconds = pop.end - SPAN, SPAN.total_seconds()
    subjects = list(Subject.values)
    for _ in range(count):
        org = _pick(pop.organisations, rng)
        rid = rng.choice(org.rids)
        object_id = str(uuid.UUID(int=rng.getrandbits(128)))
        yield (
            uuid.UUID(int=rng.getrandbits(128)),
            start + timedelta(seconds=rng.random() * span_seconds),
            org.organisation.id,
            f"CVR:{org.organisation.cvr}-RID:{rid}",
            org.organisation.cvr,
            rid,
            rng.choice(subjects),
            rng.choice(ACTION_EVENTS),
            object_id,
            "Kontaktpunkt",
            rng.choice(pop.citizens) if rng.random() < 0.5 else "",
            "name",
            "før",
            "efter",
            "",
            "",
        )


def _search_rows(pop: Population, count: int, rng: random.Random):
    start, span_seconds = pop.end - SPAN, SPAN.total_seconds()
    registers = list(Register.values)
    for _ in range(count):
        org = _pick(pop.organisations, rng)
        rid = rng.choice(org.rids)
        yield (
            uuid.UUID(int=rng.getrandbits(128)),
            start + timedelta(seconds=rng.random() * span_seconds),
            org.organisation.id,
            f"CVR:{org.organisation.cvr}-RID:{rid}",
            rid,
            rng.choice(pop.citizens),
            rng.choice(registers),
            rng.randint(0, 500),
        )


def _pick(organisations: list[BenchOrganisation], rng: random.Random) -> BenchOrganisation:
    return organisations[0] if rng.random() < BIG_SHARE else rng.choice(organisations[1:])


def fill(alias: str, pop: Population, events: int, seed: int) -> None:
    """Write `events` message events and events/10 rows of each staff log."""
    rng = random.Random(seed + 1)
    connection = connections[alias]
    # Below ~100k rows maintaining the indexes is cheaper than rebuilding them (and tests stay
    # free of DDL inside their transaction).
    drop_indexes = connection.vendor == "postgresql" and events >= 100_000
    if drop_indexes:
        _set_indexes(alias, present=False)
    try:
        _write_all(alias, pop, events, rng)
    finally:  # an interrupted fill must not leave the log without its indexes
        if drop_indexes:
            _set_indexes(alias, present=True)
    # A live log is vacuumed by autovacuum; after a bulk copy VACUUM sets the visibility map
    # so counts can be index-only scans, as they would be in production. (VACUUM cannot run
    # inside a transaction, hence only for the large, index-rebuilding fills.)
    statement = "VACUUM ANALYZE" if drop_indexes else "ANALYZE"
    with connection.cursor() as cursor:
        for model in (MessageEvent, ActionLogEntry, SearchLogEntry):
            cursor.execute(f"{statement} {model._meta.db_table}")


def _write_all(alias: str, pop: Population, events: int, rng: random.Random) -> None:
    for org in pop.organisations:
        count = round(events * org.share)
        if org is pop.organisations[-1]:
            count = events - sum(round(events * o.share) for o in pop.organisations[:-1])
        _write(alias, MessageEvent._meta.db_table, EVENT_COLUMNS, _event_rows(pop, org, count, rng))
    _write(
        alias, ActionLogEntry._meta.db_table, ACTION_COLUMNS, _action_rows(pop, events // 10, rng)
    )
    _write(
        alias, SearchLogEntry._meta.db_table, SEARCH_COLUMNS, _search_rows(pop, events // 10, rng)
    )


def _set_indexes(alias: str, *, present: bool) -> None:
    """Drop or build the event table's secondary indexes (only called on a table the bench
    filled from empty, see `fill`'s caller)."""
    connection = connections[alias]
    with connection.schema_editor(atomic=False) as editor:
        for index in MessageEvent._meta.indexes:
            if present:
                editor.add_index(MessageEvent, index)
            else:
                editor.execute(f'DROP INDEX IF EXISTS "{index.name}"')


def _write(alias: str, table: str, columns: tuple[str, ...], rows) -> None:
    connection = connections[alias]
    if connection.vendor == "postgresql":
        _copy(alias, table, columns, rows)
        return
    # Table and column names are this module's constants, never input.
    placeholders = ", ".join("%s" for _ in columns)
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"  # noqa: S608
    block = []
    for row in rows:
        block.append(tuple(_sqlite_value(value) for value in row))
        if len(block) >= BLOCK:
            _insert_block(connection, sql, block)
            block = []
    if block:
        _insert_block(connection, sql, block)


def _insert_block(connection, sql: str, block: list) -> None:
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.executemany(sql, block)


def _sqlite_value(value):
    # As Django's SQLite backend stores them: UUIDs as 32 hex digits, times as naive UTC text.
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
    return value


def _copy(alias: str, table: str, columns: tuple[str, ...], rows) -> None:
    connection = connections[alias]
    connection.ensure_connection()
    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        lines = []
        for row in rows:
            lines.append("\t".join(_copy_text(value) for value in row))
            if len(lines) >= BLOCK:
                copy.write("\n".join(lines) + "\n")
                lines = []
        if lines:
            copy.write("\n".join(lines) + "\n")


def _copy_text(value) -> str:
    # COPY's text format; no generated value holds a tab, newline or backslash.
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)
