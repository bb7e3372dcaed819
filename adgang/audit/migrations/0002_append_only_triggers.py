"""Database triggers that refuse UPDATE and DELETE on both logs (SPEC §5: append-only).

The ORM already refuses; the triggers make it hold for raw SQL and other clients too.
On SQLite (the embedded single-user default) only UPDATE is refused by trigger: Django's
`flush`, which test runs use between transactional tests, empties tables with DELETE there
(PostgreSQL's flush uses TRUNCATE, which row triggers do not see).
"""

from django.db import migrations

TABLES = ("audit_actionlogentry", "audit_searchlogentry")

POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION adgang_refuse_log_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'Log entries are append-only (% on %)', TG_OP, TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
"""


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        # params=None: the function body's `%` placeholders are PL/pgSQL's, not the driver's.
        schema_editor.execute(POSTGRES_FUNCTION, params=None)
        for table in TABLES:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION adgang_refuse_log_change();"
            )
    elif vendor == "sqlite":
        for table in TABLES:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
                "BEGIN SELECT RAISE(ABORT, 'Log entries are append-only'); END;"
            )


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
        elif vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update;")
    if vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS adgang_refuse_log_change();")


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
