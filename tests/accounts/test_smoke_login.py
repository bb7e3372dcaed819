def test_alice_sees_overview_with_her_tabs(client_as):
    client = client_as("alice")
    response = client.get("/oversigt/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-tab="systemtilslutning"' in html
    assert 'data-tab="kontaktstruktur"' in html
    assert 'data-tab="statistik"' not in html
