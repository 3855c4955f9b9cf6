"""Hostile input: what a provider, a reviewer or an anonymous client might send."""

import pytest
from django.core.cache import cache

PROFILE = {
    "name": "Riverside Learning Partnership",
    "provider_type": "mat",
    "regions": ["london"],
    "phases": ["primary"],
    "description": "A partnership of twelve schools.",
    "website": "https://riverside.example.org",
    "schools_in_partnership": "12",
}


@pytest.fixture(autouse=True)
def fresh_cache(db, settings, tmp_path):
    cache.clear()
    settings.MEDIA_ROOT = tmp_path / "media"
    yield
    cache.clear()
