""" "Slet gruppe": preview, confirmation and the progress of the background deletion
(SPEC §4 "Delete group", guide §6.5)."""

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from adgang.audit.services import Actor
from adgang.contacts import selectors
from adgang.contacts.graph import POINT, Mark, PreviewRow, Structure
from adgang.contacts.models import ContactPoint, GroupDeletion, JobStatus
from adgang.contacts.tasks import group_deletion_task
from adgang.contacts.views.access import ACCESS

# DKFDS spacing classes go up to pl-9; deeper rows keep the deepest indent.
INDENT_MAX = 9


class ConfirmForm(forms.Form):
    understood = forms.BooleanField(
        label=gettext_lazy(
            "Jeg er indforstået med sletningen af kontaktgruppen, og at handlingen ikke kan "
            "fortrydes."
        ),
        error_messages={
            "required": gettext_lazy(
                "Bekræft, at du er indforstået med sletningen, før du trykker på »Slet«."
            )
        },
    )


@dataclass(frozen=True)
class PreviewLine:
    """A preview row with the point's columns (Målgruppe, Status, Synlighed) filled in."""

    row: PreviewRow
    indent: str
    targets: str = ""
    status: str = ""
    visibility: str = ""

    @property
    def is_group(self) -> bool:
        return self.row.node.kind != POINT

    @property
    def is_deleted(self) -> bool:
        return self.row.mark == Mark.DELETE


def _preview_lines(organisation, rows) -> list[PreviewLine]:
    """The plan's rows with each point's details, read in one query."""
    point_ids = {row.node.id for row in rows if row.node.kind == POINT}
    points = {
        p.pk: p
        for p in ContactPoint.objects.filter(organisation=organisation, pk__in=point_ids).only(
            "id", "targets", "active", "visible"
        )
    }
    lines = []
    for row in rows:
        indent = f"pl-{min(row.depth * 2, INDENT_MAX)}"
        point = points.get(row.node.id) if row.node.kind == POINT else None
        if point is None:
            lines.append(PreviewLine(row=row, indent=indent))
            continue
        lines.append(
            PreviewLine(
                row=row,
                indent=indent,
                targets=", ".join(str(t.label) for t in selectors.targets_in_order(point.targets)),
                status=_("Aktivt") if point.active else _("Ikke aktivt"),
                visibility=_("Synligt") if point.visible else _("Skjult"),
            )
        )
    return lines


@ACCESS
def group_delete(request, pk):
    """Step 2 of guide §6.5: the whole subtree, each node marked as the deletion will treat
    it; "Slet" only with the confirmation ticked. The deletion itself runs as a background
    job (one transaction), so it is whole or not at all even if the browser leaves."""
    organisation = request.acting.organisation
    group = selectors.group_get(organisation, pk)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        actor = Actor.of(request.acting)
        job = GroupDeletion.objects.create(
            organisation=organisation,
            group_id=group.pk,
            group_name=group.name,
            actor_display=actor.display,
            actor_cvr=actor.cvr,
            actor_rid=actor.rid,
        )
        try:
            group_deletion_task.enqueue(str(job.pk))
        except Exception:
            GroupDeletion.objects.filter(pk=job.pk).update(
                status=JobStatus.FAILED,
                error=_("Sletningen kunne ikke sættes i gang. Intet er slettet. Prøv igen."),
            )
            raise
        return redirect("contacts:deletion-progress", pk=job.pk)
    plan = Structure.load(organisation).deletion_plan(group.pk)
    return render(
        request,
        "contacts/delete_confirm.html",
        {
            "group": group,
            "form": form,
            "lines": _preview_lines(organisation, plan.rows),
            "truncated": plan.truncated,
        },
    )


@ACCESS
def deletion_progress(request, pk):
    """Step 3–4 of guide §6.5: "Sletning igang…" until the job is done, then the overview
    with the confirmation (or the error, with nothing deleted)."""
    job = GroupDeletion.objects.filter(organisation=request.acting.organisation, pk=pk).first()
    if job is None:
        raise Http404
    if job.status == JobStatus.DONE:
        messages.success(
            request,
            _("✔ %(name)s slettet — Sletningen af den valgte kontaktgruppe er gennemført.")
            % {"name": job.group_name},
        )
        return redirect("contacts:overview")
    progress = {JobStatus.PENDING: 0, JobStatus.RUNNING: 50}.get(job.status, 100)
    return render(
        request,
        "contacts/delete_progress.html",
        {
            "job": job,
            "running": job.status in (JobStatus.PENDING, JobStatus.RUNNING),
            "progress": progress,
        },
    )
