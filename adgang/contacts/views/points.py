""" "Opret kontaktpunkt": the 6-step wizard, its receipt, and a point's details, edit and delete
(SPEC §4, guide §6.3).

The wizard follows "Opret system" (`adgang/systems/views/wizard.py`): a formtools
`NamedUrlSessionWizardView` with one URL per step, the typed data in the server-side session
(per organisation acted for) until "Tilslut", every POST ending in a redirect. Rules held on
the server whatever is posted:
- a step is shown or accepted only when every step before it is valid (no skipping by URL or
  by a forged management form);
- "Tilbage" and "Redigér" keep what was typed on the step, unvalidated;
- "Tilslut" revalidates every step and goes through `services.point_create`, whose refusal
  sends the person to the step and field concerned with the message shown there.

"Redigér" on a point uses the same steps in a second wizard (its own storage per point): it
starts at the summary with the point's values, each step returns to the summary, and "Gem"
calls `services.point_update` with every field.
"""

import dataclasses

from django import forms as django_forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from adgang.accounts import rights as r
from adgang.accounts.access import AccessMixin, check_access
from adgang.accounts.models import OrganisationKind
from adgang.audit.services import Actor
from adgang.contacts import deeplinks, selectors, services
from adgang.contacts.forms_points import (
    ACCESSIBILITY,
    CONNECTION,
    DESCRIPTION,
    INPUT_STEPS,
    MARKUP,
    RULE_FIELDS,
    AccessibilityForm,
    ConnectionForm,
    DescriptionForm,
    MarkupForm,
    point_spec_from,
    point_step_data,
    spec_rows,
    stored_rows,
)
from adgang.contacts.models import ContactPoint
from adgang.contacts.views.access import ACCESS
from adgang.documents.pdf import PdfNotice, PdfSection, pdf_render
from adgang.documents.responses import download_response, pdf_response
from adgang.ui import wizard

SUMMARY, RECEIPT = "opsummering", "kvittering"
STEP_LABELS = (
    (DESCRIPTION, gettext_lazy("Beskrivelse")),
    (ACCESSIBILITY, gettext_lazy("Tilgængelighed")),
    (MARKUP, gettext_lazy("Opmærkning")),
    (CONNECTION, gettext_lazy("Tilslutning")),
    (SUMMARY, gettext_lazy("Opsummering")),
    (RECEIPT, gettext_lazy("Kvittering")),
)
QR_FORMATS = {"svg": "image/svg+xml", "png": "image/png"}


def step_indicator(current: str) -> list[dict]:
    """The six steps of "Opret kontaktpunkt" for the DKFDS step indicator."""
    return wizard.step_indicator(STEP_LABELS, current)


class SummaryForm(django_forms.Form):
    """Step 5 "Opsummering" asks nothing; submitting it is "Tilslut" (or "Gem")."""


class PointCreateWizard(AccessMixin, wizard.GuardedWizardView):
    """Steps 1–5 of "Opret kontaktpunkt"; step 6 is the receipt page of the created point."""

    required_rights = (r.KONTAKTSTRUKTURADMINISTRATOR,)
    allowed_kinds = (OrganisationKind.MYNDIGHED,)
    step_labels = STEP_LABELS
    summary_step = SUMMARY
    input_steps = INPUT_STEPS
    form_list = [
        (DESCRIPTION, DescriptionForm),
        (ACCESSIBILITY, AccessibilityForm),
        (MARKUP, MarkupForm),
        (CONNECTION, ConnectionForm),
        (SUMMARY, SummaryForm),
    ]
    editing = False

    def dispatch(self, request, *args, **kwargs):
        # Access first: the storage prefix and the point need the organisation acted for.
        denied = check_access(request, self.get_access())
        if denied is not None:
            return denied
        self.point = self._point(kwargs)
        return super().dispatch(request, *args, **kwargs)

    def _point(self, kwargs) -> ContactPoint | None:
        return None

    def get_prefix(self, request, *args, **kwargs):
        # One wizard per organisation acted for: a context switch never carries typed data over.
        return f"contacts_point_create_{request.acting.organisation.pk.hex}"

    def get_step_url(self, step):
        return reverse(self.url_name, kwargs={"step": step})

    @property
    def organisation(self):
        return self.request.acting.organisation

    # -- forms -----------------------------------------------------------------------------

    def get_form_kwargs(self, step=None):
        if step == DESCRIPTION:
            return {"organisation": self.organisation}
        if step == CONNECTION:
            return {"organisation": self.organisation, "editing": self.editing}
        return {}

    def back_to_summary(self) -> bool:
        return self.editing or super().back_to_summary()

    def cancel(self):
        self.storage.reset()
        messages.info(self.request, _("Oprettelsen af kontaktpunktet er annulleret."))
        return redirect("contacts:overview")

    def finish(self, cleaned: dict):
        """ "Tilslut": every step was validated once more; now the service (SPEC §4, audit)."""
        try:
            point = services.point_create(
                actor=Actor.of(self.request.acting),
                organisation=self.organisation,
                spec=point_spec_from(cleaned),
            )
        except services.ContactRuleError as error:
            return self._refused(error)
        self.storage.reset()
        return redirect("contacts:point-receipt", pk=point.pk)

    def _refused(self, error: services.ContactRuleError):
        step, field = RULE_FIELDS.get(error.field, (SUMMARY, None))
        return self.rule_error_keep(step, field, error.message)

    def get_template_names(self):
        return [f"contacts/wizard/{self.steps.current}.html"]

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form=form, **kwargs)
        step = self.steps.current
        context.update(
            step_indicator=None if self.editing else step_indicator(step),
            prev_step=self._previous(step),
            step_url=self.get_step_url(step),
            editing=self.editing,
            point=self.point,
        )
        if step == SUMMARY:
            context.update(self._summary_context())
        return context

    def _previous(self, step: str) -> str | None:
        if self.editing:
            return SUMMARY if step != SUMMARY else None
        return self.steps.prev

    def _summary_context(self) -> dict:
        cleaned = self._cleaned()
        if isinstance(cleaned, str):  # cannot happen after _first_incomplete; be safe
            return {"groups": []}
        spec = point_spec_from(cleaned)
        system = cleaned[CONNECTION]["system"]
        return {
            "groups": spec_rows(
                spec,
                group_names=[g.name for g in cleaned[DESCRIPTION]["groups"]],
                system_name=system.name if system else "",
            ),
            "summary_mode": "wizard",
        }


class PointEditWizard(PointCreateWizard):
    """ "Redigér" a point: the same steps, starting at the summary with its values."""

    editing = True

    def _point(self, kwargs) -> ContactPoint:
        return selectors.point_get(self.request.acting.organisation, kwargs.get("pk"))

    def get_prefix(self, request, *args, **kwargs):
        return f"contacts_point_edit_{request.acting.organisation.pk.hex}_{self.point.pk.hex}"

    def get_step_url(self, step):
        return reverse(self.url_name, kwargs={"pk": self.point.pk, "step": step})

    def _load(self) -> None:
        """The stored point as each step's data (a fresh start of "Redigér")."""
        self.storage.reset()
        for step, data in point_step_data(self.point).items():
            self.storage.set_step_data(step, {f"{step}-{k}": v for k, v in data.items()})

    def get(self, request, *args, **kwargs):
        """The details page starts "Redigér" afresh (`?reset`): an edit abandoned earlier
        must not come back with its old input. Within the edit, the typed data is kept."""
        step = kwargs.get("step")
        if (
            step is None
            or "reset" in request.GET
            or not self.storage.data.get(self.storage.step_data_key)
        ):
            self._load()
            return self._goto(step if step in self.get_form_list() else SUMMARY)
        return super().get(request, *args, **kwargs)

    def cancel(self):
        self.storage.reset()
        messages.info(self.request, _("Redigeringen af kontaktpunktet er annulleret."))
        return redirect("contacts:point-detail", pk=self.point.pk)

    def finish(self, cleaned: dict):
        """ "Gem": every step was validated once more; `point_update` with every field (§4)."""
        spec = point_spec_from(cleaned)
        changes = {f.name: getattr(spec, f.name) for f in dataclasses.fields(spec)}
        try:
            services.point_update(
                actor=Actor.of(self.request.acting), point=self.point, changes=changes
            )
        except services.ContactRuleError as error:
            return self._refused(error)
        self.storage.reset()
        messages.success(self.request, _("Ændringerne af kontaktpunktet er gemt."))
        return redirect("contacts:point-detail", pk=self.point.pk)


point_create = PointCreateWizard.as_view(
    url_name="contacts:point-create-step", done_step_name=RECEIPT
)
point_edit = PointEditWizard.as_view(url_name="contacts:point-edit-step", done_step_name=RECEIPT)


# -- receipt (step 6), QR codes, details, delete -------------------------------------------


def _links(point: ContactPoint) -> list[dict]:
    """Each deep link with its inline QR code and download addresses (SPEC §4)."""
    links = []
    for link in deeplinks.point_links(point):
        target = link.target.lower()
        links.append(
            {
                "target": target,
                "label": link.label,
                "url": link.url,
                # segno's own markup of our URL (no script, no style): safe to place inline.
                "qr": mark_safe(deeplinks.qr_svg(link.url, title=link.label)),  # noqa: S308
                "svg_url": reverse("contacts:point-qr", args=[point.pk, target, "svg"]),
                "png_url": reverse("contacts:point-qr", args=[point.pk, target, "png"]),
            }
        )
    return links


def _created(point: ContactPoint) -> str:
    return f"{timezone.localtime(point.created_at):%d/%m/%Y %H:%M}"


def _point_pdf(point: ContactPoint, links: list[dict]):
    """ "Download kontaktpunkt indstillinger": the receipt's facts, links and every setting."""
    sections = [
        PdfSection(
            _("Kvittering"),
            [(_("Dato"), _created(point)), (_("ID"), str(point.pk))]
            + [(link["label"], link["url"]) for link in links],
        )
    ] + [
        PdfSection(group.heading, [(row.label, "\n".join(row.values)) for row in group.rows])
        for group in stored_rows(point)
    ]
    content = pdf_render(
        title=_("Kvittering - %(name)s") % {"name": point.name},
        intro=_(
            "Der er genereret et unikt ID for kontaktpunktet, samt dybe links for de valgte "
            "målgrupper."
        ),
        notices=[PdfNotice("success", _("Kontaktpunkt er oprettet"))],
        sections=sections,
    )
    return pdf_response(content, filename=f"Kontaktpunkt {point.name}")


@ACCESS
@require_http_methods(["GET"])
def point_receipt(request, pk):
    """Step 6 "Kvittering": date, ID and a deep link with QR code per target group (SPEC §4).
    `?download=pdf` gives the same as a PDF ("Download kontaktpunkt indstillinger")."""
    point = selectors.point_get(request.acting.organisation, pk)
    links = _links(point)
    if request.GET.get("download") == "pdf":
        return _point_pdf(point, links)
    return render(
        request,
        "contacts/point_receipt.html",
        {
            "point": point,
            "created": _created(point),
            "links": links,
            "step_indicator": step_indicator(RECEIPT),
        },
    )


@ACCESS
@require_http_methods(["GET"])
def point_qr(request, pk, target, fmt):
    """A deep link's QR code as an SVG or PNG file (SPEC §4 "QR codes as SVG and PNG")."""
    point = selectors.point_get(request.acting.organisation, pk)
    link = next(
        (link for link in deeplinks.point_links(point) if link.target.lower() == target.lower()),
        None,
    )
    if link is None or fmt not in QR_FORMATS:
        raise Http404
    if fmt == "svg":
        content = deeplinks.qr_svg(link.url, title=link.label).encode("utf-8")
    else:
        content = deeplinks.qr_png(link.url)
    return download_response(
        content,
        filename=f"QR {point.name} {link.label}.{fmt}",
        content_type=QR_FORMATS[fmt],
    )


@ACCESS
@require_http_methods(["GET"])
def point_detail(request, pk):
    """A point's every field, groups, status and availability, deep links (SPEC §4)."""
    point = selectors.point_get(request.acting.organisation, pk)
    return render(
        request,
        "contacts/point_detail.html",
        {
            "point": point,
            "groups": stored_rows(point),
            "summary_mode": "details",
            "available": selectors.point_available(point),
            "links": _links(point),
        },
    )


@ACCESS
@require_http_methods(["GET", "POST"])
def point_delete(request, pk):
    """ "Slet kontaktpunkt": a confirm page, then `services.point_delete` (SPEC §4)."""
    point = selectors.point_get(request.acting.organisation, pk)
    if request.method == "POST":
        try:
            services.point_delete(actor=Actor.of(request.acting), point=point)
        except services.ContactRuleError as error:
            messages.error(request, error.message)
            return redirect("contacts:overview")
        messages.success(request, _("Kontaktpunktet »%(name)s« er slettet.") % {"name": point.name})
        return redirect("contacts:overview")
    groups = sorted(point.groups.values_list("name", flat=True), key=str.casefold)
    return render(request, "contacts/point_delete.html", {"point": point, "groups": groups})
