"""Export and import of the contact structure as an Excel workbook (SPEC §4 "Export /
import", guide §6.7–6.8). The workbook format and its rules live in `contacts.transfer`."""

import hashlib

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from adgang.audit.services import Actor
from adgang.contacts import transfer
from adgang.contacts.models import ImportBatch, JobStatus
from adgang.contacts.views.access import ACCESS
from adgang.core.clock import now
from adgang.documents.responses import xlsx_response


@ACCESS
def export(request):
    """ "Eksportér kontaktstruktur": the whole structure as one .xlsx (guide §6.7)."""
    organisation = request.acting.organisation
    content = transfer.build_workbook(organisation)
    filename = f"kontaktstruktur-{organisation.cvr}-{now().date().isoformat()}.xlsx"
    return xlsx_response(content, filename=filename)


class UploadForm(forms.Form):
    workbook = forms.FileField(
        label=gettext_lazy("Excel-ark med kontaktstrukturen"),
        help_text=gettext_lazy(
            "Vælg en .xlsx-fil på højst 10 MB, fx det ark, du har eksporteret og rettet i."
        ),
        error_messages={"required": gettext_lazy("Vælg en fil.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def clean_workbook(self):
        upload = self.cleaned_data["workbook"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Filen skal være et Excel-ark (.xlsx)."))
        if upload.size > transfer.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("Filen må højst fylde 10 MB."))
        return upload


@ACCESS
def import_upload(request):
    """ "Importér kontaktstruktur": upload, then the dry run (nothing is saved yet)."""
    organisation = request.acting.organisation
    form = UploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["workbook"]
        content = upload.read()
        sha256 = hashlib.sha256(content).hexdigest()
        try:
            analysis = transfer.analyse(organisation, content)
        except transfer.WorkbookTooLarge:
            form.add_error(
                "workbook",
                _(
                    "Filen pakker ud til mere end %(mb)s MB og kan derfor ikke importeres. "
                    "Et eksporteret ark er langt mindre; tjek, at det er den rigtige fil."
                )
                % {"mb": transfer.MAX_UNPACKED_BYTES // (1024 * 1024)},
            )
        except transfer.WorkbookUnreadable:
            form.add_error("workbook", _("Filen kan ikke læses som et Excel-ark (.xlsx)."))
        else:
            batch = ImportBatch.objects.create(
                organisation=organisation,
                uploaded_by=Actor.of(request.acting).display,
                filename=upload.name[:255],
                content=content,
                sha256=sha256,
                report=analysis.report(sha256),
            )
            return redirect("contacts:import-review", pk=batch.pk)
    return render(request, "contacts/import_upload.html", {"form": form})


@ACCESS
def import_review(request, pk):
    """The dry run: every change and every invalid cell; "Importér" applies all or nothing
    after checking that file and structure are still those the dry run saw."""
    organisation = request.acting.organisation
    batch = ImportBatch.objects.filter(organisation=organisation, pk=pk).first()
    if batch is None:
        raise Http404
    report = batch.report
    if request.method == "POST" and batch.status == JobStatus.PENDING and not report["errors"]:
        try:
            count = transfer.apply(
                actor=Actor.of(request.acting),
                organisation=organisation,
                content=bytes(batch.content),
                sha256=report["sha256"],
                state=report["state"],
            )
        except transfer.ImportRefused as refused:
            report = {**report, "changes": [], "errors": [e.as_dict() for e in refused.errors]}
            batch.report = report
            batch.status = JobStatus.FAILED
            batch.save(update_fields=["report", "status"])
        else:
            batch.status = JobStatus.DONE
            batch.applied_at = now()
            batch.content = b""  # applied: the file is not kept
            batch.save(update_fields=["status", "applied_at", "content"])
            messages.success(
                request,
                _("Importen er gennemført: %(count)d ændringer er gemt.") % {"count": count},
            )
            return redirect("contacts:overview")
    return render(
        request,
        "contacts/import_review.html",
        {
            "batch": batch,
            "errors": report["errors"],
            "changes": report["changes"],
            "may_apply": batch.status == JobStatus.PENDING
            and not report["errors"]
            and report["changes"],
        },
    )
