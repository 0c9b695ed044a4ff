"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

The browser is the system's /usr/bin/chromium (or CHROMIUM_PATH); never run
`playwright install`. The root conftest skips these tests locally when Chromium
is missing and fails them in CI.

Between its calls, Playwright's sync API marks an asyncio loop as running in the
main thread. Django then (a) refuses ORM calls as "async-unsafe" unless
DJANGO_ALLOW_ASYNC_UNSAFE is set, and (b) hands the test code a separate set of
database connections, as it does for async code. Hence: browser tests run after
every other test, the variable is set only once the browser starts, and each
browser test restores the migrated data itself.
"""

import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from placements.roles import Role
from tests.conftest import CHROMIUM
from tests.placements.factories import TEST_PASSWORD, UserFactory

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SCREENSHOT_DIR = Path(
    os.environ.get("BROWSER_SCREENSHOT_DIR", Path(tempfile.gettempdir()) / "placements-browser")
)
TIMEOUT_MS = 10_000


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Browser tests last (after pytest-django's ordering), so the running browser and
    its event loop never change how other tests reach the database."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item, so fixtures know whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as patch:
        # The live server answers requests in its own thread; the test's own ORM calls
        # (factories, checks) are plain sync code that only looks async to Django.
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()


@pytest.fixture(scope="session")
def _migrated_data(django_db_setup):
    """The database as the migrations left it (categories and other reference data),
    serialized by Django when it made the test database. Read before the browser
    starts, from the connection that holds it."""
    from django.db import connections

    return getattr(connections["default"], "_test_serialized_contents", None)


@pytest.fixture(autouse=True)
def _browser_database(django_db_serialized_rollback, _migrated_data, live_server):
    """Each browser test starts from the migrated data: the live server needs a
    transactional database, which is flushed after every test. Django restores it
    only on the connection it serialized from; once the browser runs, the test code
    has its own connection, so restore the data there."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    if _migrated_data and not hasattr(connection, "_test_serialized_contents"):
        # The flush re-created content types (and permissions) with new ids; the
        # serialized ones take their place, so references in the data still hold.
        ContentType.objects.all().delete()
        ContentType.objects.clear_cache()
        connection.creation.deserialize_db_from_string(_migrated_data)


@dataclass
class PageWatch:
    """What the browser reported while a test ran."""

    csp_violations: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_assets: list[str] = field(default_factory=list)
    font_responses: dict[str, int] = field(default_factory=dict)


def _open_page(browser, live_server, watch: PageWatch, *, javascript: bool):
    context = browser.new_context(
        base_url=live_server.url,
        java_script_enabled=javascript,
        viewport={"width": 1280, "height": 900},
        locale="en-GB",
        timezone_id="Europe/London",
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()

    def on_console(message):
        if "Content Security Policy" in message.text:
            watch.csp_violations.append(f"{page.url}: {message.text}")

    def on_response(response):
        path = response.url.removeprefix(live_server.url)
        if path.startswith("/assets/fonts/"):
            watch.font_responses[path] = response.status
        if response.status >= 400 and path.startswith(("/static/", "/assets/")):
            watch.failed_assets.append(f"{response.status} {path}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: watch.page_errors.append(f"{page.url}: {error}"))
    page.on("response", on_response)
    return context, page


def _close_page(context, page, watch: PageWatch, request):
    failed = any(
        getattr(request.node, f"report_{when}", None) is not None
        and getattr(request.node, f"report_{when}").failed
        for when in ("setup", "call")
    )
    if failed:
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)[-150:]
        target = SCREENSHOT_DIR / f"{name}.png"
        try:
            page.screenshot(path=str(target), full_page=True)
            print(f"\nScreenshot of the failing page ({page.url}): {target}")
        except Exception as error:  # the page may already be gone; the failure matters more
            print(f"\nCould not take a screenshot: {error}")
    context.close()
    if not failed:
        assert not watch.csp_violations, "Content Security Policy violations:\n" + "\n".join(
            watch.csp_violations
        )
        assert not watch.page_errors, "JavaScript errors:\n" + "\n".join(watch.page_errors)
        assert not watch.failed_assets, "Assets that failed to load:\n" + "\n".join(
            watch.failed_assets
        )


@pytest.fixture
def page_watch():
    """CSP violations, script errors and asset responses seen by this test's pages.
    Any CSP violation, script error or missing asset fails the test at teardown."""
    return PageWatch()


@pytest.fixture
def page(browser, live_server, page_watch, request):
    """A page with JavaScript on, as most people have it."""
    context, page = _open_page(browser, live_server, page_watch, javascript=True)
    yield page
    _close_page(context, page, page_watch, request)


@pytest.fixture
def person_page(browser, live_server, page_watch, request):
    """`person_page(user)`: a browser of their own, signed in (or signed out with None)."""
    opened = []

    def open_one(user=None):
        context, page = _open_page(browser, live_server, page_watch, javascript=True)
        opened.append((context, page))
        if user is not None:
            _sign_in(page, user)
        return page

    yield open_one
    for context, page in opened:
        _close_page(context, page, page_watch, request)


@pytest.fixture
def page_without_js(browser, live_server, page_watch, request):
    """A page with JavaScript off: every page must work without it."""
    context, page = _open_page(browser, live_server, page_watch, javascript=False)
    yield page
    _close_page(context, page, page_watch, request)


@pytest.fixture
def make_person(transactional_db):
    """`make_person(Role.ADMINISTRATOR, full_name=...)`: a user who signs in with TEST_PASSWORD."""

    def make(*roles, **kwargs):
        return UserFactory(roles=list(roles), **kwargs)

    return make


@pytest.fixture
def administrator(make_person):
    return make_person(
        Role.ADMINISTRATOR, full_name="Ada Administrator", email="ada@council.example"
    )


def _sign_in(page, user, *, password: str = TEST_PASSWORD) -> None:
    """Password, then (for an administrator or approver) the second factor: an app set up
    at the first sign-in, its code computed here as the person's phone would."""
    from tests.placements.factories import totp_code

    page.goto("/sign-in/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_load_state()
    if page.url.endswith("/sign-in/set-up/"):
        page.get_by_label("Code from your authenticator app").fill(totp_code(user))
        page.get_by_role("button", name="Set up and continue").click()
        page.get_by_role("button", name="I have kept them: continue").click()
    elif page.url.endswith("/sign-in/code/"):
        page.get_by_label("Code from your authenticator app").fill(totp_code(user))
        page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    assert "/sign-in/" not in page.url, f"still on the sign-in pages: {page.url}"


def axe_violations(page) -> list[str]:
    """WCAG 2.2 AA violations axe finds on the page, written for a person to read."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={
            "runOnly": {"type": "tag", "values": WCAG_TAGS},
            "resultTypes": ["violations"],
        },
    )
    readable = []
    for violation in _without_known_govuk_exception(results.response["violations"]):
        lines = [
            f"{violation['id']} ({violation.get('impact')}): {violation['help']}",
            f"  {violation['helpUrl']}",
        ]
        for node in violation["nodes"][:10]:
            lines.append(f"  - {' '.join(map(str, node['target']))}")
            lines.append(f"    {node['html'][:300]}")
            summary = node.get("failureSummary", "").replace("\n", "\n      ")
            if summary:
                lines.append(f"      {summary}")
        readable.append("\n".join(lines))
    return readable


def _is_govuk_conditional_reveal(node) -> bool:
    """GOV.UK Frontend sets aria-expanded on radios and checkboxes that reveal a
    conditional question. That is deliberate, tested with screen reader users, and
    listed by the Design System as a known axe report (alphagov/govuk-frontend#979),
    so it is the one failure this helper leaves out, and only in exactly that form."""
    html = node.get("html", "")
    summary = node.get("failureSummary", "")
    is_govuk_input = "govuk-radios__input" in html or "govuk-checkboxes__input" in html
    only_expanded = summary.count("ARIA attribute is not allowed") == 1 and (
        'aria-expanded="' in summary
    )
    return is_govuk_input and "aria-controls=" in html and only_expanded


def _without_known_govuk_exception(violations: list[dict]) -> list[dict]:
    kept = []
    for violation in violations:
        if violation["id"] == "aria-allowed-attr":
            nodes = [n for n in violation["nodes"] if not _is_govuk_conditional_reveal(n)]
            if not nodes:
                continue
            violation = {**violation, "nodes": nodes}
        kept.append(violation)
    return kept


def _assert_accessible(page) -> None:
    # A click that navigates may still be loading the next page: axe reads a whole one.
    page.wait_for_load_state()
    violations = axe_violations(page)
    assert not violations, f"axe found WCAG 2.2 AA violations on {page.url}:\n\n" + "\n\n".join(
        violations
    )


@pytest.fixture
def sign_in():
    """`sign_in(page, user)`: sign in through the real sign-in page, as a person would."""
    return _sign_in


@pytest.fixture
def assert_accessible():
    """`assert_accessible(page)`: fail, listing them readably, on any WCAG 2.2 AA violation."""
    return _assert_accessible
