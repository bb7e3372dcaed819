"""Both logs are append-only (SPEC §5): neither the ORM nor raw SQL changes or removes an
entry, and an entry is saved together with the change it describes or not at all."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError

from adgang.accounts.models import Organisation
from adgang.audit.models import (
    ActionLogEntry,
    AppendOnlyError,
    Register,
    SearchLogEntry,
    Subject,
)
from adgang.audit.services import SYSTEM, action_record, search_record

REFUSED = "Log entries are append-only."


@pytest.fixture
def organisation(db):
    return Organisation.objects.create(cvr="29189978", name="Testkommune", kind="myndighed")


@pytest.fixture
def action_entry(organisation) -> ActionLogEntry:
    with transaction.atomic():
        return action_record(
            actor=SYSTEM,
            organisation=organisation,
            subject=Subject.SYSTEM,
            event="Redigeret",
            object_id="7",
            field="navn",
            before="Gammelt",
            after="Nyt",
        )


@pytest.fixture
def search_entry(organisation) -> SearchLogEntry:
    return search_record(
        actor=SYSTEM,
        organisation=organisation,
        search_data="0101801234",
        register=Register.CPR,
        result_count=1,
    )


@pytest.fixture(params=["action", "search"])
def entry(request):
    """One entry of each log in turn."""
    return request.getfixturevalue(f"{request.param}_entry")


def stored_values(entry) -> dict:
    return type(entry).objects.filter(pk=entry.pk).values().get()


# --- the ORM refuses --------------------------------------------------------------------


def test_saving_an_existing_entry_is_refused(entry):
    before = stored_values(entry)
    entry.actor = "CVR:12345678-RID:1"
    with pytest.raises(AppendOnlyError, match=REFUSED):
        entry.save()
    assert stored_values(entry) == before


def test_deleting_an_entry_is_refused(entry):
    with pytest.raises(AppendOnlyError, match=REFUSED):
        entry.delete()
    assert type(entry).objects.filter(pk=entry.pk).exists()


def test_updating_entries_through_a_queryset_is_refused(entry):
    before = stored_values(entry)
    with pytest.raises(AppendOnlyError, match=REFUSED):
        type(entry).objects.filter(pk=entry.pk).update(actor="someone else")
    assert stored_values(entry) == before


def test_deleting_entries_through_a_queryset_is_refused(entry):
    with pytest.raises(AppendOnlyError, match=REFUSED):
        type(entry).objects.all().delete()
    assert type(entry).objects.filter(pk=entry.pk).exists()


def test_bulk_updating_entries_is_refused(entry):
    before = stored_values(entry)
    entry.actor = "someone else"
    with pytest.raises(AppendOnlyError, match=REFUSED):
        type(entry).objects.bulk_update([entry], ["actor"])
    assert stored_values(entry) == before


def test_update_or_create_cannot_change_an_entry(action_entry):
    before = stored_values(action_entry)
    with pytest.raises(AppendOnlyError, match=REFUSED):
        ActionLogEntry.objects.update_or_create(pk=action_entry.pk, defaults={"after": "x"})
    assert stored_values(action_entry) == before


def test_an_organisation_with_log_entries_cannot_be_deleted(organisation, entry):
    with pytest.raises(ProtectedError):
        organisation.delete()
    assert type(entry).objects.filter(pk=entry.pk).exists()


# --- the database refuses raw SQL too ---------------------------------------------------


def run_sql(sql: str, params=()) -> None:
    """Run raw SQL in a savepoint, so the test's transaction survives the refusal."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def pk_param(entry):
    return entry.pk.hex if connection.vendor == "sqlite" else entry.pk


def test_a_raw_sql_update_is_refused_by_the_database(entry):
    before = stored_values(entry)
    table = type(entry)._meta.db_table
    with pytest.raises(DatabaseError, match="append-only"):
        run_sql(f"UPDATE {table} SET actor = 'x' WHERE id = %s", [pk_param(entry)])  # noqa: S608
    assert stored_values(entry) == before


def test_a_raw_sql_update_of_all_rows_is_refused_by_the_database(entry):
    before = stored_values(entry)
    table = type(entry)._meta.db_table
    with pytest.raises(DatabaseError, match="append-only"):
        run_sql(f"UPDATE {table} SET occurred_at = occurred_at")  # noqa: S608
    assert stored_values(entry) == before


def test_a_raw_sql_delete_is_refused_by_the_database(entry):
    if connection.vendor == "sqlite":
        pytest.skip(
            "SQLite refuses only UPDATE by trigger: Django's test flush empties tables with "
            "DELETE there (audit migration 0002)"
        )
    table = type(entry)._meta.db_table
    with pytest.raises(DatabaseError, match="append-only"):
        run_sql(f"DELETE FROM {table} WHERE id = %s", [pk_param(entry)])  # noqa: S608
    assert type(entry).objects.filter(pk=entry.pk).exists()


# --- a change and its entry commit together ---------------------------------------------


class ServiceFailed(Exception):
    pass


def organisation_rename(*, organisation, name: str, fail_after_record: bool) -> None:
    """A service in the shape of every other (DESIGN "services.py"): change, record, commit."""
    with transaction.atomic():
        before = organisation.name
        organisation.name = name
        organisation.save(update_fields=["name"])
        action_record(
            actor=SYSTEM,
            organisation=organisation,
            subject=Subject.BRUGER,
            event="Redigeret",
            object_id=organisation.cvr,
            field="navn",
            before=before,
            after=name,
        )
        if fail_after_record:
            raise ServiceFailed


@pytest.mark.django_db(transaction=True)
def test_a_change_and_its_log_entry_are_saved_together():
    organisation = Organisation.objects.create(cvr="29189978", name="Gammel", kind="myndighed")
    organisation_rename(organisation=organisation, name="Ny", fail_after_record=False)
    assert Organisation.objects.get(pk=organisation.pk).name == "Ny"
    entry = ActionLogEntry.objects.get(object_id="29189978")
    assert (entry.before, entry.after) == ("Gammel", "Ny")


@pytest.mark.django_db(transaction=True)
def test_a_failed_change_leaves_no_log_entry():
    organisation = Organisation.objects.create(cvr="29189978", name="Gammel", kind="myndighed")
    with pytest.raises(ServiceFailed):
        organisation_rename(organisation=organisation, name="Ny", fail_after_record=True)
    assert Organisation.objects.get(pk=organisation.pk).name == "Gammel"
    assert not ActionLogEntry.objects.filter(object_id="29189978").exists()
