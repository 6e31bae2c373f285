"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server."""

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE_JS = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


# Content-Security-Policy (issue 16): every page of every browser test is watched, in every context
# a test opens; a violation (an inline script or style, eval, a foreign source) fails the test.
# The listener is an init script (run before the page's own, not subject to the policy) and
# reports through a binding, so violations on pages navigated away from are counted too.
CSP_WATCH_JS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  const report = {directive: e.effectiveDirective, blocked: e.blockedURI, page: e.documentURI,
                  source: e.sourceFile, line: e.lineNumber, sample: e.sample};
  window.__cspViolations.push(report);
  window.__konkursCspViolation(report);
});
"""
CSP_VIOLATIONS: list[dict] = []


def watch_csp(context) -> None:
    context.expose_binding("__konkursCspViolation", lambda source, report: CSP_VIOLATIONS.append(report))
    context.add_init_script(CSP_WATCH_JS)


@pytest.fixture(autouse=True)
def csp_violations():
    """The CSP violations seen during this test; none may be left at its end. A test that causes one
    on purpose inspects and clears this list."""
    CSP_VIOLATIONS.clear()
    yield CSP_VIOLATIONS
    found = list(CSP_VIOLATIONS)
    CSP_VIOLATIONS.clear()
    assert not found, "Content-Security-Policy violations:\n" + "\n".join(map(str, found))


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API runs an event loop in this thread; the test thread's ORM use
    # (fixtures creating rows) is still synchronous, so allow it.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        new_context = browser.new_context

        def watched_context(*args, **kwargs):
            context = new_context(*args, **kwargs)
            watch_csp(context)
            return context

        browser.new_context = watched_context  # every context any test opens is watched
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="uk-UA")
    # Pages ignore the browser's language (core/locale.py); the tests read them in Ukrainian as chosen.
    context.add_cookies([{"name": "django_language", "value": "uk", "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    if not page.is_closed():
        page.evaluate("() => window.__cspViolations")  # let reports still in flight arrive
    context.close()


@pytest.fixture
def axe_check():
    """Run axe-core on the page; fail listing every serious or critical violation."""

    def check(page) -> None:
        page.evaluate(AXE_JS)  # not as a <script> element: the page's CSP would refuse it inline
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        bad = [
            f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert not bad, f"axe-core on {page.url}:\n" + "\n".join(bad)

    return check


def log_in(page, live_server, user) -> None:
    """Sign in on the login page as `user` (factories' password), the interface in English."""
    from tests.factories import PASSWORD

    type(user).objects.filter(pk=user.pk).update(language="en")  # logging in applies the profile's
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    pass_second_factor(page, user)


def pass_second_factor(page, user) -> None:
    """Staff, organisers and grant officers: set up an app at the first login (the key read from
    the page, as a person types it into their app), or enter its code at a later one."""
    from accounts import otp

    if "/accounts/two-step/" not in page.url and not otp.must_verify(user):
        return
    if "/accounts/two-step/" not in page.url:
        page.goto("/accounts/two-step/verify/")
    if "/accounts/two-step/verify/" in page.url:
        from tests.two_step import code_now, confirmed_device

        code = code_now(confirmed_device(user))
    else:
        code = code_from_secret(page.locator("#otp-secret").inner_text())
    page.locator("#id_code").fill(code)
    page.locator("#id_code").press("Enter")
    page.wait_for_load_state()


def code_from_secret(secret: str) -> str:
    """What an authenticator app shows now for the key shown on the set-up page."""
    from base64 import b32decode

    from django_otp.oath import totp

    text = "".join(secret.split()).upper()
    return f"{totp(b32decode(text + '=' * (-len(text) % 8))):06d}"
