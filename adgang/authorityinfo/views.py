"""Myndighedsinformation pages (SPEC §9, guide §11): the overview with the two links, the
privacy-link page, the logo page, their delete confirmations and the logo preview.

Thin: forms parse, the services check again and save with the action log. Every page is the
current organisation's own data; the preview's id must be that organisation's (else 404).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from adgang.accounts import rights as r
from adgang.accounts.access import rights_required
from adgang.accounts.models import OrganisationKind
from adgang.audit.services import Actor
from adgang.authorityinfo import images, selectors, services
from adgang.authorityinfo.forms import SAVE, TEST, LogoForm, PrivacyLinkForm

# Guide §11.2: Systemadministrator or Kontaktstrukturadministrator, authorities only.
ACCESS = rights_required(
    r.SYSTEMADMINISTRATOR, r.KONTAKTSTRUKTURADMINISTRATOR, kinds=(OrganisationKind.MYNDIGHED,)
)
READ = ("GET", "HEAD")
READ_AND_POST = ("GET", "HEAD", "POST")


@ACCESS
def page(request):
    """ "Myndighedsinformation": what is set now, and the way to each of the two pages."""
    if request.method not in READ:
        return HttpResponseNotAllowed(READ)
    info = selectors.info_of(request.acting.organisation)
    return render(request, "authorityinfo/page.html", {"info": info})


@ACCESS
def link_edit(request):
    """ "Angiv link til privatlivspolitik" (guide §11.3): "Afprøv link" checks the typed link
    and offers it to open in a new tab (the server never fetches it); "Gem" saves it."""
    if request.method not in READ_AND_POST:
        return HttpResponseNotAllowed(READ_AND_POST)
    organisation = request.acting.organisation
    info = selectors.info_of(organisation)
    saved = info.privacy_link if info else ""
    tested = ""
    if request.method != "POST":
        form = PrivacyLinkForm(initial={"link": saved})
    else:
        form = PrivacyLinkForm(request.POST)
        if form.is_valid():
            link = form.cleaned_data["link"]
            if request.POST.get("action") == TEST:
                tested = link
            else:
                try:
                    services.privacy_link_set(
                        actor=Actor.of(request.acting), organisation=organisation, link=link
                    )
                except ValidationError as error:
                    form.add_error("link", error)
                else:
                    messages.success(request, _("Linket til privatlivspolitikken er gemt."))
                    return redirect("authorityinfo:page")
    return render(
        request,
        "authorityinfo/link_form.html",
        {"form": form, "saved": saved, "tested": tested, "save": SAVE, "test": TEST},
    )


@ACCESS
def link_delete(request):
    """ "Slet" the privacy link, after a confirmation."""
    if request.method not in READ_AND_POST:
        return HttpResponseNotAllowed(READ_AND_POST)
    organisation = request.acting.organisation
    info = selectors.info_of(organisation)
    if not info or not info.privacy_link:
        messages.info(request, _("Der er intet link til privatlivspolitik at slette."))
        return redirect("authorityinfo:page")
    if request.method == "POST":
        services.privacy_link_delete(actor=Actor.of(request.acting), organisation=organisation)
        messages.success(request, _("Linket til privatlivspolitikken er slettet."))
        return redirect("authorityinfo:page")
    return render(request, "authorityinfo/link_delete.html", {"info": info})


@ACCESS
@csrf_exempt  # only so the bounded upload handler can be installed; CSRF is checked below
def logo_edit(request):
    """ "Redigér logo" (guide §11.4). The upload is read by `BoundedUploadHandler`, so at
    most 512 KB + 1 bytes of it are ever held, whatever the client sends."""
    if request.method == "POST":
        request.upload_handlers = [images.BoundedUploadHandler(request)]
    return _logo_edit(request)


@csrf_protect
def _logo_edit(request):
    if request.method not in READ_AND_POST:
        return HttpResponseNotAllowed(READ_AND_POST)
    organisation = request.acting.organisation
    form = LogoForm(request.POST, request.FILES) if request.method == "POST" else LogoForm()
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["logo"]
        try:
            services.logo_set(
                actor=Actor.of(request.acting),
                organisation=organisation,
                content=upload["content"],
                filename=upload["name"],
            )
        except images.LogoRefused as refused:
            form.add_error("logo", ValidationError(refused.message, code=refused.code))
        else:
            messages.success(
                request, _("Logoet er gemt. Det vises fra nu af på den post, I sender.")
            )
            return redirect("authorityinfo:page")
    info = selectors.info_of(organisation)
    return render(request, "authorityinfo/logo_form.html", {"form": form, "info": info})


@ACCESS
def logo_delete(request):
    """Delete the logo, after a confirmation."""
    if request.method not in READ_AND_POST:
        return HttpResponseNotAllowed(READ_AND_POST)
    organisation = request.acting.organisation
    info = selectors.info_of(organisation)
    if not info or not info.has_logo:
        messages.info(request, _("Der er intet logo at slette."))
        return redirect("authorityinfo:page")
    if request.method == "POST":
        services.logo_delete(actor=Actor.of(request.acting), organisation=organisation)
        messages.success(request, _("Logoet er slettet."))
        return redirect("authorityinfo:page")
    return render(request, "authorityinfo/logo_delete.html", {"info": info})


@ACCESS
def logo_image(request, pk):
    """The saved logo for the pages' preview: our own re-encoded PNG, never sniffed."""
    if request.method not in READ:
        return HttpResponseNotAllowed(READ)
    info = selectors.logo_of(request.acting.organisation, pk)
    response = HttpResponse(bytes(info.logo_png), content_type=images.CONTENT_TYPE)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-cache"
    response["Content-Disposition"] = 'inline; filename="logo.png"'
    return response
