"""Tilbagekald (SPEC §10, guide §13): search a message by its ID → the info box →
"Tilbagekald" → confirm → the recall by `adgang.messaging.recall.message_recall`.

Every step checks the rule again (another tab may have recalled the message, or its value
date may have passed since the search); a refusal is shown next to the MeddelelsesID field
in the rule's own words. The found message is kept in the session (`found.py`); URLs carry
only an opaque token. Works without JavaScript: the confirm is a page of its own.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from adgang.accounts import rights as r
from adgang.accounts.access import rights_required
from adgang.accounts.models import OrganisationKind
from adgang.audit.services import Actor
from adgang.messaging.recall import (
    RecallRefused,
    message_recall,
    recall_candidate,
    recall_check,
)
from adgang.recall.forms import MessageSearchForm
from adgang.recall.found import found_keep, found_message_id
from adgang.recall.presentation import message_rows

# SPEC §1: recall is the Systemadministrator's, for authorities only (as the tab in
# adgang/ui/navigation.py).
recall_access = rights_required(r.SYSTEMADMINISTRATOR, kinds=(OrganisationKind.MYNDIGHED,))


@recall_access
def search(request):
    """The MeddelelsesID field; a message that may be recalled → its page (by token)."""
    form = MessageSearchForm(
        request.POST if request.method == "POST" else None,
        organisation=request.acting.organisation,
    )
    if request.method == "POST" and form.is_valid():
        return redirect("recall:found", token=found_keep(request, form.message))
    return render(request, "recall/search.html", {"form": form})


@recall_access
def found(request, token: str):
    """The found message's info box and "Tilbagekald" while the rule still allows it, else
    the reason next to the field (the box stays, so the person sees which message)."""
    organisation = request.acting.organisation
    message_id = found_message_id(request, token)
    form = MessageSearchForm({"message_id": str(message_id)}, organisation=organisation)
    recallable = form.is_valid()
    try:
        message = form.message or recall_candidate(organisation, message_id)
    except RecallRefused as refused:  # the token was made for a message of this organisation
        raise Http404 from refused
    context = {
        "form": form,
        "token": token,
        "recallable": recallable,
        "info_rows": message_rows(message),
    }
    return render(request, "recall/search.html", context)


@recall_access
def confirm(request, token: str):
    """ "Bekræft tilbagekaldelsen": GET asks, POST recalls (irreversible)."""
    organisation = request.acting.organisation
    message_id = found_message_id(request, token)
    if request.method == "POST":
        try:
            message = message_recall(
                organisation=organisation,
                message_id=message_id,
                actor=Actor.of(request.acting),
            )
        except RecallRefused:
            # The found page checks again and shows why next to the field.
            messages.error(request, _("Meddelelsen blev ikke tilbagekaldt."))
            return redirect("recall:found", token=token)
        messages.success(
            request,
            _(
                "Meddelelsen »%(title)s« (ID %(id)s) er tilbagekaldt og bliver ikke afleveret "
                "til modtageren. Tilbagekaldelsen kan ses i Log for meddelelser."
            )
            % {"title": message.title, "id": message.pk},
        )
        return redirect("recall:search")
    try:
        message = recall_check(organisation=organisation, message_id=message_id)
    except RecallRefused:
        return redirect("recall:found", token=token)
    return render(
        request,
        "recall/confirm.html",
        {"token": token, "info_rows": message_rows(message)},
    )
