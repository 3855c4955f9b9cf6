"""The shared ground (``qaportal/``) is what every app builds on, so it names none of them: only
the composition root, which wires the apps together, may import one."""

import ast
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT / "qaportal"

# The composition root: settings, URL confs, the Celery app and the servers' entry points.
COMPOSITION_ROOT = {
    "settings.py",
    "test_settings.py",
    "urls.py",
    "api/urls.py",
    "celery.py",
    "wsgi.py",
    "asgi.py",
    "gunicorn_conf.py",
}


def app_names() -> set[str]:
    """The register's own apps: every installed app whose package sits at the top of this checkout
    (a virtualenv inside the checkout holds installed apps too), but the shared ground."""
    tops = {config.name.split(".")[0] for config in apps.get_app_configs()}
    return {top for top in tops if (ROOT / top).is_dir() and top != "qaportal"}


def imported_modules(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def test_the_shared_ground_imports_no_app():
    app_names_ = app_names()
    assert {"programmes", "reviews", "demo"} <= app_names_
    offences = []
    for path in sorted(SHARED.rglob("*.py")):
        relative = path.relative_to(SHARED).as_posix()
        if relative in COMPOSITION_ROOT:
            continue
        for line, module in imported_modules(ast.parse(path.read_text(), filename=str(path))):
            if module.split(".")[0] in app_names_:
                offences.append(f"qaportal/{relative}:{line} imports {module}")
    assert offences == []


def test_the_exempt_files_exist():
    # A file renamed or removed must leave the lists too, or they would exempt nothing forever.
    missing = sorted(name for name in COMPOSITION_ROOT if not (SHARED / name).exists())
    assert missing == []
