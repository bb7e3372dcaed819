"""Exemptions from Digital Post (SPEC §6): a citizen (CPR) or company (CVR) who gets no
digital post except mandatory (obligatorisk) post.

The core's routing (SPEC §13) reads these through `selectors.is_exempt`; the caseworker pages
"Fritag borger" / "Fritag virksomhed" create, renew and lift them through `services`, and the
periodic job (`tasks`) ends expired company exemptions and re-enrols returned emigrants.
An exemption is never deleted: lifting sets `lifted_at` (+ who, which organisation, why).
"""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from adgang.core.clock import now


class ExemptionIdType(models.TextChoices):
    CPR = "CPR", _("Borger")
    CVR = "CVR", _("Virksomhed")


class ExemptionReason(models.TextChoices):
    EMIGRATION = "EMIGRATION", _("Udrejse")
    OTHER = "OTHER", _("Andet")


class Forwarding(models.TextChoices):
    """Where unopened post in the platform mailbox goes when the exemption starts."""

    DECLINED = "DECLINED", _("Ønsker ikke videresendelse")
    REGISTERED = "REGISTERED", _("Folkeregisteradresse / hovedkontor")
    ALTERNATIVE = "ALTERNATIVE", _("Alternativ adresse")


class LiftCause(models.TextChoices):
    LIFTED = "LIFTED", _("Ophævet")
    EXPIRED = "EXPIRED", _("Udløbet")
    REENROLLED = "REENROLLED", _("Genindmeldt efter indrejse")


class Exemption(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    id_type = models.CharField(max_length=3, choices=ExemptionIdType.choices)
    number = models.CharField(max_length=10)
    reason = models.CharField(max_length=12, choices=ExemptionReason.choices, blank=True)
    by_proxy = models.BooleanField(_("Via fuldmagt"), default=False)
    forward_unopened_post = models.BooleanField(default=True)
    forward_address = models.JSONField(default=dict, blank=True)
    effective_from = models.DateField()
    # Companies: 1 November of the second calendar year after registration; citizens: none.
    expires_on = models.DateField(null=True, blank=True)
    lifted_at = models.DateTimeField(null=True, blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="exemptions_made"
    )
    created_at = models.DateTimeField(default=now)
    # The name in the register when exempted (for the log entries written by the job).
    name = models.CharField(max_length=200, blank=True)
    forwarding = models.CharField(max_length=12, choices=Forwarding.choices, blank=True)
    created_by = models.CharField(max_length=100, blank=True)
    renewed_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.CharField(max_length=100, blank=True)
    lifted_by_organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="exemptions_lifted",
    )
    lift_cause = models.CharField(max_length=12, choices=LiftCause.choices, blank=True)

    class Meta:
        indexes = [models.Index(fields=["id_type", "number"])]
        constraints = [
            # At most one exemption in force per person or company.
            models.UniqueConstraint(
                fields=["id_type", "number"],
                condition=Q(lifted_at__isnull=True),
                name="exemptions_one_in_force",
            )
        ]

    def __str__(self) -> str:
        return f"{self.id_type} {self.number}"
