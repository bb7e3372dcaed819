"""Organisations, people and their rights per organisation (SPEC §1)."""

import uuid

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from adgang.accounts.rights import RIGHTS, SYSTEMFORVALTER, right_labels


class OrganisationKind(models.TextChoices):
    MYNDIGHED = "myndighed", _("Myndighed")
    VIRKSOMHED = "virksomhed", _("Virksomhed")


class Organisation(models.Model):
    """An authority or company identified by CVR. Features differ by kind (SPEC §1)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    cvr = models.CharField(
        _("CVR-nummer"),
        max_length=8,
        unique=True,
        validators=[RegexValidator(r"^\d{8}$", _("CVR-nummeret skal bestå af 8 cifre."))],
    )
    name = models.CharField(_("Navn"), max_length=200)
    kind = models.CharField(_("Type"), max_length=20, choices=OrganisationKind.choices)
    is_system_supplier = models.BooleanField(_("Systemleverandør"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisationer")

    def __str__(self) -> str:
        return f"{self.name} (CVR: {self.cvr})"

    @property
    def is_authority(self) -> bool:
        return self.kind == OrganisationKind.MYNDIGHED


class PersonManager(BaseUserManager):
    def create_person(self, *, name: str) -> "Person":
        person = self.model(name=name)
        person.set_unusable_password()
        person.save()
        return person


class Person(AbstractBaseUser):
    """Someone who logs in. Identity in an organisation lives on the Membership (RID).

    People never have a password here: they log in through the identity broker (OIDC) or,
    in the embedded default, through the test portal.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("Navn"), max_length=200)
    oidc_subject = models.CharField(max_length=255, unique=True, null=True, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    USERNAME_FIELD = "id"
    objects = PersonManager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("person")
        verbose_name_plural = _("personer")

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A person's employment in one organisation: their RID there and the rights granted."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    rid = models.CharField(
        _("RID"),
        max_length=20,
        validators=[
            RegexValidator(r"^[0-9A-Za-z-]{1,20}$", _("RID må kun indeholde bogstaver og cifre."))
        ],
    )
    rights = models.JSONField(_("Rettigheder"), default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "rid"], name="unique_rid_per_org"),
            models.UniqueConstraint(
                fields=["person", "organisation"], name="one_membership_per_org"
            ),
        ]

    def __str__(self) -> str:
        return self.actor_id

    @property
    def actor_id(self) -> str:
        """How the person is named in every log (SPEC §1): `CVR:<cvr>-RID:<rid>`."""
        return f"CVR:{self.organisation.cvr}-RID:{self.rid}"

    @property
    def is_systemforvalter(self) -> bool:
        return SYSTEMFORVALTER in self.rights

    @property
    def right_labels(self) -> list[str]:
        """The rights' display names, in the order of SPEC §1."""
        return right_labels(self.rights)

    def right_set(self) -> frozenset[str]:
        return frozenset(r for r in self.rights if r in RIGHTS)
