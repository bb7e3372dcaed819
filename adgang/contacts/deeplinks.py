"""Deep links ("dybe links") to contact points and groups, and their QR codes (SPEC §4
"Deep links"; guide §6.1, §6.3 step 7, §6.6).

A deep link takes a citizen to the citizen platform, or a company or another authority to
the business platform, with a new message to a contact point open, or with a group's
contact points shown. The base URLs are the settings `ADGANG_DEEPLINK_CITIZEN_BASE` and
`ADGANG_DEEPLINK_BUSINESS_BASE`.
"""

import io
from collections.abc import Iterable
from dataclasses import dataclass

import segno
from django.conf import settings
from django.utils.translation import gettext as _

from adgang.contacts.models import ContactGroup, ContactPoint, Target

TARGET_ORDER = [Target.CITIZEN, Target.COMPANY, Target.AUTHORITY]


@dataclass(frozen=True)
class DeepLink:
    target: str  # a Target value
    label: str  # "Dybt link (borger)" …, as on the receipt and the details pages
    url: str


def _label(target: Target) -> str:
    labels = {
        Target.CITIZEN: _("Dybt link (borger)"),
        Target.COMPANY: _("Dybt link (virksomhed)"),
        Target.AUTHORITY: _("Dybt link (myndighed)"),
    }
    return labels[target]


def _base(target: Target) -> str:
    # Companies and authorities both write from the business platform.
    if target == Target.CITIZEN:
        base = settings.ADGANG_DEEPLINK_CITIZEN_BASE
    else:
        base = settings.ADGANG_DEEPLINK_BUSINESS_BASE
    return base.rstrip("/")


def _in_order(targets: Iterable[str]) -> list[Target]:
    present = set(targets)
    return [target for target in TARGET_ORDER if target.value in present]


def point_links(point: ContactPoint) -> list[DeepLink]:
    """One deep link per target group of the point, whether or not it is active yet
    (the receipt shows them at creation): citizens `…/send/<authority id>/<point id>/`,
    companies and authorities `…/digitalpost/new/<authority id>/<point id>/` (SPEC §4).
    """
    links = []
    for target in _in_order(point.targets or []):
        path = "send" if target == Target.CITIZEN else "digitalpost/new"
        url = f"{_base(target)}/{path}/{point.organisation_id}/{point.id}/"
        links.append(DeepLink(target=target.value, label=_label(target), url=url))
    return links


def group_links(group: ContactGroup, points: Iterable[ContactPoint]) -> list[DeepLink]:
    """`…/contact/<authority id>/<group id>/` for each target group present among the
    group's active and visible points (SPEC §4; guide §6.6).

    The caller passes the contact points reachable below the group (directly or through
    subgroups), typically from a selector; this function keeps only those that are active
    and visible, so a group whose points are all hidden or inactive has no links. A caller
    that also wants the receiver system's activity taken into account filters before.
    """
    targets: set[str] = set()
    for point in points:
        if point.active and point.visible:
            targets.update(point.targets or [])
    return [
        DeepLink(
            target=target.value,
            label=_label(target),
            url=f"{_base(target)}/contact/{group.organisation_id}/{group.id}/",
        )
        for target in _in_order(targets)
    ]


def _qr(url: str) -> segno.QRCode:
    # Level M survives a smudged print-out and keeps a long link at a scannable size.
    return segno.make_qr(url, error="m")


def qr_svg(url: str, *, scale: int = 4, title: str | None = None) -> str:
    """The QR code of `url` as SVG markup to place inline in a page or save as a file.

    No XML declaration (it would be invalid inside HTML) and no inline style (the CSP);
    `role="img"` and a <title> give screen readers a name for it.
    """
    out = io.BytesIO()
    _qr(url).save(
        out,
        kind="svg",
        scale=scale,
        xmldecl=False,
        nl=False,
        title=title or _("QR-kode til %(url)s") % {"url": url},
        svgclass="contacts-qr",
    )
    return out.getvalue().decode("utf-8").replace("<svg ", '<svg role="img" ', 1)


def qr_png(url: str, *, scale: int = 8) -> bytes:
    """The QR code of `url` as a PNG image (for download and print)."""
    out = io.BytesIO()
    _qr(url).save(out, kind="png", scale=scale)
    return out.getvalue()
