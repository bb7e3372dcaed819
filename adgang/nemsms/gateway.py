"""Sending SMS (SPEC §7 confirmation links, §13 NemSMS messages) through one adapter.

The backend is chosen by the setting `ADGANG_SMS_BACKEND` (a dotted class path). The
embedded default, `OutboxBackend`, sends nothing: it keeps each SMS as an `SmsOutbox` row
that tests and the demo read. A real gateway is a subclass of `SmsBackend` named in that
setting; it is called inside the caller's transaction, so it should only enqueue.
"""

from __future__ import annotations

import abc
import functools
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

from adgang.nemsms.models import SmsOutbox

SETTING = "ADGANG_SMS_BACKEND"
DEFAULT_BACKEND = "adgang.nemsms.gateway.OutboxBackend"


class SmsBackend(abc.ABC):
    @abc.abstractmethod
    def send(self, *, phone: str, text: str, message_id: uuid.UUID | None) -> None:
        """Hand one SMS to the gateway."""


class OutboxBackend(SmsBackend):
    """The embedded default: the SMS is kept in the outbox, never sent."""

    def send(self, *, phone: str, text: str, message_id: uuid.UUID | None) -> None:
        SmsOutbox.objects.create(phone=phone, text=text, message_id=message_id)


@functools.cache
def sms_backend() -> SmsBackend:
    path = getattr(settings, SETTING, None) or DEFAULT_BACKEND
    try:
        backend_class = import_string(path)
    except ImportError as error:
        raise ImproperlyConfigured(f"{SETTING} {path!r} cannot be imported.") from error
    if not (isinstance(backend_class, type) and issubclass(backend_class, SmsBackend)):
        raise ImproperlyConfigured(f"{SETTING} {path!r} is not an SmsBackend.")
    return backend_class()


@receiver(setting_changed)
def _reset_on_setting_change(*, setting: str, **kwargs: Any) -> None:
    if setting == SETTING:
        sms_backend.cache_clear()


def sms_send(*, phone: str, text: str, message: Any = None) -> None:
    """Send one SMS through the configured backend; `message` is the Digital Post message it
    notifies of, if any."""
    sms_backend().send(phone=phone, text=text, message_id=getattr(message, "pk", None))
