"""Directory benchmark on the national-scale data: server time, queries and the bare-SQL floor.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qaportal_bench_directory .venv/bin/python bench/directory.py

For each of a fixed set of representative requests it runs the request through Django (no network)
``--repeat`` times after a warm-up and reports server time p50/p95, the queries issued, the time
spent in the database, and, in the same run, the floor: the same SQL statements executed bare
through a cursor (no ORM, no template), each after as much Python work as the request did between
its statements (see bare_sql_floor). It also times, once, what the facet counts of the broadest
requests would cost as one PostgreSQL conditional-aggregate pass (the design this replaced) and
the cold build of the in-memory snapshot. Figures are printed and appended to bench/results/.
"""

import argparse
import json
import os
import statistics
import time

from django_setup import ROOT, SERVING_PAGES, setup_django

setup_django(**SERVING_PAGES)

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from programmes.facets import build_snapshot, snapshots  # noqa: E402
from programmes.models import Programme  # noqa: E402
from providers.models import Provider  # noqa: E402

MANY_FILTERS = (
    "focus=senior-leader&focus=headteacher&phase=primary&phase=secondary&region=london&region=south-east"
    "&format=course&format=coaching&mode=blended&mode=face-to-face&provider_type=mat&provider_type=hub"
    "&provider_type=university&max_cost=1500&min_band=2&element=governance&element_min=2&rated=true"
)


def representative_requests() -> list[tuple[str, str]]:
    programme = Programme.objects.filter(status="published", rating__band_rank__isnull=False).order_by("id").first()
    provider = Provider.objects.filter(rating__band_rank__isnull=False).order_by("id").first()
    return [
        ("empty query, all facets", "/programmes/"),
        ("broad term (~40%): research", "/programmes/?q=research"),
        ("broad term: mentoring", "/programmes/?q=mentoring"),
        ("rare term: yarrowdale", "/programmes/?q=yarrowdale"),
        ('phrase: "middle leaders"', "/programmes/?q=%22middle+leaders%22"),
        ("term with exclusion: coaching -online", "/programmes/?q=coaching+-online"),
        ("one filter: region=london", "/programmes/?region=london"),
        ("many filters at once", f"/programmes/?{MANY_FILTERS}"),
        ("many filters and a term", f"/programmes/?q=leadership&{MANY_FILTERS}"),
        ("minimum band Secure", "/programmes/?min_band=2"),
        ("free only", "/programmes/?free=true"),
        ("sort: best rated", "/programmes/?sort=best"),
        ("sort: most reviewed", "/programmes/?sort=most-reviewed"),
        ("sort: newest", "/programmes/?sort=newest"),
        ("sort: lowest cost", "/programmes/?sort=cost&region=north-west"),
        ("sort: A to Z", "/programmes/?sort=title"),
        ("sort: relevance, broad term", "/programmes/?q=research&sort=relevance"),
        ("broad term sorted by cost", "/programmes/?q=research&sort=cost"),
        ("deep page (page 4,000 of 8,000)", "/programmes/?sort=title&page=4000"),
        ("deep page of a search", "/programmes/?q=mentoring&sort=newest&page=1500"),
        ("100 results per page", "/programmes/?per_page=100&sort=best"),
        ("malformed parameters", "/programmes/?page=abc&min_cost=-1&region=Atlantis"),
        ("provider directory", "/providers/"),
        ("provider directory, filtered", "/providers/?region=london&provider_type=mat&min_band=2"),
        ("programme page", programme.get_absolute_url()),
        ("provider page", provider.get_absolute_url()),
        ("how ratings work", "/how-ratings-work/"),
    ]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


class DatabaseTimer:
    def __init__(self):
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started


def measure(client: Client, url: str, repeat: int, *, cold_search: bool = False) -> dict:
    client.get(url)
    client.get(url)
    server, database, statements = [], [], []
    for _ in range(repeat):
        if cold_search:
            snapshots.clear_searches()
        timer = DatabaseTimer()
        with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(timer):
            started = time.perf_counter()
            response = client.get(url)
            server.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
        database.append(timer.seconds)
        statements = [query["sql"] for query in captured.captured_queries]
    return {"server": server, "database": database, "statements": statements}


def bare_sql_floor(statements: list[str], repeat: int, spacing: float) -> list[float]:
    """The same statements, already interpolated by the backend, executed bare: the floor.

    Each statement follows ``spacing`` seconds of Python work, as in the request it came from.
    Back to back, the database's backend answers from hot caches and the floor would be lower
    than any request could reach (the figures are in BENCHMARKS.md); a request always puts
    Python work before each statement.
    Only the time inside the statements is counted.
    """
    timings = []
    with connection.cursor() as cursor:
        for _ in range(repeat):
            inside = 0.0
            for sql in statements:
                busy(spacing)
                started = time.perf_counter()
                cursor.execute(sql)
                cursor.fetchall()
                inside += time.perf_counter() - started
            timings.append(inside)
    return timings


def busy(seconds: float) -> None:
    """Python work (not sleep) for this long, as a request does between its statements."""
    until = time.perf_counter() + seconds
    while time.perf_counter() < until:
        pass


NAIVE_FACETS_SQL = """
SELECT count(*) {aggregates}
FROM programmes_programme p JOIN providers_provider v ON v.id = p.provider_id
LEFT JOIN ratings_programmerating r ON r.programme_id = p.id
WHERE p.status = 'published' {search}
"""


def naive_facet_pass(search: str | None) -> float:
    """One conditional-aggregate pass over the result set for all ~50 facet options (the rejected design)."""
    from programmes.filters import ProgrammeFilter

    parts = []
    for column, name in [("p.focus_level", "focus"), ("p.format", "format"), ("p.delivery_mode", "mode"),
                         ("v.provider_type", "provider_type")]:  # fmt: skip
        for value, _ in ProgrammeFilter.base_filters[name].extra["choices"]:
            parts.append(f", count(*) FILTER (WHERE {column} = '{value}')")
    for column, bits in [("p.phases", 6), ("p.regions", 9), ("p.funding_routes", 7)]:
        parts += [f", count(*) FILTER (WHERE {column} & {1 << bit} <> 0)" for bit in range(bits)]
    parts += [f", count(*) FILTER (WHERE r.band_rank <= {rank})" for rank in range(1, 5)]
    parts += [", count(*) FILTER (WHERE p.cost_per_participant = 0)", ", count(*) FILTER (WHERE r.band_rank > 0)"]
    where = ""
    if search:
        where = f"AND p.search_vector @@ to_tsquery('simple', '{search}:*')"
    sql = NAIVE_FACETS_SQL.format(aggregates="".join(parts), search=where)
    timings = []
    with connection.cursor() as cursor:
        for _ in range(3):
            started = time.perf_counter()
            cursor.execute(sql)
            cursor.fetchall()
            timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def measured_row(client: Client, label: str, url: str, repeat: int) -> dict:
    """One request's figures: server time, its queries, their database time and the bare-SQL floor."""
    measured = measure(client, url, repeat, cold_search=label.endswith("search not cached"))
    database = statistics.median(measured["database"])
    outside = statistics.median(measured["server"]) - database
    spacing = outside / max(len(measured["statements"]), 1)
    floor = statistics.median(bare_sql_floor(measured["statements"], repeat, spacing))
    row = {
        "request": label,
        "url": url,
        "p50_ms": percentile(measured["server"], 0.5) * 1000,
        "p95_ms": percentile(measured["server"], 0.95) * 1000,
        "queries": len(measured["statements"]),
        "db_ms": database * 1000,
        "floor_ms": floor * 1000,
    }
    row["db_over_floor"] = row["db_ms"] / row["floor_ms"] if row["floor_ms"] else 0
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--only", default="", help="measure only the requests whose label contains this")
    arguments = parser.parse_args()
    load = os.getloadavg()
    published = Programme.objects.filter(status="published").count()
    print(f"database {connection.settings_dict['NAME']}: {Programme.objects.count():,} programmes "
          f"({published:,} published), {Provider.objects.count():,} providers; load average {load[0]:.2f} "
          f"{load[1]:.2f} {load[2]:.2f}; {os.cpu_count()} cores")  # fmt: skip
    started = time.perf_counter()
    build_snapshot()
    print(f"cold build of the in-memory directory snapshot: {(time.perf_counter() - started) * 1000:.0f} ms")
    snapshots.current()
    client = Client()
    rows = []
    header = f"{'request':60} {'p50 ms':>7} {'p95 ms':>7} {'queries':>7} {'db ms':>7} {'floor ms':>8} {'db/floor':>8}"
    print(header)
    requests = representative_requests()
    requests += [(f"{label}, search not cached", url) for label, url in requests if "q=" in url]
    for label, url in requests:
        if arguments.only not in label:
            continue
        row = measured_row(client, label, url, arguments.repeat)
        rows.append(row)
        print(f"{label[:60]:60} {row['p50_ms']:7.1f} {row['p95_ms']:7.1f} {row['queries']:7} {row['db_ms']:7.1f} "
              f"{row['floor_ms']:8.1f} {row['db_over_floor']:8.2f}")  # fmt: skip
    naive = {"empty query": naive_facet_pass(None) * 1000, "broad term research": naive_facet_pass("research") * 1000}
    for label, milliseconds in naive.items():
        print(f"for comparison, facet counts as one SQL conditional-aggregate pass, {label}: {milliseconds:.0f} ms")
    load = os.getloadavg()
    print(f"load average after the run: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    with open(results / "directory.jsonl", "a") as output:
        output.write(json.dumps({"at": time.time(), "load": load, "rows": rows, "naive_facets_ms": naive}) + "\n")


if __name__ == "__main__":
    main()
