"""The details page's edit forms: one per group of a system's settings (SPEC §3).

Each group (System, Tilslutning, Aktivering, Kontakt) is edited in the wizard's own forms;
what the service locks (protocol, types and activation time of an active system; what a
standard supplier system defines) is disabled. `group_changes` turns a form's cleaned data
into `services.system_update`'s changes.
"""

import copy
from datetime import datetime
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from adgang.systems import presentation, validation
from adgang.systems.forms import (
    RULE_FIELDS,
    TYPE_CHOICES,
    TYPES_MISSING,
    ActivationForm,
    ConnectionForm,
    ContactForm,
)
from adgang.systems.models import NAME_MAX_LENGTH, MailSystem, Protocol
from adgang.systems.rules import requirements, types_of
from adgang.systems.services import Activation, SystemRuleError

SYSTEM, CONNECTION, ACTIVATION, CONTACT = presentation.GROUPS
ACTIVATION_FIELDS = ("activation", "activate_date", "activate_time")

# The form field that edits each summary row (presentation.Row.key); rows not named here
# (ID, CVR, API-key, standard supplier system) are never edited on the details page.
ROW_FIELDS = {
    "name": "name",
    "supplier_name": "supplier_name",
    "types": "types",
    "protocol": "protocol",
    "ips": "ips",
    "endpoint": "endpoint",
    "receipt_endpoint": "receipt_endpoint",
    "ssh_public_key": "ssh_public_key",
    "delegated_cvr": "delegated_cvr",
    "move_post_from_virk": "move_post_from_virk",
    "active_from": "activation",
    "active_to": "deactivate",
    "contact": "contact_name",
    "extra_email": "extra_email",
}


class SystemEditForm(forms.Form):
    """The "System" group of an existing system: name, supplier, sender and/or receiver.

    (The wizard's SystemStepForm also chooses how to set up; that choice is made for good.)
    """

    name = forms.CharField(
        label=gettext_lazy("Navn"), required=False, max_length=NAME_MAX_LENGTH + 50
    )
    supplier_name = forms.CharField(
        label=gettext_lazy("Systemleverandør"), required=False, max_length=NAME_MAX_LENGTH + 50
    )
    types = forms.MultipleChoiceField(
        label=gettext_lazy("Systemet opsættes som"),
        choices=TYPE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, system: MailSystem, types_locked: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.system = system
        if types_locked:
            self.fields["types"].disabled = True
        if system.template_id is not None:
            self.fields["supplier_name"].disabled = True

    def clean_name(self):
        return validation.validate_name(self.cleaned_data.get("name", ""))

    def clean_supplier_name(self):
        value = " ".join(self.cleaned_data.get("supplier_name", "").split())
        if len(value) > NAME_MAX_LENGTH:
            raise ValidationError(
                _("Navnet må højst være %(max)d tegn.") % {"max": NAME_MAX_LENGTH}
            )
        return value

    def clean_types(self):
        types = frozenset(self.cleaned_data.get("types") or ())
        if not types:
            raise ValidationError(TYPES_MISSING)
        if requirements(types, self.system.protocol) is None:
            raise ValidationError(
                _(
                    "Protokollen %(protocol)s kan ikke bruges til et system af denne type. "
                    "Skift først protokol under »Tilslutning«, eller opret et nyt system."
                )
                % {"protocol": Protocol(self.system.protocol).label}
            )
        return types


class ActivationEditForm(ActivationForm):
    """The wizard's "Aktivering" for an existing system.

    Only a newly chosen activation time must lie ahead (SPEC §3; the service's rule too): the
    unchanged time of a deactivated system is of course in the past, and refusing it would
    make a new deactivation time impossible to set.
    """

    def __init__(self, *args, current_from: datetime | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.current_from = current_from

    def _activation(self, data):
        day, time = data.get("activate_date"), data.get("activate_time")
        if data.get("activation") == Activation.AT and day and time and self.current_from:
            chosen = datetime.combine(day, time, tzinfo=ZoneInfo(settings.TIME_ZONE))
            if same_minute(chosen, self.current_from):
                return self.current_from
        return super()._activation(data)


def group_initial(system: MailSystem, group: str, at: datetime) -> dict:
    if group == SYSTEM:
        return {
            "name": system.name,
            "supplier_name": system.supplier_name,
            "types": sorted(types_of(is_sender=system.is_sender, is_receiver=system.is_receiver)),
        }
    if group == CONNECTION:
        return {
            "protocol": system.protocol,
            "ips": "\n".join(system.ip_list),
            "endpoint": system.endpoint,
            "receipt_endpoint": system.receipt_endpoint,
            "ssh_public_key": system.ssh_public_key,
            "delegated_cvr": system.delegated_cvr,
            "move_post_from_virk": system.move_post_from_virk,
        }
    if group == ACTIVATION:
        return ActivationForm.initial_for(system.active_from, system.active_to, now=at)
    return {
        "contact_name": system.contact_name,
        "contact_email": system.contact_email,
        "contact_phone": system.contact_phone,
        "extra_email": system.extra_email,
    }


def group_form(system: MailSystem, group: str, at: datetime, data=None) -> forms.Form:
    """The form that edits `group` of `system`, with what the service locks disabled.

    A standard supplier system's locked fields show the system's own copy, not the template
    (the supplier may have changed the template since): the forms get no `template=` here.
    Each disabled field says why it is locked, as its hint.
    """
    form = _group_form(system, group, at, data)
    active_locked = {"protocol", "types", *ACTIVATION_FIELDS} if system.is_active_at(at) else set()
    for name, field in form.fields.items():
        if field.disabled:
            field.help_text = (
                _("Kan ikke ændres, mens systemet er aktivt.")
                if name in active_locked
                else _("Låst af standard leverandørsystemet.")
            )
    return form


def _group_form(system: MailSystem, group: str, at: datetime, data) -> forms.Form:
    active = system.is_active_at(at)
    templated = system.template_id is not None
    initial = group_initial(system, group, at)
    if group == SYSTEM:
        return SystemEditForm(
            data, initial=initial, system=system, types_locked=active or templated
        )
    if group == CONNECTION:
        form = ConnectionForm(
            data,
            initial=initial,
            types=types_of(is_sender=system.is_sender, is_receiver=system.is_receiver),
            protocol_locked=active,
        )
        if templated:
            for name in ("protocol", "ips", "endpoint", "receipt_endpoint", "delegated_cvr"):
                form.fields[name].disabled = True
        return form
    if group == ACTIVATION:
        return ActivationEditForm(
            data,
            initial=initial,
            now=at,
            activation_locked=active,
            active_from=system.active_from,
            current_from=system.active_from,
        )
    form = ContactForm(data, initial=initial)
    if templated:
        for name in ("contact_name", "contact_email", "contact_phone"):
            form.fields[name].disabled = True
    return form


def service_locked(system: MailSystem, at: datetime) -> set[str]:
    """Form fields whose lock the service enforces (a posted change goes to the service)."""
    locked = set()
    if system.is_active_at(at):
        locked |= {"protocol", "types", *ACTIVATION_FIELDS}
    if system.template_id is not None:
        locked |= {"types", "protocol", "ips", "endpoint", "receipt_endpoint", "delegated_cvr"}
        locked |= {"supplier_name", "contact_name", "contact_email", "contact_phone"}
    return locked


def unlock_tampered(form: forms.Form, service_locked: set[str]) -> None:
    """Let a posted change of a locked field through to the service, which refuses it.

    Django ignores what is posted for a disabled field; that would quietly save the rest of a
    tampered form. Browsers do not post disabled inputs, so a locked field only arrives with a
    different value when someone changed the request.
    """
    tampered = []
    for name, field in form.fields.items():
        key = form.add_prefix(name)
        if not field.disabled or name not in service_locked or key not in form.data:
            continue
        probe = copy.copy(field)
        probe.disabled = False
        raw = field.widget.value_from_datadict(form.data, form.files, key)
        if probe.has_changed(form.get_initial_for_field(field, name), raw):
            tampered.append(name)
    if any(name in ACTIVATION_FIELDS for name in tampered):
        tampered += [name for name in ACTIVATION_FIELDS if name in form.fields]
        form.fields["activation"].required = True
        form.locked_from = None
    for name in tampered:
        form.fields[name].disabled = False


def same_minute(new: datetime | None, old: datetime | None) -> bool:
    """The form shows times to the minute; an untouched time must not count as a change."""
    if new is None or old is None:
        return new is old
    return new.replace(second=0, microsecond=0) == old.replace(second=0, microsecond=0)


def group_changes(system: MailSystem, group: str, data: dict) -> dict:
    """The service's `changes` from a group form's cleaned data."""
    if group == SYSTEM:
        return {
            "name": data["name"],
            "supplier_name": data["supplier_name"],
            "is_sender": "sender" in data["types"],
            "is_receiver": "receiver" in data["types"],
        }
    if group == CONNECTION:
        ips = data["ips"]
        return {
            "protocol": data["protocol"],
            "allowed_ips": list(ips.addresses),
            "ip_range": ips.range,
            "endpoint": data.get("endpoint", ""),
            "receipt_endpoint": data.get("receipt_endpoint", ""),
            "ssh_public_key": data.get("ssh_public_key", ""),
            "delegated_cvr": data.get("delegated_cvr", ""),
            "move_post_from_virk": bool(data.get("move_post_from_virk")),
        }
    if group == ACTIVATION:
        changes = {}
        for name in ("active_from", "active_to"):
            value, current = data.get(name), getattr(system, name)
            changes[name] = current if same_minute(value, current) else value
        return changes
    return {name: data[name] for name in ("contact_name", "contact_email", "contact_phone")} | {
        "extra_email": data.get("extra_email", "")
    }


def rule_error_show(form: forms.Form, error: SystemRuleError) -> None:
    name = error.field if error.field in form.fields else RULE_FIELDS.get(error.field, ("", ""))[1]
    form.add_error(name if name in form.fields else None, error.message)


def locked_rows(system: MailSystem, at: datetime) -> frozenset[str]:
    """Summary rows without "Redigér": those whose field is disabled in its group's form."""
    disabled = set()
    for group in presentation.GROUPS:
        form = group_form(system, group, at)
        disabled |= {name for name, field in form.fields.items() if field.disabled}
    return frozenset(key for key, field in ROW_FIELDS.items() if field in disabled) | {"template"}


def editable_groups(groups, locked_rows) -> set[str]:
    return {
        group.key
        for group in groups
        if any(row.group and row.key not in locked_rows for row in group.rows)
    }
