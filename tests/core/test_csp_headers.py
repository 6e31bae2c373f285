"""Every answer carries the Content-Security-Policy and Permissions-Policy (issue 16, point 4);
browsers' violation reports are logged; the API docs and the e-mail preview keep working under it."""

import base64
import hashlib
import json
import logging
import re

import pytest
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import path

from core.security_headers import MAX_REPORT_BYTES, allow_style_attributes_of, permissions_policy_header


def directives(response) -> dict[str, str]:
    header = response.headers.get("Content-Security-Policy")
    assert header, "no Content-Security-Policy header"
    parts = (part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    return {name: (rest[0] if rest else "") for name, *rest in parts}


def assert_strict(policy: dict[str, str]) -> None:
    assert policy["default-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'self'"
    assert policy["form-action"] == "'self'"
    assert policy["report-uri"] == "/csp-report/"
    for directive in ("script-src", "style-src"):
        assert policy[directive].startswith("'self'"), directive
        assert "unsafe-inline" not in policy[directive], directive
        assert "unsafe-eval" not in policy[directive], directive
    assert "style-src-attr" not in policy  # inline style attributes fall under style-src: refused


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/accounts/login/", "/api/v1/contests/", "/api/schema/", "/nowhere/"])
def test_pages_and_api_answers_carry_a_strict_policy(client, url):
    response = client.get(url)
    assert_strict(directives(response))
    assert response.headers["Permissions-Policy"].startswith("camera=(), microphone=(), geolocation=()")
    assert "payment=()" in response.headers["Permissions-Policy"]


@pytest.mark.django_db
def test_a_logged_in_page_carries_it_too(client, applicant):
    client.force_login(applicant)
    response = client.get("/applications/")
    assert response.status_code == 200
    assert_strict(directives(response))


def _page_with_an_inline_script(request: HttpRequest) -> HttpResponse:
    source = '<script nonce="{{ request.csp_nonce }}">var allowed = true;</script>'
    return HttpResponse(engines["django"].from_string(source).render({}, request))


urlpatterns = [path("nonce/", _page_with_an_inline_script)]


@pytest.mark.django_db
def test_a_script_that_must_be_inline_runs_only_with_the_responses_nonce(client, settings):
    settings.ROOT_URLCONF = __name__
    first, second = client.get("/nonce/"), client.get("/nonce/")
    nonces = []
    for response in (first, second):
        nonce = re.search(r'nonce="([^"]+)"', response.content.decode()).group(1)
        assert f"'nonce-{nonce}'" in directives(response)["script-src"].split()
        nonces.append(nonce)
    assert nonces[0] != nonces[1]  # a fresh one every answer


@pytest.mark.django_db
def test_pages_that_use_no_inline_script_allow_none(client):
    """No nonce is issued where no inline script is used: then no inline script runs at all."""
    assert "nonce-" not in directives(client.get("/"))["script-src"]


@pytest.mark.django_db
def test_the_site_may_not_be_framed(client):
    response = client.get("/")
    assert directives(response)["frame-ancestors"] == "'none'"
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_report_only_mode_reports_without_refusing(client, settings):
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = settings.CONTENT_SECURITY_POLICY
    settings.CONTENT_SECURITY_POLICY = None
    response = client.get("/")
    assert "Content-Security-Policy" not in response.headers
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy-Report-Only"]


def test_permissions_policy_header_syntax():
    assert permissions_policy_header({"camera": [], "fullscreen": ["self"]}) == "camera=(), fullscreen=(self)"


# --- the report endpoint ---

REPORT = {
    "csp-report": {
        "document-uri": "http://testserver/",
        "violated-directive": "script-src-elem",
        "blocked-uri": "inline",
    }
}


@pytest.mark.django_db
def test_a_violation_report_is_logged_and_answered_204(client, caplog):
    with caplog.at_level(logging.WARNING, logger="konkurs.csp"):
        response = client.post("/csp-report/", json.dumps(REPORT), content_type="application/csp-report")
    assert response.status_code == 204
    [record] = [r for r in caplog.records if r.name == "konkurs.csp"]
    assert record.levelno == logging.WARNING
    assert "script-src-elem" in record.getMessage()
    assert "http://testserver/" in record.getMessage()


@pytest.mark.django_db
def test_the_reporting_api_format_is_logged_too(client, caplog):
    body = [{"type": "csp-violation", "body": {"effectiveDirective": "style-src-attr"}}]
    with caplog.at_level(logging.WARNING, logger="konkurs.csp"):
        response = client.post("/csp-report/", json.dumps(body), content_type="application/reports+json")
    assert response.status_code == 204
    assert any("style-src-attr" in r.getMessage() for r in caplog.records if r.name == "konkurs.csp")


@pytest.mark.django_db
def test_reports_need_no_csrf_token(caplog):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(
        "/csp-report/", json.dumps(REPORT), content_type="application/csp-report"
    )
    assert response.status_code == 204


@pytest.mark.django_db
def test_report_endpoint_refuses_other_methods_oversized_and_garbage(client, caplog):
    assert client.get("/csp-report/").status_code == 405
    huge = json.dumps({"csp-report": {"blocked-uri": "x" * MAX_REPORT_BYTES}})
    with caplog.at_level(logging.WARNING, logger="konkurs.csp"):
        assert client.post("/csp-report/", huge, content_type="application/csp-report").status_code == 413
        assert (
            client.post("/csp-report/", "{not json", content_type="application/csp-report").status_code == 400
        )
    assert not [r for r in caplog.records if r.name == "konkurs.csp"]


# --- pages that need an exception, and how narrow it is ---


@pytest.mark.django_db
def test_api_docs_load_their_script_from_a_url_and_allow_only_data_images(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<style" not in html
    inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert inline == [], "the docs page has an inline script"
    policy = directives(response)
    assert_strict(policy)
    assert policy["img-src"].split() == ["'self'", "data:"]
    script = client.get(re.search(r'<script src="([^"]*script=[^"]*)"', html).group(1).replace("&amp;", "&"))
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in script.content


def test_email_preview_allows_exactly_its_own_style_attributes():
    html = '<body style="color: red"><p style="font-size: 13px">x</p><p style="color: red">y</p></body>'
    response = allow_style_attributes_of(HttpResponse(), html)
    expected = sorted(
        f"'sha256-{base64.b64encode(hashlib.sha256(value.encode()).digest()).decode()}'"
        for value in ("color: red", "font-size: 13px")
    )
    # The two distinct values by their hashes, nothing else (no 'unsafe-inline').
    [(directive, (keyword, *hashes))] = response._csp_update.items()
    assert (directive, keyword, sorted(hashes)) == ("style-src-attr", "'unsafe-hashes'", expected)
    assert not hasattr(allow_style_attributes_of(HttpResponse(), "<p>plain</p>"), "_csp_update")


@pytest.mark.django_db
def test_email_preview_page_allows_the_previews_styles_only_in_attributes(client, organiser, draft_contest):
    from django.urls import reverse

    from contests.views.mail import _contest_events

    client.force_login(organiser)
    event = _contest_events()[0]
    url = reverse("contests:message_edit", args=[draft_contest.pk, event.key, "en"])
    page = client.get(url)
    assert page.status_code == 200
    assert "style-src-attr" not in directives(page)  # no preview: nothing inline allowed
    form = dict(page.context["form"].initial)
    form["body_html"] = '<p style="color: green">Hello</p>'
    response = client.post(url, {**form, "preview": "1"})
    assert response.status_code == 200
    assert 'class="mail-preview"' in response.content.decode()
    policy = directives(response)
    assert_strict({k: v for k, v in policy.items() if k != "style-src-attr"})  # the rest unchanged
    digest = base64.b64encode(hashlib.sha256(b"color: green").digest()).decode()
    assert f"'sha256-{digest}'" in policy["style-src-attr"].split()
    assert "unsafe-inline" not in policy["style-src-attr"]
