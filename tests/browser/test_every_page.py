"""Issue 12, point 11: every page audited.

Seeds the demo (`manage.py seed_demo`) and, as each persona of the demo (a visitor, a librarian, a
juror, an organiser, a grant officer, staff), crawls every page reachable by following same-site
links (GET only), plus the error pages (404, and a CSRF failure), running axe-core on each: no
violation of any impact is allowed. The crawl is bounded: at most `PER_PATTERN` pages per URL
pattern (django.urls.resolve), `MAX_PAGES` per persona. It prints how many pages it checked.
"""

import io
import os
import re
import time
from collections import Counter, defaultdict
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command
from django.urls import Resolver404, resolve
from playwright.sync_api import Error as PlaywrightError

from accounts.models import User
from tests.browser.conftest import AXE_JS, pass_second_factor

pytestmark = pytest.mark.django_db(transaction=True)

PER_PATTERN = 3
MAX_PAGES = 150
PHONE = {"width": 390, "height": 844}
# Who is also crawled on a phone (comma-separated persona names, or "all"); by default the
# visitor and the juror (who scores on a phone).
PHONE_PERSONAS = os.environ.get("EVERY_PAGE_PHONE", "public,juror")
DESKTOP = {"width": 1366, "height": 768}
# Never followed: signing out, the admin, the API and its docs, files (static, media, exports).
SKIP_PREFIXES = ("/admin/", "/api/", "/static/", "/media/", "/accounts/logout/", "/i18n/")
SKIP_SUFFIXES = (".pdf", ".csv", ".xlsx", ".xls", ".ods", ".zip", ".json", ".ics", ".png", ".jpg", ".svg")
# Views that answer a file, not a page (by URL name); any other file is skipped by its content type.
FILE_VIEWS = re.compile(
    r"download|export|attachment|template_|chart_csv|summary_(xlsx|pdf)|results_file|"
    r"[:_]file$|:logo$|:diploma$"
)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """The seed writes attachments and agreements: keep them out of var/media."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    settings.MEDIA_ROOT = str(tmp_path)


def seed() -> None:
    call_command("seed_demo", "--force", stdout=io.StringIO())


def personas() -> dict[str, str | None]:
    """Each persona's demo login (None: a visitor who has not signed in)."""
    from accounts.models import Membership
    from contests.management import demo_data
    from grants.models import Grant

    # The librarian whose library holds a live grant sees the most: applications, grant, reports.
    grant = Grant.objects.filter(state=Grant.State.ACTIVE).select_related("application").first()
    librarian = (
        Membership.objects.filter(organisation_id=grant.application.organisation_id)
        .select_related("user")
        .first()
        .user.email
    )
    return {
        "public": None,
        "librarian": librarian,
        "juror": demo_data.JURORS[0]["email"],
        "organiser": demo_data.ORGANISER["email"],
        "grant officer": demo_data.GRANT_OFFICER["email"],
        "staff": demo_data.ADMIN["email"],
    }


def violations(page) -> list[str]:
    """Every axe-core violation on the page, whatever its impact."""
    page.evaluate(AXE_JS)  # not as a <script> element: the page's CSP would refuse it inline
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]


def pattern_of(path: str) -> str | None:
    """The URL pattern a path resolves to (None: not one of ours, or a file)."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if FILE_VIEWS.search(match.view_name or ""):
        return None
    return match.route or match.view_name


def followable(url: str, origin: str) -> str | None:
    """The same-site page a link leads to, without its fragment (None: not to be followed)."""
    url, _fragment = urldefrag(url)
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != origin:
        return None
    if parts.path.startswith(SKIP_PREFIXES) or parts.path.lower().endswith(SKIP_SUFFIXES):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def log_in(page, email: str) -> None:
    from contests.management import demo_data

    page.goto("/accounts/login/")
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill(demo_data.DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("#id_password").press("Enter")
    assert "/accounts/login/" not in page.url, f"{email} could not sign in"
    # Privileged demo people set up the second factor at their first login, as on a fresh demo.
    pass_second_factor(page, User.objects.get(email=email))
    assert "/accounts/two-step/" not in page.url or "/codes/" in page.url, f"{email}: no second factor"


def crawl(page, origin: str, start: list[str]) -> tuple[int, dict[str, list[str]]]:
    """Visit every followable page from `start`; return the count and the violations per URL."""
    seen_urls: set[str] = set()
    per_pattern: Counter = Counter()
    queue = list(start)
    found: dict[str, list[str]] = {}
    checked = 0
    while queue and checked < MAX_PAGES:
        path = queue.pop(0)
        if path in seen_urls:
            continue
        seen_urls.add(path)
        pattern = pattern_of(urlsplit(path).path)
        if pattern is None or per_pattern[pattern] >= PER_PATTERN:
            continue
        per_pattern[pattern] += 1
        try:
            response = page.goto(path)
        except PlaywrightError as error:  # a link that turned out to be a download
            if "Download is starting" in str(error) or "ERR_ABORTED" in str(error):
                continue
            raise
        if response is None or "text/html" not in (response.headers.get("content-type") or ""):
            continue
        here = followable(page.url, origin)
        if here is None:  # redirected off the site's pages (e.g. to the admin)
            continue
        seen_urls.add(here)
        checked += 1
        if problems := violations(page):
            found[path] = problems
        hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        for href in hrefs:
            target = followable(href, origin)
            if target and target not in seen_urls:
                queue.append(target)
    return checked, found


def error_pages(page) -> tuple[int, dict[str, list[str]]]:
    """The 404 page, and the page a form sent without its CSRF token answers."""
    found: dict[str, list[str]] = {}
    response = page.goto("/no-such-page-h18/")
    assert response.status == 404
    if problems := violations(page):
        found["404"] = problems
    page.goto("/accounts/login/")
    page.evaluate(
        "() => document.querySelectorAll('input[name=csrfmiddlewaretoken]').forEach(i => i.remove())"
    )
    page.locator("#id_username").fill("nobody@example.org")
    page.locator("#id_password").fill("not-a-password")
    with page.expect_navigation() as navigation:
        page.locator("#id_password").press("Enter")
    assert navigation.value.status == 403
    if problems := violations(page):
        found["CSRF failure"] = problems
    return 2, found


def report(found: dict[str, list[str]]) -> str:
    return "\n".join(f"{url}:\n  " + "\n  ".join(problems) for url, problems in found.items())


def test_every_page_passes_axe_for_every_persona(browser, live_server, capsys):
    seed()
    origin = live_server.url
    counts: dict[str, int] = {}
    seconds: dict[str, float] = {}
    found: dict[str, list[str]] = defaultdict(list)
    people = personas()
    runs = [(name, email, DESKTOP) for name, email in people.items()]
    on_phone = people if PHONE_PERSONAS == "all" else PHONE_PERSONAS.split(",")
    runs += [(f"{name} (phone)", people[name], PHONE) for name in on_phone]
    if os.environ.get("EVERY_PAGE_DESKTOP") == "0":  # a local run of the phone crawls alone
        runs = [run for run in runs if run[2] is PHONE]
    for name, email, viewport in runs:
        context = browser.new_context(base_url=origin, locale="uk-UA", viewport=viewport)
        context.add_cookies([{"name": "django_language", "value": "uk", "url": origin}])
        page = context.new_page()
        page.set_default_timeout(15_000)
        started = time.monotonic()
        try:
            start = ["/"]
            if email:
                log_in(page, email)
                start = [followable(page.url, origin) or "/", "/"]
            counts[name], problems = crawl(page, origin, start)
            seconds[name] = time.monotonic() - started
            if email is None:
                errors, error_problems = error_pages(page)
                counts[name] += errors
                problems.update(error_problems)
        finally:
            context.close()
        for url, items in problems.items():
            found[f"{name} {url}"] = items
    with capsys.disabled():  # shown in CI logs without -s
        print(
            "\naxe-core pages checked per persona: "
            + ", ".join(f"{name}: {count} ({seconds[name]:.0f} s)" for name, count in counts.items())
        )
    assert counts.get("public", 10) >= 10 and all(counts.values()), counts
    assert not found, "axe-core violations:\n" + report(found)
