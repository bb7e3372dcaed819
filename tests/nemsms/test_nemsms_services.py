"""NemSMS services (SPEC §7): sign-up, confirmation link, change of number, unregistering;
every rule re-checked in the service, every change in the action log, nothing partial."""

from datetime import timedelta

import pytest

from adgang.audit.models import ActionLogEntry, Subject
from adgang.core import clock
from adgang.nemsms import services
from adgang.nemsms.models import NemSmsConfirmation, NemSmsRegistration, NemSmsState, SmsOutbox
from adgang.nemsms.selectors import nemsms_active, nemsms_registration_live
from adgang.nemsms.tokens import token_hash
from adgang.registers import demo as register_demo
from tests.nemsms.conftest import outbox_token

CPR = register_demo.CITIZEN.cpr
NAME = register_demo.CITIZEN.name
PHONE = "+4520304050"
NEW_PHONE = "+4531323334"


@pytest.fixture
def signup(personas, bob_actor):
    def make(phone=PHONE, number=CPR, id_type="CPR", name=NAME):
        return services.nemsms_signup(
            actor=bob_actor, organisation=personas.bob.organisation, id_type=id_type,
            number=number, name=name, phone=phone,
        )  # fmt: skip

    return make


def change(personas, actor, phone=NEW_PHONE):
    return services.nemsms_phone_change(
        actor=actor, organisation=personas.bob.organisation, id_type="CPR", number=CPR,
        name=NAME, phone=phone,
    )  # fmt: skip


def unregister(personas, actor):
    return services.nemsms_unregister(
        actor=actor, organisation=personas.bob.organisation, id_type="CPR", number=CPR, name=NAME
    )


def nemsms_log():
    return list(
        ActionLogEntry.objects.filter(subject=Subject.NEMSMS)
        .order_by("occurred_at", "id")
        .values_list("actor", "event", "field", "before", "after", "concerns", "reason")
    )


def counts():
    return (
        NemSmsRegistration.objects.count(),
        NemSmsConfirmation.objects.count(),
        SmsOutbox.objects.count(),
        ActionLogEntry.objects.filter(subject=Subject.NEMSMS).count(),
    )


# --- sign-up ----------------------------------------------------------------------------


def test_signup_is_pending_and_sends_a_confirmation_link_by_sms(signup, personas, settings):
    settings.ADGANG_PUBLIC_BASE_URL = "https://adgang.example"

    result = signup(phone="20 30 40 50")

    registration = result.registration
    assert (registration.state, registration.phone, registration.number) == (
        NemSmsState.PENDING, PHONE, CPR,
    )  # fmt: skip
    assert registration.organisation == personas.bob.organisation
    assert not nemsms_active("CPR", CPR)
    sms = SmsOutbox.objects.get()
    assert sms.phone == PHONE and sms.message_id is None
    token = outbox_token()
    assert f"https://adgang.example/nemsms/bekraeft/{token}/" in sms.text
    assert len(token) >= 43


def test_signup_is_logged_with_field_before_and_after(signup, personas):
    signup()
    actor = personas.bob.actor_id
    assert nemsms_log() == [
        (actor, "Tilmeldt", "Telefonnummer", "", PHONE, CPR,
         "Afventer bekræftelse via link sendt på sms"),
    ]  # fmt: skip


def test_the_token_is_stored_only_as_its_sha256(signup):
    signup()
    token = outbox_token()
    confirmation = NemSmsConfirmation.objects.get()
    assert confirmation.token_hash == token_hash(token) != token
    assert token not in str(list(NemSmsConfirmation.objects.values_list()))
    assert confirmation.expires_at - confirmation.created_at == timedelta(hours=48)


@pytest.mark.parametrize("state", [NemSmsState.PENDING, NemSmsState.ACTIVE])
def test_signing_up_someone_already_registered_is_refused(signup, state):
    signup()
    NemSmsRegistration.objects.update(state=state)
    before = counts()

    with pytest.raises(services.NemSmsError) as refused:
        signup(phone=NEW_PHONE)

    assert refused.value.message == "Borgeren er allerede tilmeldt NemSMS."
    assert counts() == before


def test_a_company_already_registered_is_refused_in_company_words(signup):
    cvr = register_demo.VIRKSOMHED_B.cvr
    signup(id_type="CVR", number=cvr, name="B")
    with pytest.raises(services.NemSmsError, match="Virksomheden er allerede tilmeldt"):
        signup(id_type="CVR", number=cvr, name="B")


def test_someone_unregistered_may_sign_up_again(signup, personas, bob_actor):
    signup()
    unregister(personas, bob_actor)
    result = signup(phone=NEW_PHONE)
    assert result.registration.state == NemSmsState.PENDING
    assert NemSmsRegistration.objects.filter(state=NemSmsState.CANCELLED).count() == 1


@pytest.mark.parametrize(
    ("phone", "code"),
    [("+46701234567", "phone_foreign"), ("1234", "phone_invalid"), ("80123456", "phone_not_mobile"),
     ("", "phone_empty")],
)  # fmt: skip
def test_the_service_rechecks_the_phone_number(signup, phone, code):
    with pytest.raises(services.NemSmsError) as refused:
        signup(phone=phone)
    assert (refused.value.code, refused.value.field) == (code, "phone")
    assert counts() == (0, 0, 0, 0)


def test_the_service_rechecks_the_cpr_number(signup):
    from adgang.registers.validation import RegisterInputError

    with pytest.raises(RegisterInputError):
        signup(number="123")
    assert counts() == (0, 0, 0, 0)


def test_a_failing_sms_gateway_leaves_nothing_saved(signup, settings):
    settings.ADGANG_SMS_BACKEND = "tests.nemsms.test_nemsms_services.BrokenBackend"
    with pytest.raises(ConnectionError):
        signup()
    assert counts() == (0, 0, 0, 0)


from adgang.nemsms.gateway import SmsBackend  # noqa: E402


class BrokenBackend(SmsBackend):
    def send(self, *, phone, text, message_id):
        raise ConnectionError("gateway down")


# --- confirmation -----------------------------------------------------------------------


def test_the_link_confirms_the_registration_logged_as_system(signup, personas):
    signup()

    result = services.nemsms_confirm(token=outbox_token())

    registration = NemSmsRegistration.objects.get()
    assert (registration.state, registration.phone) == (NemSmsState.ACTIVE, PHONE)
    assert registration.confirmed_at is not None and result.phone == PHONE
    assert nemsms_active("CPR", CPR)
    entry = ActionLogEntry.objects.get(event="Tilmelding bekræftet")
    assert (entry.actor, entry.reason, entry.field, entry.before, entry.after, entry.concerns) == (
        "System", "Bekræftet via link", "Telefonnummer", "", PHONE, CPR,
    )  # fmt: skip
    assert (entry.organisation, entry.object_name) == (personas.bob.organisation, NAME)


def test_a_link_works_only_once(signup):
    signup()
    token = outbox_token()
    services.nemsms_confirm(token=token)
    before = counts()

    with pytest.raises(services.ConfirmationProblem) as problem:
        services.nemsms_confirm(token=token)

    assert problem.value.code == services.USED
    assert counts() == before


def test_a_link_expires_after_48_hours(signup, time_machine):
    time_machine.move_to(clock.now(), tick=False)
    signup()
    token = outbox_token()
    time_machine.shift(timedelta(hours=48))
    before = counts()

    with pytest.raises(services.ConfirmationProblem) as problem:
        services.nemsms_confirm(token=token)

    assert problem.value.code == services.EXPIRED
    assert NemSmsRegistration.objects.get().state == NemSmsState.PENDING
    assert counts() == before


def test_a_link_just_inside_48_hours_still_works(signup, time_machine):
    time_machine.move_to(clock.now(), tick=False)
    signup()
    token = outbox_token()
    time_machine.shift(timedelta(hours=48) - timedelta(seconds=1))
    services.nemsms_confirm(token=token)
    assert nemsms_active("CPR", CPR)


@pytest.mark.parametrize("token", ["", "x", "a" * 43, "a" * 500])
def test_an_unknown_link_confirms_nothing(signup, token):
    signup()
    with pytest.raises(services.ConfirmationProblem) as problem:
        services.nemsms_confirm(token=token)
    assert problem.value.code == services.UNKNOWN
    assert NemSmsRegistration.objects.get().state == NemSmsState.PENDING


def test_a_link_for_a_superseded_signup_confirms_nothing(signup, personas, bob_actor):
    """The number was changed after the first link was sent: that link belongs to a sign-up
    that no longer exists, and it must not confirm the new number either."""
    signup()
    first = outbox_token()
    change(personas, bob_actor)
    second = outbox_token(NEW_PHONE)

    with pytest.raises(services.ConfirmationProblem) as problem:
        services.nemsms_confirm(token=first)
    assert problem.value.code == services.SUPERSEDED
    assert NemSmsRegistration.objects.get().state == NemSmsState.PENDING

    services.nemsms_confirm(token=second)
    assert nemsms_registration_live("CPR", CPR).phone == NEW_PHONE


def test_a_link_after_unregistering_confirms_nothing(signup, personas, bob_actor):
    signup()
    token = outbox_token()
    unregister(personas, bob_actor)
    with pytest.raises(services.ConfirmationProblem) as problem:
        services.nemsms_confirm(token=token)
    assert problem.value.code == services.SUPERSEDED
    assert not nemsms_active("CPR", CPR)


def test_a_link_of_an_earlier_registration_does_not_confirm_a_new_one(signup, personas, bob_actor):
    signup()
    old = outbox_token()
    unregister(personas, bob_actor)
    signup()  # same number again: a new registration with its own link
    with pytest.raises(services.ConfirmationProblem):
        services.nemsms_confirm(token=old)
    assert nemsms_registration_live("CPR", CPR).state == NemSmsState.PENDING


# --- change of number -------------------------------------------------------------------


def test_changing_an_active_number_keeps_the_old_one_until_the_new_is_confirmed(
    signup, personas, bob_actor
):
    signup()
    services.nemsms_confirm(token=outbox_token())

    result = change(personas, bob_actor, phone="31 32 33 34")

    assert (result.before, result.phone) == (PHONE, NEW_PHONE)
    live = nemsms_registration_live("CPR", CPR)
    assert (live.state, live.phone, live.open_confirmation.phone) == (
        NemSmsState.ACTIVE, PHONE, NEW_PHONE,
    )  # fmt: skip
    services.nemsms_confirm(token=outbox_token(NEW_PHONE))
    live = nemsms_registration_live("CPR", CPR)
    assert (live.state, live.phone, live.open_confirmation) == (NemSmsState.ACTIVE, NEW_PHONE, None)
    assert [row[1:5] for row in nemsms_log()] == [
        ("Tilmeldt", "Telefonnummer", "", PHONE),
        ("Tilmelding bekræftet", "Telefonnummer", "", PHONE),
        ("Telefonnummer ændret", "Telefonnummer", PHONE, NEW_PHONE),
        ("Tilmelding bekræftet", "Telefonnummer", PHONE, NEW_PHONE),
    ]


def test_changing_a_pending_number_replaces_it(signup, personas, bob_actor):
    signup()
    change(personas, bob_actor)
    live = nemsms_registration_live("CPR", CPR)
    assert (live.state, live.phone) == (NemSmsState.PENDING, NEW_PHONE)
    assert NemSmsConfirmation.objects.filter(superseded_at__isnull=False).count() == 1


def test_changing_to_the_same_number_is_refused(signup, personas, bob_actor):
    signup()
    before = counts()
    with pytest.raises(services.NemSmsError) as refused:
        change(personas, bob_actor, phone="20 30 40 50")
    assert refused.value.field == "phone" and "samme" in str(refused.value.message)
    assert counts() == before


def test_changing_or_unregistering_someone_not_registered_is_refused(personas, bob_actor):
    with pytest.raises(services.NemSmsError, match="ikke tilmeldt"):
        change(personas, bob_actor)
    with pytest.raises(services.NemSmsError, match="ikke tilmeldt"):
        unregister(personas, bob_actor)
    assert counts() == (0, 0, 0, 0)


# --- unregistering ----------------------------------------------------------------------


def test_unregistering_cancels_and_is_logged(signup, personas, bob_actor):
    signup()
    services.nemsms_confirm(token=outbox_token())

    result = unregister(personas, bob_actor)

    assert result.phone == PHONE
    registration = NemSmsRegistration.objects.get()
    assert registration.state == NemSmsState.CANCELLED and registration.cancelled_at
    assert not nemsms_active("CPR", CPR)
    assert nemsms_log()[-1] == (
        personas.bob.actor_id, "Afmeldt", "Telefonnummer", PHONE, "", CPR, "",
    )  # fmt: skip


# --- a new link -------------------------------------------------------------------------


def resend(personas, actor):
    return services.nemsms_link_resend(
        actor=actor, organisation=personas.bob.organisation, id_type="CPR", number=CPR, name=NAME
    )


def test_a_new_link_replaces_an_expired_one(signup, personas, bob_actor, time_machine):
    time_machine.move_to(clock.now(), tick=False)
    signup()
    old = outbox_token()
    time_machine.shift(timedelta(hours=50))

    result = resend(personas, bob_actor)

    assert result.phone == PHONE
    new = outbox_token()
    assert new != old
    with pytest.raises(services.ConfirmationProblem) as problem:
        services.nemsms_confirm(token=old)
    assert problem.value.code == services.SUPERSEDED
    services.nemsms_confirm(token=new)
    assert nemsms_active("CPR", CPR)
    assert ActionLogEntry.objects.filter(event="Bekræftelseslink sendt igen", after=PHONE).exists()


def test_a_new_link_for_a_pending_change_goes_to_the_new_number(signup, personas, bob_actor):
    signup()
    services.nemsms_confirm(token=outbox_token())
    change(personas, bob_actor)
    resend(personas, bob_actor)
    assert SmsOutbox.objects.order_by("-id").first().phone == NEW_PHONE
    services.nemsms_confirm(token=outbox_token(NEW_PHONE))
    assert nemsms_registration_live("CPR", CPR).phone == NEW_PHONE


def test_no_new_link_when_nothing_awaits_confirmation(signup, personas, bob_actor):
    signup()
    services.nemsms_confirm(token=outbox_token())
    before = counts()
    with pytest.raises(services.NemSmsError) as refused:
        resend(personas, bob_actor)
    assert refused.value.code == "nothing_awaits"
    assert counts() == before


def test_two_simultaneous_signups_leave_one_registration(signup, bob_actor, personas):
    """The partial unique constraint is the last guard: a registration made between the
    check and the insert makes the second sign-up a refusal, not a second registration."""
    from unittest import mock

    signup()
    with (
        mock.patch.object(services, "_live_locked", return_value=None),
        pytest.raises(services.NemSmsError) as refused,
    ):
        signup(phone=NEW_PHONE)
    assert refused.value.code == "already_registered"
    assert NemSmsRegistration.objects.count() == 1 and SmsOutbox.objects.count() == 1
