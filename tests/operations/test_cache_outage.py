"""With Redis down the cache serves from local memory: pages and the API answer, never a 500."""

import pytest
from django.core.cache import cache

from tests.factories import make_programme, make_provider

pytestmark = pytest.mark.django_db


def test_the_cache_uses_redis_while_it_is_up(cache_on_own_redis):
    import redis

    cache.set("probe", "in redis", 60)
    stored = redis.Redis(port=cache_on_own_redis.port).keys("*probe*")
    assert stored, "the value should be in Redis, not only in local memory"


def test_home_page_and_anonymous_api_answer_with_redis_down(client, cache_on_own_redis):
    make_programme(make_provider())
    assert client.get("/").status_code == 200
    cache_on_own_redis.stop()

    assert client.get("/").status_code == 200
    for _ in range(3):
        response = client.get("/api/v1/programmes/")
        assert response.status_code == 200, response.content[:300]


def test_the_anonymous_throttle_still_limits_with_redis_down(client, cache_on_own_redis, monkeypatch):
    """The stated choice: throttles keep counting, in each process's memory, rather than fail open."""
    from rest_framework.throttling import AnonRateThrottle

    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})
    cache_on_own_redis.stop()
    statuses = [client.get("/api/v1/programmes/").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]


def test_convenor_summaries_answer_with_redis_down(client, convenor, cache_on_own_redis):
    client.force_login(convenor)
    cache_on_own_redis.stop()
    response = client.get("/convenor/summaries/")
    assert response.status_code == 200


def test_the_cache_goes_back_to_redis_once_it_returns(settings, cache_on_own_redis):
    import redis

    settings.CACHES = {
        "default": {
            "BACKEND": "qaportal.cache.FallbackRedisCache",
            "LOCATION": cache_on_own_redis.url,
            "OPTIONS": {"RETRY_SECONDS": 0},
        }
    }
    cache_on_own_redis.stop()
    cache.set("while-down", 1, 60)
    assert cache.get("while-down") == 1
    cache_on_own_redis.start()
    cache.set("after", 2, 60)
    assert redis.Redis(port=cache_on_own_redis.port).keys("*after*")
