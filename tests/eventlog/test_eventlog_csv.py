"""The "Download" of the logs (SPEC §5): a streamed CSV with every field, Danish headers,
BOM, `;`, formula-safe, full CPR numbers, and one search-log row per export."""

from datetime import timedelta

import pytest
from django.db import connection
from django.http import StreamingHttpResponse

from adgang.eventlog.exports import (
    CHUNK,
    action_entries_csv,
    message_events_csv,
    search_entries_csv,
)
from adgang.eventlog.models import SavedSearch
from tests.support.eventlog_rows import (
    CITIZEN,
    action_entry,
    eventlog_searches,
    message_event,
    search_entry,
)

CRITERIA = {"start": "2026-03-01", "end": "2026-03-15"}


def download(client, log: str, data: dict | None = None):
    location = client.post(f"/haendelseslog/{log}/", data or {})["Location"]
    return client.get(location.replace(f"/{log}/", f"/{log}/download/"))


def test_the_download_streams_a_bom_csv_with_danish_headers(personas, client_as, frozen):
    message_event(personas.lars.organisation, frozen - timedelta(days=1), title="Din sag")
    response = download(client_as("lars"), "meddelelser")
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "log-meddelelser-2026-03-15.csv" in response["Content-Disposition"]
    lines = b"".join(response.streaming_content).decode("utf-8").split("\r\n")
    assert lines[0].startswith("\ufeffTitel;Type;Afsender;")
    assert "ContentResponsibleID;RepresentativeID" in lines[0]
    assert lines[1].startswith("Din sag;Brev;")
    assert ";1111111118;2222222226;" in lines[1]
    assert lines[2:] == [""]


def test_the_csv_has_the_full_cpr_where_the_table_masks_it(personas, client_as, frozen):
    message_event(personas.lars.organisation, frozen - timedelta(days=1))
    csv = b"".join(download(client_as("bob"), "meddelelser").streaming_content).decode()
    assert f";{CITIZEN};" in csv


def test_the_csv_neutralises_formulas(personas, frozen):
    message_event(personas.lars.organisation, frozen - timedelta(days=1), title="=HYPERLINK(1)")
    csv = "".join(message_events_csv(personas.lars.organisation, CRITERIA))
    assert "\r\n'=HYPERLINK(1);" in csv


def test_every_export_writes_one_search_log_row_with_its_count(personas, client_as, frozen):
    org = personas.lars.organisation
    for day in (1, 2):
        message_event(org, frozen - timedelta(days=day))
    client = client_as("lars")
    location = client.post("/haendelseslog/meddelelser/", {"party_id": CITIZEN})["Location"]
    download_url = location.replace("/meddelelser/", "/meddelelser/download/")
    client.get(download_url)
    client.get(download_url)
    assert [e.result_count for e in eventlog_searches(org)] == [2, 2, 2]
    assert {e.search_data for e in eventlog_searches(org)} == {CITIZEN}


def test_a_download_without_a_saved_search_is_404_and_logs_nothing(personas, client_as):
    before = eventlog_searches(personas.lars.organisation).count()
    assert client_as("lars").get("/haendelseslog/meddelelser/download/").status_code == 404
    assert eventlog_searches(personas.lars.organisation).count() == before


def test_the_action_and_search_exports_have_every_field(personas, frozen):
    org = personas.lene.organisation
    action_entry(org, frozen - timedelta(days=1), field="Årsag", before="a", after="b",
                 reason="Ingen computer", power_of_attorney="Ja")  # fmt: skip
    search_entry(org, frozen - timedelta(days=1), result_count=7)
    actions = "".join(action_entries_csv(org, CRITERIA)).split("\r\n")
    assert actions[0] == (
        "\ufeffEmne;CPR/CVR;ID;Aktør;Tidspunkt;Hændelse;Navn;Felt;Før;Efter;Begrundelse;Fuldmagt"
    )
    assert actions[1].startswith(f"Fritagelse;{CITIZEN};")
    assert actions[1].endswith(";Fritaget;;Årsag;a;b;Ingen computer;Ja")
    searches = "".join(search_entries_csv(org, CRITERIA)).split("\r\n")
    assert searches[0] == "\ufeffSøgedata;Aktør;Register;Antal resultater;Tidspunkt"
    assert searches[1] == f"{CITIZEN};CVR:{org.cvr}-RID:1001;Kontaktregister;7;14-03-2026 12:00:00"


def test_the_export_is_lazy_and_reads_the_rows_with_an_iterator(personas, frozen):
    org = personas.lars.organisation
    message_event(org, frozen - timedelta(days=1))
    lines = message_events_csv(org, CRITERIA)
    assert next(lines).startswith("\ufeffTitel;")  # nothing read yet but the header
    message_event(org, frozen - timedelta(hours=1), title="Efter starten")
    assert "Efter starten" in "".join(lines)  # rows are read as the stream is consumed
    assert SavedSearch.objects.count() == 0


def test_on_postgresql_the_download_reads_through_a_server_side_cursor(personas, frozen):
    """Constant memory (SPEC §5): while the CSV streams, PostgreSQL holds the export's open
    cursor (pg_cursors), so the rows are fetched chunk by chunk, never all at once."""
    if connection.vendor != "postgresql":
        pytest.skip("server-side cursors are PostgreSQL's; SQLite streams from its own cursor")
    org = personas.lars.organisation
    for hour in range(CHUNK + 5):
        message_event(org, frozen - timedelta(minutes=hour + 1), title=f"Brev {hour}")
    lines = message_events_csv(org, CRITERIA)
    next(lines)  # the header
    next(lines)  # the first row: the cursor is open now
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_cursors WHERE name LIKE '_django_curs_%%'")
        assert len(cursor.fetchall()) == 1
    assert sum(1 for _ in lines) == CHUNK + 4  # the rest, read as the stream goes on
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_cursors WHERE name LIKE '_django_curs_%%'")
        assert cursor.fetchone()[0] == 0  # closed at the end of the stream
