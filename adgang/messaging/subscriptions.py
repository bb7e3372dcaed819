"""REST PUBLISH/SUBSCRIBE subscriptions (SPEC §13; NGDP-API.md
`/apis/v1/organisations/subscriptions/`): where Digital Post notifies a receiver system that
a message is ready to pull. Only a PUBLISH/SUBSCRIBE receiver system has subscriptions, and
it only ever sees and deletes its own.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _log_text

from adgang.audit.models import Subject
from adgang.audit.services import Actor, action_record
from adgang.messaging.errors import Refusal
from adgang.messaging.memo_rules import FieldError
from adgang.messaging.models import Subscription
from adgang.systems.models import MailSystem, Protocol
from adgang.systems.validation import validate_https_url

MAX_SUBSCRIPTIONS = 10
OPERATIONS = frozenset({"MEMO_AVAILABLE"})

WRONG_PROTOCOL = Refusal(
    403,
    "system.protocol.not.allowed",
    "Only REST_PUBLISH_SUBSCRIBE receiver systems have subscriptions.",
)
TOO_MANY = Refusal(
    400,
    "subscription.limit.reached",
    f"A system may have at most {MAX_SUBSCRIPTIONS} subscriptions.",
)
NOT_FOUND = Refusal(404, "subscription.not.found", "No such subscription.")


class SubscriptionNotFound(Exception):
    code = NOT_FOUND.code


def _allowed(system: MailSystem) -> bool:
    return system.is_receiver and system.protocol == Protocol.REST_PUBLISH_SUBSCRIBE


def _url_refusal(value: str, error: ValidationError) -> Refusal:
    code = f"notification.url.{(error.code or 'invalid').replace('_', '.')}"
    message = " ".join(str(m) for m in error.messages)
    field = FieldError(
        resource="subscription",
        field="notificationUrl",
        code=code,
        message=message,
        rejected_value=value,
    )
    return Refusal(400, code, message, (field,))


def subscription_create(
    system: MailSystem, *, notification_url: str, operations: tuple[str, ...] = ()
) -> Subscription | Refusal:
    """Subscribe `notification_url` (an https URL Digital Post may call) for the system."""
    if not _allowed(system):
        return WRONG_PROTOCOL
    try:
        url = validate_https_url(notification_url, what="notificationUrl")
    except ValidationError as error:
        return _url_refusal(notification_url, error)
    unknown = sorted(set(operations) - OPERATIONS)
    if unknown:
        return Refusal(
            400,
            "subscription.operation.not.allowed",
            f"Unknown subscription operations: {', '.join(unknown)}.",
        )
    with transaction.atomic():
        # The system row lock keeps the limit under concurrent creates.
        MailSystem.objects.select_for_update().filter(pk=system.pk).first()
        if system.subscriptions.count() >= MAX_SUBSCRIPTIONS:
            return TOO_MANY
        subscription = Subscription.objects.create(
            system=system, notification_url=url, operations=sorted(set(operations))
        )
        _log(system, subscription, _log_text("Oprettet"), after=url)
        return subscription


def subscription_list(system: MailSystem) -> list[Subscription]:
    return list(system.subscriptions.order_by("created_at", "id"))


def subscription_delete(system: MailSystem, subscription_id) -> None:
    """Delete one of the system's subscriptions; SubscriptionNotFound for any other id."""
    try:
        key = uuid.UUID(str(subscription_id))
    except ValueError:
        raise SubscriptionNotFound() from None
    with transaction.atomic():
        subscription = Subscription.objects.filter(system=system, pk=key).first()
        if subscription is None:
            raise SubscriptionNotFound()
        subscription.delete()
        _log(system, subscription, _log_text("Slettet"), before=subscription.notification_url)


def _log(system: MailSystem, subscription: Subscription, event, **values) -> None:
    """A subscription is part of the system's connection: its changes go to the action log
    (SPEC §14), by the system that made them through the API."""
    action_record(
        actor=Actor(f"System:{system.pk}"),
        organisation=system.organisation,
        subject=Subject.SYSTEM,
        event=event,
        object_id=system.pk,
        object_name=system.name,
        field=_log_text("Abonnement (notificationUrl)"),
        **values,
    )
