"""The raw-insert baseline of the intake suites (DESIGN "Performance method").

What intake stored for the measured messages — the message, its content, its event rows,
its technical receipt and what routing added (mailbox item or delivery) — is read back and
inserted again, as new messages with fresh ids and messageUUIDs, with plain driver calls:
one `executemany` per table on one new psycopg/sqlite3 connection, one transaction. So the
baseline writes exactly the same rows (same columns, same sizes, same indexes) and nothing
else: no HTTP, no parsing, no validation, no ORM. The copies stay in the bench database.
"""

from __future__ import annotations

import json
import time
import uuid

from django.db import connections

from adgang.messaging.models import (
    Delivery,
    MailboxItem,
    Message,
    MessageContent,
    MessageEvent,
    Receipt,
)

# In foreign-key order.
MODELS = (Message, MessageContent, MessageEvent, Receipt, MailboxItem, Delivery)
CHUNK = 500


def _columns(model) -> list:
    """Concrete fields, without auto-increment keys (the database numbers the copies)."""
    return [
        f for f in model._meta.concrete_fields if f.get_internal_type() not in ("BigAutoField",)
    ]


def _read(connection, model, fields, message_ids: list) -> list[tuple]:
    key = "id" if model is Message else "message_id"
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    rows = []
    with connection.cursor() as cursor:
        for start in range(0, len(message_ids), CHUNK):
            chunk = message_ids[start : start + CHUNK]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT {names} FROM {model._meta.db_table} WHERE {key} IN ({marks})",  # noqa: S608
                [Message._meta.pk.get_db_prep_value(value, connection) for value in chunk],
            )
            rows.extend(cursor.fetchall())
    return rows


class _Renamer:
    """Fresh ids for the copies, the same new id wherever the old one appears."""

    def __init__(self) -> None:
        self.ids: dict = {}
        self.uuid_text: dict[str, str] = {}

    def new_like(self, old):
        fresh = uuid.uuid4()
        if isinstance(old, uuid.UUID):
            return fresh
        return fresh.hex if len(str(old)) == 32 else str(fresh)

    def message(self, old_id, old_uuid):
        self.ids[old_id] = self.new_like(old_id)
        new_uuid = self.new_like(old_uuid)
        for form in (str(old_uuid), uuid.UUID(str(old_uuid)).hex):
            self.uuid_text[form] = str(uuid.UUID(str(new_uuid)))
        self.ids[old_uuid] = new_uuid


def _rewrite(model, fields, rows, renamer: _Renamer, vendor: str) -> list[tuple]:
    names = [f.column for f in fields]
    json_columns = {f.column for f in fields if f.get_internal_type() == "JSONField"}
    out = []
    for row in rows:
        values = dict(zip(names, row, strict=True))
        if model is Message:
            renamer.message(values["id"], values["message_uuid"])
            values["message_uuid"] = renamer.ids[values["message_uuid"]]
            values["id"] = renamer.ids[values["id"]]
        else:
            if "message_id" in values and values["message_id"] is not None:
                values["message_id"] = renamer.ids[values["message_id"]]
            if model is Receipt:
                values["id"] = renamer.new_like(values["id"])
            if values.get("message_uuid"):
                text = str(values["message_uuid"])
                values["message_uuid"] = renamer.uuid_text.get(text, text)
        if vendor == "postgresql":
            from psycopg.types.json import Jsonb

            for column in json_columns:
                value = values[column]
                values[column] = Jsonb(json.loads(value) if isinstance(value, str) else value)
        out.append(tuple(values[name] for name in names))
    return out


def raw_insert(alias: str, message_ids: list, *, commit_per_message: bool = False) -> dict:
    """Copy the messages' rows with raw driver calls; the rate and what was written.

    By default one transaction for all (the fastest the rows can be written). With
    `commit_per_message` each message's rows are their own transaction, as single intake
    must do (its receipt promises the message is stored): the floor of durable single
    ingest, shown beside the figure."""
    connection = connections[alias]
    renamer = _Renamer()
    plan = []
    for model in MODELS:
        fields = _columns(model)
        rows = _read(connection, model, fields, message_ids)
        plan.append((model, fields, _rewrite(model, fields, rows, renamer, connection.vendor)))
    raw = connection.get_new_connection(connection.get_connection_params())
    mark = "?" if connection.vendor == "sqlite" else "%s"
    statements = [
        (
            f"INSERT INTO {model._meta.db_table} "  # noqa: S608
            f"({', '.join(connection.ops.quote_name(f.column) for f in fields)}) "
            f"VALUES ({', '.join([mark] * len(fields))})",
            rows,
            _message_column(fields),
        )
        for model, fields, rows in plan
    ]
    try:
        started = time.perf_counter()
        cursor = raw.cursor()
        if commit_per_message:
            _insert_per_message(raw, cursor, statements, connection.vendor)
        else:
            _insert(cursor, statements, connection.vendor)
            raw.commit()
        seconds = time.perf_counter() - started
    finally:
        raw.close()
    return {
        "messages": len(message_ids),
        "seconds": round(seconds, 3),
        "rows": {model._meta.db_table: len(rows) for model, _fields, rows in plan},
        "commits": len(message_ids) if commit_per_message else 1,
        "messages_per_second": len(message_ids) / seconds if seconds else 0.0,
    }


def _message_column(fields) -> int:
    """The position of the row's message id (the message's own id for Message)."""
    names = [f.column for f in fields]
    return names.index("message_id") if "message_id" in names else names.index("id")


def _insert(cursor, statements, vendor: str) -> None:
    if vendor == "sqlite":
        cursor.execute("BEGIN IMMEDIATE")
    for sql, rows, _position in statements:
        if rows:
            cursor.executemany(sql, rows)


def _insert_per_message(raw, cursor, statements, vendor: str) -> None:
    by_message: dict = {}
    for index, (_sql, rows, position) in enumerate(statements):
        for row in rows:
            by_message.setdefault(row[position], [[] for _ in statements])[index].append(row)
    for tables in by_message.values():
        _insert(
            cursor,
            [(sql, tables[i], position) for i, (sql, _rows, position) in enumerate(statements)],
            vendor,
        )
        raw.commit()


def message_ids_of(alias: str, message_uuids: list[str]) -> list:
    ids = []
    for start in range(0, len(message_uuids), CHUNK):
        chunk = message_uuids[start : start + CHUNK]
        ids.extend(
            Message.objects.using(alias).filter(message_uuid__in=chunk).values_list("pk", flat=True)
        )
    return ids
