"""The browsable docs in Debian's Chromium, under the site's content security policy.

Chromium runs as its own process (headless, printing the DOM once the page's scripts have run),
so this test shares no Playwright event loop with the browser tests in tests/browser.
"""

import subprocess
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def rendered(url: str) -> subprocess.CompletedProcess:
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: run `make test` (or `apt-get install chromium`).")
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--enable-logging=stderr",
        "--virtual-time-budget=15000",
        "--dump-dom",
        url,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=90, check=False)


def test_the_docs_page_renders_every_endpoint_without_breaking_the_content_security_policy(live_server):
    chromium = rendered(f"{live_server.url}/api/docs/")

    dom = chromium.stdout.replace("\u200b", "")
    assert "opblock-summary-path" in dom, chromium.stderr[-2000:]
    assert "/api/v1/programmes/" in dom
    assert "/api/v1/reviews/{review_id}/submit/" in dom
    assert "Content Security Policy" not in chromium.stderr
    assert "Refused to" not in chromium.stderr
