"""GET /places/suggest: the place autocomplete used by forms and the search box."""

from __future__ import annotations


def test_suggest_returns_localised_places(client):
    response = client.get("/places/suggest?q=Gan&lang=fr")
    assert response.status_code == 200
    data = response.get_json()
    assert data[0] == {
        "id": 2797656,
        "label": "Gand",
        "name": "Gent",
        "country": "BE",
        "region": "Flandre",
        "region_code": "VLG",
        "lat": data[0]["lat"],
        "lon": data[0]["lon"],
    }
    assert 51.0 < data[0]["lat"] < 51.1
    assert client.get("/places/suggest?q=Gan&lang=nl").get_json()[0]["label"] == "Gent"


def test_suggest_limit_and_default_language(client):
    data = client.get("/places/suggest?q=br&limit=3").get_json()
    assert len(data) == 3
    assert data[0]["label"] == "Brussels"


def test_suggest_may_be_empty(client):
    assert client.get("/places/suggest?q=qqqxz").get_json() == []


def test_bad_parameters_are_400_naming_the_parameter(client):
    for url, parameter in [
        ("/places/suggest", "q"),
        ("/places/suggest?q=", "q"),
        ("/places/suggest?q=b", "q"),
        ("/places/suggest?q=" + "x" * 101, "q"),
        ("/places/suggest?q=gent&lang=es", "lang"),
        ("/places/suggest?q=gent&limit=abc", "limit"),
        ("/places/suggest?q=gent&limit=0", "limit"),
        ("/places/suggest?q=gent&limit=500", "limit"),
    ]:
        response = client.get(url)
        assert response.status_code == 400, url
        body = response.get_json()
        assert body["parameter"] == parameter and parameter in body["error"], url
