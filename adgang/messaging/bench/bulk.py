"""The `bulk` suite of `manage.py bench` (issue 10; SPEC §13 bulk upload, NGDP-API.md
`application/x-lzma`).

Messages per second through the tar.LZMA endpoint: archives of `ARCHIVE_MEMBERS` MeMo
messages (the ingest suite's letters, "lzma alone" as `tar --lzma` writes it) are POSTed to
`/apis/v1/memos/` through gunicorn by up to `--clients` concurrent clients. Each answer must
be 201 RECEIVED, and afterwards every member must have its technical receipt RECEIVED under
the answer's transmission id and its message stored; anything else makes the figure invalid.
Timed: from the first upload to the last answer (the endpoint stores every member before it
answers). The archives are built before the clock starts.

Baseline: the raw-insert rate of the same rows (`baseline.raw_insert`), as for `ingest`. We
chose it over an HTTP floor because a bulk is a handful of large requests: the transport of
the compressed bytes is a few milliseconds per archive, while storing 1,000 messages is the
work being measured, so the question is how close the endpoint comes to writing the rows.
"""

from __future__ import annotations

import io
import lzma
import tarfile

from django.core.management import call_command
from django.db import connections

from adgang.messaging.bench import baseline, load, messages, server, setup
from adgang.messaging.models import Receipt, ReceiptStatus

ARCHIVE_MEMBERS = 1_000
MESSAGES_AT_SCALE_1 = 10_000


def archive(bodies: list[bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for body in bodies:
            info = tarfile.TarInfo(f"{messages.uuid_of(body)}.xml")
            info.size = len(body)
            tar.addfile(info, io.BytesIO(body))
    return lzma.compress(buffer.getvalue(), format=lzma.FORMAT_ALONE)


def _upload(client, item: tuple[bytes, int]) -> tuple[str, int]:
    data, members = item
    response = client.post(
        f"{messages.API}/memos/", content=data, headers={"Content-Type": "application/x-lzma"}
    )
    assert response.status_code == 201, f"HTTP {response.status_code}: {response.text[:200]}"
    answer = response.json()
    assert answer["receiptStatus"] == "RECEIVED", answer
    return answer["transmissionId"], members


def _accepted(alias: str, transmission_ids: list[str]) -> int:
    return (
        Receipt.objects.using(alias)
        .filter(transmission_id__in=transmission_ids, receipt_status=ReceiptStatus.RECEIVED)
        .count()
    )


def run(
    *,
    alias: str = "default",
    scale: float = 1.0,
    workers: int | None = None,
    clients: int | None = None,
    migrate: bool = False,
    **_options,
) -> dict:
    if migrate:
        call_command("migrate", database=alias, verbosity=0, interactive=False)
    workers = workers or server.default_workers()
    count = max(int(MESSAGES_AT_SCALE_1 * scale), 1)
    per_archive = min(ARCHIVE_MEMBERS, count)
    sender = setup.sender()
    cvr = sender.system.organisation.cvr
    bodies = [messages.letter(cvr) for _ in range(count)]
    archives = [
        (archive(bodies[start : start + per_archive]), len(bodies[start : start + per_archive]))
        for start in range(0, count, per_archive)
    ]
    clients = min(clients or workers, len(archives))
    connections[alias].close()
    with server.gunicorn(setup.database_url(alias), workers=workers) as base:
        common = {"clients": clients, "base_url": base, "headers": {"Authorization": sender.auth}}
        warm = load.drive(
            [messages.letter(cvr) for _ in range(2 * workers)], call=messages.post_single, **common
        )
        sent = load.drive(archives, call=_upload, **common)
    transmission_ids = [tid for tid, _members in sent.results]
    accepted = _accepted(alias, transmission_ids)
    ids = baseline.message_ids_of(alias, [messages.uuid_of(body) for body in bodies])
    raw = baseline.raw_insert(alias, ids)
    valid = sent.failures == 0 and warm.failures == 0 and accepted == count == len(ids)
    return {
        "suite": "bulk",
        "database": connections[alias].vendor,
        "messages": count,
        "archives": len(archives),
        "members_per_archive": per_archive,
        "archive_bytes": sum(len(data) for data, _members in archives) // len(archives),
        "workers": workers,
        "threads_per_worker": server.default_threads(),
        "clients": clients,
        "figures": {
            "bulk.messages_per_second": setup.figure(
                load.rate(accepted if valid else 0, sent.seconds),
                raw["messages_per_second"],
                "messages/s",
                valid=valid,
                seconds=round(sent.seconds, 3),
                receipts_received=accepted,
                stored=len(ids),
                **sent.as_json(),
                baseline_detail={k: v for k, v in raw.items() if k != "messages_per_second"},
            )
        },
    }
