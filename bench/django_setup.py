"""Django started for a benchmark script, which runs from the checkout as
``.venv/bin/python bench/<script>.py`` (so this folder is on the path and this module imports
by its name): the checkout on the path, the register's settings, and the script's defaults.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# A script that fetches pages (through Django's test client or a local server) gets them as
# production serves them, with DEBUG off.
SERVING_PAGES = {"DEBUG": "false", "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost"}


def setup_django(**defaults: str) -> None:
    """Start Django; ``defaults`` are environment variables the script needs unless whoever runs it
    set them (most often the ``DATABASE_URL`` of the copy it writes to)."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qaportal.settings")
    for name, value in defaults.items():
        os.environ.setdefault(name, value)
    import django

    django.setup()
