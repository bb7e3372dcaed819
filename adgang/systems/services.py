"""Every change to a connected system (SPEC §3), each in one transaction with its log entries.

Rules enforced here, whatever the caller (wizard, details page, `manage.py system add`):
- only the protocol/type combinations of SPEC §3, each with the fields it needs;
- an authority's first receiver system becomes its primary system, there is never more than
  one (a database constraint as well), and the primary cannot be deleted or stop receiving
  while other receiver systems exist;
- a company has at most one receiver system;
- protocol, types and activation time cannot change while the system is active;
- what a standard supplier system defines stays as the supplier defined it.
The checks of single values live in `checks.py`. Receiver-related changes lock the
organisation's row first, so two concurrent requests are
decided one after the other (PostgreSQL `SELECT … FOR UPDATE`; SQLite transactions are
already serialised by `BEGIN IMMEDIATE`).
"""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _log_text

from adgang.accounts.models import Organisation
from adgang.audit.models import Subject
from adgang.audit.services import SYSTEM, Actor, action_record, action_record_changes
from adgang.core.clock import now as clock_now
from adgang.systems.apikeys import apikey_header, apikey_issue
from adgang.systems.checks import (
    EDITABLE_FIELDS,
    LOCKED_WHILE_ACTIVE,
    TEMPLATE_FIELDS,
    TEMPLATE_IMPLIED,
    SystemRuleError,
    combination_check,
    company_receiver_check,
    template_apply,
    template_published,
    unused_drop,
    values_check,
    window_check,
)
from adgang.systems.models import MailSystem, Protocol, SystemState, state_at


class Activation:
    NOW = "now"
    AT = "at"
    NEVER = "never"


@dataclass(frozen=True)
class SystemSpec:
    """Everything the wizard collects about a new system, already parsed by its forms."""

    name: str
    is_sender: bool = False
    is_receiver: bool = False
    protocol: str = ""
    supplier_name: str = ""
    allowed_ips: tuple[str, ...] = ()
    ip_range: str = ""
    endpoint: str = ""
    receipt_endpoint: str = ""
    ssh_public_key: str = ""
    delegated_cvr: str = ""
    move_post_from_virk: bool = False
    activation: str = Activation.NOW
    active_from: datetime | None = None
    active_to: datetime | None = None
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    extra_email: str = ""
    template_id: uuid.UUID | None = None


@dataclass(frozen=True)
class Created:
    system: MailSystem
    api_key: str  # "Basic …", shown once on the receipt
    warnings: list[str] = field(default_factory=list)


def _label(name: str):
    # Lazy: the audit log writes it in Danish, whatever language the person uses.
    return MailSystem._meta.get_field(name).verbose_name


def _display(name: str, value):
    """A value as the log shows it to a caseworker."""
    if name == "protocol":
        return Protocol(value).label if value else ""
    if name == "allowed_ips":
        return ", ".join(value)
    return value


def _log_fields(
    *, actor: Actor, system: MailSystem, event: str, changes: Mapping[str, tuple], **extra
) -> None:
    """One log entry per changed field (SPEC §14), keyed by field name, not label.

    Two fields share the label "Navn" (the system's and the technical contact's), so a
    mapping keyed by label would silently drop one of them.
    """
    for name, change in changes.items():
        action_record_changes(
            actor=actor,
            organisation=system.organisation,
            subject=Subject.SYSTEM,
            event=event,
            object_id=system.pk,
            object_name=system.name,
            changes={_label(name): change},
            **extra,
        )


def _locked_organisation(organisation: Organisation) -> Organisation:
    return Organisation.objects.select_for_update().get(pk=organisation.pk)


def system_create(
    *, actor: Actor, organisation: Organisation, spec: SystemSpec, now: datetime | None = None
) -> Created:
    """Connect a new system (SPEC §3 wizard step "Tilslut"); the API secret is returned once."""
    at = now or clock_now()
    values = {f.name: getattr(spec, f.name) for f in fields(spec)}
    values["allowed_ips"] = list(spec.allowed_ips)
    with transaction.atomic():
        organisation = _locked_organisation(organisation)
        template = None
        if spec.template_id is not None:
            template = template_published(spec.template_id)
            template_apply(values, template)
        needs = combination_check(values)
        unused_drop(values, needs)
        # A standard supplier system's fields were checked when the supplier saved it.
        values_check(
            values,
            EDITABLE_FIELDS - (set(TEMPLATE_FIELDS) | set(TEMPLATE_IMPLIED) if template else set()),
        )
        if values["is_receiver"]:
            company_receiver_check(organisation, exclude=None)
        if spec.activation == Activation.NOW:
            values["active_from"] = at
        elif spec.activation == Activation.NEVER:
            values["active_from"] = None
        elif spec.activation != Activation.AT:
            raise SystemRuleError(_("Vælg, hvornår systemet skal aktiveres."), field="active_from")
        elif values["active_from"] is None:
            raise SystemRuleError(_("Vælg dato og tid for aktiveringen."), field="active_from")
        window_check(
            values["active_from"], values["active_to"], at, from_changed=True, to_changed=True
        )
        is_primary = (
            organisation.is_authority
            and values["is_receiver"]
            and not MailSystem.objects.alive()
            .filter(organisation=organisation, is_primary=True)
            .exists()
        )
        key = apikey_issue()
        system = MailSystem.objects.create(
            organisation=organisation,
            template=template,
            is_primary=is_primary,
            state=state_at(values["active_from"], values["active_to"], at),
            api_key_prefix=key.prefix,
            api_key_hash=key.hash,
            api_key_issued_at=at,
            created_at=at,
            updated_at=at,
            **{
                name: values[name]
                for name in EDITABLE_FIELDS
                if name not in {"active_from", "active_to"}
            },
            active_from=values["active_from"],
            active_to=values["active_to"],
        )
        logged = {
            name: ("", _display(name, getattr(system, name))) for name in sorted(EDITABLE_FIELDS)
        }
        logged["template"] = ("", template.name if template else "")
        logged["is_primary"] = ("", system.is_primary)
        _log_fields(
            actor=actor,
            system=system,
            event=_log_text("Oprettet"),
            changes=logged,
            power_of_attorney=system.delegated_cvr,
        )
    warnings = []
    if system.state == SystemState.AWAITING:
        warnings.append("future_activation")
    return Created(system=system, api_key=apikey_header(system.pk, key.secret), warnings=warnings)


def system_update(
    *,
    actor: Actor,
    system: MailSystem,
    changes: Mapping[str, object],
    now: datetime | None = None,
) -> MailSystem:
    """Change fields of a system from its details page (SPEC §3), logging each field."""
    at = now or clock_now()
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    with transaction.atomic():
        organisation = _locked_organisation(system.organisation)
        current = MailSystem.objects.alive().select_for_update().get(pk=system.pk)
        values = {name: getattr(current, name) for name in EDITABLE_FIELDS}
        changes = dict(changes)
        if "allowed_ips" in changes:  # a tuple from the form is the same list as stored
            changes["allowed_ips"] = list(changes["allowed_ips"] or ())
        changed = {n: v for n, v in changes.items() if v != values[n]}
        if current.template_id is not None:
            for name in changed:
                if name in TEMPLATE_FIELDS or name in TEMPLATE_IMPLIED:
                    raise SystemRuleError(
                        _("Feltet er låst, da systemet er opsat via et standard leverandørsystem."),
                        field=name,
                    )
        if current.is_active_at(at):
            for name in changed:
                if name in LOCKED_WHILE_ACTIVE:
                    raise SystemRuleError(
                        _("Protokol og aktivering kan ikke ændres, mens systemet er aktivt."),
                        field=name,
                    )
        values.update(changed)
        needs = combination_check(values)
        unused_drop(values, needs)
        changed = {n for n in EDITABLE_FIELDS if values[n] != getattr(current, n)}
        values_check(values, changed)
        # Normalising may turn a change back into the stored value ("33123456").
        changed = {n: values[n] for n in EDITABLE_FIELDS if values[n] != getattr(current, n)}
        window_check(
            values["active_from"],
            values["active_to"],
            at,
            from_changed="active_from" in changed,
            to_changed="active_to" in changed,
        )
        before_primary = current.is_primary
        if values["is_receiver"] and not current.is_receiver:
            company_receiver_check(organisation, exclude=current.pk)
            current.is_primary = organisation.is_authority and not _has_primary(organisation)
        if current.is_receiver and not values["is_receiver"] and current.is_primary:
            if _other_receivers(current).exists():
                raise SystemRuleError(
                    _(
                        "Systemet er primærsystem. Vælg et andet primærsystem, før systemet "
                        "ikke længere er modtagersystem."
                    ),
                    field="types",
                )
            current.is_primary = False
        if not changed and before_primary == current.is_primary:
            return current
        log = {n: (_display(n, getattr(current, n)), _display(n, values[n])) for n in changed}
        if before_primary != current.is_primary:
            log["is_primary"] = (before_primary, current.is_primary)
        for name, value in changed.items():
            setattr(current, name, value)
        current.state = current.state_at(at)
        current.version += 1
        current.updated_at = at
        current.save()
        _log_fields(actor=actor, system=current, event=_log_text("Ændret"), changes=log)
    return current


def _has_primary(organisation: Organisation) -> bool:
    return MailSystem.objects.alive().filter(organisation=organisation, is_primary=True).exists()


def _other_receivers(system: MailSystem):
    return (
        MailSystem.objects.receivers()
        .filter(organisation=system.organisation_id)
        .exclude(pk=system.pk)
    )


def system_delete(*, actor: Actor, system: MailSystem, now: datetime | None = None) -> None:
    """Delete a system; an authority's primary only when it is its last receiver (SPEC §3).

    The row stays (marked deleted) so that logs and messages keep their reference; the API
    key stops working at once.
    """
    at = now or clock_now()
    with transaction.atomic():
        organisation = _locked_organisation(system.organisation)
        current = MailSystem.objects.alive().select_for_update().get(pk=system.pk)
        if current.is_primary and _other_receivers(current).exists():
            raise SystemRuleError(
                _(
                    "Systemet er primærsystem og kan ikke slettes, mens der er andre "
                    "modtagersystemer. Vælg først et andet primærsystem."
                )
            )
        current.is_primary = False
        current.deleted_at = at
        current.updated_at = at
        current.api_key_hash = ""
        current.version += 1
        current.save()
        action_record(
            actor=actor,
            organisation=organisation,
            subject=Subject.SYSTEM,
            event=_log_text("Slettet"),
            object_id=current.pk,
            object_name=current.name,
            field=_log_text("Status"),
            before=current.get_state_display(),
            after=_("Slettet"),
        )


def system_make_primary(*, actor: Actor, system: MailSystem, now: datetime | None = None) -> None:
    """Make a receiver system the authority's primary system (SPEC §3, guide §5.2)."""
    at = now or clock_now()
    with transaction.atomic():
        organisation = _locked_organisation(system.organisation)
        current = MailSystem.objects.alive().select_for_update().get(pk=system.pk)
        if not organisation.is_authority or not current.is_receiver:
            raise SystemRuleError(_("Kun en myndigheds modtagersystemer kan være primærsystem."))
        if current.is_primary:
            return
        previous = (
            MailSystem.objects.alive()
            .select_for_update()
            .filter(organisation=organisation, is_primary=True)
            .first()
        )
        # The old primary gives up the flag first: the database allows only one at a time.
        for changed, value in ((previous, False), (current, True)):
            if changed is None:
                continue
            changed.is_primary = value
            changed.version += 1
            changed.updated_at = at
            changed.save(update_fields=["is_primary", "version", "updated_at"])
            action_record(
                actor=actor,
                organisation=organisation,
                subject=Subject.SYSTEM,
                event=_log_text("Primærsystem skiftet"),
                object_id=changed.pk,
                object_name=changed.name,
                field=_label("is_primary"),
                before=not value,
                after=value,
            )


def system_renew_api_key(*, actor: Actor, system: MailSystem, now: datetime | None = None) -> str:
    """Issue a new API secret (SPEC §3); the old one stops working when this commits."""
    at = now or clock_now()
    key = apikey_issue()
    with transaction.atomic():
        current = MailSystem.objects.alive().select_for_update().get(pk=system.pk)
        previous_issued = current.api_key_issued_at
        current.api_key_prefix = key.prefix
        current.api_key_hash = key.hash
        current.api_key_issued_at = at
        current.version += 1
        current.updated_at = at
        current.save()
        action_record(
            actor=actor,
            organisation=current.organisation,
            subject=Subject.SYSTEM,
            event=_log_text("API-key fornyet"),
            object_id=current.pk,
            object_name=current.name,
            field=_log_text("API-key udstedt"),
            before=previous_issued,
            after=at,
        )
    return apikey_header(current.pk, key.secret)


def systems_apply_schedule(*, now: datetime | None = None) -> list[MailSystem]:
    """Record activations and deactivations whose time has come (SPEC §3), as actor System."""
    at = now or clock_now()
    due = MailSystem.objects.alive().filter(
        state__in=[SystemState.AWAITING, SystemState.ACTIVE, SystemState.NOT_ACTIVATED]
    )
    due = due.filter(active_from__lte=at, state=SystemState.AWAITING) | due.filter(
        active_to__lte=at
    ).exclude(state=SystemState.DEACTIVATED)
    changed = []
    for system_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            system = MailSystem.objects.alive().select_for_update().filter(pk=system_id).first()
            if system is None:
                continue
            new_state = system.state_at(at)
            if new_state == system.state:
                continue
            before = system.get_state_display()
            system.state = new_state
            system.version += 1
            system.updated_at = at
            system.save(update_fields=["state", "version", "updated_at"])
            action_record(
                actor=SYSTEM,
                organisation=system.organisation,
                subject=Subject.SYSTEM,
                event=_log_text("Aktiveret")
                if new_state == SystemState.ACTIVE
                else _log_text("Deaktiveret"),
                object_id=system.pk,
                object_name=system.name,
                field=_log_text("Status"),
                before=before,
                after=system.get_state_display(),
            )
            changed.append(system)
    return changed
