"""The browsable docs in Debian's Chromium, under the site's content security policy."""

import pytest

from tests.browser.conftest import browser, page  # noqa: F401 - the browser fixtures, shared.

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_docs_page_renders_every_endpoint_without_breaking_the_content_security_policy(page):  # noqa: F811
    complaints = []
    page.on("console", lambda message: complaints.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: complaints.append(str(error)))

    page.goto("/api/docs/")
    page.wait_for_selector(".opblock-summary-path", timeout=15_000)

    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert any("/api/v1/programmes/" in path for path in paths)
    assert any("/api/v1/reviews/{review_id}/submit/" in path.replace("\u200b", "") for path in paths)
    assert complaints == []
