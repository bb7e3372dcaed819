"""Which protocol fits which system type, and what each combination needs (SPEC §3 table).

This table is the single source of the rule: the wizard offers only these protocols, the
service refuses anything else, and `manage.py system add` goes through the same service.
"""

from dataclasses import dataclass

from adgang.systems.models import Protocol


@dataclass(frozen=True)
class Requirements:
    endpoint: bool = False
    receipt_endpoint: bool = False
    ssh_key: bool = False
    # Systemfuldmagt is for REST systems only; "Flyt eksisterende post fra Virk" for receivers
    # that are pushed to.
    delegation: bool = True
    move_post_from_virk: bool = False


SENDER = frozenset({"sender"})
RECEIVER = frozenset({"receiver"})
BOTH = frozenset({"sender", "receiver"})

COMBINATIONS: dict[tuple[frozenset[str], str], Requirements] = {
    (RECEIVER, Protocol.REST_PUSH): Requirements(endpoint=True, move_post_from_virk=True),
    (RECEIVER, Protocol.REST_PULL): Requirements(),
    (RECEIVER, Protocol.REST_PUBLISH_SUBSCRIBE): Requirements(endpoint=True),
    (SENDER, Protocol.REST_PUSH): Requirements(receipt_endpoint=True),
    (SENDER, Protocol.REST_PULL): Requirements(),
    (SENDER, Protocol.SFTP): Requirements(ssh_key=True, delegation=False),
    (BOTH, Protocol.REST_PUSH): Requirements(
        endpoint=True, receipt_endpoint=True, move_post_from_virk=True
    ),
    (BOTH, Protocol.REST_PULL): Requirements(),
}


def types_of(*, is_sender: bool, is_receiver: bool) -> frozenset[str]:
    return frozenset({"sender"} if is_sender else set()) | frozenset(
        {"receiver"} if is_receiver else set()
    )


def protocols_for(types: frozenset[str]) -> list[str]:
    """The protocols the wizard offers for these types, in the table's order."""
    return [protocol for (t, protocol) in COMBINATIONS if t == frozenset(types)]


def requirements(types: frozenset[str], protocol: str) -> Requirements | None:
    """What the combination needs, or None when it is not one of SPEC §3's combinations."""
    return COMBINATIONS.get((frozenset(types), protocol))
