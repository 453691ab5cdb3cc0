"""Every response carries a strict Content-Security-Policy and a Permissions-Policy, the pages
work under them (checked in the browser tests), what they stop is reported and logged, and the
deployment checklist is clean."""

import json
import os
import secrets

import pytest

from .servers import manage


@pytest.mark.parametrize("address", ["/en/", "/en/world/", "/en/world/ferry/", "/admin/login/"])
def test_every_page_carries_the_policies_stored_or_not(client, make_article, address):
    make_article(slug="ferry")

    for response in (client.get(address), client.get(address)):  # rendered, then stored
        policy = response["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "object-src 'none'" in policy
        assert "frame-ancestors 'none'" in policy and "base-uri 'none'" in policy
        assert "'unsafe-inline'" not in policy
        assert "camera=()" in response["Permissions-Policy"]


def test_what_the_policy_stops_is_logged(client, db, caplog):
    report = {"csp-report": {"document-uri": "https://news.example.com/en/",
                             "violated-directive": "script-src"}}  # fmt: skip

    answer = client.post("/csp-report/", json.dumps(report), content_type="application/csp-report")
    garbled = client.post("/csp-report/", "not json", content_type="application/csp-report")
    nested = client.post("/csp-report/", "[" * 16_000, content_type="application/csp-report")

    assert answer.status_code == 204 and garbled.status_code == nested.status_code == 400
    assert client.get("/csp-report/").status_code == 405
    assert any("script-src" in record.getMessage() for record in caplog.records)


def test_the_deployment_checklist_is_clean_behind_tls():
    environment = {
        **os.environ, "DEBUG": "", "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "news.example.com", "HTTPS": "1", "HSTS_INCLUDE_SUBDOMAINS": "1",
        "HSTS_PRELOAD": "1",
    }  # fmt: skip

    output = manage(environment, "check", "--deploy", "--fail-level", "WARNING")

    assert "no issues" in output
