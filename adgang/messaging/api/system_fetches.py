"""Move post ("system fetch"): `POST|GET /apis/v1/mailboxes/{mailboxId}/system-fetches/`
(SPEC §12, NGDP-API.md).

The caller is a receiver system of the authority; `mailboxId` is the authority's CVR (its
mailbox on the platforms). Starting a fetch calls the same service as the Flyt post page
(`adgang.movepost.services.post_move_start`), so every rule and the one-move-at-a-time lock
are the same; the move runs in the background and is read back with GET.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from django.http import HttpRequest
from django.utils import translation
from ninja import Schema, Status
from pydantic import ConfigDict

from adgang.audit.services import Actor
from adgang.messaging.api.auth import receiver_auth
from adgang.messaging.api.errors import ApiError
from adgang.messaging.api.router import router
from adgang.messaging.api.schemas import ErrorMessage
from adgang.movepost import selectors as movepost_selectors
from adgang.movepost.models import Destination, MoveState, Origin, PostMove
from adgang.movepost.services import (
    ALREADY_RUNNING_CODE,
    MoveRefused,
    MoveRequest,
    post_move_start,
)

TAG = ["System fetches (Flyt post)"]
PATH = "/mailboxes/{mailboxId}/system-fetches/"
MAILBOX_NOT_FOUND = "mailbox.not.found"
ERRORS = {400: ErrorMessage, 401: ErrorMessage, 403: ErrorMessage, 404: ErrorMessage}
MAILBOX_DESCRIPTION = (
    "`mailboxId` is the calling system's organisation's CVR number (8 digits): the authority's "
    "mailbox on the platforms (Virk, e-Boks, mit.dk). Any other mailbox answers 404 "
    "`mailbox.not.found`. The caller must be a receiver system of an authority."
)


class SystemFetchStatus(StrEnum):
    RUNNING = "RUNNING"
    FINISHED = "FINISHED"
    STOPPED = "STOPPED"


class SystemFetchRequest(Schema):
    """What to fetch off the platforms and where to. Without `fromDateTime` and `toDateTime`
    all the post; with both, the post placed on the platforms in the period (both ends
    included). `preferOriginalMessageRecipient`: each message goes to its own marked contact
    point when that point is active with an active receiver system, else to `contactPointId`
    (the failover); false: every message goes to `contactPointId`."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "contactPointId": "609c95c2-41d6-4da8-a2af-34060ca0cf12",
                    "fromDateTime": "2026-03-01T00:00:00+01:00",
                    "toDateTime": "2026-03-31T23:59:59+02:00",
                    "preferOriginalMessageRecipient": False,
                }
            ]
        }
    )

    contactPointId: uuid.UUID
    fromDateTime: datetime | None = None
    toDateTime: datetime | None = None
    preferOriginalMessageRecipient: bool = False


class SystemFetch(Schema):
    id: uuid.UUID
    mailboxId: str
    contactPointId: uuid.UUID
    fromDateTime: datetime | None = None
    toDateTime: datetime | None = None
    preferOriginalMessageRecipient: bool
    status: SystemFetchStatus
    totalMessages: int
    fetchedMessages: int
    failedMessages: int
    createdAt: datetime
    finishedAt: datetime | None = None
    errorMessage: str | None = None


_STATUS = {
    MoveState.RUNNING: SystemFetchStatus.RUNNING,
    MoveState.FINISHED: SystemFetchStatus.FINISHED,
    MoveState.FAILED: SystemFetchStatus.STOPPED,
}


def system_fetch_out(move: PostMove) -> dict:
    return {
        "id": move.pk,
        "mailboxId": move.organisation.cvr,
        "contactPointId": move.point_ref,
        "fromDateTime": move.period_start,
        "toDateTime": move.period_end,
        "preferOriginalMessageRecipient": move.destination == Destination.MARKED,
        "status": _STATUS[move.state],
        "totalMessages": move.total,
        "fetchedMessages": move.moved,
        "failedMessages": move.failed,
        "createdAt": move.started_at,
        "finishedAt": move.finished_at,
        "errorMessage": move.error or None,
    }


def _organisation_of(request: HttpRequest, mailbox_id: str):
    organisation = request.auth.organisation
    if mailbox_id != organisation.cvr:
        raise ApiError(404, MAILBOX_NOT_FOUND, "No mailbox with this id is available to you.")
    return organisation


@router.post(
    PATH,
    auth=receiver_auth,
    tags=TAG,
    summary="Start moving the authority's post off the platforms",
    description=(
        MAILBOX_DESCRIPTION
        + " Starts a background move (Flyt post): the messages leave the platforms and are "
        "delivered once to the contact point's receiver system, each recorded as fetched "
        "(Afhentet) in the message log. Calling this acknowledges that the post is deleted "
        "from the platforms. One move per organisation at a time: 409 "
        "`system.fetch.already.running`. An unknown, another organisation's or inactive "
        "contact point: 400 `contact.point.not.found` / `contact.point.not.active`."
    ),
    response={201: SystemFetch, 409: ErrorMessage, **ERRORS},
)
def system_fetches_create(request: HttpRequest, mailboxId: str, fetch: SystemFetchRequest):
    organisation = _organisation_of(request, mailboxId)
    system = request.auth
    try:
        move = post_move_start(
            actor=Actor(f"System:{system.pk}"),
            organisation=organisation,
            request=MoveRequest(
                destination=(
                    Destination.MARKED
                    if fetch.preferOriginalMessageRecipient
                    else Destination.CHOSEN
                ),
                point_id=fetch.contactPointId,
                acknowledged=True,
                period_start=fetch.fromDateTime,
                period_end=fetch.toDateTime,
            ),
            origin=Origin.API,
        )
    except MoveRefused as refused:
        status = 409 if refused.code == ALREADY_RUNNING_CODE else 400
        if refused.code == "organisation.not.authority":
            status = 403
        with translation.override("en"):
            raise ApiError(status, refused.code, str(refused.message)) from None
    return Status(201, system_fetch_out(move))


@router.get(
    PATH,
    auth=receiver_auth,
    tags=TAG,
    summary="List the moves of the authority's post",
    description=MAILBOX_DESCRIPTION + " Newest first, at most 100.",
    response={200: list[SystemFetch], **ERRORS},
)
def system_fetches_list(request: HttpRequest, mailboxId: str):
    organisation = _organisation_of(request, mailboxId)
    moves = movepost_selectors.moves_of(organisation).select_related("organisation")[:100]
    return [system_fetch_out(move) for move in moves]
