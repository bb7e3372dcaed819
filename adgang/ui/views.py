"""The shell's own pages: overview, section landing pages, error pages (SPEC §2)."""

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

from adgang.accounts.access import declare, logged_in, public
from adgang.ui.navigation import visible_sections


@logged_in
def overview(request):
    """Oversigt: one card per section the person may use in this organisation."""
    cards = [s for s in visible_sections(request.acting) if s.key != "oversigt"]
    return render(request, "ui/overview.html", {"cards": cards})


def section_view(section):
    """The landing page of a section whose app is not part of this version yet."""

    @declare(section.access)
    def view(request):
        return render(request, "ui/section.html", {"section": section})

    view.__name__ = f"section_{section.key.replace('-', '_')}"
    return view


@public
@requires_csrf_token
def csrf_failure(request, reason=""):
    """A form posted without a valid CSRF token: usually an old tab or an expired session."""
    return render(
        request,
        "ui/error.html",
        {
            "status": 403,
            "title": _("Formularen er udløbet"),
            "message": _(
                "Siden var åbnet for længe, eller din session er udløbet, så formularen blev "
                "ikke gemt. Gå tilbage, genindlæs siden og prøv igen."
            ),
        },
        status=403,
    )


def _error(request, status, title, message):
    return render(
        request,
        "ui/error.html",
        {"status": status, "title": title, "message": message},
        status=status,
    )


@requires_csrf_token
def handler403(request, exception=None):
    detail = str(exception) if exception and str(exception) else ""
    return _error(
        request,
        403,
        _("Ingen adgang"),
        detail or _("Du har ikke rettighed til at se denne side."),
    )


@requires_csrf_token
def handler404(request, exception=None):
    return _error(
        request, 404, _("Siden findes ikke"), _("Vi kan ikke finde den side, du leder efter.")
    )


@requires_csrf_token
def handler500(request):
    return _error(
        request,
        500,
        _("Der opstod en fejl"),
        _("Der skete en uventet fejl. Prøv igen senere, eller kontakt support."),
    )


def not_found(request):
    raise Http404
