"""Helpers for the systems overview/details tests: systems made through the real service, and a
tiny HTML tree to read what a page shows (which cell, which link, which error by which field).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser

from adgang.accounts.models import Membership
from adgang.audit.services import Actor
from adgang.systems.models import MailSystem, Protocol
from adgang.systems.services import Activation, Created, SystemSpec, system_create

CONTACT = {
    "contact_name": "IT-drift",
    "contact_email": "it-drift@kommune.dk",
    "contact_phone": "+45 33 12 34 56",
}


def actor_of(membership: Membership) -> Actor:
    return Actor(membership.actor_id, membership.organisation.cvr, membership.rid)


def system_make(
    membership: Membership,
    *,
    name: str = "Modtager PULL",
    types: tuple[str, ...] = ("receiver",),
    protocol: str = Protocol.REST_PULL,
    activation: str = Activation.NEVER,
    now: datetime | None = None,
    **fields,
) -> Created:
    """A system of `membership`'s organisation, created the way the wizard creates one."""
    values = {"allowed_ips": ("192.0.2.10",), **CONTACT, **fields}
    spec = SystemSpec(
        name=name,
        is_sender="sender" in types,
        is_receiver="receiver" in types,
        protocol=protocol,
        activation=activation,
        **values,
    )
    return system_create(
        actor=actor_of(membership), organisation=membership.organisation, spec=spec, now=now
    )


def fresh(system: MailSystem) -> MailSystem:
    return MailSystem.objects.get(pk=system.pk)


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = field(default_factory=list)

    @property
    def text(self) -> str:
        parts = []
        for child in self.children:
            parts.append(child if isinstance(child, str) else f" {child.text} ")
        return " ".join("".join(parts).split())

    def iter(self):
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.iter()

    def find_all(self, tag: str | None = None, **attrs) -> list[Node]:
        """Descendants with this tag (any if None) whose attributes have these values
        (`data_testid=` for data-testid, `class_=` for class; `True` = present)."""
        wanted = {key.rstrip("_").replace("_", "-"): value for key, value in attrs.items()}
        found = []
        for node in self.iter():
            if tag is not None and node.tag != tag:
                continue
            if all(
                (key in node.attrs) if value is True else node.attrs.get(key) == value
                for key, value in wanted.items()
            ):
                found.append(node)
        return found

    def find(self, tag: str | None = None, **attrs) -> Node | None:
        found = self.find_all(tag, **attrs)
        return found[0] if found else None


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {key: value if value is not None else "" for key, value in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def page(response_or_html) -> Node:
    html = response_or_html
    if not isinstance(html, str):
        html = response_or_html.content.decode()
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def field_error(response, field_id: str) -> str:
    """The error message the page shows next to the field with this id (its `-error` span)."""
    node = page(response).find(id=f"{field_id}-error")
    return node.text if node is not None else ""
