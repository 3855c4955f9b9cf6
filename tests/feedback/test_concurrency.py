"""One response per link, even when several submissions race through real HTTP requests."""

import re
import threading

import pytest
import requests

from feedback.models import ParticipantLink, ParticipantResponse
from tests.feedback.conftest import answers, codes_of

pytestmark = pytest.mark.django_db(transaction=True)

RACERS = 8


def prepared_session(url: str) -> tuple[requests.Session, str]:
    session = requests.Session()
    page = session.get(url, timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    return session, token


def test_racing_submissions_on_one_link_give_exactly_one_response(live_server, feedback_round, questionnaire):
    code = codes_of(feedback_round)[0]
    url = f"{live_server.url}/feedback/{code}/"
    sessions = [prepared_session(url) for _ in range(RACERS)]
    start = threading.Barrier(RACERS)
    statuses: list[int] = []

    def submit(session: requests.Session, token: str, value: int) -> None:
        data = {**answers(questionnaire, value), "csrfmiddlewaretoken": token, "comment": f"Racer {value}"}
        start.wait()
        reply = session.post(url, data=data, headers={"Referer": url}, allow_redirects=False, timeout=20)
        statuses.append(reply.status_code)

    threads = [threading.Thread(target=submit, args=(*session, 1 + n % 4)) for n, session in enumerate(sessions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [302] + [410] * (RACERS - 1)
    assert ParticipantResponse.objects.count() == 1
    assert ParticipantLink.objects.get(code=code).used_at is not None
