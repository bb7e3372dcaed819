"""Migration operations for tables that are large in production.

`AddIndexConcurrently` builds an index without locking the table against writes on
PostgreSQL (CREATE INDEX CONCURRENTLY), so a migration that adds an index to the message log
does not stop intake while it runs on tens of millions of rows; elsewhere (SQLite) it is a
plain AddIndex. A migration using it must set `atomic = False`: PostgreSQL refuses a
concurrent index build inside a transaction.
"""

from django.db import migrations


class AddIndexConcurrently(migrations.AddIndex):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        model = to_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            schema_editor.add_index(model, self.index, concurrently=True)
        return None

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return super().database_backwards(app_label, schema_editor, from_state, to_state)
        model = from_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            schema_editor.remove_index(model, self.index, concurrently=True)
        return None

    def describe(self):
        return f"{super().describe()} (concurrently on PostgreSQL)"
