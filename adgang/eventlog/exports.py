"""CSV downloads of the three logs (SPEC §5 "Download gives CSV with every field").

Every field of a row, Danish headers, `;`, UTF-8 with BOM, formula-safe (adgang.documents.csv).
Rows are read with `.iterator(chunk_size=…)`, on PostgreSQL a server-side cursor, so memory
stays constant whatever the number of rows. The export covers the whole saved period (it may
reach further back than the pages' 3 months). CPR numbers are written in full: every right
that opens a log (log administrators, borgerservice, erhvervsservice) needs the person's
number to act on what it finds; the tables mask them.

`message_events_csv(organisation, criteria)` and its siblings are what the views stream and
what `manage.py bench eventlog` measures; `criteria` is a saved search's criteria dict
(forms.LogSearchForm.criteria()).
"""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _

from adgang.audit.models import Register, Subject
from adgang.documents.csv import csv_iter_lines
from adgang.eventlog.models import LogKind
from adgang.eventlog.queries import log_rows
from adgang.messaging.events import Direction, EventTag
from adgang.messaging.models import MessageKind

CHUNK = 2000

MESSAGE_COLUMNS = (
    (_("Titel"), lambda e: e.title),
    (_("Type"), lambda e: _label(MessageKind, e.kind)),
    (_("Afsender"), lambda e: e.sender_id),
    (_("Afsendertype"), lambda e: e.sender_type),
    (_("Modtager"), lambda e: e.recipient_id),
    (_("Modtagertype"), lambda e: e.recipient_type),
    (_("Retning"), lambda e: _label(Direction, e.direction)),
    (_("Tidspunkt"), lambda e: e.occurred_at),
    (_("Hændelse"), lambda e: _label(EventTag, e.event)),
    (_("Hændelseskode"), lambda e: e.event),
    (_("Meddelelses-ID"), lambda e: e.message_id),
    (_("MessageUUID"), lambda e: e.message_uuid),
    (_("Transmissions-ID"), lambda e: e.transmission_id),
    (_("Meddelelsestype"), lambda e: e.message_type),
    (_("Afsendersystem-ID"), lambda e: e.sender_system_id),
    (_("Modtagersystem-ID"), lambda e: e.recipient_system_id),
    (_("Valørdato"), lambda e: e.value_date),
    (_("Kontaktpunkt"), lambda e: e.contact_point_id),
    (_("Endpoint"), lambda e: e.endpoint),
    (_("Fejlbesked"), lambda e: e.error_message),
    (_("Antal bilag"), lambda e: e.attachment_count),
    (_("Størrelse (bytes)"), lambda e: e.size_bytes),
    (_("ContentResponsibleID"), lambda e: e.content_responsible_id),
    (_("RepresentativeID"), lambda e: e.representative_id),
    (_("Kvitteringsstatus"), lambda e: e.receipt_status),
    (_("Obligatorisk"), lambda e: e.mandatory),
    (_("Forkyndelse"), lambda e: e.legal_notification),
)

ACTION_COLUMNS = (
    (_("Emne"), lambda e: _label(Subject, e.subject)),
    (_("CPR/CVR"), lambda e: e.concerns),
    (_("ID"), lambda e: e.object_id),
    (_("Aktør"), lambda e: e.actor),
    (_("Tidspunkt"), lambda e: e.occurred_at),
    (_("Hændelse"), lambda e: e.event),
    (_("Navn"), lambda e: e.object_name),
    (_("Felt"), lambda e: e.field),
    (_("Før"), lambda e: e.before),
    (_("Efter"), lambda e: e.after),
    (_("Begrundelse"), lambda e: e.reason),
    (_("Fuldmagt"), lambda e: e.power_of_attorney),
)

SEARCH_COLUMNS = (
    (_("Søgedata"), lambda e: e.search_data),
    (_("Aktør"), lambda e: e.actor),
    (_("Register"), lambda e: _label(Register, e.register)),
    (_("Antal resultater"), lambda e: e.result_count),
    (_("Tidspunkt"), lambda e: e.occurred_at),
)

COLUMNS = {
    LogKind.MESSAGES: MESSAGE_COLUMNS,
    LogKind.ACTIONS: ACTION_COLUMNS,
    LogKind.SEARCHES: SEARCH_COLUMNS,
}


def _label(choices, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def log_table(kind: str, organisation, criteria: dict) -> tuple[list[str], Iterator[list]]:
    """The headers and the (lazy) rows of a saved search of log `kind`, whole period."""
    columns = COLUMNS[kind]
    rows = log_rows(kind, organisation, criteria).iterator(chunk_size=CHUNK)
    headers = [str(header) for header, _value in columns]
    return headers, ([value(row) for _header, value in columns] for row in rows)


def log_csv(kind: str, organisation, criteria: dict) -> Iterator[str]:
    """The CSV lines (BOM first) of a saved search of log `kind`, over its whole period."""
    return csv_iter_lines(*log_table(kind, organisation, criteria))


def message_events_csv(organisation, criteria: dict) -> Iterator[str]:
    return log_csv(LogKind.MESSAGES, organisation, criteria)


def action_entries_csv(organisation, criteria: dict) -> Iterator[str]:
    return log_csv(LogKind.ACTIONS, organisation, criteria)


def search_entries_csv(organisation, criteria: dict) -> Iterator[str]:
    return log_csv(LogKind.SEARCHES, organisation, criteria)
