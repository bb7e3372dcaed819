"""The rules of read access in the service and the core (SPEC §8): limit, self, duplicate,
expiry (the job, with a frozen clock), and what a holder may read."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adgang.audit.models import ActionLogEntry
from adgang.core.scheduler import registered_jobs
from adgang.messaging.models import MailboxItem
from adgang.messaging.notices import notice_send
from adgang.readaccess.forms import AccessDetailsForm, HolderLookupForm
from adgang.readaccess.models import AccessType, EndReason, ReadAccess
from adgang.readaccess.selectors import mailbox_items_visible
from adgang.readaccess.services import (
    Party,
    ReadAccessRuleError,
    read_access_revoke,
    read_accesses_expire,
)
from adgang.readaccess.tasks import read_accesses_expire_task
from tests.readaccess.conftest import (
    COMPANY,
    DECEASED,
    GIVER,
    HOLDER,
    T0,
    create,
    exempt,
    living_persons,
)

# -- the service re-checks every rule --------------------------------------------------------


def test_the_service_refuses_access_to_oneself(personas):
    with pytest.raises(ReadAccessRuleError, match="sin egen Digital Post"):
        create(personas, GIVER)
    assert not ReadAccess.objects.exists()


def test_the_service_refuses_a_deceased_giver_or_holder(personas):
    with pytest.raises(ReadAccessRuleError, match="død"):
        create(personas, HOLDER, giver=DECEASED)
    with pytest.raises(ReadAccessRuleError, match="død"):
        create(personas, DECEASED)
    assert not ReadAccess.objects.exists()


@pytest.mark.parametrize("expires_on", [date(2026, 3, 1), date(2026, 3, 2)])
def test_the_service_refuses_an_expiry_date_not_after_today(personas, expires_on):
    with pytest.raises(ReadAccessRuleError, match="efter dags dato"):
        create(personas, expires_on=expires_on)
    assert not ReadAccess.objects.exists()


def test_the_service_refuses_an_employee_for_a_person_holder(personas):
    with pytest.raises(ReadAccessRuleError):
        create(personas, employee_name="Karen")


def test_the_service_refuses_an_unknown_access_type(personas):
    with pytest.raises(ReadAccessRuleError):
        create(personas, access_type="ADMIN")


def test_the_service_needs_the_exemption_decision(personas):
    exempt(personas)
    with pytest.raises(ReadAccessRuleError, match="fritaget"):
        create(personas)
    assert not ReadAccess.objects.exists()


def test_at_most_ten_active_accesses_per_giver(personas):
    persons = living_persons(11)
    for person in persons[:10]:
        create(personas, person)
    with pytest.raises(ReadAccessRuleError, match="10 aktive adgange"):
        create(personas, persons[10])
    assert ReadAccess.objects.count() == 10


def test_a_revoked_access_frees_a_place_and_the_holder_may_get_a_new_one(personas):
    persons = living_persons(10)
    accesses = [create(personas, person) for person in persons]
    read_access_revoke(
        actor=_bob(personas), organisation=personas.bob.organisation, access_id=accesses[0].pk
    )
    create(personas, persons[0], access_type=AccessType.READ_WRITE)
    assert ReadAccess.objects.filter(ended_at__isnull=True).count() == 10


def test_an_expired_access_frees_a_place_even_before_the_job_ran(personas, time_machine):
    persons = living_persons(11)
    create(personas, persons[0], expires_on=date(2026, 3, 5))
    for person in persons[1:10]:
        create(personas, person)
    time_machine.move_to(datetime(2026, 3, 6, 8, 0, tzinfo=UTC), tick=False)
    create(personas, persons[10])
    expired = ReadAccess.objects.get(holder_id=persons[0].cpr)
    assert expired.end_reason == EndReason.EXPIRED


def test_the_same_holder_twice_is_refused_by_the_service(personas):
    create(personas, COMPANY)
    with pytest.raises(ReadAccessRuleError, match="allerede en aktiv adgang"):
        create(personas, COMPANY, access_type=AccessType.READ_WRITE)


def _bob(personas):
    from adgang.audit.services import Actor

    m = personas.bob
    return Actor(m.actor_id, m.organisation.cvr, m.rid)


# -- expiry: 00:00 Danish time the day after the expiry date, logged as System ----------------


def test_an_access_is_active_through_its_expiry_date(personas, time_machine):
    access = create(personas, expires_on=date(2026, 3, 5))
    # 23:59 Danish time on the expiry date (UTC+1 in March).
    assert access.is_active_at(datetime(2026, 3, 5, 22, 59, tzinfo=UTC))
    assert not access.is_active_at(datetime(2026, 3, 5, 23, 0, tzinfo=UTC))
    assert access.ends_at == datetime(2026, 3, 5, 23, 0, tzinfo=UTC)


def test_the_job_ends_accesses_after_their_expiry_date_as_system(personas, time_machine):
    soon = create(personas, expires_on=date(2026, 3, 5))
    later = create(personas, COMPANY, expires_on=date(2026, 3, 6))
    unlimited = create(personas, living_persons(1, exclude={HOLDER.cpr})[0])
    time_machine.move_to(datetime(2026, 3, 5, 22, 59, tzinfo=UTC), tick=False)
    assert read_accesses_expire() == []
    time_machine.move_to(datetime(2026, 3, 5, 23, 3, tzinfo=UTC), tick=False)
    assert read_accesses_expire_task.call() == 1
    for access in (soon, later, unlimited):
        access.refresh_from_db()
    assert soon.end_reason == EndReason.EXPIRED
    assert soon.ended_at == datetime(2026, 3, 5, 23, 0, tzinfo=UTC)
    assert later.ended_at is None and unlimited.ended_at is None
    entries = ActionLogEntry.objects.filter(event="Adgang udløbet")
    assert {e.actor for e in entries} == {"System"}
    assert {e.concerns for e in entries} == {GIVER.cpr}
    assert read_accesses_expire() == []  # a second run changes nothing


def test_the_expiry_job_is_registered_every_five_minutes():
    job = next(j for j in registered_jobs() if j.name == "readaccess.expire")
    assert job.every == timedelta(minutes=5)


# -- what the holder may read (the core honours read access) ---------------------------------


def _mail(title, *, at, mandatory=False):
    message = notice_send(
        recipient_id_type="CPR", recipient_id=GIVER.cpr, title=title, text="x", now=at
    )
    if mandatory:
        message.mandatory = True
        message.save(update_fields=["mandatory"])
    return message


def _visible(holder=HOLDER, at=None):
    return sorted(
        mailbox_items_visible("CPR", holder.cpr, GIVER.cpr, at=at).values_list(
            "message__title", flat=True
        )
    )


def test_without_an_access_nothing_is_visible(personas):
    _mail("Brev", at=T0)
    assert _visible() == []


def test_an_active_access_shows_the_givers_mailbox(personas):
    _mail("Brev", at=T0)
    create(personas)
    assert "Brev" in _visible()
    assert MailboxItem.objects.filter(owner_id=HOLDER.cpr).count() == 1  # the holder's notice


def test_a_company_holder_sees_the_mailbox_by_cvr(personas):
    _mail("Brev", at=T0)
    create(personas, COMPANY)
    visible = mailbox_items_visible("CVR", COMPANY.cvr, GIVER.cpr).values_list(
        "message__title", flat=True
    )
    assert "Brev" in visible


def test_a_revoked_or_expired_access_shows_nothing(personas, time_machine):
    _mail("Brev", at=T0)
    access = create(personas, expires_on=date(2026, 3, 5))
    assert _visible(at=datetime(2026, 3, 5, 22, 0, tzinfo=UTC))
    assert _visible(at=datetime(2026, 3, 5, 23, 0, tzinfo=UTC)) == []
    read_access_revoke(actor=_bob(personas), organisation=access.organisation, access_id=access.pk)
    assert _visible() == []


def test_a_kept_exemption_limits_to_older_post_plus_mandatory(personas):
    _mail("Gammelt brev", at=datetime(2026, 1, 5, 9, 0, tzinfo=UTC))
    exempt(personas, effective_from=date(2026, 1, 10))
    mandatory = _mail("Obligatorisk", at=datetime(2026, 2, 1, 9, 0, tzinfo=UTC), mandatory=True)
    nyt = _mail("Nyt brev", at=datetime(2026, 2, 2, 9, 0, tzinfo=UTC))
    # A notice is not mandatory, so routing refused both for the exempt citizen: place them as
    # a mandatory letter and a letter that arrived before a backdated exemption would be.
    for message in (mandatory, nyt):
        MailboxItem.objects.create(
            owner_id_type="CPR", owner_id=GIVER.cpr, message=message, placed_at=message.created_at
        )
    create(personas, lift_exemption=False)
    visible = _visible()
    assert "Gammelt brev" in visible and "Obligatorisk" in visible
    assert "Nyt brev" not in visible


def test_a_lifted_exemption_shows_everything(personas):
    _mail("Gammelt brev", at=datetime(2026, 1, 5, 9, 0, tzinfo=UTC))
    exempt(personas, effective_from=date(2026, 1, 10))
    create(personas, lift_exemption=True)
    _mail("Nyt brev", at=T0)
    visible = _visible()
    assert "Gammelt brev" in visible and "Nyt brev" in visible


# -- properties of the validators ------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=14))
def test_holder_numbers_other_than_8_or_10_digits_never_reach_the_register(text):
    digits = "".join(ch for ch in text if ch not in " -.")
    form = HolderLookupForm({"holder-number": text}, acting=None, giver_cpr=GIVER.cpr)
    if not (digits.isascii() and digits.isdigit() and len(digits) in (8, 10)):
        assert not form.is_valid()  # acting=None would fail on a look-up: none happened
        assert form.errors["number"]


@settings(max_examples=60, deadline=None)
@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)))
def test_an_expiry_date_is_accepted_exactly_when_after_today(day):
    today = date(2026, 3, 2)
    form = AccessDetailsForm(
        {"details-access_type": "READ", "details-expires_on": day.isoformat()},
        company_holder=False,
        giver_exempt=False,
        today=today,
    )
    assert form.is_valid() == (day > today)


@settings(max_examples=30, deadline=None)
@given(st.sampled_from(["READ", "READ_WRITE"]), st.booleans(), st.booleans())
def test_exactly_one_of_date_or_unlimited_is_accepted(access_type, with_date, unlimited):
    data = {"details-access_type": access_type}
    if with_date:
        data["details-expires_on"] = "2027-01-01"
    if unlimited:
        data["details-unlimited"] = "on"
    form = AccessDetailsForm(data, company_holder=True, giver_exempt=False, today=date(2026, 3, 2))
    assert form.is_valid() == (with_date != unlimited)


def test_party_of_register_records():
    assert Party.of(HOLDER) == Party("CPR", HOLDER.cpr, HOLDER.name, False)
    assert Party.of(COMPANY) == Party("CVR", COMPANY.cvr, COMPANY.name, False)


def test_an_exemption_lifted_meanwhile_is_neither_lifted_again_nor_kept(personas, monkeypatch):
    from adgang.exemptions.services import ExemptionNotInForce
    from adgang.readaccess import services

    exempt(personas)

    def lifted_elsewhere(**kwargs):
        raise ExemptionNotInForce()

    monkeypatch.setattr(services, "exemption_lift", lifted_elsewhere)
    access = create(personas, lift_exemption=True)
    assert not access.exemption_lifted and not access.exemption_kept


def test_revoke_and_expiry_log_the_status_change(personas, time_machine):
    access = create(personas, expires_on=date(2026, 3, 5))
    other = create(personas, COMPANY)
    read_access_revoke(actor=_bob(personas), organisation=other.organisation, access_id=other.pk)
    time_machine.move_to(datetime(2026, 3, 6, 8, 0, tzinfo=UTC), tick=False)
    read_accesses_expire()
    status = {
        (e.event, e.before, e.after)
        for e in ActionLogEntry.objects.filter(subject="Adgang", field="Status")
    }
    assert status == {
        ("Adgang ophævet", "Aktiv", "Ophævet"),
        ("Adgang udløbet", "Aktiv", "Udløbet"),
    }
    assert ActionLogEntry.objects.filter(object_id=str(access.pk), event="Adgang udløbet").exists()
