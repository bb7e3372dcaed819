"""Login, logout, test portal and context switch (SPEC §1, §2, §15)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, logout
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from adgang.accounts import selectors, services
from adgang.accounts.access import logged_in, public
from adgang.accounts.forms import (
    ContextChoiceForm,
    CvrSearchForm,
    LoginForm,
    OrganisationForm,
    PersonForm,
)
from adgang.accounts.rights import RIGHT_SLUGS
from adgang.audit.services import Actor

TESTPORTAL_ACTOR = Actor("Testportal")


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return settings.LOGIN_REDIRECT_URL


@public
@require_http_methods(["GET", "POST"])
def login_view(request):
    """The login page: one-click test people (test portal) and/or the OIDC button."""
    error = None
    if request.method == "POST":
        if not settings.ADGANG_TESTPORTAL_ENABLED:
            raise Http404
        form = LoginForm(request.POST)
        person = None
        if form.is_valid():
            person = authenticate(request, person_id=form.cleaned_data["person"])
        else:
            # Still an attempt: counts towards the throttle like any failed login.
            authenticate(request, person_id=request.POST.get("person", ""))
        if person is not None:
            services.session_start(request, person)
            return redirect(_next_url(request))
        error = _("Testpersonen findes ikke. Vælg en person på listen.")
    people = selectors.test_people() if settings.ADGANG_TESTPORTAL_ENABLED else []
    return render(
        request,
        "accounts/login.html",
        {
            "people": people,
            "error": error,
            "next": request.POST.get("next") or request.GET.get("next", ""),
            "testportal_enabled": settings.ADGANG_TESTPORTAL_ENABLED,
            "oidc_enabled": settings.ADGANG_OIDC_ENABLED,
        },
        status=400 if error else 200,
    )


@public
@require_POST
def logout_view(request):
    logout(request)
    messages.info(request, _("Du er nu logget ud."))
    return redirect("accounts:login")


@logged_in
@require_http_methods(["GET", "POST"])
def context_switch_view(request):
    """The "Skift virksomhed" dialog (SPEC §2, guide §12).

    Choose one of one's organisations, or as Systemforvalter search any CVR, see the info
    box and confirm with OK.
    """
    acting = request.acting
    memberships = selectors.memberships_of(acting.person)
    choice_form = ContextChoiceForm()
    search_form = CvrSearchForm()
    found = None
    if request.method == "POST":
        if "search" in request.POST:
            if not acting.is_systemforvalter:
                raise PermissionDenied(_("Kun en systemforvalter kan søge efter organisationer."))
            search_form = CvrSearchForm(request.POST)
            if search_form.is_valid():
                found = services.organisation_lookup(
                    acting=acting, cvr=search_form.cleaned_data["cvr"]
                )
                if found is None:
                    search_form.add_error("cvr", _("CVR-nummeret findes ikke i CVR-registret."))
        else:
            choice_form = ContextChoiceForm(request.POST)
            if choice_form.is_valid():
                new = services.context_switch(
                    request=request, organisation_id=choice_form.cleaned_data["organisation"]
                )
                messages.success(
                    request,
                    _("Du agerer nu på vegne af %(org)s.") % {"org": new.organisation.name},
                )
                return redirect("ui:overview")
    return render(
        request,
        "accounts/context_switch.html",
        {
            "memberships": memberships,
            "choice_form": choice_form,
            "search_form": search_form,
            "found": found,
            "may_switch": selectors.may_switch_context(acting),
        },
        status=400 if (choice_form.errors or search_form.errors) else 200,
    )


def _testportal_enabled():
    if not settings.ADGANG_TESTPORTAL_ENABLED:
        raise Http404


@public
@require_http_methods(["GET", "POST"])
def testportal_view(request):
    """The test portal (SPEC §1): create test organisations and people with chosen rights."""
    _testportal_enabled()
    org_form = OrganisationForm(prefix="org")
    person_form = PersonForm(prefix="person")
    if request.method == "POST":
        if request.POST.get("action") == "organisation":
            org_form = OrganisationForm(request.POST, prefix="org")
            if org_form.is_valid() and _apply(request, org_form, _create_organisation):
                return redirect("accounts:testportal")
        elif request.POST.get("action") == "person":
            person_form = PersonForm(request.POST, prefix="person")
            if person_form.is_valid() and _apply(request, person_form, _create_person):
                return redirect("accounts:testportal")
    bound = org_form.is_bound or person_form.is_bound
    return render(
        request,
        "accounts/testportal.html",
        {
            "org_form": org_form,
            "person_form": person_form,
            "organisations": selectors.test_organisations(),
            "people": selectors.test_people(),
            "right_slugs": RIGHT_SLUGS,
        },
        status=400 if bound else 200,
    )


def _apply(request, form, action) -> bool:
    """Run a service with the form's data; put a refusal next to its field."""
    try:
        message = action(form.cleaned_data)
    except services.AccountError as error:
        form.add_error(error.field if error.field in form.fields else None, str(error))
        return False
    messages.success(request, message)
    return True


def _create_organisation(data) -> str:
    organisation = services.organisation_create(
        cvr=data["cvr"],
        name=data["name"],
        kind=data["kind"],
        is_system_supplier=data["is_system_supplier"],
        actor=TESTPORTAL_ACTOR,
    )
    return _("Organisationen %(name)s er oprettet.") % {"name": organisation.name}


def _create_person(data) -> str:
    organisation = selectors.organisation_by_cvr(data["cvr"])
    if organisation is None:
        raise services.AccountError(
            _("Der findes ingen organisation med CVR-nummer %(cvr)s i testportalen.")
            % {"cvr": data["cvr"]},
            field="cvr",
        )
    membership = services.membership_create(
        organisation=organisation,
        rid=data["rid"],
        name=data["name"],
        rights=data["rights"],
        actor=TESTPORTAL_ACTOR,
    )
    return _("%(name)s er oprettet med RID %(rid)s.") % {
        "name": membership.person.name,
        "rid": membership.rid,
    }
