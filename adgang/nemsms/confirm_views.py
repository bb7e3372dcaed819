"""The citizen's confirmation link, `/nemsms/bekraeft/<token>/` (SPEC §7): public (opened on
the phone, no login); GET shows what will be confirmed, only the POST of "Bekræft" confirms (a
link scanner that opens the link confirms nothing). A used, expired, unknown or superseded
link gets a page that says so in Danish, and nothing changes.
"""

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from adgang.accounts.access import public
from adgang.core.clock import now
from adgang.nemsms import services
from adgang.nemsms.models import NemSmsIdType, NemSmsState
from adgang.nemsms.selectors import confirmation_by_token
from adgang.nemsms.views import CITIZEN, COMPANY

PROBLEMS = {
    services.UNKNOWN: (
        _("Linket er ugyldigt"),
        _(
            "Vi kan ikke finde en tilmelding til NemSMS, som dette link hører til. Tjek, at du "
            "har åbnet hele linket fra sms'en."
        ),
        404,
    ),
    services.EXPIRED: (
        _("Linket er udløbet"),
        _(
            "Et bekræftelseslink virker i 48 timer. Kontakt din kommune for at få tilsendt et "
            "nyt link."
        ),
        410,
    ),
    services.USED: (
        _("Linket er allerede brugt"),
        _("Telefonnummeret er allerede bekræftet med dette link. Du behøver ikke gøre mere."),
        410,
    ),
    services.SUPERSEDED: (
        _("Linket gælder ikke længere"),
        _(
            "Tilmeldingen er ændret, efter linket blev sendt (fx til et andet telefonnummer), "
            "eller den er afmeldt. Brug linket i den nyeste sms, eller kontakt din kommune."
        ),
        410,
    ),
}


def _problem_page(request, code: str):
    heading, text, status = PROBLEMS[code]
    return render(
        request,
        "nemsms/confirm_problem.html",
        {"heading": heading, "text": text, "code": code},
        status=status,
    )


@public
@require_http_methods(["GET", "POST"])
def confirm(request, token: str):
    """GET shows what will be confirmed and a "Bekræft" button; only the POST confirms (a
    link scanner that opens the link must not confirm anything)."""
    if request.method == "POST":
        try:
            change = services.nemsms_confirm(token=token)
        except services.ConfirmationProblem as problem:
            return _problem_page(request, problem.code)
        return render(request, "nemsms/confirm_done.html", {"phone": change.phone})
    confirmation = confirmation_by_token(token)
    problem = services.confirmation_problem(confirmation, now())
    if problem is not None:
        return _problem_page(request, problem)
    registration = confirmation.registration
    audience = CITIZEN if registration.id_type == NemSmsIdType.CPR else COMPANY
    response = render(
        request,
        "nemsms/confirm.html",
        {
            "phone": confirmation.phone,
            "number_label": audience.number_label,
            "number": audience.display_number(registration.number),
            "is_change": registration.state != NemSmsState.PENDING,
        },
    )
    # The token is in the URL: never send it to another site. ("no-referrer" would make the
    # browser post the form with "Origin: null", which CSRF rightly refuses.)
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "no-store"
    return response
