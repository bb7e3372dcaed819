"""Four months of Digital Post traffic for the demo (SPEC §15), made by the core's own services.

History is played forward in time: each planned message is submitted with `message_submit(
now=<its time>)`, and between submissions the clock jumps from one due moment to the next,
where the delivery worker (`deliveries_run`), the release of value-dated messages, the receipt
push, REST PULL fetches (`pull_delete`) and receivers' business receipts run with `now=` that
moment. So every event has exactly the shape and order a real run gives it, and the retry
events of a receiver that is down appear at the SPEC §3 offsets.

REST PUSH deliveries to the demo receiver really go over HTTPS: while the history is played a
stand-in of the demo receiver listens on its endpoint (unless `manage.py demo_receiver` already
does). Endpoints under `.example` do not resolve: deliveries to them fail (Kommune M's
"Postmodtager", Kommune A's ESDH system) and so do pushed receipts, as in real life when a
system is down.

Deterministic (seeded) and made once: the first planned messageUUID marks the traffic as made.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import random
import tempfile
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from django.db.models import Min
from django.db.models.functions import Coalesce
from django.test.utils import override_settings

from adgang.accounts import demo as accounts_demo
from adgang.accounts.models import Organisation
from adgang.contacts import selectors as contact_selectors
from adgang.core.clock import now as clock_now
from adgang.core.devtls import self_signed_certificate
from adgang.messaging import demo_api, demo_plan
from adgang.messaging.business_receipts import business_receipt_accept
from adgang.messaging.delivery import deliveries_run
from adgang.messaging.demo_memo import demo_uuid, memo_bytes
from adgang.messaging.demo_receiver import DemoReceiverServer, MessageStore, tls_directory
from adgang.messaging.errors import Refusal
from adgang.messaging.ingest import message_submit
from adgang.messaging.models import (
    Delivery,
    DeliveryState,
    Message,
    MessageState,
    Receipt,
    ReceiptPush,
)
from adgang.messaging.pull import pull_delete
from adgang.messaging.receipts_push import receipts_push_run
from adgang.messaging.release import messages_release_due
from adgang.systems.models import MailSystem

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
HISTORY_DAYS = 120
SEED = 2026
# Receivers that pull leave a few messages waiting, so the REST PULL listing is not empty.
UNFETCHED_SHARE = 0.15


def already_made() -> bool:
    return Message.objects.filter(message_uuid=demo_uuid(0)).exists()


def _systems() -> dict[str, MailSystem]:
    cvrs = [accounts_demo.ORGANISATIONS[key][0] for key in ("A", "B", "M")]
    return {
        s.name: s
        for s in MailSystem.objects.alive()
        .select_related("organisation")
        .filter(organisation__cvr__in=cvrs)
    }


def _points() -> dict[str, str]:
    organisation = Organisation.objects.get(cvr=accounts_demo.ORGANISATIONS["A"][0])
    return {p.name: str(p.pk) for p in contact_selectors.points_of(organisation)}


def _backdate_activation(systems: dict[str, MailSystem], start: datetime) -> None:
    """The demo systems were connected when the demo first ran; four months of traffic need
    them active since before it began (routing asks whether a point's system is active)."""
    for system in systems.values():
        if system.active_from and system.active_from == system.created_at:
            MailSystem.objects.filter(pk=system.pk).update(active_from=start)
            system.active_from = start


class Simulation:
    """Plays the core's background work forward to each moment something is due."""

    def __init__(self, systems: dict[str, MailSystem], rng: random.Random) -> None:
        self.systems = systems
        self.rng = rng
        self.actions: list[tuple[datetime, int, str, int]] = []  # (when, seq, kind, delivery)
        self._seq = itertools.count()
        self._seen: set[int] = set()

    def advance(self, until: datetime) -> None:
        while True:
            due = self._due()
            moment = min(due.values(), default=None)
            if moment is None or moment > until:
                return
            self._run_at(moment, {kind for kind, at in due.items() if at <= moment})

    def _due(self) -> dict[str, datetime]:
        """When each kind of background work is next due (absent: nothing waiting)."""
        receipts = Receipt.objects.filter(push=ReceiptPush.PENDING)
        due = {
            "deliveries": Delivery.objects.filter(state=DeliveryState.PENDING).aggregate(
                t=Min("next_attempt_at")
            )["t"],
            "release": Message.objects.filter(state=MessageState.HELD).aggregate(
                t=Min("deliver_after")
            )["t"],
            # A receipt not pushed yet (no next_push_at) is due from the moment it was made.
            "receipts": receipts.aggregate(t=Min(Coalesce("next_push_at", "time_stamp")))["t"],
            "actions": self.actions[0][0] if self.actions else None,
        }
        return {kind: at for kind, at in due.items() if at is not None}

    def _run_at(self, at: datetime, kinds: set[str]) -> None:
        if "release" in kinds:
            messages_release_due(now=at, limit=1000)
            kinds.add("deliveries")  # a released message may be due for delivery at once
        if "deliveries" in kinds:
            deliveries_run(now=at, limit=1000)
        while self.actions and self.actions[0][0] <= at:
            _when, _seq, kind, delivery_id = heapq.heappop(self.actions)
            self._act(kind, delivery_id, at)
        receipts_push_run(now=at, limit=1000)
        self._schedule_receivers(at)

    def _schedule_receivers(self, at: datetime) -> None:
        """What receiver systems do on their own: pull what is available, answer with a
        business receipt (the demo receiver minutes after a push, pullers after a fetch)."""
        fresh = Delivery.objects.filter(
            state__in=(DeliveryState.AVAILABLE, DeliveryState.DELIVERED)
        ).exclude(pk__in=self._seen)
        for delivery in fresh.select_related("system"):
            self._seen.add(delivery.pk)
            if delivery.state == DeliveryState.DELIVERED:
                self._later(at + timedelta(minutes=self.rng.randint(1, 9)), "receipt", delivery.pk)
            elif self.rng.random() >= UNFETCHED_SHARE:
                hours = self.rng.uniform(0.2, 30)
                self._later(at + timedelta(hours=hours), "fetch", delivery.pk)

    def _later(self, when: datetime, kind: str, delivery_id: int) -> None:
        heapq.heappush(self.actions, (when, next(self._seq), kind, delivery_id))

    def _act(self, kind: str, delivery_id: int, at: datetime) -> None:
        delivery = Delivery.objects.select_related("system", "message").get(pk=delivery_id)
        if kind == "fetch" and delivery.state == DeliveryState.AVAILABLE:
            pull_delete(delivery.system, delivery.message_id, now=at)
            self._later(at + timedelta(minutes=self.rng.randint(2, 50)), "receipt", delivery_id)
        elif kind == "receipt":
            business_receipt_accept(
                system=delivery.system,
                message_id=delivery.message_id,
                status="COMPLETED",
                now=at,
            )


def _moment(day: datetime, rng: random.Random) -> datetime:
    """A working-hours moment of that day, Danish time."""
    local = datetime.combine(day.astimezone(COPENHAGEN).date(), time(8), tzinfo=COPENHAGEN)
    return local + timedelta(minutes=rng.randint(0, 9 * 60))


def _play_history(
    systems: dict[str, MailSystem], points: dict[str, str], start: datetime, end: datetime
) -> int:
    rng = random.Random(SEED)
    simulation = Simulation(systems, rng)
    planned = demo_plan.history(rng, points, start=start, end=end)
    # In time order, so the clock only moves forward; the number keeps each messageUUID.
    timed = sorted(
        (min(_moment(item.day, rng), end), number, item) for number, item in enumerate(planned)
    )
    accepted = 0
    for at, number, item in timed:
        simulation.advance(at)
        letter = item.letter(demo_uuid(number), at)
        result = message_submit(
            system=systems[item.sender], content=memo_bytes(letter), query_uuid=None, now=at
        )
        accepted += not isinstance(result, Refusal)
    simulation.advance(end)
    return accepted


def _stand_in_receiver(directory: Path, cert: Path, key: Path) -> DemoReceiverServer | None:
    """Listen on the demo receiver's endpoint while history is played; None when a real
    `manage.py demo_receiver` (or anything else) has the port."""
    from adgang.messaging import demo

    try:
        server = DemoReceiverServer(
            (demo.RECEIVER_HOST, demo.RECEIVER_PORT),
            store=MessageStore(directory),
            cert=cert,
            key=key,
        )
    except OSError:
        return None
    server.log_level = logging.DEBUG
    server.serve_in_thread()
    return server


def load(receiver_key: str = "") -> dict[str, int]:
    """Make the traffic once (see the module docstring); what was made this time.

    `receiver_key` is the demo receiver's API key (for its business receipts through the
    API); without it today's messages through the API are left out.
    """
    if already_made():
        return {"messages": 0, "recalled": 0}
    end = clock_now() - timedelta(minutes=5)
    start = end - timedelta(days=HISTORY_DAYS)
    cert, key = self_signed_certificate(tls_directory())
    systems, points = _systems(), _points()
    # Outbound HTTPS trusts this VAR_DIR's certificate while the demo plays: the setting was
    # read when the process started, perhaps before `manage.py demo` made the certificate
    # (or, in tests, for another VAR_DIR). Every other demo endpoint is unreachable anyway.
    with (
        tempfile.TemporaryDirectory() as inbox,
        override_settings(ADGANG_OUTBOUND_CA_FILE=str(cert)),
    ):
        server = _stand_in_receiver(Path(inbox), cert, key)
        return _played(systems, points, start, end, receiver_key, server)


def _played(systems, points, start, end, receiver_key, server) -> dict[str, int]:
    quiet = logging.getLogger("httpx")  # one line per delivery would drown the output
    level = quiet.level
    quiet.setLevel(logging.WARNING)
    try:
        _backdate_activation(systems, start - timedelta(days=1))
        made = _play_history(systems, points, start, end)
        recalled = demo_plan.recall_one(end)
        if receiver_key:
            made += demo_api.today(systems, points, receiver_key)
        return {"messages": made, "recalled": recalled}
    finally:
        quiet.setLevel(level)
        if server is not None:
            server.shutdown()
            server.server_close()
