"""Authority information: privacy-policy link and logo (SPEC §9, guide §11).

One row per organisation (authorities only). The logo is kept in the database as the PNG we
re-encoded ourselves (`images.logo_check`), never as the uploaded bytes, so no chunk of the
upload survives; there is no media directory to back up or serve.
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from adgang.accounts.models import Organisation

PRIVACY_LINK_MAX_LENGTH = 2048


class AuthorityInfo(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="authority_info"
    )
    privacy_link = models.CharField(
        _("Link til privatlivspolitik"), max_length=PRIVACY_LINK_MAX_LENGTH, blank=True
    )
    # The re-encoded PNG (RGBA, no ancillary chunks); empty when there is no logo.
    logo_png = models.BinaryField(_("Logo"), blank=True, default=b"", editable=False)
    logo_filename = models.CharField(max_length=255, blank=True)
    logo_width = models.PositiveIntegerField(null=True, blank=True)
    logo_height = models.PositiveIntegerField(null=True, blank=True)
    logo_sha256 = models.CharField(max_length=64, blank=True)
    logo_updated_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("myndighedsinformation")
        verbose_name_plural = _("myndighedsinformationer")

    def __str__(self) -> str:
        return f"Myndighedsinformation for {self.organisation_id}"

    @property
    def has_logo(self) -> bool:
        return bool(self.logo_sha256)

    @property
    def logo_label(self) -> str:
        """How the logo reads in the action log: `logo.png (512×512)`, or "Intet"."""
        if not self.has_logo:
            return "Intet"
        return f"{self.logo_filename} ({self.logo_width}×{self.logo_height})"
