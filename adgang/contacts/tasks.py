"""Background work of Kontaktstruktur: "Slet gruppe" (SPEC §4 "Delete group", guide §6.5)
and the removal of abandoned import files (guide §6.7–6.8)."""

import logging
import uuid
from datetime import timedelta

from django.utils.translation import gettext as _
from django_tasks import task

from adgang.audit.services import Actor
from adgang.contacts import deletion
from adgang.contacts.models import ContactGroup, GroupDeletion, ImportBatch, JobStatus
from adgang.contacts.services import ContactRuleError
from adgang.core.clock import now

logger = logging.getLogger(__name__)


def _finish(job: GroupDeletion, **values) -> None:
    values["finished_at"] = now()
    GroupDeletion.objects.filter(pk=job.pk).update(**values)


def group_deletion_run(job_id: uuid.UUID | str) -> str:
    """Carry out one requested deletion and record its outcome on the job row.

    The deletion is one transaction inside `deletion.group_delete`: it either happens whole
    or not at all, whether or not anybody is still looking at the progress page. A job runs
    once: a job that is no longer pending (a task delivered twice) is left as it is.
    """
    claimed = GroupDeletion.objects.filter(pk=job_id, status=JobStatus.PENDING).update(
        status=JobStatus.RUNNING
    )
    job = GroupDeletion.objects.get(pk=job_id)
    if not claimed:
        return job.status
    actor = Actor(job.actor_display, job.actor_cvr, job.actor_rid)
    try:
        group = ContactGroup.objects.filter(
            organisation_id=job.organisation_id, pk=job.group_id
        ).first()
        if group is None:
            raise ContactRuleError(_("Kontaktgruppen findes ikke længere."))
        result = deletion.group_delete(actor=actor, group=group)
    except ContactRuleError as error:
        _finish(job, status=JobStatus.FAILED, error=error.message)
        return JobStatus.FAILED
    except Exception:
        # The transaction was rolled back; the caseworker sees a plain message, the
        # operators the traceback.
        logger.exception("Contact group deletion %s failed", job.pk)
        _finish(
            job,
            status=JobStatus.FAILED,
            error=_("Sletningen kunne ikke gennemføres. Intet er slettet. Prøv igen senere."),
        )
        return JobStatus.FAILED
    _finish(
        job,
        status=JobStatus.DONE,
        deleted_groups=result.deleted_groups,
        deleted_points=result.deleted_points,
        removed_references=result.removed_references,
    )
    return JobStatus.DONE


@task()
def group_deletion_task(job_id: str) -> str:
    """The worker's entry point for `group_deletion_run` (the id as text: task arguments
    are JSON)."""
    return group_deletion_run(job_id)


# A deletion takes seconds; one still "running" after this long lost its worker (killed,
# host gone). Its transaction then either committed or rolled back as a whole.
STALLED_AFTER = timedelta(minutes=30)


def group_deletions_recover(at=None) -> int:
    """Settle deletions whose worker died: done if the group is gone, else failed (§6.5).

    The deletion is one transaction, so the group's existence tells which way it went.
    Returns the number of jobs settled.
    """
    at = at or now()
    settled = 0
    stalled = GroupDeletion.objects.filter(
        status=JobStatus.RUNNING, created_at__lt=at - STALLED_AFTER
    )
    for job in stalled:
        gone = not ContactGroup.objects.filter(pk=job.group_id).exists()
        if gone:
            values = {"status": JobStatus.DONE}
        else:
            values = {
                "status": JobStatus.FAILED,
                "error": _("Sletningen blev afbrudt. Intet er slettet. Prøv igen."),
            }
        settled += GroupDeletion.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
            finished_at=at, **values
        )
    return settled


@task()
def group_deletions_recover_task() -> int:
    return group_deletions_recover()


# An uploaded workbook waits this long for "Importér"; then it is removed (it may hold
# internal notes, and a dry run that old no longer matches the structure anyway).
IMPORT_BATCH_RETENTION = timedelta(days=1)


@task()
def import_batches_prune() -> int:
    """Delete the import batches not applied within `IMPORT_BATCH_RETENTION`, and the
    applied ones' rows after the same time (their file is already gone); return rows removed."""
    deleted, _counts = ImportBatch.objects.filter(
        created_at__lt=now() - IMPORT_BATCH_RETENTION
    ).delete()
    return deleted
