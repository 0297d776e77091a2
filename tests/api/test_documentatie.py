"""The schema and its documentation pages: generated, local files only, CSP intact."""

import re

import pytest


def test_the_schema_is_openapi_3_and_documents_problems_and_etags(client):
    response = client.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    operatie = schema["paths"]["/api/v1/statusrapportages/{id}/"]["put"]
    assert {"412", "428"} <= set(operatie["responses"])
    assert "application/problem+json" in operatie["responses"]["412"]["content"]
    assert "ETag" in operatie["responses"]["200"]["headers"]
    assert any(p["name"] == "If-Match" for p in operatie["parameters"])


@pytest.mark.parametrize("url", ["/api/v1/docs/", "/api/v1/redoc/"])
def test_the_documentation_pages_load_only_local_files_under_the_csp(client, lezer, url):
    client.force_login(lezer)
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert not re.search(r"(src|href)=\"https?://", html), "no CDN"
    for bron in re.findall(r"(?:src|href)=\"([^\"]+)\"", html):
        if bron.startswith("/static/"):
            assert client.get(bron).status_code == 200, bron
    csp = response["Content-Security-Policy"]
    assert "script-src 'self';" in csp + ";"
    assert "<script>" not in html  # no inline script: the CSP would block it


def test_unknown_api_paths_are_problem_documents(api, lezer):
    response = api(lezer).get("/api/v1/bestaat-niet/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
