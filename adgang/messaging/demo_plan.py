"""What the demo traffic sends, day by day (SPEC §15): a seeded mix of everyday post and a
fixed set of cases that make every event of the message log appear (SPEC §5).

Senders: Kommune A's "Sagssystem Afsender" and "ESDH Afsender og modtager", Virksomhed B's
"Fakturaafsender" and "Masseforsendelse via T". Recipients: demo citizens (platform mailbox),
companies, Kommune A's contact points (its receiver systems, among them the demo receiver),
Kommune M (whose receiver system is down), NemSMS, an exempt citizen, legal notifications and
value-dated (held) post.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils.timezone import localdate

from adgang.accounts import demo as accounts_demo
from adgang.accounts.models import Membership
from adgang.audit.services import Actor
from adgang.core.clock import now as clock_now
from adgang.messaging.demo_memo import Letter
from adgang.messaging.models import Message, MessageState
from adgang.messaging.recall import RecallRefused, message_recall
from adgang.registers import demo as register_demo

COPENHAGEN = ZoneInfo("Europe/Copenhagen")

A, B, M = (accounts_demo.ORGANISATIONS[key][0] for key in ("A", "B", "M"))
LEVERANDOER_S = register_demo.LEVERANDOER_S.cvr
CITIZENS = (register_demo.CITIZEN, register_demo.CITIZEN_YOUNG, register_demo.CITIZEN_NO_ADDRESS)
SAGSSYSTEM, ESDH = "Sagssystem Afsender", "ESDH Afsender og modtager"
# A REST PULL sender: its receipts wait to be pulled, so they cost no calls to a dead endpoint.
UDFASET = "Udfaset fagsystem"
FAKTURA, MASSE = "Fakturaafsender", "Masseforsendelse via T"
DEMO_POINT = "Digital Post til fagsystemet"

LETTER_TITLES = (
    "Indkaldelse til samtale",
    "Afgørelse om boligstøtte",
    "Kvittering for ansøgning",
    "Påmindelse: forny dit pas",
    "Svar på din henvendelse",
    "Opkrævning af ejendomsskat",
    "Besked om skolestart",
)


@dataclass(frozen=True)
class Planned:
    """One message of the plan: sent on `day` by the system named `sender`."""

    day: datetime
    sender: str
    make: Callable[[str, datetime], Letter]

    def letter(self, message_uuid: str, at: datetime) -> Letter:
        return self.make(message_uuid, at)


def _to_citizen(rng: random.Random, person=None, **fields) -> Callable[[str, datetime], Letter]:
    """A letter (or NemSMS) to a citizen; `fields` are Letter fields, plus `value_in_days`
    for a value date that many days after the sending day."""
    person = person or rng.choice(CITIZENS)

    def make(message_uuid: str, at: datetime) -> Letter:
        return Letter(
            message_uuid=message_uuid,
            sender_cvr=fields.get("sender_cvr", A),
            recipient_id=person.cpr,
            recipient_type="CPR",
            label=fields.get("label") or rng.choice(LETTER_TITLES),
            message_type=fields.get("message_type", "DIGITALPOST"),
            value_date=(
                localdate(at) + timedelta(days=fields["value_in_days"])
                if "value_in_days" in fields
                else None
            ),
            mandatory=fields.get("mandatory", False),
            legal_notification=fields.get("legal_notification", False),
            attachments=rng.randint(1, 3),
        )

    return make


def _to_organisation(rng, cvr: str, *, sender_cvr: str, point: str = "", label: str = ""):
    def make(message_uuid: str, at: datetime) -> Letter:
        return Letter(
            message_uuid=message_uuid,
            sender_cvr=sender_cvr,
            recipient_id=cvr,
            recipient_type="CVR",
            label=label or rng.choice(LETTER_TITLES),
            contact_point_id=point,
            attachments=rng.randint(1, 2),
        )

    return make


def _everyday(rng: random.Random, points: dict[str, str]) -> tuple[str, Callable]:
    """One ordinary message, weighted like a municipality's outgoing post."""
    roll = rng.random()
    if roll < 0.40:
        return SAGSSYSTEM, _to_citizen(rng)
    if roll < 0.50:
        return FAKTURA, _to_citizen(rng, sender_cvr=B, label="Faktura")
    if roll < 0.58:
        return SAGSSYSTEM, _to_organisation(rng, LEVERANDOER_S, sender_cvr=A)
    if roll < 0.64:
        return UDFASET, _to_organisation(rng, B, sender_cvr=A)
    if roll < 0.80:
        point = points[DEMO_POINT]
        return MASSE, _to_organisation(rng, A, sender_cvr=B, point=point)
    if roll < 0.92:
        point = points["Generelle henvendelser"]
        return MASSE, _to_organisation(rng, A, sender_cvr=B, point=point)
    return MASSE, _to_organisation(rng, A, sender_cvr=B, point=points["Byggesager"])


def _special(rng: random.Random, points: dict[str, str]) -> dict[int, tuple[str, Callable]]:
    """Days before the end → the case sent that day: every event of SPEC §5 shows up."""
    exempt = register_demo.CITIZEN_ABROAD
    return {
        110: (SAGSSYSTEM, _to_organisation(rng, M, sender_cvr=A, label="Høring om skoledistrikt")),
        95: (UDFASET, _to_citizen(rng, exempt, label="Orientering om affaldsordning")),
        90: (SAGSSYSTEM, _to_citizen(rng, exempt, mandatory=True, label="Skatteopkrævning")),
        80: (
            MASSE,
            _to_organisation(rng, A, sender_cvr=B, point=points["Virksomhedsservice"]),
        ),
        70: (ESDH, _to_citizen(rng, legal_notification=True, label="Forkyndelse af afgørelse")),
        60: (
            SAGSSYSTEM,
            _to_citizen(
                rng,
                register_demo.CITIZEN,
                message_type="NEMSMS",
                label="Husk din tid hos lægen i morgen",
            ),
        ),
        55: (
            SAGSSYSTEM,
            _to_citizen(
                rng,
                register_demo.CITIZEN_YOUNG,
                message_type="NEMSMS",
                label="Din ansøgning er modtaget",
            ),
        ),
        40: (SAGSSYSTEM, _to_citizen(rng, value_in_days=5, label="Udbetaling af boligstøtte")),
        3: (SAGSSYSTEM, _to_citizen(rng, value_in_days=20, label="Årsopgørelse (valørdato)")),
        2: (SAGSSYSTEM, _to_citizen(rng, value_in_days=10, label="Varsel om huslejestigning")),
        1: (ESDH, _to_citizen(rng, value_in_days=14, label="Ny ydelsessats fra 1. januar")),
    }


def history(
    rng: random.Random, points: dict[str, str], *, start: datetime, end: datetime
) -> list[Planned]:
    """The messages of each day from `start` to `end`, oldest first."""
    special = _special(rng, points)
    planned: list[Planned] = []
    days = (end - start).days
    for back in range(days, 0, -1):
        day = end - timedelta(days=back)
        weekend = day.astimezone(COPENHAGEN).weekday() >= 5
        count = 0 if weekend else rng.randint(1, 3)
        for _ in range(count):
            sender, make = _everyday(rng, points)
            planned.append(Planned(day, sender, make))
        if back in special:
            sender, make = special[back]
            planned.append(Planned(day, sender, make))
    return planned


def recall_one(at: datetime | None = None) -> int:
    """Recall the earliest held demo message of Kommune A, as Alice (SPEC §10)."""
    held = (
        Message.objects.filter(
            sender_organisation__cvr=A, state=MessageState.HELD, title__startswith="Varsel"
        )
        .order_by("created_at")
        .first()
    )
    if held is None:
        return 0
    membership = Membership.objects.get(organisation__cvr=A, rid="1001")
    actor = Actor(membership.actor_id, A, membership.rid)
    try:
        message_recall(
            organisation=held.sender_organisation,
            message_id=held.pk,
            actor=actor,
            now=at or clock_now(),
        )
    except RecallRefused:
        return 0
    return 1
