"""Shared set-up for the ratings tests: framework versions with chosen weights, and snapshots."""

from contextlib import contextmanager
from decimal import Decimal

from qaportal.roles import Role
from ratings import engine
from ratings.models import ProgrammeRating, ProviderRating
from reviews.frameworks import framework_new_draft, framework_publish
from reviews.models import Criterion, Element, Framework
from tests import factories

RATING_FIELDS = [
    "framework_id",
    "review_count",
    "raw_mean",
    "shown_score",
    "band",
    "band_rank",
    "score_purpose",
    "score_governance",
    "score_process",
    "score_definitions",
    "score_value",
    "max_spread",
    "needs_moderation",
]


def publish_framework_version(*, criterion_weights=None, element_weights=None, **settings) -> Framework:
    """A new live framework version copied from the current one, with some weights changed."""
    convenor = factories.make_user(role=Role.CONVENOR)
    draft = framework_new_draft(source=Framework.objects.get(is_live=True), by=convenor)
    for code, weight in (criterion_weights or {}).items():
        Criterion.objects.filter(element__framework=draft, code=code).update(weight=Decimal(weight))
    for key, weight in (element_weights or {}).items():
        Element.objects.filter(framework=draft, key=key).update(weight=Decimal(weight))
    if settings:
        Framework.objects.filter(pk=draft.pk).update(**settings)
        draft.refresh_from_db()
    return framework_publish(framework=draft, by=convenor)


def programme_ratings() -> dict[int, tuple]:
    return {
        row[0]: row[1:]
        for row in ProgrammeRating.objects.order_by("programme_id").values_list("programme_id", *RATING_FIELDS)
    }


def provider_ratings() -> dict[int, tuple]:
    fields = ["rated_programmes", "review_count", "shown_score", "band", "band_rank"]
    return {row[0]: row[1:] for row in ProviderRating.objects.values_list("provider_id", *fields)}


@contextmanager
def per_criterion_only():
    """Every programme through the per-criterion statement instead of the packed shortcut."""
    engine.USE_SHORTCUT = False
    try:
        yield
    finally:
        engine.USE_SHORTCUT = True
