""" "Opret system": the 6-step wizard, its receipt and the receipt PDF (SPEC §3, guide §5.3–5.6).

The wizard is a formtools `NamedUrlSessionWizardView` rather than a `SessionWizardView`:
every step has its own URL (`opret/<step>/`), so the browser's back button and reload show
the step the person expects, and every POST ends in a redirect (a reload never re-posts a
step). The typed data stays in the server-side session until "Tilslut" (SPEC §3 "state kept
server-side"); nothing is saved before.

Rules held on the server whatever is posted:
- a step is shown or accepted only when every step before it is valid (no skipping by URL,
  by a forged management form or by a forged "Redigér" target);
- a step's form only offers what the earlier steps allow (protocols of the chosen types,
  template fields disabled so posted values are ignored);
- "Tilslut" revalidates every step and goes through `system_create`, whose refusal sends the
  person to the step and field concerned with the message shown there.
"""

import dataclasses
from datetime import datetime

from django import forms as django_forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from adgang.accounts import rights as r
from adgang.accounts.access import AccessMixin, rights_required
from adgang.audit.services import Actor
from adgang.core import clock
from adgang.documents.pdf import PdfNotice, PdfSection, pdf_render
from adgang.documents.responses import pdf_response
from adgang.systems import presentation, receipts, selectors
from adgang.systems.forms import (
    RULE_FIELDS,
    TEMPLATE,
    ActivationForm,
    ConnectionForm,
    ContactForm,
    SystemStepForm,
    system_spec_from,
)
from adgang.systems.models import MailSystem
from adgang.systems.rules import protocols_for
from adgang.systems.services import SystemRuleError, system_create
from adgang.ui import wizard

SYSTEM, CONNECTION, ACTIVATION, CONTACT = presentation.GROUPS
SUMMARY, RECEIPT = "opsummering", "kvittering"
INPUT_STEPS = (SYSTEM, CONNECTION, ACTIVATION, CONTACT)
STEP_LABELS = (
    (SYSTEM, gettext_lazy("System")),
    (CONNECTION, gettext_lazy("Tilslutning")),
    (ACTIVATION, gettext_lazy("Aktivering")),
    (CONTACT, gettext_lazy("Kontakt")),
    (SUMMARY, gettext_lazy("Opsummering")),
    (RECEIPT, gettext_lazy("Kvittering")),
)
# Summary rows a standard supplier system defines: shown without "Redigér" (guide §5.6 step 6).
TEMPLATE_LOCKED_ROWS = frozenset(
    {"types", "protocol", "ips", "endpoint", "receipt_endpoint", "delegated_cvr", "contact"}
)


def step_indicator(current: str) -> list[dict]:
    """The six steps of "Opret system" for the DKFDS step indicator (the receipt uses it too)."""
    return wizard.step_indicator(STEP_LABELS, current)


class SummaryForm(django_forms.Form):
    """Step 5 "Opsummering" asks nothing; submitting it is "Tilslut"."""


class SystemCreateWizard(AccessMixin, wizard.GuardedWizardView):
    """Steps 1–5 of "Opret system"; step 6 is the receipt page of the created system."""

    required_rights = (r.SYSTEMADMINISTRATOR,)
    step_labels = STEP_LABELS
    summary_step = SUMMARY
    input_steps = INPUT_STEPS
    form_list = [
        (SYSTEM, SystemStepForm),
        (CONNECTION, ConnectionForm),
        (ACTIVATION, ActivationForm),
        (CONTACT, ContactForm),
        (SUMMARY, SummaryForm),
    ]

    def dispatch(self, request, *args, **kwargs):
        self.now = clock.now()
        return super().dispatch(request, *args, **kwargs)

    def get_prefix(self, request, *args, **kwargs):
        # One wizard per organisation acted for: a context switch never carries typed data over.
        return f"systems_create_{request.acting.organisation.pk.hex}"

    # -- forms -----------------------------------------------------------------------------

    @property
    def organisation(self):
        return self.request.acting.organisation

    def _template(self):
        return (self.get_cleaned_data_for_step(SYSTEM) or {}).get("template")

    def get_form_kwargs(self, step=None):
        if step == SYSTEM:
            return {"organisation": self.organisation}
        if step == CONNECTION:
            system = self.get_cleaned_data_for_step(SYSTEM) or {}
            return {"types": system.get("types", frozenset()), "template": self._template()}
        if step == ACTIVATION:
            return {"now": self.now}
        if step == CONTACT:
            return {"template": self._template()}
        return {}

    def cancel(self):
        self.storage.reset()
        messages.info(self.request, _("Oprettelsen af systemet er annulleret."))
        return redirect("systems:overview")

    def finish(self, cleaned: dict):
        """ "Tilslut": every step was validated once more; now the service (SPEC §3, audit)."""
        spec = self._spec(cleaned)
        try:
            created = system_create(
                actor=Actor.of(self.request.acting),
                organisation=self.organisation,
                spec=spec,
                now=self.now,
            )
        except SystemRuleError as error:
            step, field = self._rule_target(error.field, cleaned[SYSTEM])
            return self.rule_error_keep(step, field, error.message)
        self.storage.reset()
        receipts.key_keep(self.request, created.system.pk, created.api_key)
        return redirect("systems:receipt", pk=created.system.pk)

    @staticmethod
    def _rule_target(field: str, system: dict) -> tuple[str, str | None]:
        step, form_field = RULE_FIELDS.get(field, (SUMMARY, None))
        if step == SYSTEM and system.get("setup") == TEMPLATE:
            # From a standard system the types and name come from other fields of step 1.
            form_field = {"types": "template", "name": "template_system_name"}.get(
                form_field, form_field
            )
        return step, form_field

    @staticmethod
    def _spec(cleaned: dict):
        return system_spec_from(
            system=cleaned[SYSTEM],
            connection=cleaned[CONNECTION],
            activation=cleaned[ACTIVATION],
            contact=cleaned[CONTACT],
        )

    # -- rendering -------------------------------------------------------------------------

    def get_template_names(self):
        return [f"systems/wizard/{self.steps.current}.html"]

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form=form, **kwargs)
        step = self.steps.current
        template = self._template() if step != SYSTEM else None
        context.update(
            step_indicator=step_indicator(step),
            prev_step=self.steps.prev,
            standard_template=template,
            rule_error=None,
            back_to_summary=None,
        )
        if step == CONNECTION:
            context["protocol_fields"] = form.protocol_field_rows(
                [template.protocol] if template is not None else protocols_for(form.types)
            )
        if step == SUMMARY:
            context.update(self._summary_context(template))
        return context

    def _summary_context(self, template) -> dict:
        cleaned = {step: self.get_cleaned_data_for_step(step) for step in INPUT_STEPS}
        spec = self._spec(cleaned)
        values = {
            f.name: getattr(spec, f.name)
            for f in dataclasses.fields(spec)
            if f.name not in {"activation", "template_id"}
        }
        values["allowed_ips"] = list(spec.allowed_ips)
        preview = MailSystem(organisation=self.organisation, template=template, **values)
        return {
            "groups": presentation.system_groups(preview, activation=spec.activation),
            "editable_groups": set(INPUT_STEPS),
            "locked_rows": TEMPLATE_LOCKED_ROWS if template is not None else frozenset(),
            "summary_mode": "wizard",
            "preview": preview,
        }


create = SystemCreateWizard.as_view(url_name="systems:create-step", done_step_name=RECEIPT)


# -- receipt (step 6) ----------------------------------------------------------------------


def _seconds(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%d/%m/%Y, %H:%M:%S}"


def _receipt_facts(request, system: MailSystem) -> dict:
    """What the receipt page and its PDF both show (guide §5.3 step 8)."""
    now = clock.now()
    api_key = receipts.key_peek(request, system.pk)
    future = system.active_from is not None and system.active_from > now
    return {
        "system": system,
        "api_key": api_key,
        "type_title": system.type_title,
        "type_lower": system.type_title.lower(),
        "title": _("Kvittering - %(name)s %(type)s")
        % {"name": system.name, "type": system.type_title},
        "created": f"{timezone.localtime(system.created_at):%d/%m/%Y %H:%M}",
        "activates_at": _seconds(system.active_from) if future else "",
        "groups": presentation.system_groups(system, api_key=api_key),
    }


def _activation_notice(facts: dict) -> tuple[str, str]:
    return (
        _("%(type)s aktiveres først: %(at)s")
        % {"type": facts["type_title"], "at": facts["activates_at"]},
        _(
            "Der er valgt et fremtidigt aktiveringstidspunkt for systemet, og det vil derfor "
            "ikke aktiveres, når oprettelsen gennemføres. Aktiverings- og "
            "deaktiveringstidspunkt kan tilføjes og redigeres efter oprettelsen er gennemført."
        ),
    )


def _key_gone_text() -> str:
    return _(
        "API-key vises kun én gang og kan ikke vises igen. Har du ikke gemt den, kan du "
        "danne en ny med »Forny API-key« på systemets detaljeside."
    )


@rights_required(r.SYSTEMADMINISTRATOR)
@require_http_methods(["GET", "POST"])
def receipt(request, pk):
    """Step 6 "Kvittering": ID, CVR, date and the API key, shown this once (SPEC §3).

    "Gå til Systemoversigt" posts here: the key is forgotten, so it is not shown again.
    """
    system = selectors.system_get(request.acting.organisation, pk)
    if request.method == "POST":
        receipts.key_forget(request, system.pk)
        return redirect("systems:overview")
    facts = _receipt_facts(request, system)
    context = {
        **facts,
        "step_indicator": step_indicator(RECEIPT),
        "key_gone_text": _key_gone_text(),
    }
    if facts["activates_at"]:
        context["activation_heading"], context["activation_text"] = _activation_notice(facts)
    return render(request, "systems/wizard/kvittering.html", context)


@rights_required(r.SYSTEMADMINISTRATOR)
def receipt_pdf(request, pk):
    """The receipt as PDF: the same facts as the page plus every setting (SPEC §3, §14)."""
    system = selectors.system_get(request.acting.organisation, pk)
    facts = _receipt_facts(request, system)
    notices = [
        PdfNotice(
            "success",
            _("%(type)s oprettet") % {"type": facts["type_title"]},
        )
    ]
    if facts["activates_at"]:
        heading, text = _activation_notice(facts)
        notices.append(PdfNotice("warning", heading, text))
    receipt_rows = [
        (_("CVR"), system.organisation.cvr),
        (_("Dato"), facts["created"]),
        (_("ID"), str(system.pk)),
        (_("API-key"), facts["api_key"] or _key_gone_text()),
    ]
    sections = [PdfSection(_("Kvittering"), receipt_rows)] + [
        PdfSection(group.heading, [(row.label, "\n".join(row.values)) for row in group.rows])
        for group in facts["groups"]
    ]
    content = pdf_render(
        title=facts["title"],
        intro=_("Der er genereret et unikt ID for det oprettede %(type)s.")
        % {"type": facts["type_lower"]},
        notices=notices,
        sections=sections,
    )
    return pdf_response(content, filename=f"Kvittering {system.name}")
