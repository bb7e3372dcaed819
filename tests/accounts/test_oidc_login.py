"""Login with MitID Erhverv over OpenID Connect, end to end (SPEC §1 "Login", §14).

The portal (Django's test client) and a real OIDC provider on 127.0.0.1 (tests/support)
talk real HTTP: the browser's hop to the broker goes through httpx, and the portal's
backend fetches the token, the JWKS and UserInfo from the provider itself. Nothing of
mozilla-django-oidc is mocked.
"""

import functools
import html
import re
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django.conf import settings
from django.test import Client

from adgang.accounts import rights as r
from adgang.accounts import services
from adgang.accounts.models import Membership, Organisation, OrganisationKind, Person
from adgang.audit.models import ActionLogEntry
from adgang.registers import demo as register_demo
from adgang.registers.registry import get_register
from tests.support.oidc_provider import OIDCProvider, new_signing_key

CALLBACK = "http://testserver/oidc/callback/"
KOMMUNE_A = register_demo.KOMMUNE_A.cvr
KOMMUNE_M = register_demo.KOMMUNE_M.cvr

FAILED = "Du blev ikke logget ind: login med MitID Erhverv mislykkedes. Prøv igen."
MISSING_IDENTITY = (
    "Du blev ikke logget ind: MitID Erhverv oplyste ikke både din organisations "
    "CVR-nummer og dit RID-nummer."
)


@functools.cache
def signing_key():
    return new_signing_key()  # one RSA key for the whole module: generating one is slow


@pytest.fixture
def oidc_provider(settings):
    """A running provider the portal's OIDC settings point at; stopped after the test."""
    with OIDCProvider(redirect_uris=(CALLBACK,), signing_key=signing_key()) as provider:
        provider.configure_django(settings)
        yield provider


def employee(
    *, cvr=KOMMUNE_A, rid="5001", name="Nanna Nielsen", rights=(r.STATISTIKADMINISTRATOR,)
):
    """UserInfo claims of an employee, under the claim names configured in settings."""
    return {
        settings.ADGANG_OIDC_CLAIM_CVR: cvr,
        settings.ADGANG_OIDC_CLAIM_RID: rid,
        settings.ADGANG_OIDC_CLAIM_NAME: name,
        settings.ADGANG_OIDC_CLAIM_RIGHTS: list(rights),
    }


def round_trip_to_broker(client: Client) -> str:
    """The browser's part: portal → broker (real HTTP) → back; the callback path to open."""
    start = client.get("/oidc/authenticate/")
    assert start.status_code == 302, start.content[:300]
    answer = httpx.get(start["Location"], follow_redirects=False, timeout=5)
    assert answer.status_code == 302, answer.text
    location = answer.headers["location"]
    assert location.startswith(CALLBACK + "?")
    return location.removeprefix("http://testserver")


def oidc_login(client: Client):
    """Log in through the broker; the portal's answer to the callback."""
    return client.get(round_trip_to_broker(client))


def logged_in_person(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


def header(page: str) -> tuple[str, str]:
    """The logged-in person's name and organisation as the page header shows them."""
    name = re.search(r'<strong class="username">(.*?)</strong>', page, re.S)
    organisation = re.search(r'data-testid="header-org">(.*?)</span>', page, re.S)
    assert name and organisation, "the page shows no logged-in person"
    return html.unescape(name.group(1)).strip(), html.unescape(organisation.group(1)).strip()


def tabs_of(page: str) -> list[str]:
    return re.findall(r'data-tab="([^"]+)"', page)


def refusal_shown(client: Client, response) -> str:
    """The error the login page shows after a refused callback."""
    assert response.status_code == 302
    assert response["Location"] == "/login/"
    page = client.get("/login/").content.decode()
    alerts = re.findall(r'class="alert alert-error".*?<p class="alert-text">(.*?)</p>', page, re.S)
    assert len(alerts) == 1, alerts
    return html.unescape(alerts[0])


def assert_not_logged_in(client: Client) -> None:
    assert logged_in_person(client) is None
    overview = client.get("/oversigt/")
    assert overview.status_code == 302
    assert overview["Location"].startswith("/login/")


def company_without_organisation(kind: str):
    """A company of `kind` that the CVR register knows and the portal does not (yet)."""
    known = set(Organisation.objects.values_list("cvr", flat=True))
    return next(c for c in get_register().companies() if c.kind == kind and c.cvr not in known)


# --- the login page and the way to the broker ------------------------------------------


@pytest.mark.parametrize("enabled", [True, False])
def test_login_page_offers_mitid_erhverv_exactly_when_oidc_is_enabled(db, settings, enabled):
    settings.ADGANG_OIDC_ENABLED = enabled
    page = Client().get("/login/").content.decode()
    assert ('href="/oidc/authenticate/"' in page) is enabled
    assert ("Log ind med MitID Erhverv</a>" in page) is enabled


@pytest.mark.parametrize("path", ["/oidc/authenticate/", "/oidc/callback/?code=x&state=y"])
def test_oidc_pages_are_absent_when_oidc_is_disabled(db, settings, path):
    settings.ADGANG_OIDC_ENABLED = False
    assert Client().get(path).status_code == 404


def test_authenticate_sends_the_browser_to_the_brokers_authorize_endpoint(db, oidc_provider):
    response = Client().get("/oidc/authenticate/")
    assert response.status_code == 302
    url = urlsplit(response["Location"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == oidc_provider.authorization_endpoint
    query = {name: values[0] for name, values in parse_qs(url.query).items()}
    assert query["client_id"] == oidc_provider.client_id
    assert query["redirect_uri"] == CALLBACK
    assert query["response_type"] == "code"
    assert "openid" in query["scope"].split()
    assert len(query["state"]) >= 32
    assert len(query["nonce"]) >= 32


# --- successful logins ---------------------------------------------------------------


def test_new_employee_of_a_known_organisation_is_created_with_the_claimed_rights(
    personas, oidc_provider
):
    oidc_provider.login_as(
        employee(rid="5001", rights=[r.SYSTEMADMINISTRATOR, r.STATISTIKADMINISTRATOR]),
        sub="sub-nanna",
    )
    client = Client()
    response = oidc_login(client)
    assert response.status_code == 302
    assert response["Location"] == "/oversigt/"
    membership = Membership.objects.select_related("person").get(
        organisation__cvr=KOMMUNE_A, rid="5001"
    )
    assert membership.person.name == "Nanna Nielsen"
    assert membership.person.oidc_subject == "sub-nanna"
    assert membership.rights == [r.STATISTIKADMINISTRATOR, r.SYSTEMADMINISTRATOR]
    assert logged_in_person(client) == str(membership.person_id)
    assert client.session["adgang_membership_id"] == membership.pk
    entry = ActionLogEntry.objects.get(object_id=f"CVR:{KOMMUNE_A}-RID:5001")
    assert (entry.actor, entry.subject, entry.event) == ("System", "Bruger", "Oprettet")
    assert (entry.field, entry.before) == ("rettigheder", "")
    assert entry.after == "statistikadministrator, systemadministrator"
    assert entry.organisation_id == membership.organisation_id


def test_the_portal_itself_fetches_token_keys_and_userinfo_from_the_broker(personas, oidc_provider):
    oidc_provider.login_as(employee())
    oidc_login(Client())
    assert oidc_provider.paths_requested() == [
        "GET /authorize",
        "POST /token",
        "GET /jwks",
        "GET /userinfo",
    ]


@pytest.mark.parametrize(
    ("rights", "tabs"),
    [
        ([], ["oversigt"]),
        ([r.STATISTIKADMINISTRATOR], ["oversigt", "statistik"]),
        (
            [r.SYSTEMADMINISTRATOR],
            ["oversigt", "systemtilslutning", "tilbagekald", "flyt-post", "myndighedsinformation"],
        ),
        (
            [r.BORGERSERVICE],
            [
                "oversigt",
                "haendelseslog",
                "fritag-borger",
                "fritag-virksomhed",
                "nemsms-borger",
                "nemsms-virksomhed",
                "adgang",
            ],
        ),
    ],
)
def test_overview_shows_the_person_the_organisation_and_exactly_the_claimed_tabs(
    personas, oidc_provider, rights, tabs
):
    oidc_provider.login_as(employee(name="Nanna Nielsen", rights=rights))
    client = Client()
    oidc_login(client)
    page = client.get("/oversigt/").content.decode()
    assert header(page) == ("Nanna Nielsen", f"Kommune A (CVR: {KOMMUNE_A})")
    assert tabs_of(page) == tabs


@pytest.mark.parametrize(
    ("basic_auth", "pkce"),
    [(False, False), (True, False), (False, True)],
    ids=["client_secret_post", "client_secret_basic", "pkce"],
)
def test_login_works_with_each_client_authentication(
    personas, oidc_provider, settings, basic_auth, pkce
):
    settings.OIDC_TOKEN_USE_BASIC_AUTH = basic_auth
    settings.OIDC_USE_PKCE = pkce
    oidc_provider.login_as(employee())
    client = Client()
    assert oidc_login(client)["Location"] == "/oversigt/"
    assert logged_in_person(client) is not None


def test_login_again_replaces_the_rights_and_logs_before_and_after(personas, oidc_provider):
    oidc_provider.login_as(employee(rights=[r.STATISTIKADMINISTRATOR]), sub="sub-nanna")
    oidc_login(Client())
    oidc_provider.login_as(employee(rights=[r.BORGERSERVICE, r.LOG_SOEGNINGER]), sub="sub-nanna")
    client = Client()
    oidc_login(client)
    membership = Membership.objects.get(organisation__cvr=KOMMUNE_A, rid="5001")
    assert membership.rights == [r.BORGERSERVICE, r.LOG_SOEGNINGER]
    assert Person.objects.filter(memberships__rid="5001").count() == 1
    entry = ActionLogEntry.objects.get(object_id=f"CVR:{KOMMUNE_A}-RID:5001", event="Redigeret")
    assert (entry.actor, entry.field) == ("System", "rettigheder")
    assert (entry.before, entry.after) == (
        "statistikadministrator",
        "borgerservicemedarbejder, logadministrator-soegninger",
    )
    assert "statistik" not in tabs_of(client.get("/oversigt/").content.decode())


def test_login_with_unchanged_rights_writes_no_log_entry(personas, oidc_provider):
    oidc_provider.login_as(employee(), sub="sub-nanna")
    oidc_login(Client())
    before = ActionLogEntry.objects.count()
    oidc_login(Client())
    assert ActionLogEntry.objects.count() == before


@pytest.mark.parametrize(
    "claimed",
    [
        ["statistikadministrator", "nemlogin-administrator", "dp-superbruger"],
        "statistikadministrator nemlogin-administrator",
        "statistikadministrator,dp-superbruger",
        ["statistikadministrator", 7, {"slug": "systemadministrator"}, None],
        ["Statistikadministrator", "statistikadministrator", "SYSTEMADMINISTRATOR"],
    ],
)
def test_unknown_rights_in_the_claim_are_ignored(personas, oidc_provider, claimed):
    claims = employee()
    claims[settings.ADGANG_OIDC_CLAIM_RIGHTS] = claimed
    oidc_provider.login_as(claims)
    client = Client()
    assert oidc_login(client)["Location"] == "/oversigt/"
    assert Membership.objects.get(organisation__cvr=KOMMUNE_A, rid="5001").rights == [
        r.STATISTIKADMINISTRATOR
    ]
    assert tabs_of(client.get("/oversigt/").content.decode()) == ["oversigt", "statistik"]


def test_systemforvalter_in_an_ordinary_organisations_claims_is_not_granted(
    personas, oidc_provider
):
    oidc_provider.login_as(employee(rights=(r.SYSTEMFORVALTER, r.STATISTIKADMINISTRATOR)))
    client = Client()
    assert oidc_login(client)["Location"] == "/oversigt/"
    membership = Membership.objects.get(organisation__cvr=KOMMUNE_A, rid="5001")
    assert membership.rights == [r.STATISTIKADMINISTRATOR]
    assert 'data-testid="switch-context"' not in client.get("/oversigt/").content.decode()


def test_the_platform_operators_claims_may_grant_systemforvalter(personas, oidc_provider):
    platform = personas.dorte.organisation.cvr
    oidc_provider.login_as(employee(cvr=platform, rid="9002", rights=(r.SYSTEMFORVALTER,)))
    client = Client()
    assert oidc_login(client)["Location"] == "/oversigt/"
    membership = Membership.objects.get(organisation__cvr=platform, rid="9002")
    assert membership.rights == [r.SYSTEMFORVALTER]


@pytest.mark.parametrize("claimed", [None, "", [], {"roles": ["systemadministrator"]}, 42])
def test_a_missing_or_malformed_rights_claim_grants_no_rights(personas, oidc_provider, claimed):
    claims = employee()
    claims[settings.ADGANG_OIDC_CLAIM_RIGHTS] = claimed
    oidc_provider.login_as(claims)
    client = Client()
    assert oidc_login(client)["Location"] == "/oversigt/"
    assert Membership.objects.get(organisation__cvr=KOMMUNE_A, rid="5001").rights == []
    assert tabs_of(client.get("/oversigt/").content.decode()) == ["oversigt"]


@pytest.mark.parametrize("kind", [OrganisationKind.MYNDIGHED, OrganisationKind.VIRKSOMHED])
def test_first_login_for_a_cvr_the_register_knows_creates_the_organisation(
    personas, oidc_provider, kind
):
    company = company_without_organisation(kind)
    oidc_provider.login_as(employee(cvr=company.cvr, rid="77", rights=[r.SYSTEMADMINISTRATOR]))
    client = Client()
    assert oidc_login(client)["Location"] == "/oversigt/"
    organisation = Organisation.objects.get(cvr=company.cvr)
    assert (organisation.name, organisation.kind) == (company.name, kind)
    assert client.session["adgang_organisation_id"] == str(organisation.pk)
    page = client.get("/oversigt/").content.decode()
    assert header(page)[1] == f"{company.name} (CVR: {company.cvr})"
    created = ActionLogEntry.objects.get(object_id=company.cvr, event="Oprettet")
    assert created.after == f"{company.name} ({organisation.get_kind_display()})"
    # Authority-only tabs follow the register's kind.
    assert ("tilbagekald" in tabs_of(page)) is (kind == OrganisationKind.MYNDIGHED)


def test_an_organisation_the_portal_knows_keeps_its_name_and_kind(personas, oidc_provider):
    company = company_without_organisation(OrganisationKind.MYNDIGHED)
    with_other_name = services.organisation_create(
        cvr=company.cvr, name="Testkommunen", kind=OrganisationKind.VIRKSOMHED
    )
    oidc_provider.login_as(employee(cvr=company.cvr))
    oidc_login(Client())
    with_other_name.refresh_from_db()
    assert (with_other_name.name, with_other_name.kind) == ("Testkommunen", "virksomhed")
    assert not ActionLogEntry.objects.filter(object_id=company.cvr, event="Redigeret").exists()


def test_session_acts_for_the_organisation_of_the_claims(personas, oidc_provider):
    # Morten is employed by Kommune A (RID 1009) and Kommune M (RID 2009); he logs in as
    # the latter, so he acts for Kommune M although Kommune A comes first by name.
    oidc_provider.login_as(
        employee(cvr=KOMMUNE_M, rid="2009", name="Morten Mikkelsen", rights=[r.LOG_MEDDELELSER])
    )
    client = Client()
    oidc_login(client)
    assert logged_in_person(client) == str(personas.morten_m.person_id)
    assert client.session["adgang_organisation_id"] == str(personas.morten_m.organisation_id)
    assert client.session["adgang_membership_id"] == personas.morten_m.pk
    page = client.get("/oversigt/").content.decode()
    assert header(page) == ("Morten Mikkelsen", f"Kommune M (CVR: {KOMMUNE_M})")
    assert tabs_of(page) == ["oversigt", "haendelseslog"]


def test_the_next_page_asked_for_is_shown_after_login(personas, oidc_provider):
    oidc_provider.login_as(employee(rights=[r.STATISTIKADMINISTRATOR]))
    client = Client()
    start = client.get("/oidc/authenticate/?next=/statistik/")
    answer = httpx.get(start["Location"], follow_redirects=False, timeout=5)
    response = client.get(answer.headers["location"].removeprefix("http://testserver"))
    assert response["Location"] == "/statistik/"


def test_claim_names_are_configurable(personas, oidc_provider, settings):
    settings.ADGANG_OIDC_CLAIM_CVR = "org_cvr"
    settings.ADGANG_OIDC_CLAIM_RID = "employee_id"
    settings.ADGANG_OIDC_CLAIM_NAME = "display_name"
    settings.ADGANG_OIDC_CLAIM_RIGHTS = "roles"
    oidc_provider.login_as(
        {
            "org_cvr": KOMMUNE_A,
            "employee_id": "5002",
            "display_name": "Ole Olsen",
            "roles": "statistikadministrator",
        }
    )
    client = Client()
    assert oidc_login(client)["Location"] == "/oversigt/"
    membership = Membership.objects.select_related("person").get(rid="5002")
    assert membership.person.name == "Ole Olsen"
    assert membership.rights == [r.STATISTIKADMINISTRATOR]


# --- refused logins: a clear message, nobody logged in, nothing saved -----------------


@pytest.mark.parametrize(
    "drop_or_blank",
    [
        {"cvr": None},
        {"rid": None},
        {"cvr": None, "rid": None},
        {"cvr": ""},
        {"rid": "   "},
        {"cvr": ["31415926"]},
    ],
)
def test_claims_without_cvr_or_rid_are_refused_and_nothing_is_saved(
    personas, oidc_provider, row_counts, drop_or_blank
):
    claims = employee()
    names = {"cvr": settings.ADGANG_OIDC_CLAIM_CVR, "rid": settings.ADGANG_OIDC_CLAIM_RID}
    for key, value in drop_or_blank.items():
        if value is None:
            del claims[names[key]]
        else:
            claims[names[key]] = value
    oidc_provider.login_as(claims)
    before = row_counts()
    client = Client()
    assert refusal_shown(client, oidc_login(client)) == MISSING_IDENTITY
    assert_not_logged_in(client)
    assert row_counts() == before


@pytest.mark.parametrize(
    ("claims", "message"),
    [
        (
            {"cvr": "31415927"},
            "Du blev ikke logget ind: CVR-nummeret er ikke gyldigt (kontrolciffer).",
        ),
        ({"cvr": "3141592"}, "Du blev ikke logget ind: CVR-nummeret skal bestå af 8 cifre."),
        (
            {"cvr": "10000009"},
            "Du blev ikke logget ind: CVR-nummer 10000009 findes ikke i CVR-registret.",
        ),
        (
            {"rid": "50 01!"},
            "Du blev ikke logget ind: RID skal bestå af 1-20 bogstaver eller cifre.",
        ),
        (
            {"rid": "1" * 21},
            "Du blev ikke logget ind: RID skal bestå af 1-20 bogstaver eller cifre.",
        ),
        ({"name": "N" * 201}, "Du blev ikke logget ind: Navnet må højst være 200 tegn."),
    ],
)
def test_invalid_claims_are_refused_with_the_reason_and_nothing_is_saved(
    personas, oidc_provider, row_counts, claims, message
):
    oidc_provider.login_as(employee(**claims))
    before = row_counts()
    client = Client()
    assert refusal_shown(client, oidc_login(client)) == message
    assert_not_logged_in(client)
    assert row_counts() == before


@pytest.mark.parametrize(
    "flaw",
    [
        {"signing_key": new_signing_key("test-signing-key")},
        {"altered_after_signing": {"sub": "sub-somebody-else"}},
        {"id_token_claims": {"aud": "another-client"}},
        {"id_token_claims": {"aud": None}},
        {"id_token_claims": {"iss": "http://127.0.0.1:1/another-broker"}},
        {"id_token_claims": {"exp": 1_000_000_000}},
        {"id_token_claims": {"exp": None}},
        {"id_token_claims": {"nonce": "a-nonce-of-another-login"}},
        {"id_token_claims": {"nonce": None}},
        {"algorithm": "HS256"},
    ],
    ids=[
        "signed-with-another-key",
        "payload-altered-after-signing",
        "wrong-audience",
        "no-audience",
        "wrong-issuer",
        "expired",
        "no-expiry",
        "wrong-nonce",
        "no-nonce",
        "hs256-with-client-secret",
    ],
)
def test_a_bad_id_token_is_refused_and_nothing_is_saved(personas, oidc_provider, row_counts, flaw):
    oidc_provider.login_as(employee(), **flaw)
    before = row_counts()
    client = Client()
    assert refusal_shown(client, oidc_login(client)) == FAILED
    assert_not_logged_in(client)
    assert row_counts() == before


def test_userinfo_about_another_subject_is_refused(personas, oidc_provider, row_counts):
    oidc_provider.login_as({**employee(), "sub": "sub-somebody-else"}, sub="sub-nanna")
    before = row_counts()
    client = Client()
    assert refusal_shown(client, oidc_login(client)) == FAILED
    assert_not_logged_in(client)
    assert row_counts() == before


def test_a_code_someone_already_redeemed_is_refused_and_nothing_is_saved(
    personas, oidc_provider, row_counts, settings
):
    # Without PKCE (a broker that does not support it), a stolen code can be redeemed by
    # someone else first; the portal must then refuse its own, now spent, code.
    settings.OIDC_USE_PKCE = False
    oidc_provider.login_as(employee())
    client = Client()
    callback = round_trip_to_broker(client)
    code = parse_qs(urlsplit(callback).query)["code"][0]
    first = httpx.post(
        oidc_provider.token_endpoint,
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": CALLBACK,
            "client_id": oidc_provider.client_id,
            "client_secret": oidc_provider.client_secret,
        },
        timeout=5,
    )
    assert first.status_code == 200
    before = row_counts()
    assert refusal_shown(client, client.get(callback)) == FAILED
    assert_not_logged_in(client)
    assert row_counts() == before


def test_a_replayed_code_logs_no_one_in(personas, oidc_provider, row_counts):
    oidc_provider.login_as(employee())
    victim = Client()
    callback = round_trip_to_broker(victim)
    victim.get(callback)
    attacker = Client()
    own_start = attacker.get("/oidc/authenticate/")
    own_state = parse_qs(urlsplit(own_start["Location"]).query)["state"][0]
    stolen_code = parse_qs(urlsplit(callback).query)["code"][0]
    before = row_counts()
    response = attacker.get(f"/oidc/callback/?code={stolen_code}&state={own_state}")
    assert refusal_shown(attacker, response) == FAILED
    assert_not_logged_in(attacker)
    assert row_counts() == before
    assert oidc_provider.paths_requested().count("POST /token") == 2


def test_a_callback_for_a_state_this_browser_never_asked_for_is_refused(
    personas, oidc_provider, row_counts
):
    oidc_provider.login_as(employee())
    callback = round_trip_to_broker(Client())
    other_browser = Client()
    other_browser.get("/oidc/authenticate/")
    before = row_counts()
    assert refusal_shown(other_browser, other_browser.get(callback)) == FAILED
    assert_not_logged_in(other_browser)
    assert row_counts() == before
    assert "POST /token" not in oidc_provider.paths_requested()


def test_a_wrong_client_secret_is_refused(personas, oidc_provider, settings, row_counts):
    settings.OIDC_RP_CLIENT_SECRET = "not-the-secret"
    oidc_provider.login_as(employee())
    before = row_counts()
    client = Client()
    assert refusal_shown(client, oidc_login(client)) == FAILED
    assert_not_logged_in(client)
    assert row_counts() == before


def test_the_broker_answering_with_an_error_is_refused(personas, oidc_provider, row_counts):
    oidc_provider.next_login = None  # the person cancelled at the broker: access_denied
    before = row_counts()
    client = Client()
    assert refusal_shown(client, oidc_login(client)) == FAILED
    assert_not_logged_in(client)
    assert row_counts() == before


def test_a_failed_login_ends_the_session_that_was_logged_in(client_as, oidc_provider):
    client = client_as("alice")
    oidc_provider.login_as(employee(rid=""))
    assert refusal_shown(client, oidc_login(client)) == MISSING_IDENTITY
    assert_not_logged_in(client)


def test_a_subject_bound_to_another_employee_is_refused(personas, oidc_provider, row_counts):
    oidc_provider.login_as(employee(rid="5001"), sub="sub-shared")
    oidc_login(Client())
    oidc_provider.login_as(employee(rid="5002", name="Ole Olsen"), sub="sub-shared")
    before = row_counts()
    client = Client()
    assert refusal_shown(client, oidc_login(client)) == (
        "Du blev ikke logget ind: Din MitID Erhverv-identitet er allerede knyttet til en "
        "anden medarbejder."
    )
    assert_not_logged_in(client)
    assert row_counts() == before


# --- the provider is strict too (so the tests above prove what they claim) -------------


@pytest.mark.parametrize(
    ("change", "status", "error"),
    [
        ({"client_id": "someone-else"}, 400, None),
        ({"redirect_uri": "http://evil.example/callback"}, 400, None),
        ({"response_type": "token"}, 302, "unsupported_response_type"),
        ({"scope": "profile"}, 302, "invalid_scope"),
        ({"state": None}, 302, "invalid_request"),
        ({"nonce": None}, 302, "invalid_request"),
    ],
)
def test_provider_refuses_bad_authorization_requests(oidc_provider, change, status, error):
    oidc_provider.login_as(employee())
    params = {
        "client_id": oidc_provider.client_id,
        "redirect_uri": CALLBACK,
        "response_type": "code",
        "scope": "openid profile",
        "state": "s" * 32,
        "nonce": "n" * 32,
    }
    params.update(change)
    params = {name: value for name, value in params.items() if value is not None}
    answer = httpx.get(oidc_provider.authorization_endpoint, params=params, timeout=5)
    assert answer.status_code == status
    if error:
        query = parse_qs(urlsplit(answer.headers["location"]).query)
        assert query["error"] == [error]
        assert "code" not in query
