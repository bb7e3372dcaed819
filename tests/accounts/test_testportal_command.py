"""`manage.py testportal add-user` (SPEC §15): test people from scripts, one JSON line out."""

import io
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from adgang.accounts.models import Membership, Organisation
from adgang.accounts.rights import RIGHT_SLUGS
from adgang.audit.models import ActionLogEntry, Subject

ROOT = Path(__file__).resolve().parents[2]
CVR = "10000009"

ARGS = {
    "--cvr": CVR,
    "--org-name": "Testkommune",
    "--org-kind": "myndighed",
    "--rid": "7001",
    "--name": "Tilde Test",
    "--rights": "systemadministrator,statistikadministrator",
}


def argv(**overrides) -> list[str]:
    options = {**ARGS, **{f"--{k.replace('_', '-')}": v for k, v in overrides.items()}}
    return ["add-user", *(f"{option}={value}" for option, value in options.items())]


def add_user(**overrides) -> tuple[dict, str]:
    """Run the command in-process; return its parsed JSON and its raw output."""
    out = io.StringIO()
    call_command("testportal", *argv(**overrides), stdout=out)
    return json.loads(out.getvalue()), out.getvalue()


@pytest.mark.django_db
def test_add_user_prints_exactly_one_json_line_with_the_ids():
    data, output = add_user()
    assert output.endswith("\n")
    assert len(output.splitlines()) == 1
    assert set(data) == {"organisation_id", "person_id", "rid"}
    membership = Membership.objects.select_related("organisation", "person").get()
    assert data == {
        "organisation_id": str(membership.organisation_id),
        "person_id": str(membership.person_id),
        "rid": "7001",
    }


@pytest.mark.django_db
def test_add_user_creates_organisation_and_person_with_exactly_these_rights():
    add_user()
    organisation = Organisation.objects.get()
    assert (organisation.cvr, organisation.name, organisation.kind) == (
        CVR,
        "Testkommune",
        "myndighed",
    )
    membership = Membership.objects.select_related("person").get()
    assert membership.person.name == "Tilde Test"
    assert membership.rights == ["statistikadministrator", "systemadministrator"]


@pytest.mark.django_db
def test_add_user_writes_the_creation_to_the_action_log():
    add_user()
    entries = ActionLogEntry.objects.order_by("occurred_at")
    assert [(e.actor, e.subject, e.event, e.object_id) for e in entries] == [
        ("Testportal", Subject.BRUGER, "Oprettet", CVR),
        ("Testportal", Subject.BRUGER, "Oprettet", "CVR:10000009-RID:7001"),
    ]


@pytest.mark.django_db
def test_add_user_again_with_other_rights_updates_the_same_person():
    first, _ = add_user()
    second, _ = add_user(rights="logadministrator-soegninger,borgerservicemedarbejder")
    assert second == first
    assert Organisation.objects.count() == 1
    assert Membership.objects.count() == 1
    membership = Membership.objects.get()
    assert membership.rights == ["borgerservicemedarbejder", "logadministrator-soegninger"]


@pytest.mark.django_db
def test_add_user_again_logs_the_rights_change_with_before_and_after():
    add_user()
    add_user(rights="statistikadministrator")
    entry = ActionLogEntry.objects.get(event="Redigeret")
    assert (entry.field, entry.before, entry.after) == (
        "rettigheder",
        "statistikadministrator, systemadministrator",
        "statistikadministrator",
    )


@pytest.mark.django_db
def test_add_user_again_with_same_arguments_changes_and_logs_nothing():
    add_user()
    before = ActionLogEntry.objects.count()
    add_user()
    assert ActionLogEntry.objects.count() == before


@pytest.mark.django_db
def test_add_user_with_a_new_name_renames_the_person_and_logs_it():
    add_user()
    add_user(name="Tilde Testrup")
    membership = Membership.objects.select_related("person").get()
    assert membership.person.name == "Tilde Testrup"
    entry = ActionLogEntry.objects.get(event="Redigeret")
    assert (entry.field, entry.before, entry.after) == ("navn", "Tilde Test", "Tilde Testrup")


@pytest.mark.django_db
def test_add_user_with_duplicated_rights_stores_each_once():
    add_user(rights="systemadministrator, systemadministrator,statistikadministrator,")
    assert Membership.objects.get().rights == ["statistikadministrator", "systemadministrator"]


@pytest.mark.django_db
def test_add_user_with_empty_rights_gives_a_person_without_rights():
    add_user(rights="")
    assert Membership.objects.get().rights == []


@pytest.mark.django_db
def test_add_user_with_a_new_rid_adds_a_second_person_to_the_organisation():
    first, _ = add_user()
    second, _ = add_user(rid="7002", name="Tage Test")
    assert second["organisation_id"] == first["organisation_id"]
    assert second["person_id"] != first["person_id"]
    assert Membership.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"cvr": "31415927"}, "CVR-nummeret er ikke gyldigt (kontrolciffer)."),
        ({"cvr": "1234"}, "CVR-nummeret skal bestå af 8 cifre."),
        ({"cvr": ""}, "Indtast et CVR-nummer."),
        (
            {"rights": "systemadministrator,superbruger"},
            "Ukendt rettighed: 'superbruger'. Gyldige rettigheder er: systemadministrator, "
            "kontaktstrukturadministrator, logadministrator-meddelelser, "
            "logadministrator-handlinger, logadministrator-soegninger, borgerservicemedarbejder, "
            "erhvervsservicemedarbejder, statistikadministrator, systemforvalter.",
        ),
        (
            {"org_kind": "forening"},
            "Organisationstypen skal være 'myndighed' eller 'virksomhed'.",
        ),
        ({"rid": ""}, "RID skal bestå af 1-20 bogstaver eller cifre."),
        ({"rid": "12 34"}, "RID skal bestå af 1-20 bogstaver eller cifre."),
        ({"name": " "}, "Navnet skal udfyldes."),
        ({"org_name": ""}, "Navnet skal udfyldes."),
    ],
)
def test_add_user_refuses_bad_arguments_with_the_danish_message_and_creates_nothing(
    row_counts, overrides, message
):
    before = row_counts()
    with pytest.raises(CommandError) as refused:
        add_user(**overrides)
    assert str(refused.value) == message
    assert row_counts() == before


@pytest.mark.django_db
def test_add_user_refusal_leaves_an_existing_person_unchanged(row_counts):
    add_user()
    before = row_counts()
    with pytest.raises(CommandError):
        add_user(rights="superbruger", name="Ny Navn")
    assert row_counts() == before
    membership = Membership.objects.select_related("person").get()
    assert membership.rights == ["statistikadministrator", "systemadministrator"]
    assert membership.person.name == "Tilde Test"


@pytest.mark.django_db
@settings(max_examples=40, deadline=None)
@given(
    rights=st.lists(st.sampled_from(RIGHT_SLUGS), max_size=12),
    separator=st.sampled_from([",", ", ", " ,"]),
)
def test_add_user_gives_exactly_the_sorted_set_of_rights_for_any_subset(rights, separator):
    data, _ = add_user(rights=separator.join(rights))
    membership = Membership.objects.get(
        organisation_id=data["organisation_id"], person_id=data["person_id"]
    )
    assert membership.rid == data["rid"] == "7001"
    assert membership.rights == sorted(set(rights))


# --- As a real process ---------------------------------------------------------------------


def manage(*args: str, var_dir: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_ENV"}}
    env["ADGANG_VAR_DIR"] = str(var_dir)
    return subprocess.run(  # noqa: S603 - fixed argv, no shell
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_add_user_as_a_process_prints_one_json_line_and_exits_non_zero_when_refused(tmp_path):
    migrated = manage("migrate", "--noinput", var_dir=tmp_path)
    assert migrated.returncode == 0, migrated.stderr

    created = manage("testportal", *argv(), var_dir=tmp_path)
    assert created.returncode == 0, created.stderr
    lines = created.stdout.splitlines()
    assert len(lines) == 1
    data = json.loads(lines[0])
    assert set(data) == {"organisation_id", "person_id", "rid"}
    assert data["rid"] == "7001"

    refused = manage("testportal", *argv(cvr="31415927", rid="7002"), var_dir=tmp_path)
    assert refused.returncode != 0
    assert refused.stdout == ""
    assert "CVR-nummeret er ikke gyldigt (kontrolciffer)." in refused.stderr

    with sqlite3.connect(tmp_path / "adgang.sqlite3") as db:
        memberships = db.execute("SELECT rid FROM accounts_membership").fetchall()
        organisations = db.execute("SELECT cvr FROM accounts_organisation").fetchall()
    assert memberships == [("7001",)]
    assert organisations == [(CVR,)]
