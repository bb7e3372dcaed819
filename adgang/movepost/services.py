"""Flyt post (SPEC §12, guide §15): start a move of an authority's post off the platforms and
carry it out in batches.

`post_move_start` checks every rule again (the page's form and the API call it alike), locks
the organisation row so two starts cannot both pass the "one move at a time" check (the
partial unique constraint `movepost_one_running` is the backstop), stores the `PostMove`,
writes "Flytning startet" to the action log and enqueues the job, all in one transaction.

`post_move_batch` moves up to `BATCH_SIZE` messages in one transaction: it takes only items
still on the platform (`moved_at IS NULL`, locked, SKIP LOCKED on PostgreSQL), creates each
message's `Delivery` to the destination's receiver system (unique per message × system),
marks the items moved, records "Afhentet" in the organisation's message log (one insert per
batch, `messaging.moving`) and advances the
counter, together. A worker killed in the middle of a batch leaves nothing of it; the batch
runs again after the lease expires (tasks.py) and can never move or deliver twice.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from adgang.accounts.models import Organisation
from adgang.audit.models import Subject
from adgang.audit.services import SYSTEM, Actor, action_record
from adgang.contacts.models import ContactPoint
from adgang.contacts.selectors import point_available
from adgang.core.clock import now as clock_now
from adgang.messaging.models import (
    Delivery,
    DeliveryPhase,
    DeliveryState,
    MailboxItem,
    Message,
    MessageState,
    Route,
)
from adgang.messaging.moving import fetched_events_record
from adgang.movepost import selectors
from adgang.movepost.models import Destination, MoveState, Origin, PostMove
from adgang.systems.models import MailSystem, Protocol

BATCH_SIZE = 200

EVENT_STARTED = _("Flytning startet")
EVENT_FINISHED = _("Flytning afsluttet")
EVENT_FAILED = _("Flytning fejlet")

NOT_AUTHORITY = _("Flyt post er kun for myndigheder.")
NO_ACKNOWLEDGEMENT = _(
    "Du skal bekræfte, at du er indforstået med, at posten bliver slettet fra Virk, e-Boks "
    "og mit.dk."
)
NO_DESTINATION = _("Vælg postens destination.")
NO_POINT = _("Vælg et kontaktpunkt.")
NO_FAILOVER = _("Vælg et failover-kontaktpunkt.")
UNKNOWN_POINT = _("Kontaktpunktet findes ikke.")
INACTIVE_POINT = _(
    "Kontaktpunktet er ikke aktivt eller har intet aktivt modtagersystem. Vælg et aktivt "
    "kontaktpunkt."
)
PERIOD_INCOMPLETE = _("Angiv både starttidspunkt og sluttidspunkt.")
PERIOD_REVERSED = _("Sluttidspunktet skal ligge efter starttidspunktet.")
ALREADY_RUNNING = _(
    "Der er allerede en flytning af post i gang for din organisation. Vent, til den er "
    "afsluttet, før du starter en ny."
)
ALREADY_RUNNING_CODE = "system.fetch.already.running"
POINT_GONE = _(
    "Kontaktpunktet %(point)s er ikke længere aktivt eller har intet aktivt modtagersystem. "
    "Den resterende post ligger stadig på Virk, e-Boks og mit.dk."
)


class MoveRefused(Exception):
    """A rule of SPEC §12 refused the move; nothing was saved. `field` names the form field
    the message belongs to ("" for the whole form)."""

    def __init__(self, message, field: str = "", code: str = "system.fetch.invalid") -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field
        self.code = code  # the API's ErrorMessage code


@dataclass(frozen=True)
class MoveRequest:
    """What the person (or the API caller) chose."""

    destination: str  # Destination.CHOSEN or Destination.MARKED
    point_id: uuid.UUID | str | None  # CHOSEN: the point; MARKED: the failover point
    acknowledged: bool
    period_start: datetime | None = None  # both or neither; both included
    period_end: datetime | None = None


def lease_length() -> timedelta:
    """How long a running batch job may be silent before the recovery job takes it over."""
    return timedelta(seconds=getattr(settings, "ADGANG_MOVEPOST_LEASE_SECONDS", 120))


def move_check(organisation: Organisation, request: MoveRequest, at: datetime) -> ContactPoint:
    """Every rule of a new move but the one-at-a-time rule; returns the point chosen."""
    if not organisation.is_authority:
        raise MoveRefused(NOT_AUTHORITY, code="organisation.not.authority")
    if (request.period_start is None) != (request.period_end is None):
        raise MoveRefused(PERIOD_INCOMPLETE, "period_end", "system.fetch.period.incomplete")
    if request.period_start is not None and request.period_end < request.period_start:
        raise MoveRefused(PERIOD_REVERSED, "period_end", "system.fetch.period.invalid")
    if request.destination not in Destination.values:
        raise MoveRefused(NO_DESTINATION, "destination", "system.fetch.destination.missing")
    field = "point" if request.destination == Destination.CHOSEN else "failover"
    if not request.point_id:
        raise MoveRefused(
            NO_POINT if field == "point" else NO_FAILOVER, field, "contact.point.missing"
        )
    point = selectors.point_find(organisation, request.point_id)
    if point is None:
        raise MoveRefused(UNKNOWN_POINT, field, "contact.point.not.found")
    if not point_available(point, at):
        raise MoveRefused(INACTIVE_POINT, field, "contact.point.not.active")
    if not request.acknowledged:
        raise MoveRefused(NO_ACKNOWLEDGEMENT, "acknowledged", "system.fetch.not.acknowledged")
    return point


def move_description(move: PostMove) -> str:
    """The choices in one line, for the action log (Danish, the log's language)."""
    if move.all_post:
        post = str(_("Al post"))
    else:
        post = str(_("Post fra %(start)s til %(end)s")) % {
            "start": _local_minute(move.period_start),
            "end": _local_minute(move.period_end),
        }
    if move.destination == Destination.CHOSEN:
        target = str(_("Kontaktpunkt: %(name)s (%(id)s)"))
    else:
        target = str(_("Opmærket destination, failover: %(name)s (%(id)s)"))
    target = target % {"name": move.point_name, "id": move.point_ref}
    return f"{post} ({move.total}); {target}"


def _local_minute(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")


def post_move_start(
    *,
    actor: Actor,
    organisation: Organisation,
    request: MoveRequest,
    origin: str = Origin.PORTAL,
    at: datetime | None = None,
) -> PostMove:
    """Start a move: checks, the `PostMove` row, "Flytning startet" and the job, in one
    transaction; raises `MoveRefused` (nothing saved) when a rule refuses it."""
    from adgang.movepost.tasks import post_move_task

    at = at or clock_now()
    point = move_check(organisation, request, at)
    try:
        with transaction.atomic():
            # Serialises starts per organisation: the second waits, then sees the first.
            Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
            if selectors.move_running(organisation) is not None:
                raise MoveRefused(ALREADY_RUNNING, code=ALREADY_RUNNING_CODE)
            total = selectors.platform_post(
                organisation, start=request.period_start, end=request.period_end, cutoff=at
            ).count()
            move = PostMove.objects.create(
                organisation=organisation,
                period_start=request.period_start,
                period_end=request.period_end,
                cutoff=at,
                destination=request.destination,
                point=point,
                point_ref=point.pk,
                point_name=point.name[:255],
                acknowledged=True,
                total=total,
                state=MoveState.RUNNING,
                started_at=at,
                lease_until=at + lease_length(),
                origin=origin,
                actor_display=actor.display,
                actor_cvr=actor.cvr,
                actor_rid=actor.rid,
            )
            action_record(
                actor=actor,
                organisation=organisation,
                subject=Subject.FLYT_POST,
                event=EVENT_STARTED,
                object_id=move.pk,
                object_name=point.name,
                after=move_description(move),
            )
            post_move_task.enqueue(str(move.pk))
    except IntegrityError:
        # Another start won the race the lock did not cover (the partial unique index).
        raise MoveRefused(ALREADY_RUNNING, code=ALREADY_RUNNING_CODE) from None
    return move


# -- the batches --------------------------------------------------------------------------


class _PointGone(Exception):
    def __init__(self, point_name: str, point_id) -> None:
        super().__init__(point_name)
        self.point = f"{point_name} ({point_id})"


def _eligible(move: PostMove):
    return selectors.platform_post(
        move.organisation, start=move.period_start, end=move.period_end, cutoff=move.cutoff
    )


def _target_system(
    move: PostMove, message: Message, failover: ContactPoint | None, at: datetime
) -> MailSystem:
    """Where one message goes: the chosen point's system; or the message's own marked point
    when it is available (active, with an active receiver system), else the failover's."""
    if move.destination == Destination.MARKED:
        own = message.resolved_point
        if own is None and message.contact_point_id:
            own = selectors.point_find(move.organisation, message.contact_point_id)
        if (
            own is not None
            and own.organisation_id == move.organisation_id
            and point_available(own, at)
        ):
            return own.system
    if failover is None or not point_available(failover, at):
        raise _PointGone(move.point_name, move.point_ref)
    return failover.system


def post_move_batch(move_id: uuid.UUID | str, *, at: datetime | None = None) -> bool:
    """Move the next batch of a running move; True when the move has ended (finished,
    failed, or not running any more)."""
    at = at or clock_now()
    with transaction.atomic():
        move = (
            PostMove.objects.select_for_update()
            .select_related("organisation")
            .filter(pk=move_id)
            .first()
        )
        if move is None or move.state != MoveState.RUNNING:
            return True
        locking = (
            {"skip_locked": True} if connection.features.has_select_for_update_skip_locked else {}
        )
        items = list(_eligible(move).order_by("id").select_for_update(**locking)[:BATCH_SIZE])
        if not items:
            _end(move, at)
            return True
        point = ContactPoint.objects.select_related("system").filter(pk=move.point_ref).first()
        messages = Message.objects.select_related("resolved_point__system").in_bulk(
            [item.message_id for item in items]
        )
        try:
            targets = [
                (
                    item,
                    messages[item.message_id],
                    _target_system(move, messages[item.message_id], point, at),
                )
                for item in items
            ]
        except _PointGone as gone:
            _fail(move, at, str(POINT_GONE) % {"point": gone.point})
            return True
        _hand_over(move, targets, at)
        move.moved += len(targets)
        move.lease_until = at + lease_length()
        move.save(update_fields=["moved", "lease_until"])
    return False


def _hand_over(
    move: PostMove, targets: list[tuple[MailboxItem, Message, MailSystem]], at: datetime
) -> None:
    """Deliveries, messages, items and events of one batch, as routing to a system does."""
    Delivery.objects.bulk_create(
        [
            Delivery(
                message=message,
                system=system,
                organisation_id=system.organisation_id,
                phase=DeliveryPhase.RECEIVER,
                state=(
                    DeliveryState.AVAILABLE
                    if system.protocol == Protocol.REST_PULL
                    else DeliveryState.PENDING
                ),
                next_attempt_at=None if system.protocol == Protocol.REST_PULL else at,
                created_at=at,
            )
            for _item, message, system in targets
        ],
        ignore_conflicts=True,  # the unique (message, system): never delivered twice
    )
    pulled = [m.pk for _i, m, s in targets if s.protocol == Protocol.REST_PULL]
    pushed = [m.pk for _i, m, s in targets if s.protocol != Protocol.REST_PULL]
    if pulled:
        Message.objects.filter(pk__in=pulled).update(
            route=Route.SYSTEM, state=MessageState.DELIVERED, delivered_at=at
        )
    if pushed:
        Message.objects.filter(pk__in=pushed).update(
            route=Route.SYSTEM, state=MessageState.QUEUED, delivered_at=None
        )
    updated = MailboxItem.objects.filter(
        pk__in=[item.pk for item, _m, _s in targets], moved_at__isnull=True
    ).update(moved_at=at)
    if updated != len(targets):  # pragma: no cover - the rows are locked by this transaction
        raise RuntimeError("Platform items changed under a locked batch.")
    fetched_events_record(
        organisation_id=move.organisation_id,
        moved=[(message, system.pk) for _item, message, system in targets],
        at=at,
    )


def _end(move: PostMove, at: datetime) -> None:
    move.state = MoveState.FINISHED
    move.finished_at = at
    move.lease_until = None
    move.save(update_fields=["state", "finished_at", "lease_until"])
    action_record(
        actor=SYSTEM,
        organisation=move.organisation,
        subject=Subject.FLYT_POST,
        event=EVENT_FINISHED,
        object_id=move.pk,
        object_name=move.point_name,
        after=_("%(count)s meddelelser flyttet") % {"count": move.moved},
    )


def _fail(move: PostMove, at: datetime, reason: str) -> None:
    move.state = MoveState.FAILED
    move.error = reason
    move.failed = max(0, move.total - move.moved)
    move.finished_at = at
    move.lease_until = None
    move.save(update_fields=["state", "error", "failed", "finished_at", "lease_until"])
    action_record(
        actor=SYSTEM,
        organisation=move.organisation,
        subject=Subject.FLYT_POST,
        event=EVENT_FAILED,
        object_id=move.pk,
        object_name=move.point_name,
        after=_("%(count)s meddelelser flyttet") % {"count": move.moved},
        reason=reason,
    )


def post_move_run(move_id: uuid.UUID | str) -> str:
    """Run a move's batches until it has ended; returns its state."""
    while not post_move_batch(move_id):
        pass
    return PostMove.objects.filter(pk=move_id).values_list("state", flat=True).first() or ""


def post_moves_recover(at: datetime | None = None) -> int:
    """Re-enqueue running moves whose lease expired (their worker died); returns how many.

    The claim is a conditional UPDATE on the old lease, so with any number of workers each
    stalled move is enqueued once per lease.
    """
    from adgang.movepost.tasks import post_move_task

    at = at or clock_now()
    resumed = 0
    stalled = PostMove.objects.filter(state=MoveState.RUNNING, lease_until__lt=at)
    for move_id, lease in stalled.values_list("pk", "lease_until"):
        claimed = PostMove.objects.filter(
            pk=move_id, state=MoveState.RUNNING, lease_until=lease
        ).update(lease_until=at + lease_length())
        if claimed:
            post_move_task.enqueue(str(move_id))
            resumed += 1
    return resumed
