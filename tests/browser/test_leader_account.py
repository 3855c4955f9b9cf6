"""A school leader's account in real Chromium, checked by axe: sign up and confirm the address,
shortlist three programmes with notes, save a search, and receive the digest after a rating
changes, through a real Celery worker (which recomputes the rating and sends the e-mail) and a
real beat process (which schedules the alerts)."""

import os
import re
import subprocess
import sys

import pytest
from django.core import mail
from django.db import transaction

from ratings.services import mark_programme_rating_stale
from reviews.models import ReviewState
from tests import factories
from tests.browser.conftest import axe_violations
from tests.conftest import ROOT, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def checked(page):
    violations = axe_violations(page)
    assert violations == [], f"{page.url}: {violations}"


@pytest.fixture
def start_beat(tmp_path):
    """Starts a real beat process sending the leaders' alerts (and the rating sweep) every second."""
    started = []

    def start():
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "qaportal.test_settings", "LEADER_ALERTS_SECONDS": "1",
               "RATINGS_SWEEP_SECONDS": "1"}  # fmt: skip
        command = [sys.executable, "-m", "celery", "-A", "qaportal", "beat", "-s", str(tmp_path / "schedule")]
        with open(tmp_path / "beat.log", "w") as log:
            started.append(subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT))

    yield start
    for process in started:
        process.terminate()
        process.wait(timeout=20)


def test_a_leader_signs_up_shortlists_saves_a_search_and_gets_the_digest(
    page, celery_worker_process, worker_mail, start_beat, provider, reviewer, other_reviewer
):
    titles = ["Phonics for all", "Maths mastery", "Coaching new heads"]
    programmes = [factories.make_programme(provider, title=title) for title in titles]

    page.goto("/account/sign-up/")
    checked(page)
    page.get_by_label("E-mail address").fill("head-hana@school.example")
    page.get_by_label("Password").fill("a sturdy passphrase")
    page.get_by_role("button", name="Create account").click()
    page.get_by_role("heading", name="Check your e-mail").wait_for()
    checked(page)
    link = re.search(r"http://\S+(/account/verify/\S+/)", mail.outbox[-1].body).group(1)
    page.goto(link)
    page.get_by_text("Your e-mail address is confirmed").wait_for()
    checked(page)

    for number, programme in enumerate(programmes):
        page.goto(programme.get_absolute_url())
        form = page.locator(".app-shortlist-form")
        form.get_by_label("Add to shortlist").select_option("new" if number == 0 else "Autumn commissioning")
        if number == 0:
            form.get_by_label("Name of a new shortlist (if new)").fill("Autumn commissioning")
        form.get_by_label("Private note (optional)").fill(f"Note {number + 1}: ask about cluster pricing")
        form.get_by_role("button", name="Add to shortlist").click()
        page.get_by_text(f"‘{programme.title}’ is on your shortlist ‘Autumn commissioning’.").wait_for()
    checked(page)

    page.goto("/programmes/?q=coaching")
    checked(page)
    page.get_by_label("Save this search").fill("Coaching")
    page.get_by_role("button", name="Save this search").click()
    page.get_by_text("Search saved as ‘Coaching’").wait_for()

    page.goto("/account/")
    page.get_by_role("link", name="Autumn commissioning").click()
    for number in range(3):
        assert f"Note {number + 1}: ask about cluster pricing" in page.content()
    checked(page)

    with transaction.atomic():
        factories.make_review(programmes[1], reviewer, scores=4, state=ReviewState.PUBLISHED)
        factories.make_review(programmes[1], other_reviewer, scores=4, state=ReviewState.PUBLISHED)
        mark_programme_rating_stale(programme_id=programmes[1].id)

    start_beat()
    digests = wait_until(lambda: [m for m in worker_mail() if "change" in (m["Subject"] or "")], timeout=40)

    digest = digests[0]
    body = digest.get_payload(decode=True).decode()
    assert digest["To"] == "head-hana@school.example"
    assert "Rating changed on your shortlist: Maths mastery is now Exemplary" in body
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert len(digests) == 1
