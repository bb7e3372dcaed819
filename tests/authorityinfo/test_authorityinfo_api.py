"""`GET|PUT|DELETE /apis/v1/organisations/{id}/logo` (SPEC §9, NGDP-API.md): any system reads
a logo; only a system of the organisation itself changes it, with the page's checks."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import encode_multipart
from PIL import Image

from adgang.audit.models import ActionLogEntry, Subject
from adgang.audit.services import Actor
from adgang.authorityinfo import services
from adgang.authorityinfo.images import png_chunk_types
from adgang.authorityinfo.models import AuthorityInfo
from tests.authorityinfo import pngs
from tests.support.messaging_api import API, api_client, assert_error
from tests.support.messaging_core import Protocol, receiver_system, sender_system

KB = 1024


def _url(organisation_or_id) -> str:
    key = getattr(organisation_or_id, "pk", organisation_or_id)
    return f"{API}/organisations/{key}/logo"


def _put(auth, organisation, content: bytes, content_type="image/png"):
    return api_client().put(
        _url(organisation), data=content, content_type=content_type, HTTP_AUTHORIZATION=auth
    )


def _put_multipart(auth, organisation, content: bytes, field="file"):
    body = encode_multipart("BoUnDaRy", {field: SimpleUploadedFile("x.png", content)})
    return api_client().put(
        _url(organisation),
        data=body,
        content_type="multipart/form-data; boundary=BoUnDaRy",
        HTTP_AUTHORIZATION=auth,
    )


def _get(auth, organisation_or_id, **extra):
    return api_client().get(_url(organisation_or_id), HTTP_AUTHORIZATION=auth, **extra)


def _delete(auth, organisation):
    return api_client().delete(_url(organisation), HTTP_AUTHORIZATION=auth)


@pytest.fixture
def a_system(personas):
    """A sender system of Kommune A: (system, auth header)."""
    return sender_system(personas.alice)


@pytest.fixture
def a_logo(personas):
    actor = Actor(personas.alice.actor_id, personas.alice.organisation.cvr, personas.alice.rid)
    return services.logo_set(
        actor=actor,
        organisation=personas.alice.organisation,
        content=pngs.png(256),
        filename="a.png",
    )


def _api_log():
    return list(ActionLogEntry.objects.filter(subject=Subject.MYNDIGHEDSINFORMATION))


def test_any_system_of_any_organisation_reads_a_logo_by_id_or_cvr(personas, a_logo):
    _, auth = receiver_system(personas.maja)

    for key in (a_logo.organisation.pk, a_logo.organisation.cvr):
        response = _get(auth, key)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response.content == bytes(a_logo.logo_png)
        assert response["ETag"] == f'"{a_logo.logo_sha256}"'


def test_an_unchanged_logo_answers_304(personas, a_logo):
    _, auth = receiver_system(personas.maja)

    response = _get(auth, a_logo.organisation, HTTP_IF_NONE_MATCH=f'"{a_logo.logo_sha256}"')

    assert response.status_code == 304
    assert response.content == b""


def test_no_logo_answers_404_in_ngdp_shape(personas, a_system):
    _, auth = a_system

    assert_error(_get(auth, personas.maja.organisation), 404, "logo.not.found")
    assert_error(_get(auth, "00000000-0000-0000-0000-000000000000"), 404, "organisation.not.found")
    assert_error(_get(auth, "99999999"), 404, "organisation.not.found")
    assert_error(_get(auth, "not-an-id"), 404, "organisation.not.found")


def test_reading_needs_authentication(personas, a_logo):
    response = api_client().get(_url(a_logo.organisation))

    assert response.status_code == 401
    assert response.json()["code"]


def test_a_system_puts_its_own_organisations_logo_as_a_raw_png(personas, a_system):
    system, auth = a_system

    response = _put(auth, personas.alice.organisation, pngs.png_with_text(300))

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["width"], body["height"]) == (300, 300)
    info = AuthorityInfo.objects.get(organisation=personas.alice.organisation)
    assert png_chunk_types(bytes(info.logo_png)) == ["IHDR", "IDAT", "IEND"]
    assert body["sha256"] == info.logo_sha256
    [entry] = _api_log()
    assert entry.actor == f"System:{system.pk}"
    assert (entry.field, entry.before, entry.after) == ("Logo", "Intet", "logo.png (300×300)")
    fetched = _get(auth, personas.alice.organisation)
    with Image.open(io.BytesIO(fetched.content)) as image:
        assert image.size == (300, 300) and image.info == {}


def test_a_system_puts_a_logo_as_multipart(personas, a_system):
    _, auth = a_system

    response = _put_multipart(auth, personas.alice.organisation, pngs.png(200))

    assert response.status_code == 200, response.content
    assert AuthorityInfo.objects.get().logo_width == 200


def test_multipart_without_the_file_part_is_refused(personas, a_system):
    _, auth = a_system

    response = _put_multipart(auth, personas.alice.organisation, pngs.png(200), field="other")

    assert_error(response, 400, "logo.file.missing")
    assert AuthorityInfo.objects.count() == 0


@pytest.mark.parametrize(
    ("content", "status", "code"),
    [
        (pngs.jpeg(), 400, "logo.format.not.allowed"),
        (pngs.png(300, 250), 400, "logo.not.square"),
        (pngs.png(199), 400, "logo.dimensions.too.small"),
        (pngs.bomb(30000), 400, "logo.dimensions.too.large"),
        (pngs.truncated(), 400, "logo.file.unreadable"),
        (b"", 400, "file.empty.not.allowed"),
        (pngs.png_of_size(513 * KB), 413, "logo.size.too.large"),
    ],
    ids=["jpeg", "not-square", "199", "bomb", "truncated", "empty", "513kb"],
)
@pytest.mark.parametrize("multipart", [False, True], ids=["raw", "multipart"])
def test_bad_logos_are_refused_and_nothing_is_saved(
    personas, a_system, content, status, code, multipart
):
    _, auth = a_system
    organisation = personas.alice.organisation
    if multipart:
        response = _put_multipart(auth, organisation, content)
    else:
        response = _put(auth, organisation, content)

    body = assert_error(response, status, code)
    assert body["fieldErrors"][0]["code"] == code
    assert AuthorityInfo.objects.count() == 0
    assert _api_log() == []


def test_another_content_type_is_refused(personas, a_system):
    _, auth = a_system

    response = _put(auth, personas.alice.organisation, pngs.png(300), "image/jpeg")

    assert_error(response, 415, "content.type.not.allowed")


def test_a_system_of_another_organisation_cannot_change_or_delete_the_logo(personas, a_logo):
    _, auth = sender_system(personas.maja)

    assert_error(_put(auth, a_logo.organisation, pngs.png(300)), 403, "organisation.not.allowed")
    assert_error(_delete(auth, a_logo.organisation), 403, "organisation.not.allowed")
    info = AuthorityInfo.objects.get()
    assert info.logo_sha256 == a_logo.logo_sha256
    assert len(_api_log()) == 1  # only the fixture's


def test_a_company_system_cannot_set_a_logo(personas):
    _, auth = sender_system(personas.birgitte)

    response = _put(auth, personas.birgitte.organisation, pngs.png(300))

    assert_error(response, 403, "organisation.kind.not.allowed")
    assert AuthorityInfo.objects.count() == 0


def test_a_system_deletes_its_organisations_logo(personas, a_system, a_logo):
    system, auth = a_system

    response = _delete(auth, personas.alice.organisation)

    assert response.status_code == 204
    assert not AuthorityInfo.objects.get().has_logo
    entry = next(e for e in _api_log() if e.event == "Slettet")
    assert entry.actor == f"System:{system.pk}"
    assert_error(_delete(auth, personas.alice.organisation), 404, "logo.not.found")
    assert_error(_get(auth, personas.alice.organisation), 404, "logo.not.found")


def test_a_receiver_system_may_also_manage_its_organisations_logo(personas):
    _, auth = receiver_system(personas.alice, Protocol.REST_PULL)

    assert _put(auth, personas.alice.organisation, pngs.png(300)).status_code == 200


def test_the_openapi_document_lists_the_logo_operations(db):
    document = api_client().get(f"{API}/openapi.json").json()
    item = document["paths"]["/apis/v1/organisations/{id}/logo"]

    assert set(item) == {"get", "put", "delete"}
    assert "image/png" in item["get"]["responses"]["200"]["content"]
    assert set(item["put"]["requestBody"]["content"]) == {"image/png", "multipart/form-data"}
    for operation in item.values():
        assert operation["summary"] and operation["description"]
        assert operation["security"]


def test_any_system_reads_the_privacy_link_by_id_or_cvr(personas):
    actor = Actor(personas.alice.actor_id, personas.alice.organisation.cvr, personas.alice.rid)
    organisation = personas.alice.organisation
    services.privacy_link_set(
        actor=actor, organisation=organisation, link="https://kommune-a.dk/privatliv"
    )
    _, auth = receiver_system(personas.maja)

    for key in (organisation.pk, organisation.cvr):
        response = api_client().get(
            f"{API}/organisations/{key}/privacy-policy", HTTP_AUTHORIZATION=auth
        )
        assert response.status_code == 200
        assert response.json() == {
            "organisationId": str(organisation.pk),
            "privacyPolicyUrl": "https://kommune-a.dk/privatliv",
        }


def test_no_privacy_link_answers_404_and_reading_needs_authentication(personas, a_system):
    _, auth = a_system
    url = f"{API}/organisations/{personas.maja.organisation.pk}/privacy-policy"

    assert_error(api_client().get(url, HTTP_AUTHORIZATION=auth), 404, "privacy.policy.not.found")
    assert_error(
        api_client().get(f"{API}/organisations/99999999/privacy-policy", HTTP_AUTHORIZATION=auth),
        404,
        "organisation.not.found",
    )
    assert api_client().get(url).status_code == 401
