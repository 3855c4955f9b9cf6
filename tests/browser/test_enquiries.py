"""Enquiries in real Chromium, checked by axe on every page at 375 and 1280 px: a leader sends one
enquiry from a shortlist to two providers, a real Celery worker e-mails each provider's editors
once, each editor replies from their inbox, and both replies reach the leader's account. The
leader's e-mail address is never on the providers' pages or in their e-mails."""

import pytest
from playwright.sync_api import expect

from leaders import services
from qaportal.roles import Role
from tests import factories
from tests.browser.conftest import axe_violations, sign_in
from tests.conftest import wait_until
from tests.leaders.conftest import make_leader

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

LEADER_EMAIL = "head-hana@school.example"
WIDTHS = (375, 1280)


def checked(page):
    """No serious axe violation and nothing wider than the screen, on a phone and a desktop."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        violations = axe_violations(page)
        assert violations == [], f"{page.url} at {width} px: {violations}"
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{page.url} scrolls sideways at {width} px"


@pytest.fixture
def two_providers():
    people = []
    for name, editor_name in (("Northgate Learning Trust", "editor-ann"), ("Riverside Maths Hub", "editor-ben")):
        provider = factories.make_provider(name=name)
        editor = factories.make_user(editor_name, role=Role.PROVIDER_EDITOR)
        provider.editors.add(editor)
        people.append((provider, editor, factories.make_programme(provider, title=f"Coaching with {name}")))
    return people


def new_person(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    person = context.new_page()
    person.set_default_timeout(10_000)
    return person


def test_an_enquiry_reaches_two_providers_and_their_replies_reach_the_leader(
    page, browser, live_server, celery_worker_process, worker_mail, two_providers
):
    leader = make_leader(LEADER_EMAIL)
    shortlist = services.shortlist_create(by=leader, name="Autumn commissioning")
    for _, _, programme in two_providers:
        services.shortlist_add(by=leader, shortlist=shortlist, programme=programme)

    sign_in(page, LEADER_EMAIL)
    page.goto(f"/account/shortlists/{shortlist.id}/")
    page.get_by_role("link", name="Send an enquiry").click()
    checked(page)
    page.get_by_role("button", name="Send the enquiry").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    checked(page)
    page.get_by_label("What do you need?").fill("Coaching for six new middle leaders, after school.")
    page.get_by_label("Secondary").check()
    page.get_by_label("Number of staff").fill("6")
    page.get_by_label("Earliest start").fill("01/09/2030")
    page.get_by_label("Latest finish").fill("31/07/2031")
    for provider, _, _ in two_providers:
        page.get_by_label(provider.name).check()
    page.get_by_role("button", name="Send the enquiry").click()
    expect(page.get_by_text("Your enquiry has gone to 2 providers")).to_be_visible()
    checked(page)

    sent = wait_until(lambda: len(worker_mail()) >= 2 and worker_mail(), timeout=30)
    assert sorted(message["To"] for message in sent) == ["editor-ann@example.org", "editor-ben@example.org"]
    assert all(LEADER_EMAIL not in message.as_string() for message in sent)

    for number, (_, editor, _) in enumerate(two_providers):
        editor_page = new_person(browser, live_server)
        sign_in(editor_page, editor.username)
        editor_page.goto("/provider/enquiries/")
        expect(editor_page.get_by_text("Unread")).to_be_visible()
        checked(editor_page)
        editor_page.get_by_role("link", name="Coaching for six new middle leaders").click()
        assert LEADER_EMAIL not in editor_page.content()
        checked(editor_page)
        editor_page.get_by_label("Your reply").fill(f"Reply {number + 1}: we can start in September.")
        editor_page.get_by_role("button", name="Send reply").click()
        expect(editor_page.get_by_text("Your reply has been sent")).to_be_visible()
        checked(editor_page)
        editor_page.context.close()

    page.goto("/account/enquiries/")
    checked(page)
    page.get_by_role("link", name="Coaching for six new middle leaders").click()
    for number, (provider, _, _) in enumerate(two_providers):
        expect(page.get_by_text(f"Reply {number + 1}: we can start in September.")).to_be_visible()
        expect(page.get_by_role("heading", name=provider.name)).to_be_visible()
    checked(page)
    # The worker sent one e-mail to each provider for the enquiry and one to the leader per reply.
    wait_until(lambda: len(worker_mail()) == 4, timeout=30)
    assert sorted(message["To"] for message in worker_mail())[2:] == [LEADER_EMAIL, LEADER_EMAIL]
