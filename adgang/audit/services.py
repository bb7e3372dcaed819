"""The one write API for both logs, used by every app (SPEC §14, DESIGN "Audit").

Call these inside the transaction of the change they describe, so that a change and its log
entry are saved together or not at all. `action_record()` refuses to run outside a
transaction on purpose.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import connection
from django.utils import timezone, translation

from adgang.audit.models import ActionLogEntry, SearchLogEntry


@dataclass(frozen=True)
class Actor:
    """Who acted: a person (`CVR:<cvr>-RID:<rid>`) or the platform itself (`System`)."""

    display: str
    cvr: str = ""
    rid: str = ""

    @classmethod
    def of(cls, acting) -> "Actor":
        """The actor of an ActingContext (the membership the person logged in with)."""
        membership = acting.membership
        return cls(membership.actor_id, membership.organisation.cvr, membership.rid)


SYSTEM = Actor("System")


class AuditOutsideTransactionError(RuntimeError):
    pass


def _require_transaction() -> None:
    if not connection.in_atomic_block:
        raise AuditOutsideTransactionError(
            "Audit entries must be written in the transaction of the change they describe."
        )


def _text(value) -> str:
    """How a value appears in the log's before/after columns (read by Danish caseworkers).

    Sets are sorted, so equal sets always read the same and `action_record_changes` never
    logs a change that is none; times are shown in Danish time; yes/no in Danish.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Ja" if value else "Nej"
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value).isoformat(sep=" ", timespec="seconds")
    if isinstance(value, set | frozenset):
        return ", ".join(sorted(_text(v) for v in value))
    if isinstance(value, list | tuple):
        return ", ".join(_text(v) for v in value)
    return str(value)


def action_record(
    *,
    actor: Actor,
    organisation,
    subject: str,
    event: str,
    object_id: object = "",
    object_name: str = "",
    concerns: str = "",
    field: str = "",
    before: object = "",
    after: object = "",
    reason: str = "",
    power_of_attorney: str = "",
) -> ActionLogEntry:
    """Write one entry to the staff/system action log (SPEC §5 "Log for staff actions").

    The entry is written in Danish, the log's language, whatever language the acting person
    has chosen: services pass their texts lazily (`gettext_lazy`) and they are rendered here.
    """
    _require_transaction()
    with translation.override(settings.LANGUAGE_CODE):
        return ActionLogEntry.objects.create(
            organisation=organisation,
            actor=actor.display,
            actor_cvr=actor.cvr,
            actor_rid=actor.rid,
            subject=subject,
            event=_text(event),
            object_id=_text(object_id),
            object_name=_text(object_name),
            concerns=concerns,
            field=_text(field),
            before=_text(before),
            after=_text(after),
            reason=_text(reason),
            power_of_attorney=power_of_attorney,
        )


def action_record_changes(
    *,
    actor: Actor,
    organisation,
    subject: str,
    event: str,
    object_id: object,
    object_name: str = "",
    changes: Mapping[str, tuple[object, object]],
    **extra,
) -> list[ActionLogEntry]:
    """One entry per changed field, with its before and after value (SPEC §3 details page)."""
    return [
        action_record(
            actor=actor,
            organisation=organisation,
            subject=subject,
            event=event,
            object_id=object_id,
            object_name=object_name,
            field=field,
            before=before,
            after=after,
            **extra,
        )
        for field, (before, after) in changes.items()
        if _changed(before, after)
    ]


def _changed(before, after) -> bool:
    with translation.override(settings.LANGUAGE_CODE):
        return _text(before) != _text(after)


def search_record(
    *, actor: Actor, organisation, search_data: str, register: str, result_count: int
) -> SearchLogEntry:
    """Write one row to the staff search log (SPEC §5 "Log for staff searches").

    Written for every look-up of a CPR/CVR and every log search, whether it found anything
    or not; it needs no surrounding transaction since a search changes nothing.
    """
    return SearchLogEntry.objects.create(
        organisation=organisation,
        actor=actor.display,
        actor_rid=actor.rid,
        search_data=search_data,
        register=register,
        result_count=result_count,
    )
