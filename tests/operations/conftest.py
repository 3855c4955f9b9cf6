import pytest


@pytest.fixture
def cache_on_own_redis(settings, own_redis):
    """The default cache on this test's own Redis, as production configures it."""
    settings.CACHES = {"default": {"BACKEND": "qaportal.cache.FallbackRedisCache", "LOCATION": own_redis.url}}
    return own_redis


@pytest.fixture(autouse=True)
def fresh_cache():
    """Throttle counters and cached pages from an earlier test must not leak into this one."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
