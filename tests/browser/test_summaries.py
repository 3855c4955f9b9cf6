import pytest
from django.conf import settings
from django.test import Client

from summaries.models import ExportJob
from tests.browser.conftest import axe_violations
from tests.summaries.conftest import make_small_register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def register(reviewer, other_reviewer):
    return make_small_register(reviewer, other_reviewer)


def sign_in(page, user) -> None:
    """A signed-in session cookie for ``user`` (the sign-in page itself is tested where it is built)."""
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": page_url(page)}])


def page_url(page) -> str:
    page.goto("/healthz")
    return page.url.rsplit("/", 1)[0]


def test_the_summaries_page_shows_tables_and_charts_and_passes_axe(page, convenor, register):
    sign_in(page, convenor)
    page.goto("/convenor/summaries/")

    assert page.get_by_role("heading", level=1).inner_text() == "Summaries"
    assert page.get_by_role("img", name="Programmes by band").is_visible()
    assert page.get_by_role("table", name="Programmes in the selection, by rating band").is_visible()
    assert axe_violations(page) == []


def test_bad_filters_show_errors_that_pass_axe_and_keep_what_was_typed(page, convenor, register):
    sign_in(page, convenor)
    page.goto("/convenor/summaries/")
    page.get_by_label("Reviews published from").fill("31/2/2026")
    page.get_by_role("button", name="Apply filters").click()

    assert page.get_by_role("link", name="Enter the start date as a real date, for example 1/9/2026").is_visible()
    assert page.get_by_label("Reviews published from").input_value() == "31/2/2026"
    assert axe_violations(page) == []


def test_without_javascript_a_convenor_starts_an_export_and_checks_its_progress(
    no_js_page,
    convenor,
    register,
):
    sign_in(no_js_page, convenor)
    no_js_page.goto("/convenor/summaries/?provider_type=hub")
    no_js_page.get_by_label("PDF report (tables and charts)").check()
    no_js_page.get_by_role("button", name="Prepare the file").click()

    job = ExportJob.objects.get()
    assert job.filters == {"provider_type": ["hub"]}
    assert no_js_page.get_by_label("Progress").is_visible()
    no_js_page.get_by_role("link", name="Check progress").click()
    assert no_js_page.url.endswith(f"/convenor/summaries/exports/{job.pk}/")


def test_with_javascript_the_progress_bar_moves_until_the_download_appears(page, convenor, register):
    from summaries import services

    sign_in(page, convenor)
    page.goto("/convenor/summaries/")
    page.get_by_label("Excel workbook (every table, one sheet each)").check()
    page.get_by_role("button", name="Prepare the file").click()
    page.get_by_label("Progress").wait_for()

    # The file is built here rather than by a worker process: a session-wide worker would stay up and
    # run other browser tests' tasks (tests/summaries/test_export_runs.py drives a real worker).
    services.export_run(job_id=ExportJob.objects.get().pk)

    download_button = page.get_by_role("link", name="Download register-summaries")
    download_button.wait_for(timeout=30_000)  # the page's script polled, saw "ready" and reloaded
    assert axe_violations(page) == []
    with page.expect_download() as download:
        download_button.click()
    assert download.value.suggested_filename.endswith(".xlsx")
    ExportJob.objects.get().file.delete(save=False)
