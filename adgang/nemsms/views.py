"""NemSMS borger and NemSMS virksomhed (SPEC §7, guide §9.3–9.4); the citizen's
confirmation link is in `confirm_views.py`.

Caseworker flow, the same for both pages (an `Audience` each):
search (POST, CPR/CVR through the register forms, logged as "NemSMS-register") → the
status table at `<key>/` (the record kept in the session, never the number in a URL) →
"Tilmeld" / "Skift nummer": phone form → summary → "Godkend" → receipt (page + PDF, kept
once in the session); "Frameld": summary → "Frameld" → receipt. Every POST ends in a
redirect; a refusal is shown next to the field with what was typed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from adgang.accounts import rights as r
from adgang.accounts.access import Access, declare
from adgang.accounts.models import OrganisationKind
from adgang.audit.models import Register
from adgang.audit.services import Actor
from adgang.core.clock import now
from adgang.documents.kept_once import receipt_keep, receipt_peek
from adgang.documents.responses import pdf_response
from adgang.nemsms import documents, services
from adgang.nemsms.chosen import chosen_draft_set, chosen_forget, chosen_get, chosen_keep
from adgang.nemsms.forms import PhoneForm
from adgang.nemsms.models import NemSmsIdType, NemSmsState
from adgang.nemsms.phone import phone_display
from adgang.nemsms.selectors import nemsms_registration_live
from adgang.registers.forms import CompanyLookupForm, PersonLookupForm
from adgang.registers.validation import format_cpr, mask_cpr

AUTHORITIES = (OrganisationKind.MYNDIGHED,)
SIGNUP, CHANGE, CANCEL = "signup", "change", "cancel"


@dataclass(frozen=True)
class Audience:
    """One of the two caseworker pages: who is signed up, by whom, with which words."""

    name: str  # URL name prefix: "citizen" / "company"
    id_type: str
    access: Access
    lookup_form: type
    title: str
    intro: str
    search_label: str
    number_label: str
    subject_word: str  # "borgeren" / "virksomheden"
    read_more: str

    def url(self, suffix: str = "", *args) -> str:
        return reverse(f"nemsms:{self.name}{'-' + suffix if suffix else ''}", args=args)

    def display_number(self, number: str, *, masked: bool = True) -> str:
        if self.id_type == NemSmsIdType.CPR:
            return mask_cpr(number) if masked else format_cpr(number)
        return number


CITIZEN = Audience(
    name="citizen",
    id_type=NemSmsIdType.CPR,
    access=Access(login=True, rights=(r.BORGERSERVICE,), kinds=AUTHORITIES),
    lookup_form=PersonLookupForm,
    title=_("NemSMS borger"),
    intro=_(
        "På siden 'NemSMS borger' kan du administrere en borgers til- eller framelding til NemSMS."
    ),
    search_label=_("Fremsøg borger (CPR)"),
    number_label=_("CPR-nr."),
    subject_word=_("borgeren"),
    read_more=_("Du kan læse mere om NemSMS på borger.dk."),
)
COMPANY = Audience(
    name="company",
    id_type=NemSmsIdType.CVR,
    access=Access(login=True, rights=(r.BORGERSERVICE, r.ERHVERVSSERVICE), kinds=AUTHORITIES),
    lookup_form=CompanyLookupForm,
    title=_("NemSMS virksomhed"),
    intro=_(
        "På siden 'NemSMS virksomhed' kan du administrere en virksomheds til- eller "
        "framelding til NemSMS."
    ),
    search_label=_("Fremsøg virksomhed (CVR)"),
    number_label=_("CVR-nr."),
    subject_word=_("virksomheden"),
    read_more=_("Du kan læse mere om NemSMS på Virk."),
)
AUDIENCES = (CITIZEN, COMPANY)

ACTION_TITLES = {
    SIGNUP: _("Tilmeld NemSMS"),
    CHANGE: _("Skift telefonnummer"),
    CANCEL: _("Frameld NemSMS"),
}


def _lookup_form(audience: Audience, request, data=None):
    form = audience.lookup_form(
        data, acting=request.acting, register=Register.NEMSMSREGISTER, prefix="search"
    )
    form.fields[form.field_name].label = audience.search_label
    return form


def _context(audience: Audience, **extra) -> dict:
    return {"audience": audience, **extra}


def _row(audience: Audience, chosen) -> dict:
    registration = nemsms_registration_live(chosen.id_type, chosen.number)
    pending = getattr(registration, "open_confirmation", None)
    awaiting = registration is not None and (
        registration.state == NemSmsState.PENDING or pending is not None
    )
    return {
        "number": audience.display_number(chosen.number),
        "name": chosen.name,
        "registration": registration,
        "pending": pending,
        "awaiting": awaiting,
        # No open link at all (a pending sign-up made outside these pages) counts as expired.
        "link_expired": awaiting and (pending is None or pending.expires_at <= now()),
    }


def search_view(audience: Audience):
    @declare(audience.access)
    @require_http_methods(["GET", "POST"])
    def view(request):
        """Step 1: "Fremsøg" (POST only, so the number never reaches a URL)."""
        if request.method == "POST":
            form = _lookup_form(audience, request, request.POST)
            if form.is_valid():
                record = form.record
                key = chosen_keep(
                    request,
                    id_type=audience.id_type,
                    number=getattr(record, "cpr", None) or record.cvr,
                    name=record.name,
                )
                return redirect(audience.url("subject", key))
        else:
            form = _lookup_form(audience, request)
        return render(request, "nemsms/search.html", _context(audience, form=form))

    view.__name__ = f"{audience.name}_search"
    return view


def subject_view(audience: Audience):
    @declare(audience.access)
    @require_http_methods(["GET"])
    def view(request, key: str):
        """Step 2: the status table with "Tilmeld", or "Skift nummer" and "Frameld"."""
        chosen = chosen_get(request, key, audience.id_type)
        return render(
            request,
            "nemsms/search.html",
            _context(
                audience,
                form=_lookup_form(audience, request),
                chosen=chosen,
                row=_row(audience, chosen),
            ),
        )

    view.__name__ = f"{audience.name}_subject"
    return view


def _phone_page(request, audience: Audience, chosen, action: str, registration, form):
    return render(
        request,
        "nemsms/phone_form.html",
        _context(
            audience,
            form=form,
            chosen=chosen,
            action=action,
            action_title=ACTION_TITLES[action],
            registration=registration,
            number=audience.display_number(chosen.number, masked=False),
        ),
    )


def phone_view(audience: Audience, action: str):
    @declare(audience.access)
    @require_http_methods(["GET", "POST"])
    def view(request, key: str):
        """Step 3: the phone number ("Tilmeld" or "Skift nummer"); valid → the summary."""
        chosen = chosen_get(request, key, audience.id_type)
        registration = nemsms_registration_live(chosen.id_type, chosen.number)
        if (action == SIGNUP) != (registration is None):
            return redirect(audience.url("subject", key))  # the table offers what fits
        if request.method == "POST":
            form = PhoneForm(request.POST)
            if form.is_valid():
                chosen_draft_set(
                    request,
                    key,
                    {
                        "action": action,
                        "phone": form.data["phone"],
                        "e164": form.cleaned_data["phone"],
                    },
                )
                return redirect(audience.url(f"{action}-summary", key))
        else:
            typed = chosen.draft.get("phone") if chosen.draft.get("action") == action else None
            form = PhoneForm(initial={"phone": typed} if typed else None)
        return _phone_page(request, audience, chosen, action, registration, form)

    view.__name__ = f"{audience.name}_{action}"
    return view


def _service_call(audience: Audience, request, chosen, action: str, phone: str = ""):
    common = {
        "actor": Actor.of(request.acting),
        "organisation": request.acting.organisation,
        "id_type": chosen.id_type,
        "number": chosen.number,
        "name": chosen.name,
    }
    if action == SIGNUP:
        return services.nemsms_signup(phone=phone, **common)
    if action == CHANGE:
        return services.nemsms_phone_change(phone=phone, **common)
    return services.nemsms_unregister(**common)


def summary_view(audience: Audience, action: str):
    @declare(audience.access)
    @require_http_methods(["GET", "POST"])
    def view(request, key: str):
        """The summary before the change; POST ("Godkend" / "Frameld") makes it."""
        chosen = chosen_get(request, key, audience.id_type)
        registration = nemsms_registration_live(chosen.id_type, chosen.number)
        phone = ""
        if action != CANCEL:
            if chosen.draft.get("action") != action:
                return redirect(audience.url(action, key))
            phone = chosen.draft["e164"]
        elif registration is None:
            return redirect(audience.url("subject", key))
        error = None
        if request.method == "POST":
            try:
                change = _service_call(audience, request, chosen, action, phone)
            except services.NemSmsError as refusal:
                if refusal.field == "phone":
                    form = PhoneForm(chosen.draft and {"phone": chosen.draft["phone"]})
                    form.is_valid()
                    form.add_error("phone", refusal.message)
                    return _phone_page(request, audience, chosen, action, registration, form)
                error = refusal.message
            else:
                chosen_forget(request, key)
                data = documents.receipt_data(audience, chosen, action, change)
                token = receipt_keep(request, f"nemsms-{audience.name}", data)
                return redirect(audience.url("receipt", token))
        return render(
            request,
            "nemsms/summary.html",
            _context(
                audience,
                chosen=chosen,
                action=action,
                action_title=ACTION_TITLES[action],
                registration=registration,
                phone=phone,
                error=error,
                number=audience.display_number(chosen.number, masked=False),
            ),
        )

    view.__name__ = f"{audience.name}_{action}_summary"
    return view


def resend_view(audience: Audience):
    @declare(audience.access)
    @require_http_methods(["POST"])
    def view(request, key: str):
        """ "Send nyt link" in the table: a fresh confirmation link to the number that awaits
        confirmation (the earlier link stops working)."""
        chosen = chosen_get(request, key, audience.id_type)
        try:
            change = services.nemsms_link_resend(
                actor=Actor.of(request.acting),
                organisation=request.acting.organisation,
                id_type=chosen.id_type,
                number=chosen.number,
                name=chosen.name,
            )
        except services.NemSmsError as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(
                request,
                _("Et nyt bekræftelseslink er sendt til %(phone)s. Det virker i 48 timer.")
                % {"phone": phone_display(change.phone)},
            )
        return redirect(audience.url("subject", key))

    view.__name__ = f"{audience.name}_resend"
    return view


def _receipt(audience: Audience, request, token: str) -> dict:
    data = receipt_peek(request, f"nemsms-{audience.name}", token)
    if data is None:
        raise Http404
    return data


def receipt_view(audience: Audience):
    @declare(audience.access)
    @require_http_methods(["GET"])
    def view(request, token: str):
        """Step 4: "Tilmelding gennemført" with "Download" (PDF) and a print-friendly page."""
        data = _receipt(audience, request, token)
        return render(
            request,
            "nemsms/receipt.html",
            _context(
                audience,
                receipt=data,
                token=token,
                explanation=documents.EXPLANATION,
                read_more=audience.read_more,
            ),
        )

    view.__name__ = f"{audience.name}_receipt"
    return view


def receipt_pdf_view(audience: Audience):
    @declare(audience.access)
    @require_http_methods(["GET"])
    def view(request, token: str):
        data = _receipt(audience, request, token)
        return pdf_response(documents.receipt_pdf(audience, data), filename=data["filename"])

    view.__name__ = f"{audience.name}_receipt_pdf"
    return view
