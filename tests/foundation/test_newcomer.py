"""What a newcomer does first: clone, `make run` with nothing configured, and use the register.

The clone runs on its own embedded PostgreSQL in its data folder, with tasks inline (no Redis).
It reuses this checkout's virtual environment and node_modules (symlinks) and compiled CSS.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "register-demo-2026"
UNSET = {
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "CELERY_RESULT_BACKEND",
    "CELERY_TASK_ALWAYS_EAGER",
    "DATA_DIR",
    "MEDIA_ROOT",
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ENV",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("newcomer") / "register"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(folder)], check=True, timeout=120)
    (folder / ".venv").symlink_to((ROOT / ".venv").resolve())
    (folder / "node_modules").symlink_to((ROOT / "node_modules").resolve())
    (folder / "static" / "build").mkdir(parents=True)
    shutil.copy2(ROOT / "static" / "build" / "app.css", folder / "static" / "build" / "app.css")
    (folder / "static" / "build" / "app.css").touch()
    # The set-up stamps live in the shared folders, older than a fresh clone's files: date the
    # inputs back so that `make` sees the set-up as done (re-running it would reinstall the
    # shared node_modules under everyone's feet).
    for inputs in ["pyproject.toml", "package.json", "package-lock.json", *Path(folder).glob("static/scss/*.scss")]:
        os.utime(folder / inputs, (0, 0))
    assert subprocess.run(["make", "-q", "setup"], cwd=folder).returncode == 0, "make would redo the set-up"
    return folder


def newcomer_env() -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if key not in UNSET}


class Run:
    """One `make run` in the clone, in its own process group (as a terminal would run it)."""

    def __init__(self, folder: Path, log_name: str) -> None:
        self.folder, self.port = folder, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = folder.parent / log_name
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            ["make", "run", f"PORT={self.port}"],
            cwd=folder,
            env=newcomer_env(),
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def output(self) -> str:
        return self.log.read_text()

    def wait_for_home(self, timeout: float = 240) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"make run ended early:\n{self.output()}"
            try:
                response = requests.get(self.url + "/", timeout=10)
                if response.status_code == 200:
                    self.first_page_seconds = time.monotonic() - self.started
                    return response.text
            except requests.ConnectionError:
                pass
            time.sleep(0.25)
        raise AssertionError(f"no home page within {timeout} s:\n{self.output()}")

    def interrupt(self) -> None:
        """Ctrl-C, then wait for make (and its clean-up) to finish."""
        os.killpg(self.process.pid, signal.SIGINT)
        self.process.wait(timeout=60)

    def crash(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)


def home_counts(html: str) -> dict[str, int]:
    counts = {
        label: int(figure.replace(",", ""))
        for figure, label in re.findall(r'<span class="app-stat">([\d,]+)</span>\s*([a-z ]+?)\s*</p>', html)
    }
    assert set(counts) == {"published programmes", "rated programmes", "providers", "published reviews"}, html
    return counts


def embedded(folder: Path, command: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(folder / ".venv" / "bin" / "python"), "-m", "qaportal.embedded_postgres", command],
        cwd=folder,
        env=newcomer_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )


def signed_in(run: Run, username: str) -> requests.Session:
    session = requests.Session()
    login = session.get(run.url + "/accounts/login/", timeout=30)
    response = session.post(
        run.url + "/accounts/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": csrf_token(login.text)},
        headers={"Referer": run.url + "/accounts/login/"},
        timeout=30,
    )
    assert response.status_code == 200 and "Sign out" in response.text, response.text[:2000]
    return session


def csrf_token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def search_finds_mathematics_for_maths(run: Run) -> None:
    html = requests.get(run.url + "/programmes/", params={"q": "maths"}, timeout=60).text
    found = int(re.search(r'id="results-count"[^>]*>([\d,]+) programme', html).group(1).replace(",", ""))
    results = html[html.index('id="results-count"') :]
    assert found > 0 and "mathematics" in results.lower()


def convenor_exports_a_csv(run: Run) -> None:
    convenor = signed_in(run, "convenor")
    page = convenor.get(run.url + "/convenor/summaries/", timeout=120)
    assert page.status_code == 200
    started = convenor.post(
        run.url + "/convenor/summaries/exports/new",
        data={"format": "csv", "csrfmiddlewaretoken": csrf_token(page.text)},
        headers={"Referer": run.url + "/convenor/summaries/"},
        timeout=120,
    )
    assert started.status_code == 200 and "/convenor/summaries/exports/" in started.url, started.text[:2000]
    status_url = started.url.rstrip("/") + "/status.json"
    deadline = time.monotonic() + 120
    while not (status := convenor.get(status_url, timeout=30).json())["finished"]:
        assert time.monotonic() < deadline, status
        time.sleep(0.5)
    assert status["status"] == "ready", status
    download = convenor.get(run.url + status["download_url"], timeout=60)
    assert download.status_code == 200 and "attachment" in download.headers["Content-Disposition"]
    assert download.text.count("\n") > 1

    agreement = convenor.get(run.url + "/api/v1/agreement/", timeout=120)
    assert agreement.status_code == 200 and agreement.headers["Content-Type"].startswith("application/json")


def reviewer_submits_a_review(run: Run) -> str:
    """Scores the first editable assignment element by element from its task list, then submits it
    from the check page; returns its address."""
    reviewer = signed_in(run, "reviewer")
    assignments = reviewer.get(run.url + "/reviewer/", timeout=60).text
    for address in dict.fromkeys(re.findall(r'href="(/reviewer/reviews/\d+/)"', assignments)):
        tasks = reviewer.get(run.url + address, timeout=60).text
        elements = list(dict.fromkeys(re.findall(rf'href="({re.escape(address)}elements/[\w-]+/)"', tasks)))
        if not elements:
            continue
        for element in elements:
            form = reviewer.get(run.url + element, timeout=60).text
            data = {"csrfmiddlewaretoken": csrf_token(form), "action": "continue"}
            for criterion in sorted(set(re.findall(r'name="score_(\d+)"', form))):
                data[f"score_{criterion}"] = "3"
                data[f"rationale_{criterion}"] = "The portfolio gives concrete evidence for this level."
            saved = reviewer.post(run.url + element, data=data, headers={"Referer": run.url + element}, timeout=120)
            assert saved.status_code == 200 and "There is a problem" not in saved.text, saved.text
        check_url = run.url + address + "submit/"
        check = reviewer.get(check_url, timeout=60).text
        assert "Check your scores and submit" in check and 'value="submit"' in check
        data = {"csrfmiddlewaretoken": csrf_token(check), "action": "submit", "no_conflict_confirmed": "on"}
        data["overall_comment"] = "A clear, well evidenced programme with a sound theory of change."
        response = reviewer.post(check_url, data=data, headers={"Referer": check_url}, timeout=120)
        assert response.status_code == 200 and "Your review has been submitted." in response.text, response.text
        return address
    raise AssertionError("the demo reviewer has no review to score")


def test_a_newcomer_runs_the_register_with_nothing_configured_and_again_after_a_stop_and_a_crash(clone):
    first = Run(clone, "first-run.log")
    counts = home_counts(first.wait_for_home())
    assert counts["published programmes"] > 0 and counts["published reviews"] > 0
    assert "No DATABASE_URL: using the embedded PostgreSQL" in first.output()
    search_finds_mathematics_for_maths(first)
    convenor_exports_a_csv(first)
    submitted = reviewer_submits_a_review(first)
    print(f"first page of a fresh clone after {first.first_page_seconds:.1f} s", file=sys.stderr)

    first.interrupt()
    assert "Stopped the embedded PostgreSQL." in first.output()
    assert embedded(clone, "status").stdout.strip() == "stopped"
    assert not (clone / "data" / "postgres" / "postmaster.pid").exists()

    second = Run(clone, "second-run.log")
    assert home_counts(second.wait_for_home()) == counts
    assert "nothing seeded" in second.output()
    review = signed_in(second, "reviewer").get(second.url + submitted, timeout=60).text
    assert "This review can no longer be changed" in review and 'value="submit"' not in review

    # A crash: the run and the database server killed outright, leaving postmaster.pid behind.
    postmaster = int((clone / "data" / "postgres" / "postmaster.pid").read_text().split()[0])
    second.crash()
    os.kill(postmaster, signal.SIGKILL)
    assert (clone / "data" / "postgres" / "postmaster.pid").exists()

    third = Run(clone, "third-run.log")
    assert home_counts(third.wait_for_home()) == counts
    third.interrupt()
    assert embedded(clone, "status").stdout.strip() == "stopped"
