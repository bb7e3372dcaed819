"""Bad input to the log searches (issue 6 "Bad input"): a clear Danish message next to the
field, no saved search, no search-log row, no results."""

import pytest

from adgang.audit.models import SearchLogEntry
from adgang.eventlog.models import SavedSearch

CASES = [
    # (log, persona, form data, field, message)
    ("meddelelser", "lars", {"party_id": "12345"}, "party_id",
     "Indtast et CPR-nummer (10 cifre) eller et CVR-nummer (8 cifre)."),
    ("meddelelser", "lars", {"party_id": "3213901234"}, "party_id",
     "CPR-nummeret indeholder ikke en gyldig dato."),
    ("meddelelser", "lars", {"party_id": "29189847"}, "party_id",
     "CVR-nummeret er ikke gyldigt (kontrolciffer)."),
    ("meddelelser", "lars", {"message_id": "abc-123"}, "message_id",
     "Indtast et gyldigt ID (fx 3f2504e0-4f89-11d3-9a0c-0305e82c3301)."),
    ("meddelelser", "lars", {"system_id": "12"}, "system_id",
     "Indtast et gyldigt ID (fx 3f2504e0-4f89-11d3-9a0c-0305e82c3301)."),
    ("meddelelser", "lars", {"event": "DROP TABLE"}, "event",
     "Marker en gyldig valgmulighed. DROP TABLE er ikke en af de tilgængelige valgmuligheder."),
    ("meddelelser", "lars", {"start": "2026-01-01", "end": "2026-04-02"}, "end",
     "Perioden må højst være 3 måneder. Vælg en kortere periode."),
    ("meddelelser", "lars", {"start": "2026-02-10", "end": "2026-02-09"}, "end",
     "Slutdatoen må ikke ligge før startdatoen."),
    ("meddelelser", "lars", {"start": "31-02-2026"}, "start", "Indtast en gyldig dato."),
    ("handlinger", "lene", {"actor": "Lars Lund"}, "actor",
     "Indtast aktøren som RID, CPR-nummer, CVR-nummer eller CVR:&lt;cvr&gt;-RID:&lt;rid&gt; "
     "(fx CVR:29189846-RID:1001)."),
    ("handlinger", "lene", {"actor": "CVR:29189847-RID:1001"}, "actor",
     "CVR-nummeret er ikke gyldigt (kontrolciffer)."),
    ("handlinger", "lene", {"concerns": "0101901234x"}, "concerns",
     "Indtast et CPR-nummer (10 cifre) eller et CVR-nummer (8 cifre)."),
    ("soegninger", "leif", {"actor_rid": "rid 12"}, "actor_rid",
     "Indtast et RID (cifre og bogstaverne A–F, højst 40 tegn)."),
    ("soegninger", "leif", {"search_data": "0000"}, "search_data",
     "Indtast et CPR-nummer (10 cifre) eller et CVR-nummer (8 cifre)."),
]  # fmt: skip


@pytest.mark.parametrize(("log", "persona", "data", "field", "message"), CASES)
def test_bad_input_is_shown_next_to_the_field_and_nothing_is_searched_or_logged(
    personas, client_as, frozen, log, persona, data, field, message
):
    searches_before = SearchLogEntry.objects.count()
    response = client_as(persona).post(f"/haendelseslog/{log}/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="id_{field}-error"' in html
    assert message in html
    assert 'data-testid="results"' not in html
    assert SavedSearch.objects.count() == 0
    assert SearchLogEntry.objects.count() == searches_before


@pytest.mark.parametrize(
    ("actor", "criteria"),
    [
        ("1001", {"actor_rid": "1001"}),
        ("RID:0C7E0995D428", {"actor_rid": "0C7E0995D428"}),
        ("0101901234", {"actor_concerns": "0101901234"}),
        ("010190-1234", {"actor_concerns": "0101901234"}),
        ("29189846", {"actor_cvr": "29189846"}),
        ("CVR:29189846-RID:1001", {"actor_cvr": "29189846", "actor_rid": "1001"}),
    ],
)
def test_the_actor_field_accepts_rid_cpr_cvr_and_cvr_rid(
    personas, client_as, frozen, actor, criteria
):
    response = client_as("lene").post("/haendelseslog/handlinger/", {"actor": actor})
    assert response.status_code == 302
    saved = SavedSearch.objects.get().criteria
    parsed = {key: saved[key] for key in saved if key.startswith("actor_")}
    assert (parsed, saved["actor"]) == (criteria, actor)
