"""Indexes on the message log are built without blocking writes on PostgreSQL."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

# sqlmigrate opens a schema editor, which SQLite refuses inside the test's transaction.
pytestmark = pytest.mark.django_db(transaction=True)


def test_the_message_log_index_is_built_concurrently_on_postgresql():
    out = StringIO()
    call_command("sqlmigrate", "messaging", "0002", stdout=out)
    sql = out.getvalue()
    assert '"msgevent_org_time_systems"' in sql
    if connection.vendor == "postgresql":
        assert "CREATE INDEX CONCURRENTLY" in sql
        assert "BEGIN;" not in sql  # a concurrent build cannot run in a transaction
    else:
        assert "CREATE INDEX" in sql
        assert "CONCURRENTLY" not in sql


def test_backwards_drops_it_concurrently_on_postgresql():
    out = StringIO()
    call_command("sqlmigrate", "messaging", "0002", backwards=True, stdout=out)
    expected = "DROP INDEX CONCURRENTLY" if connection.vendor == "postgresql" else "DROP INDEX"
    assert expected in out.getvalue()
