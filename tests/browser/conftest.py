"""Real-browser tests of the Streamlit app: Playwright driving Debian's Chromium.

One ``streamlit run app.py`` server per session, on a free port, with ``ROX_DB``
set to a temporary database holding the demo data; one Chromium per session and a
fresh browser context per test. Every request any page makes is recorded, and each
test fails if one left localhost.

Artifacts (gitignored): screenshots in ``test-artifacts/screenshots/``, timings in
``test-artifacts/performance.json`` (also printed; see docs/performance.md).

Environment:

* ``ROX_CHROMIUM`` - the browser (default ``/usr/bin/chromium``; ``apt-get install
  chromium``; ``playwright install`` is not used). Tests skip when it is missing.
* ``ROX_BROWSER_DB`` - use this existing database instead of loading the demo.
* ``ROX_REQUIRE_TEST_TOOLS=1`` (CI) - a missing browser fails instead of skipping.

Timings are logged, not asserted: speed targets are checked by reading the log
(docs/performance.md), never by a timed test.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
PERF_FILE = ARTIFACTS / "performance.json"
CHROMIUM = os.environ.get("ROX_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}
LOCAL_SCHEMES = {"data", "blob", "about", "chrome-error", "javascript"}
SERVER_START_S = 90

pytestmark = pytest.mark.browser


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


def is_local(url: str) -> bool:
    parsed = urlparse(url)
    if parsed.scheme in LOCAL_SCHEMES:
        return True
    return (parsed.hostname or "") in LOCAL_HOSTS


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ------------------------------------------------------------ performance log
class PerfLog:
    """Timings measured in the browser, written to test-artifacts/performance.json."""

    def __init__(self) -> None:
        self.entries: list[dict] = []

    def add(self, name: str, seconds: float, budget_s: float | None = None, **extra) -> None:
        entry = {"name": name, "seconds": round(seconds, 3), "budget_s": budget_s, **extra}
        self.entries.append(entry)
        print(
            f"[perf] {name}: {seconds:.3f} s"
            + (f" (budget {budget_s} s)" if budget_s else "")
            + (f" {extra}" if extra else "")
        )

    def save(self) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        doc = {
            "chromium": CHROMIUM,
            "python": sys.version.split()[0],
            "when": time.strftime("%Y-%m-%d %H:%M:%S"),
            "entries": self.entries,
        }
        PERF_FILE.write_text(json.dumps(doc, indent=2), encoding="utf-8")


@pytest.fixture(scope="session")
def perf():
    log = PerfLog()
    yield log
    log.save()


# ---------------------------------------------------------------- the server
@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not (Path(CHROMIUM).exists() and os.access(CHROMIUM, os.X_OK)):
        if os.environ.get("ROX_REQUIRE_TEST_TOOLS", "") in ("1", "true", "yes"):
            pytest.fail(f"ROX_REQUIRE_TEST_TOOLS=1 but no browser at {CHROMIUM}: run scripts/setup-test-tools.sh")
        pytest.skip(
            f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium; "
            "scripts/setup-test-tools.sh installs it); set ROX_CHROMIUM to use another"
        )
    return CHROMIUM


@pytest.fixture(scope="session")
def app_db(tmp_path_factory) -> Path:
    given = os.environ.get("ROX_BROWSER_DB")
    if given:
        return Path(given)
    from rox.api import Rox

    path = tmp_path_factory.mktemp("browser-db") / "rox.db"
    with Rox.open(db=str(path)) as rx:
        rx.load_demo()
    return path


@pytest.fixture(scope="session")
def demo_counts(app_db) -> dict[str, int]:
    """Node counts by label in the app's database, read through rox's own API."""
    from rox.api import Rox

    with Rox.open(db=str(app_db)) as rx:
        return {r["name"]: r["count"] for r in rx.stats() if r["kind"] == "node"}


@contextlib.contextmanager
def serve_app(db: Path, log_path: Path) -> Iterator[str]:
    """``streamlit run app.py`` on a free port with ``ROX_DB=db``: yields its base URL once it
    answers its health check; stopped on exit (its log copied to test-artifacts/)."""
    port = free_port()
    env = dict(os.environ)
    env.pop("NEO4J_URI", None)
    env.update(ROX_DB=str(db), STREAMLIT_BROWSER_GATHER_USAGE_STATS="false", PYTHONUNBUFFERED="1")
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(ROOT / "app.py"),
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + SERVER_START_S
    try:
        while True:
            if proc.poll() is not None:
                pytest.fail(f"streamlit exited with {proc.returncode}:\n{log_path.read_text(errors='replace')[-4000:]}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(
                    f"streamlit did not answer within {SERVER_START_S} s:\n"
                    f"{log_path.read_text(errors='replace')[-4000:]}"
                )
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(log_path, ARTIFACTS / log_path.name)


@pytest.fixture(scope="session")
def app_url(chromium_path, app_db, tmp_path_factory):
    """Base URL of ``streamlit run app.py`` serving the demo data."""
    with serve_app(app_db, tmp_path_factory.mktemp("streamlit") / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="session")
def stats_app_url(chromium_path, tmp_path_factory):
    """Base URL of a second app serving the demo and the bundled starter statistics (BRES, Eurostat
    SBS, SUSB, world trade): started only by the tests that match across datasets."""
    from rox.api import Rox

    db = tmp_path_factory.mktemp("browser-stats-db") / "rox.db"
    with Rox.open(db=str(db)) as rx:
        rx.load_demo(statistics=True)
    with serve_app(db, tmp_path_factory.mktemp("streamlit-stats") / "streamlit-statistics.log") as url:
        yield url


# ---------------------------------------------------------------- the browser
@pytest.fixture(scope="session")
def all_requests() -> list[str]:
    return []


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser, app_url, all_requests, tmp_path):
    """A fresh page; every request it makes is recorded and must stay on localhost."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, accept_downloads=True)
    requests: list[str] = []

    def record(req) -> None:
        requests.append(req.url)
        all_requests.append(req.url)

    context.on("request", record)
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    pg.rox_requests = requests  # type: ignore[attr-defined]
    pg.rox_url = app_url  # type: ignore[attr-defined]
    yield pg
    context.close()
    outside = sorted({u for u in requests if not is_local(u)})
    assert not outside, f"requests left localhost: {outside}"


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    size = page.viewport_size
    # Streamlit scrolls inside its own container: a tall viewport shows the whole page.
    height = page.evaluate(
        "() => Math.max(...Array.from(document.querySelectorAll('section, [data-testid=stMain]'),"
        " e => e.scrollHeight), 1000)"
    )
    page.set_viewport_size({"width": size["width"], "height": min(int(height) + 40, 6000)})
    page.wait_for_timeout(400)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)
    return path


def wait_idle(page, timeout_ms: int = 30_000) -> None:
    """Wait until Streamlit has finished running the script (no status widget)."""
    page.wait_for_selector("[data-testid='stApp']", timeout=timeout_ms)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout_ms)


# the list shows an option containing the text ("open"), or the box has closed ("closed")
_PICK_STATE_JS = """([box, text]) => {
    const shown = [...document.querySelectorAll('[role=option]')].some(o => o.textContent.includes(text));
    if (shown) return 'open';
    const combo = box.querySelector('[role=combobox]');
    return combo && combo.getAttribute('aria-expanded') === 'false' ? 'closed' : false;
}"""


def pick(page, label: str, text: str, option: str | None = None, attempts: int = 3) -> None:
    """Choose in a Streamlit select box: type ``text`` and take the option containing ``option``.

    A rerun that lands while the list is open (one started by the previous action, after
    :func:`wait_idle` saw no status widget yet) redraws the box: the list closes with the
    typed text still in it. Then the page is waited on until idle and the choice made
    again (at most ``attempts`` times); what is waited on is the list's state, not time."""
    box = page.get_by_test_id("stSelectbox").filter(has=page.get_by_text(label, exact=True)).first
    wanted = option or text
    for _ in range(attempts):
        box.click()
        page.keyboard.type(text, delay=15)
        state = page.wait_for_function(_PICK_STATE_JS, arg=[box.element_handle(), wanted]).json_value()
        if state == "open":
            page.get_by_role("option").filter(has_text=wanted).first.click()
            return
        page.keyboard.press("Escape")
        wait_idle(page)
    raise AssertionError(f"select box {label!r}: the list closed before {wanted!r} could be chosen, {attempts} times")


@pytest.fixture(scope="session")
def ui():
    """The helpers above, for the test modules (conftest is not imported directly)."""
    from types import SimpleNamespace

    return SimpleNamespace(
        screenshot=screenshot, wait_idle=wait_idle, pick=pick, is_local=is_local, serve_app=serve_app
    )
