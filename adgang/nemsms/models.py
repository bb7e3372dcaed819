"""NemSMS registrations (SPEC §7): a citizen or company that receives NemSMS messages on a
Danish mobile number. A registration is pending until confirmed through the SMS link.

The core's routing (SPEC §13) reads these through `selectors.nemsms_active`; caseworkers
change them through `services.py` (the pages of `views.py`), citizens confirm through the
link of `confirm_views.py`.
"""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from adgang.core.clock import now


class NemSmsIdType(models.TextChoices):
    CPR = "CPR", _("Borger")
    CVR = "CVR", _("Virksomhed")


class NemSmsState(models.TextChoices):
    PENDING = "PENDING", _("Afventer bekræftelse")
    ACTIVE = "ACTIVE", _("Tilmeldt")
    CANCELLED = "CANCELLED", _("Afmeldt")


class NemSmsRegistration(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    id_type = models.CharField(max_length=3, choices=NemSmsIdType.choices)
    number = models.CharField(max_length=10)
    phone = models.CharField(_("Telefonnummer"), max_length=20)  # E.164
    state = models.CharField(max_length=10, choices=NemSmsState.choices)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="nemsms_registrations_made",
    )
    created_at = models.DateTimeField(default=now)
    # The name in the CPR/CVR register at sign-up: the confirmation's log entry names it.
    name = models.CharField(max_length=255, blank=True)
    # Who signed up, and who last changed the registration (actor ids as in the action log).
    created_by = models.CharField(max_length=80, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.CharField(max_length=80, blank=True)

    class Meta:
        indexes = [models.Index(fields=["id_type", "number"])]
        constraints = [
            models.UniqueConstraint(
                fields=["id_type", "number"],
                condition=~Q(state="CANCELLED"),
                name="nemsms_one_live_registration",
            )
        ]

    def __str__(self) -> str:
        return f"{self.id_type} {self.number} {self.state}"


class NemSmsConfirmation(models.Model):
    """One confirmation link sent by SMS (SPEC §7): confirms `phone` for `registration`.

    Only the SHA-256 of the random token is stored. A link is valid for 48 hours, once, and
    only while it is the registration's open confirmation: a later sign-up step (a new
    number, unregistering) marks it superseded. At most one open confirmation per
    registration (constraint), so "the link that belongs to this sign-up" is unambiguous.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    registration = models.ForeignKey(
        NemSmsRegistration, on_delete=models.CASCADE, related_name="confirmations"
    )
    phone = models.CharField(max_length=20)  # E.164, the number this link confirms
    # The organisation whose caseworker sent the link: the confirmation is logged there.
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["registration"],
                condition=Q(used_at__isnull=True, superseded_at__isnull=True),
                name="nemsms_one_open_confirmation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.registration_id} {self.phone}"


class SmsOutbox(models.Model):
    """An SMS handed to the embedded SMS gateway (SPEC §7, §13): the default backend of
    `adgang.nemsms.gateway` keeps every SMS here instead of sending it, so tests and the demo
    can read what would have been sent."""

    id = models.BigAutoField(primary_key=True)
    phone = models.CharField(max_length=20)  # E.164
    text = models.TextField()
    # The Digital Post message the SMS notifies of (a plain id: confirmation SMSes have none).
    message_id = models.UUIDField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(default=now)

    class Meta:
        indexes = [models.Index(fields=["phone", "created_at"])]

    def __str__(self) -> str:
        return f"{self.phone}: {self.text[:40]}"
