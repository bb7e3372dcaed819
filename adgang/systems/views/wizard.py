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
from django.core.exceptions import SuspiciousOperation
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from formtools.wizard.forms import ManagementForm
from formtools.wizard.views import NamedUrlSessionWizardView

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
CANCEL = "wizard_cancel"
GOTO = "wizard_goto_step"
# Summary rows a standard supplier system defines: shown without "Redigér" (guide §5.6 step 6).
TEMPLATE_LOCKED_ROWS = frozenset(
    {"types", "protocol", "ips", "endpoint", "receipt_endpoint", "delegated_cvr", "contact"}
)


def step_indicator(current: str) -> list[dict]:
    """The DKFDS step indicator's six steps: done (✓), the current one, the ones to come."""
    keys = [key for key, _label in STEP_LABELS]
    position = keys.index(current)
    return [
        {
            "number": index + 1,
            "label": label,
            "state": "done" if index < position else "current" if index == position else "todo",
        }
        for index, (_key, label) in enumerate(STEP_LABELS)
    ]


class SummaryForm(django_forms.Form):
    """Step 5 "Opsummering" asks nothing; submitting it is "Tilslut"."""


class SystemCreateWizard(AccessMixin, NamedUrlSessionWizardView):
    """Steps 1–5 of "Opret system"; step 6 is the receipt page of the created system."""

    required_rights = (r.SYSTEMADMINISTRATOR,)
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

    def get_form_step_data(self, form):
        return self._raw(form.prefix)

    def _raw(self, step: str) -> dict[str, list[str]]:
        """What was posted for `step` (its prefixed fields only; no CSRF token)."""
        prefix = f"{step}-"
        return {k: self.request.POST.getlist(k) for k in self.request.POST if k.startswith(prefix)}

    def _store(self, step: str, data: dict) -> None:
        self.storage.set_step_data(step, data)
        # Later steps' forms depend on this one's cleaned data: forget what was cached.
        for name in [n for n in vars(self) if n.startswith("_cleaned_data_cache_")]:
            delattr(self, name)

    def _first_incomplete(self, *, before: str) -> str | None:
        """The first step before `before` whose stored data does not validate, if any."""
        for step in self.get_form_list():
            if step == before:
                return None
            if self.get_cleaned_data_for_step(step) is None:
                return step
        return None

    @property
    def _extra(self) -> dict:
        return self.storage.extra_data

    def _goto(self, step: str):
        self.storage.current_step = step
        return redirect(self.get_step_url(step))

    # -- requests --------------------------------------------------------------------------

    def get(self, request, *args, **kwargs):
        step = kwargs.get("step")
        if step not in self.get_form_list():
            return self._goto(self.steps.current)
        missing = self._first_incomplete(before=step)
        if missing is not None:
            return self._goto(missing)
        self.storage.current_step = step
        form = self.get_form(step, data=self.storage.get_step_data(step))
        self._show_rule_error(step, form)
        if step == SUMMARY:
            self._extra.pop("back_to_summary", None)
        return self.render(form)

    def post(self, request, *args, **kwargs):
        if CANCEL in request.POST:
            self.storage.reset()
            messages.info(request, _("Oprettelsen af systemet er annulleret."))
            return redirect("systems:overview")
        management = ManagementForm(request.POST, prefix=self.prefix)
        if not management.is_valid():
            raise SuspiciousOperation("The wizard's management form is missing or tampered with.")
        step = management.cleaned_data["current_step"]
        if step not in self.get_form_list():
            return self._goto(self.steps.current)
        missing = self._first_incomplete(before=step)
        if missing is not None:  # a forged step: the person has not got this far
            return self._goto(missing)
        self.storage.current_step = step
        goto = request.POST.get(GOTO)
        if goto:
            return self._go_to_earlier(step, goto)
        form = self.get_form(step, data=request.POST)
        if not form.is_valid():
            return self.render(form)
        self._store(step, self.get_form_step_data(form))
        if step == SUMMARY:
            return self._connect()
        if self._extra.get("back_to_summary"):
            # After "Redigér": straight back to the summary unless a later step no longer fits.
            return self._goto(self._first_incomplete(before=SUMMARY) or SUMMARY)
        return self._goto(self.get_next_step(step))

    def _go_to_earlier(self, step: str, goto: str):
        """ "Tilbage" and "Redigér": keep what was typed on this step, unvalidated (it is
        validated again when the person comes back and at "Tilslut")."""
        if goto not in self.get_form_list():
            return self._goto(step)
        if step == SUMMARY:
            self._extra["back_to_summary"] = True
        else:
            self._store(step, self._raw(step))
        return self._goto(self._first_incomplete(before=goto) or goto)

    def _connect(self):
        """ "Tilslut": every step once more, then the service (SPEC §3 rules, audit)."""
        cleaned = {}
        for step in INPUT_STEPS:
            cleaned[step] = self.get_cleaned_data_for_step(step)
            if cleaned[step] is None:
                return self._goto(step)
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
            self._extra["rule_error"] = {"step": step, "field": field, "message": error.message}
            return self._goto(step)
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

    def _show_rule_error(self, step: str, form) -> None:
        error = self._extra.get("rule_error")
        if not error or error["step"] != step:
            return
        del self._extra["rule_error"]
        if form.is_bound:
            form.is_valid()
        if error["field"] in form.fields and form.is_bound:
            # The form may already refuse the same thing by itself (the rule changed since).
            if error["message"] not in form.errors.get(error["field"], []):
                form.add_error(error["field"], error["message"])
        else:
            messages.error(self.request, error["message"])

    @staticmethod
    def _spec(cleaned: dict):
        return system_spec_from(
            system=cleaned[SYSTEM],
            connection=cleaned[CONNECTION],
            activation=cleaned[ACTIVATION],
            contact=cleaned[CONTACT],
        )

    # -- rendering -------------------------------------------------------------------------

    def render(self, form=None, **kwargs):
        form = form or self.get_form()
        # Several choices share a page, so no field gets the browser's `required` attribute.
        form.use_required_attribute = False
        return super().render(form, **kwargs)

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
