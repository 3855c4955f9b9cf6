"""Steady HTTP load on the directory: 50 users each making one request a second (50 requests/s),
drawn from the same kinds of request as bench/directory.py with varied parameters.

Run through bench/load.sh, which starts gunicorn on 127.0.0.1 and stops it afterwards.
"""

import os
import random
import subprocess
import time

import gevent
from locust import FastHttpUser, events, task

REGIONS = ["north-east", "north-west", "yorkshire-humber", "east-midlands", "west-midlands", "east-of-england",
           "london", "south-east", "south-west"]  # fmt: skip
PHASES = ["early-years", "primary", "secondary", "special", "alternative-provision", "post-16"]
FOCUS = ["teacher", "middle-leader", "senior-leader", "headteacher", "executive"]
FORMATS = ["course", "coaching", "jpd", "qualification", "network", "conference"]
PROVIDER_TYPES = ["mat", "hub", "local-authority", "diocese", "university", "charity", "company", "school"]
BROAD_TERMS = ["research", "mentoring", "coaching", "leadership", "curriculum", "feedback", "enquiry"]
RARE_TERMS = ["yarrowdale", "fenbury", "kingsmead", "lowther", "redbrook", "saltcote", "trentside", "wrenfield",
              "chalkhill", "glenholme", "pennington", "whitchurch"]  # fmt: skip
SORTS = ["best", "most-reviewed", "newest", "cost", "title"]
SLUGS: dict[str, list[str]] = {"programmes": [], "providers": []}


@events.init.add_listener
def load_slugs(environment, **_):
    """A sample of real programme and provider pages to visit (read once, before the load)."""
    database_url = os.environ["DATABASE_URL"]
    for table, key in (("programmes_programme WHERE status = 'published'", "programmes"),
                       ("providers_provider", "providers")):  # fmt: skip
        sql = f"SELECT slug FROM {table} ORDER BY md5(slug) LIMIT 400"
        output = subprocess.run(["psql", database_url, "-Atc", sql], capture_output=True, text=True, check=True)
        SLUGS[key] = output.stdout.split()


def some(values, most=2):
    return random.sample(values, random.randint(1, most))


class SchoolLeader(FastHttpUser):
    """One request a second, each user at its own random moment in the second: a steady 50 requests
    per second from 50 users. (locust starts users in batches of the spawn rate, and its
    constant_throughput keeps each user's start as its phase, so with it all 50 fire in the same
    half second: bursts of 50 that measure the burst's queue, not the register; BENCHMARKS.md has the figures.)"""

    def on_start(self):
        gevent.sleep(random.random())
        self.next_request_at = time.perf_counter()

    def wait_time(self) -> float:
        self.next_request_at += 1.0
        return max(0.0, self.next_request_at - time.perf_counter())

    def directory(self, params: list[tuple[str, str]], name: str):
        self.client.get("/programmes/", params=params, name=name)

    @task(4)
    def browse_everything(self):
        self.directory([("sort", random.choice(SORTS))], "directory: no filter, a sort")

    @task(3)
    def search_broad(self):
        self.directory([("q", random.choice(BROAD_TERMS))], "directory: broad term")

    @task(2)
    def search_rare(self):
        self.directory([("q", random.choice(RARE_TERMS))], "directory: rare term")

    @task(4)
    def filter_a_few(self):
        params = [("region", region) for region in some(REGIONS)] + [("phase", random.choice(PHASES))]
        params += [("min_band", random.choice("123"))]
        self.directory(params, "directory: a few filters")

    @task(2)
    def filter_many(self):
        params = [("focus", value) for value in some(FOCUS)] + [("format", value) for value in some(FORMATS, 3)]
        params += [("region", value) for value in some(REGIONS, 3)] + [("phase", random.choice(PHASES))]
        params += [("provider_type", value) for value in some(PROVIDER_TYPES, 3)]
        params += [("max_cost", random.choice(["500", "1000", "2000"])), ("rated", "true")]
        params += [("element", "governance"), ("element_min", random.choice("23"))]
        self.directory(params, "directory: many filters")

    @task(2)
    def search_and_filter(self):
        params = [("q", random.choice(BROAD_TERMS)), ("region", random.choice(REGIONS))]
        params += [("sort", random.choice(SORTS))]
        self.directory(params, "directory: term, filter and sort")

    @task(1)
    def deep_page(self):
        self.directory(
            [("sort", random.choice(SORTS)), ("page", str(random.randint(500, 7000)))], "directory: deep page"
        )

    @task(3)
    def programme_page(self):
        self.client.get(f"/programmes/{random.choice(SLUGS['programmes'])}/", name="programme page")

    @task(1)
    def provider_page(self):
        self.client.get(f"/providers/{random.choice(SLUGS['providers'])}/", name="provider page")

    @task(1)
    def provider_directory(self):
        params = [("region", random.choice(REGIONS)), ("provider_type", random.choice(PROVIDER_TYPES))]
        self.client.get("/providers/", params=params, name="provider directory: filters")
