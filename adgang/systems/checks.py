"""The rules a system's values must meet before any service stores them (SPEC §3).

Services call these inside their transaction; each raises `SystemRuleError` naming the field
the message belongs next to. Typed values are checked with the forms' own validation
functions, so a script or a tampered request cannot store what the wizard refuses.
"""

import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from adgang.accounts.models import Organisation
from adgang.systems import validation
from adgang.systems.models import MailSystem, SystemTemplate
from adgang.systems.rules import Requirements, requirements, types_of

# "At a chosen time" must lie ahead; this much slack covers the seconds between the form's
# check and the commit.
PAST_TOLERANCE = timedelta(minutes=1)


class SystemRuleError(Exception):
    """A rule of SPEC §3 refused the change; `field` names the form field to show it on."""

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


# Fields a standard supplier system defines; an organisation using it cannot change them.
TEMPLATE_FIELDS = (
    "is_sender",
    "is_receiver",
    "protocol",
    "allowed_ips",
    "ip_range",
    "endpoint",
    "receipt_endpoint",
    "contact_name",
    "contact_email",
    "contact_phone",
)
# What choosing a standard supplier system implies (SPEC §3): the supplier's name and its power
# of attorney. Locked like the template's own fields.
TEMPLATE_IMPLIED = ("supplier_name", "delegated_cvr")
# Fields locked while the system is active (SPEC §3 details page).
LOCKED_WHILE_ACTIVE = ("protocol", "is_sender", "is_receiver", "active_from")
EDITABLE_FIELDS = frozenset(
    {
        "name",
        "supplier_name",
        *TEMPLATE_FIELDS,
        "ssh_public_key",
        "delegated_cvr",
        "move_post_from_virk",
        "active_from",
        "active_to",
        "extra_email",
    }
)


def combination_check(values: Mapping, *, ssh_key_needed: bool = True) -> Requirements:
    """One of SPEC §3's protocol/type combinations, with the fields it needs filled in.

    A standard supplier system carries no SSH key (`ssh_key_needed=False`): each organisation
    using an SFTP template adds its own.
    """
    types = types_of(is_sender=values["is_sender"], is_receiver=values["is_receiver"])
    if not types:
        raise SystemRuleError(
            _("Vælg, om systemet skal opsættes som afsendersystem, modtagersystem eller begge."),
            field="types",
        )
    needs = requirements(types, values["protocol"])
    if needs is None:
        raise SystemRuleError(
            _(
                "Protokollen kan ikke bruges til denne type system. Vælg en af de viste "
                "protokoller."
            ),
            field="protocol",
        )
    if not values["allowed_ips"] and not values["ip_range"]:
        raise SystemRuleError(_("Angiv mindst én IP-adresse eller én IP-range."), field="ips")
    if values["allowed_ips"] and values["ip_range"]:
        raise SystemRuleError(
            _("Angiv enten IP-adresser eller én IP-range, ikke begge dele."), field="ips"
        )
    if needs.endpoint and not values["endpoint"]:
        raise SystemRuleError(_("Angiv End point."), field="endpoint")
    if needs.receipt_endpoint and not values["receipt_endpoint"]:
        raise SystemRuleError(_("Angiv Kvitterings-end point."), field="receipt_endpoint")
    if ssh_key_needed and needs.ssh_key and not values["ssh_public_key"]:
        raise SystemRuleError(_("Indsæt systemets offentlige SSH-nøgle."), field="ssh_public_key")
    return needs


def unused_drop(values: dict, needs: Requirements) -> None:
    """Fields the protocol does not use are not kept (a REST system has no SSH key …)."""
    if not needs.endpoint:
        values["endpoint"] = ""
    if not needs.receipt_endpoint:
        values["receipt_endpoint"] = ""
    if not needs.ssh_key:
        values["ssh_public_key"] = ""
    if not needs.delegation:
        values["delegated_cvr"] = ""
    if not needs.move_post_from_virk:
        values["move_post_from_virk"] = False


def _optional(check):
    return lambda value: check(value) if value else ""


# How each typed field is checked and normalised, and the field the refusal is shown on.
_VALUE_CHECKS = {
    "name": validation.validate_name,
    "supplier_name": _optional(validation.validate_name),
    "endpoint": _optional(lambda v: validation.validate_https_url(v, what=_("End point"))),
    "receipt_endpoint": _optional(
        lambda v: validation.validate_https_url(v, what=_("Kvitterings-end point"))
    ),
    "ssh_public_key": _optional(validation.validate_ssh_public_key),
    "delegated_cvr": validation.validate_delegated_cvr,
    "contact_name": lambda v: validation.validate_name(
        v, empty_message=_("Angiv navnet på den tekniske kontakt.")
    ),
    "contact_email": validation.validate_email,
    "contact_phone": validation.validate_phone,
    "extra_email": lambda v: validation.validate_email(v, required=False),
}


def values_check(values: dict, names) -> None:
    """Check and normalise typed values with the forms' own validation (SPEC §3, §14).

    The forms have checked them already; this keeps every caller (a view, the command, a
    script) from storing what the forms would refuse. Required-by-protocol and unused fields
    are settled by `combination_check` and `unused_drop` first.
    """
    names = set(names)
    try:
        for name, check in _VALUE_CHECKS.items():
            if name in names:
                field_name = name
                values[name] = check(values[name] or "")
        if names & {"allowed_ips", "ip_range"}:
            field_name = "ips"
            parsed = validation.parse_allowed_ips(
                values["ip_range"] or " ".join(values["allowed_ips"])
            )
            values["allowed_ips"], values["ip_range"] = list(parsed.addresses), parsed.range
    except ValidationError as error:
        raise SystemRuleError(error.messages[0], field=field_name) from None


def company_receiver_check(organisation: Organisation, *, exclude: uuid.UUID | None) -> None:
    if organisation.is_authority:
        return
    others = MailSystem.objects.receivers().filter(organisation=organisation)
    if exclude is not None:
        others = others.exclude(pk=exclude)
    if others.exists():
        raise SystemRuleError(
            _(
                "Virksomheden har allerede et modtagersystem. En virksomhed kan kun have ét "
                "modtagersystem."
            ),
            field="types",
        )


def window_check(
    active_from, active_to, at: datetime, *, from_changed: bool, to_changed: bool
) -> None:
    """SPEC §3 "Aktivering": a chosen activation lies ahead, deactivation after activation.

    Only a time being set now must lie ahead: an unchanged activation of an active system is
    of course in the past.
    """
    if from_changed and active_from is not None and active_from < at - PAST_TOLERANCE:
        raise SystemRuleError(
            _("Aktiveringstidspunktet ligger i fortiden. Vælg et tidspunkt frem i tiden."),
            field="active_from",
        )
    if active_to is None:
        return
    if active_from is None:
        raise SystemRuleError(
            _("Et deaktiveringstidspunkt kræver, at systemet aktiveres."), field="active_to"
        )
    if to_changed and active_to < at - PAST_TOLERANCE:
        raise SystemRuleError(_("Deaktiveringstidspunktet ligger i fortiden."), field="active_to")
    if active_to <= active_from:
        raise SystemRuleError(
            _("Deaktiveringstidspunktet skal ligge efter aktiveringstidspunktet."),
            field="active_to",
        )


def template_apply(values: dict, template: SystemTemplate) -> None:
    for name in TEMPLATE_FIELDS:
        values[name] = getattr(template, name)
    values["allowed_ips"] = list(template.allowed_ips)
    values["supplier_name"] = template.supplier.name
    values["delegated_cvr"] = template.supplier.cvr  # the template implies the power of attorney


def template_published(template_id) -> SystemTemplate:
    template = (
        SystemTemplate.objects.select_related("supplier")
        .filter(pk=template_id, is_published=True)
        .first()
    )
    if template is None:
        raise SystemRuleError(
            _("Det valgte standard leverandørsystem findes ikke længere."), field="template"
        )
    return template
