"""An open-loop HTTP load generator for the benchmarks: requests leave on a fixed schedule, whatever
the server's answers, so a slow server meets the queue it causes (no coordinated omission).

A child process of its own (``bench/directory_under_writes.py`` starts it), so its CPU is measured
apart from the writer's and the server's. Standard library only: asyncio streams, one connection
per request (gunicorn's sync workers close each connection after answering). Reads one JSON job
from stdin, waits for the line ``go``, runs it and prints one JSON result:

    {"host", "port", "paths": [...], "rate": 50, "seconds": 120, "etags": {path: etag} | null,
     "timeout": 30}

Latency runs from the moment a request was due to leave until its last byte arrived. With
``etags``, a request for a path that has one carries ``If-None-Match`` with it.
"""

import asyncio
import json
import resource
import sys
import time


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def request(host: str, port: int, path: str, etag: str | None, timeout: float) -> tuple[int, str | None, int]:
    reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
    try:
        head = f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nAccept-Encoding: identity\r\n"
        if etag:
            head += f"If-None-Match: {etag}\r\n"
        writer.write((head + "\r\n").encode())
        data = await asyncio.wait_for(reader.read(-1), timeout)
    finally:
        writer.close()
    header_end = data.find(b"\r\n\r\n")
    lines = data[:header_end].decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    found = None
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "etag":
            found = value.strip()
    return status, found, len(data) - header_end - 4


async def run(job: dict) -> dict:
    host, port, paths, rate, seconds = job["host"], job["port"], job["paths"], job["rate"], job["seconds"]
    etags, timeout = job.get("etags"), job.get("timeout", 30)
    total = int(rate * seconds)
    results: list = [None] * total
    seen_etags: dict[str, str] = {}
    loop = asyncio.get_running_loop()
    late = 0.0

    async def one(index: int, due: float) -> None:
        path = paths[index % len(paths)]
        etag = etags.get(path) if etags is not None else None
        try:
            status, found, size = await request(host, port, path, etag, timeout)
            if found:
                seen_etags[path] = found
            results[index] = (due - start, loop.time() - due, status, size, None)
        except (OSError, TimeoutError, ValueError, IndexError) as error:
            results[index] = (due - start, loop.time() - due, 0, 0, f"{error.__class__.__name__}: {error}")

    tasks = []
    start = loop.time()
    for index in range(total):
        due = start + index / rate
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        else:
            late = max(late, -delay)
        tasks.append(asyncio.create_task(one(index, due)))
    await asyncio.gather(*tasks)
    return {"results": results, "etags": seen_etags, "schedule_late_max_s": late}


def main() -> None:
    job = json.loads(sys.stdin.readline())
    print("ready", flush=True)
    assert sys.stdin.readline().strip() == "go"
    cpu, wall = cpu_seconds(), time.monotonic()
    outcome = asyncio.run(run(job))
    outcome["cpu_s"], outcome["wall_s"] = cpu_seconds() - cpu, time.monotonic() - wall
    print(json.dumps(outcome), flush=True)


if __name__ == "__main__":
    main()
