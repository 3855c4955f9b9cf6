"""No page a signed-in person sees may sit in a shared cache: walk every page each role reaches by
following links from where signing in takes them, on the demo register (issue 11)."""

import re
from collections import deque

import pytest
from django.contrib.auth.models import User

from demo.seeding import SeedSizes, seed_demo_data
from programmes.models import Programme

pytestmark = pytest.mark.django_db

LINK = re.compile(r'href="(/[^"#?]*(?:\?[^"#]*)?)"')
# Not pages: files, the sign-out, and the Django admin (staff only, not the service's pages).
SKIPPED = re.compile(r"^/(static/|media/|accounts/logout|admin/)|\.(csv|svg|json|xlsx)(\?|$)|/export")
PAGES_PER_ROLE = 60


@pytest.fixture
def demo(db):
    seed_demo_data(sizes=SeedSizes(providers=8, programmes=40, reviewers=6), seed=5)


def walk(client, start: list[str]) -> dict[str, str]:
    """Every page reachable by links from ``start`` (up to a bound), with its Cache-Control."""
    seen, queue, found = set(start), deque(start), {}
    while queue and len(found) < PAGES_PER_ROLE:
        url = queue.popleft()
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        found[url] = response.get("Cache-Control", "")
        for link in LINK.findall(response.content.decode()):
            link = link.replace("&amp;", "&")
            if link not in seen and not SKIPPED.search(link):
                seen.add(link)
                queue.append(link)
    return found


@pytest.mark.parametrize(
    ("username", "home"),
    [("editor", "/provider/"), ("reviewer", "/reviewer/"), ("convenor", "/convenor/"), ("admin", "/")],
)
def test_no_page_a_signed_in_person_sees_is_marked_for_shared_caching(client, demo, username, home):
    client.force_login(User.objects.get(username=username))
    programme = Programme.objects.filter(status="published").first()
    start = [home, "/programmes/", "/providers/", programme.get_absolute_url(), programme.provider.get_absolute_url()]
    pages = walk(client, start)
    assert len(pages) >= 10  # the walk reached the role's pages, not only the public ones
    shared = {url: control for url, control in pages.items() if "public" in control}
    assert shared == {}
    assert all("private" in pages[url] for url in start[1:])
