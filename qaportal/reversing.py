"""URLs reversed once per process. Django resolves the URL configuration again on every
``reverse()`` (a namespaced name costs about as much as rendering twenty template variables), and a
directory page reverses dozens: its navigation, footer, forms and every result's link.

The answer depends only on the name, its arguments, the current app, the URL configuration and the
script prefix, so those are the key; a name that does not reverse raises as before, uncached."""

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf
from django.urls import reverse as django_reverse


@lru_cache(maxsize=16384)
def _reversed(viewname: str, args: tuple, kwargs: tuple, current_app: str | None, urlconf: Any, prefix: str) -> str:
    return django_reverse(viewname, urlconf, list(args) or None, dict(kwargs) or None, current_app)


def reverse(
    viewname: str,
    *,
    args: Sequence[Any] = (),
    kwargs: Mapping[str, Any] | None = None,
    current_app: str | None = None,
) -> str:
    """``django.urls.reverse``, remembered. Only text and whole numbers make a key: anything else (a
    model instance, whose text may change while its hash stays) is reversed each time."""
    key_args, key_kwargs = tuple(args), tuple(sorted((kwargs or {}).items()))
    if not all(isinstance(value, str) or type(value) is int for value in (*key_args, *(v for _, v in key_kwargs))):
        return django_reverse(
            viewname, args=list(args) or None, kwargs=dict(kwargs or {}) or None, current_app=current_app
        )
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return _reversed(viewname, key_args, key_kwargs, current_app, urlconf, get_script_prefix())
