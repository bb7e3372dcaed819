"""Deep links to contact points and groups and their QR codes (SPEC §4 "Deep links";
guide §6.3 step 7, §6.6)."""

import struct
import uuid
import xml.etree.ElementTree as ET

import pytest
import segno

from adgang.contacts.deeplinks import DeepLink, group_links, point_links, qr_png, qr_svg
from adgang.contacts.models import ContactGroup, ContactPoint, Target

ORG = uuid.UUID("14d6e9ad-fc0e-3918-0000-0000000000ea")
POINT = uuid.UUID("bb6b168a-29a4-4a4a-ba61-29bbc6d42077")
GROUP = uuid.UUID("fd8ca657-157c-3ffe-0000-000000001b2a")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def bases(settings):
    # Trailing slashes as an operator might write them; the links must not double them.
    settings.ADGANG_DEEPLINK_CITIZEN_BASE = "https://post.demo.borger.dk/"
    settings.ADGANG_DEEPLINK_BUSINESS_BASE = "https://pilot.virk.dk//"


def point(targets, *, active=True, visible=True, point_id=POINT) -> ContactPoint:
    return ContactPoint(
        id=point_id, organisation_id=ORG, targets=targets, active=active, visible=visible
    )


def group() -> ContactGroup:
    return ContactGroup(id=GROUP, organisation_id=ORG)


def test_point_links_one_per_target_group_on_the_right_platform(bases):
    links = point_links(point(["AUTHORITY", "CITIZEN", "COMPANY"]))
    assert links == [
        DeepLink(
            target="CITIZEN",
            label="Dybt link (borger)",
            url=f"https://post.demo.borger.dk/send/{ORG}/{POINT}/",
        ),
        DeepLink(
            target="COMPANY",
            label="Dybt link (virksomhed)",
            url=f"https://pilot.virk.dk/digitalpost/new/{ORG}/{POINT}/",
        ),
        DeepLink(
            target="AUTHORITY",
            label="Dybt link (myndighed)",
            url=f"https://pilot.virk.dk/digitalpost/new/{ORG}/{POINT}/",
        ),
    ]


def test_point_links_only_for_the_points_target_groups(bases):
    assert [link.target for link in point_links(point(["COMPANY"]))] == ["COMPANY"]


def test_point_links_also_for_an_inactive_hidden_point(bases):
    # The receipt shows the links at creation; a hidden point is reached only by them.
    links = point_links(point(["CITIZEN"], active=False, visible=False))
    assert [link.url for link in links] == [f"https://post.demo.borger.dk/send/{ORG}/{POINT}/"]


def test_deep_links_are_immutable(bases):
    link = point_links(point(["CITIZEN"]))[0]
    with pytest.raises(AttributeError):
        link.url = "https://evil.example/"


def test_group_links_for_each_target_group_of_its_active_visible_points(bases):
    points = [point(["CITIZEN"]), point(["AUTHORITY", "CITIZEN"], point_id=uuid.uuid4())]
    assert group_links(group(), points) == [
        DeepLink(
            target="CITIZEN",
            label="Dybt link (borger)",
            url=f"https://post.demo.borger.dk/contact/{ORG}/{GROUP}/",
        ),
        DeepLink(
            target="AUTHORITY",
            label="Dybt link (myndighed)",
            url=f"https://pilot.virk.dk/contact/{ORG}/{GROUP}/",
        ),
    ]


@pytest.mark.parametrize(
    ("active", "visible"), [(False, True), (True, False), (False, False)], ids=str
)
def test_group_links_ignore_inactive_or_hidden_points(bases, active, visible):
    points = [
        point(["CITIZEN"]),
        point(["COMPANY"], active=active, visible=visible, point_id=uuid.uuid4()),
    ]
    assert [link.target for link in group_links(group(), points)] == ["CITIZEN"]


def test_group_without_active_visible_points_has_no_links(bases):
    assert group_links(group(), []) == []
    assert group_links(group(), [point(["CITIZEN"], visible=False)]) == []


def test_links_follow_the_base_url_settings(settings):
    settings.ADGANG_DEEPLINK_CITIZEN_BASE = "https://borger.test"
    settings.ADGANG_DEEPLINK_BUSINESS_BASE = "https://virk.test/base/"
    assert [link.url for link in point_links(point(["CITIZEN", "COMPANY"]))] == [
        f"https://borger.test/send/{ORG}/{POINT}/",
        f"https://virk.test/base/digitalpost/new/{ORG}/{POINT}/",
    ]


@pytest.mark.django_db
def test_links_of_saved_contact_structure_use_the_authoritys_id(bases, personas):
    organisation = personas.alice.organisation
    saved_group = ContactGroup.objects.create(
        organisation=organisation, name="Borgerservice", description="Henvendelser"
    )
    saved_point = ContactPoint.objects.create(
        organisation=organisation,
        name="Pas og kørekort",
        description="Spørgsmål om pas",
        targets=[Target.CITIZEN],
        keywords=["pas"],
        active=True,
    )
    saved_point.groups.add(saved_group)
    saved_point = ContactPoint.objects.get(pk=saved_point.pk)
    assert [link.url for link in point_links(saved_point)] == [
        f"https://post.demo.borger.dk/send/{organisation.id}/{saved_point.id}/"
    ]
    assert [link.url for link in group_links(saved_group, saved_group.points.all())] == [
        f"https://post.demo.borger.dk/contact/{organisation.id}/{saved_group.id}/"
    ]


URL = f"https://pilot.virk.dk/digitalpost/new/{ORG}/{POINT}/?a=1&b=<2>"


def parse(markup: str) -> ET.Element:
    return ET.fromstring(markup)  # noqa: S314 - our own output, not untrusted input


def test_qr_svg_is_well_formed_inline_svg_with_a_title():
    markup = qr_svg(URL)
    assert not markup.startswith("<?xml")
    root = parse(markup)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == f"QR-kode til {URL}"
    assert "style=" not in markup


def test_qr_svg_takes_a_custom_title():
    root = parse(qr_svg(URL, title="Dybt link (borger)"))
    assert root.find(f"{SVG}title").text == "Dybt link (borger)"


def png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(PNG_SIGNATURE)
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_qr_png_is_a_png_image_of_the_code_at_the_given_scale():
    width, height = segno.make_qr(URL, error="m").symbol_size(scale=8)
    assert png_size(qr_png(URL)) == (width, height)
    assert png_size(qr_png(URL, scale=2)) == (width // 4, height // 4)


def test_qr_codes_differ_per_url():
    other = URL.replace(str(POINT), str(uuid.uuid4()))
    assert qr_svg(URL) != qr_svg(other)
    assert qr_png(URL) != qr_png(other)
