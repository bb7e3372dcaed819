""" "Slet gruppe" in the browser (SPEC §4 "Delete group", guide §6.5): the preview marks each
node as the plan does, the confirmation is required, the background job deletes whole or not
at all, and the progress page follows the job."""

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from adgang.contacts import deletion
from adgang.contacts.graph import Structure
from adgang.contacts.models import GroupDeletion, JobStatus
from adgang.contacts.tasks import (
    STALLED_AFTER,
    group_deletion_run,
    group_deletion_task,
    group_deletions_recover,
)
from adgang.core.scheduler import registered_jobs
from tests.support.contacts_factories import build, picture, snapshot

CONFIRM = (
    "Jeg er indforstået med sletningen af kontaktgruppen, og at handlingen ikke kan fortrydes."
)
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# The guide's example (§6.5): "DETTE ER EN TEST" also sits in "Andet", so it only loses
# its reference.
GUIDE = {
    "groups": ["Lolland", "Retursvar", "Svarpost", "Andet"],
    "points": ["Post til Jobcentret", "SBSIP-svar", "DETTE ER EN TEST"],
    "edges": [
        ("Lolland", "Retursvar"),
        ("Lolland", "Svarpost"),
        ("Lolland", "Post til Jobcentret"),
        ("Retursvar", "SBSIP-svar"),
        ("Svarpost", "DETTE ER EN TEST"),
        ("Andet", "DETTE ER EN TEST"),
    ],
}


@pytest.fixture
def structure(personas):
    return build(personas.alice.organisation, **GUIDE)


def delete_url(group) -> str:
    return reverse("contacts:group-delete", args=[group.pk])


def preview_marks(html: str) -> list[tuple[str, str]]:
    return re.findall(r'data-node="([0-9a-f-]+)" data-kind="\w+" data-mark="(\w+)"', html)


def test_delete_preview_marks_each_node_exactly_as_the_plan(client_as, structure):
    response = client_as("alice").get(delete_url(structure["Lolland"]))
    plan = Structure.load(structure.organisation).deletion_plan(structure["Lolland"].pk)
    assert response.status_code == 200
    assert preview_marks(response.content.decode()) == [
        (str(row.node.id), row.mark.value) for row in plan.rows
    ]
    assert (
        dict(preview_marks(response.content.decode()))[str(structure["DETTE ER EN TEST"].pk)]
        == "keep_reference"
    )


def test_delete_preview_shows_the_group_the_marks_and_the_confirmation(client_as, structure):
    response = client_as("alice").get(delete_url(structure["Lolland"]))
    html = response.content.decode()
    for text in (
        "Slet kontaktgruppe",
        "Lolland",
        str(structure["Lolland"].pk),
        "Slettes",
        "Reference fjernes",
        "Borger",  # the points' Målgruppe
        "Aktivt",  # and their Status
        "Synligt",
        CONFIRM,
        ">Slet<",
        "Annullér",
        "også sletter de evt. underliggende grupper",
    ):
        assert text in html, text


@pytest.mark.parametrize("posted", [{}, {"understood": ""}])
def test_delete_requires_the_confirmation(client_as, structure, posted):
    before = snapshot(structure.organisation)
    response = client_as("alice").post(delete_url(structure["Lolland"]), posted)
    assert response.status_code == 200
    assert "Bekræft, at du er indforstået med sletningen" in response.content.decode()
    assert 'class="form-group form-error"' in response.content.decode()
    assert not GroupDeletion.objects.exists()
    assert not DBTaskResult.objects.exists()
    assert snapshot(structure.organisation) == before


def test_delete_job_runs_and_deletes_what_only_the_group_held(client_as, structure, settings):
    settings.TASKS = IMMEDIATE
    client = client_as("alice")
    response = client.post(delete_url(structure["Lolland"]), {"understood": "on"})
    job = GroupDeletion.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("contacts:deletion-progress", args=[job.pk])
    assert (job.status, job.deleted_groups, job.deleted_points, job.removed_references) == (
        JobStatus.DONE,
        3,
        2,
        1,
    )
    assert (job.actor_cvr, job.actor_rid) == (structure.organisation.cvr, "1001")
    after = picture(structure.organisation)
    assert after.groups == {"Andet"}
    assert after.points == {"DETTE ER EN TEST"}
    assert after.edges == {("Andet", "DETTE ER EN TEST")}


def test_delete_job_is_queued_and_the_progress_page_refreshes_until_done(client_as, structure):
    """With the database backend (the deployed one) the view only queues the task; the
    progress page polls until a worker has run it."""
    client = client_as("alice")
    client.post(delete_url(structure["Lolland"]), {"understood": "on"})
    job = GroupDeletion.objects.get()
    queued = DBTaskResult.objects.get()
    assert queued.args_kwargs["args"] == [str(job.pk)]
    assert job.status == JobStatus.PENDING
    assert "Lolland" in picture(structure.organisation).groups

    progress = client.get(reverse("contacts:deletion-progress", args=[job.pk]))
    html = progress.content.decode()
    assert progress.status_code == 200
    assert "Sletning igang…" in html
    assert '<meta http-equiv="refresh" content="2">' in html
    assert "<progress" in html

    assert group_deletion_task.call(str(job.pk)) == JobStatus.DONE
    done = client.get(reverse("contacts:deletion-progress", args=[job.pk]))
    assert done.status_code == 302
    assert done["Location"] == reverse("contacts:overview")
    assert [str(m) for m in get_messages(done.wsgi_request)] == [
        "✔ Lolland slettet — Sletningen af den valgte kontaktgruppe er gennemført."
    ]
    assert "Lolland" not in picture(structure.organisation).groups
    overview = client.get(done["Location"]).content.decode()
    assert "✔ Lolland slettet — Sletningen af den valgte kontaktgruppe er gennemført." in overview


def test_delete_job_runs_only_once(structure, personas, settings):
    job = GroupDeletion.objects.create(
        organisation=structure.organisation,
        group_id=structure["Lolland"].pk,
        group_name="Lolland",
        actor_display="CVR:x-RID:1",
    )
    assert group_deletion_run(job.pk) == JobStatus.DONE
    assert group_deletion_run(job.pk) == JobStatus.DONE
    job.refresh_from_db()
    assert job.deleted_groups == 3


def test_failed_delete_job_leaves_the_structure_and_shows_the_error(
    client_as, structure, monkeypatch
):
    """An error half-way through: the job is failed, nothing is deleted, the page says so."""
    calls = []
    original = deletion._deleted_log

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return original(*args, **kwargs)

    monkeypatch.setattr(deletion, "_deleted_log", failing)
    client = client_as("alice")
    before = snapshot(structure.organisation)
    client.post(delete_url(structure["Lolland"]), {"understood": "on"})
    job = GroupDeletion.objects.get()
    group_deletion_task.call(str(job.pk))
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert snapshot(structure.organisation) == before
    page = client.get(reverse("contacts:deletion-progress", args=[job.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Sletningen kunne ikke gennemføres. Intet er slettet." in html
    assert "http-equiv" not in html


def test_delete_job_of_a_group_deleted_meanwhile_fails_in_danish(client_as, structure):
    client = client_as("alice")
    client.post(delete_url(structure["Lolland"]), {"understood": "on"})
    job = GroupDeletion.objects.get()
    structure["Lolland"].delete()
    group_deletion_task.call(str(job.pk))
    page = client.get(reverse("contacts:deletion-progress", args=[job.pk]))
    assert "Kontaktgruppen findes ikke længere." in page.content.decode()


def test_another_organisations_group_and_job_answer_404(client_as, structure):
    group = structure["Lolland"]
    job = GroupDeletion.objects.create(
        organisation=structure.organisation,
        group_id=group.pk,
        group_name=group.name,
        actor_display="x",
    )
    before = snapshot(structure.organisation)
    maja = client_as("maja")
    assert maja.get(delete_url(group)).status_code == 404
    assert maja.post(delete_url(group), {"understood": "on"}).status_code == 404
    assert maja.get(reverse("contacts:deletion-progress", args=[job.pk])).status_code == 404
    assert GroupDeletion.objects.count() == 1
    assert snapshot(structure.organisation) == before


def test_a_company_may_not_delete_groups(client_as, structure):
    assert client_as("birgitte").get(delete_url(structure["Lolland"])).status_code == 403


@pytest.mark.parametrize(
    ("group_still_there", "status"), [(True, JobStatus.FAILED), (False, JobStatus.DONE)]
)
def test_a_deletion_whose_worker_died_is_settled_by_what_happened(
    structure, group_still_there, status
):
    # The worker died after claiming the job; the one transaction committed or rolled back.
    job = GroupDeletion.objects.create(
        organisation=structure.organisation,
        group_id=structure["Lolland"].pk,
        group_name="Lolland",
        actor_display="CVR:x-RID:1",
        status=JobStatus.RUNNING,
    )
    if not group_still_there:
        structure["Lolland"].delete()
    assert group_deletions_recover(at=job.created_at + STALLED_AFTER / 2) == 0
    assert group_deletions_recover(at=job.created_at + STALLED_AFTER * 2) == 1
    job.refresh_from_db()
    assert job.status == status
    assert bool(job.error) is group_still_there


def test_deletions_are_settled_by_a_periodic_job():
    names = [job.name for job in registered_jobs()]
    assert "contacts.group_deletions_recover" in names
