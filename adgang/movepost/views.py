"""Flyt post pages (SPEC §12, guide §15.3): overview with history, the choice of post and
destination, the summary with its acknowledgement, the receipt and its PDF, and the history
fragment the overview polls while a move runs."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from adgang.accounts.access import rights_required
from adgang.accounts.models import OrganisationKind
from adgang.accounts.rights import SYSTEMADMINISTRATOR
from adgang.audit.services import Actor
from adgang.documents.kept_once import receipt_keep, receipt_peek
from adgang.documents.responses import pdf_response
from adgang.movepost import selectors
from adgang.movepost.documents import receipt_pdf, receipt_rows
from adgang.movepost.forms import ConfirmForm, MoveForm
from adgang.movepost.models import Destination
from adgang.movepost.services import MoveRefused, post_move_start

ACCESS = rights_required(SYSTEMADMINISTRATOR, kinds=(OrganisationKind.MYNDIGHED,))
RECEIPT_KIND = "movepost"
CHOICE_KEY = "movepost_choice"


def _choice_key(request) -> str:
    return f"{CHOICE_KEY}:{request.acting.organisation.pk}"


def _history_context(organisation) -> dict:
    moves = list(selectors.moves_of(organisation)[:50])
    return {"moves": moves, "running": any(move.is_running for move in moves)}


@ACCESS
def overview(request):
    organisation = request.acting.organisation
    context = {
        "count": selectors.platform_post_count(organisation),
        **_history_context(organisation),
    }
    return render(request, "movepost/overview.html", context)


@ACCESS
def history(request):
    """The history table alone: what the overview's script polls while a move runs."""
    response = render(
        request, "movepost/includes/history.html", _history_context(request.acting.organisation)
    )
    response["Cache-Control"] = "no-store"
    return response


@ACCESS
def move_new(request):
    """Step 2–3: which post and where to. "Tilbage" from the summary shows what was chosen."""
    organisation = request.acting.organisation
    if request.method == "POST":
        form = MoveForm(request.POST, organisation=organisation)
        if form.is_valid():
            request.session[_choice_key(request)] = {
                key: value for key, value in request.POST.items() if key in form.fields
            }
            return redirect("movepost:summary")
    else:
        kept = request.session.get(_choice_key(request))
        form = MoveForm(initial=kept or {}, organisation=organisation)
    return render(
        request,
        "movepost/move_form.html",
        {"form": form, "count": selectors.platform_post_count(organisation)},
    )


def _post_text(move_request, count: int) -> str:
    if move_request.period_start is None:
        return _("Al post (%(count)s meddelelser)") % {"count": count}
    return _("Post fra %(start)s til %(end)s (%(count)s meddelelser)") % {
        "start": timezone.localtime(move_request.period_start).strftime("%d/%m/%Y %H:%M"),
        "end": timezone.localtime(move_request.period_end).strftime("%d/%m/%Y %H:%M"),
        "count": count,
    }


def _destination_text(destination: str, point) -> str:
    if destination == Destination.CHOSEN:
        return _("Kontaktpunkt: %(name)s (%(id)s)") % {"name": point.name, "id": point.pk}
    return _("Opmærket destination. Failover: %(name)s (%(id)s)") % {
        "name": point.name,
        "id": point.pk,
    }


@ACCESS
def summary(request):
    """Step 4: "Opsummering" with the count and the required acknowledgement → "Start"."""
    organisation = request.acting.organisation
    kept = request.session.get(_choice_key(request))
    choice = MoveForm(kept, organisation=organisation) if kept else None
    if choice is None or not choice.is_valid():
        return redirect("movepost:new")
    preview = choice.move_request(acknowledged=False)
    point = selectors.point_find(organisation, preview.point_id)
    count = selectors.platform_post_count(
        organisation, start=preview.period_start, end=preview.period_end
    )
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            move = post_move_start(
                actor=Actor.of(request.acting),
                organisation=organisation,
                request=choice.move_request(acknowledged=True),
            )
        except MoveRefused as refused:
            field = refused.field if refused.field in form.fields else None
            form.add_error(field, str(refused.message))
        else:
            request.session.pop(_choice_key(request), None)
            token = receipt_keep(
                request,
                RECEIPT_KIND,
                {
                    "move": str(move.pk),
                    "started": move.started_at.isoformat(),
                    "post": _post_text(preview, move.total),
                    "destination": _destination_text(move.destination, point),
                },
            )
            return redirect("movepost:receipt", token=token)
    return render(
        request,
        "movepost/summary.html",
        {
            "form": form,
            "post": _post_text(preview, count),
            "destination": _destination_text(preview.destination, point),
        },
    )


def _kept(request, token: str) -> dict:
    data = receipt_peek(request, RECEIPT_KIND, token)
    if data is None:
        raise Http404
    return data


@ACCESS
def receipt(request, token: str):
    """Step 5: "Flytning igangsat" with the receipt (kept once: it cannot be made later)."""
    data = _kept(request, token)
    return render(
        request,
        "movepost/receipt.html",
        {"token": token, "rows": receipt_rows(data)},
    )


@ACCESS
def receipt_download(request, token: str):
    data = _kept(request, token)
    return pdf_response(receipt_pdf(data), filename="kvittering-flyt-post.pdf")
