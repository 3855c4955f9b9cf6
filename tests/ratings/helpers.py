"""Shared set-up for the ratings tests: framework versions with chosen weights, and snapshots."""

from decimal import Decimal

from django.db import transaction

from qaportal.roles import Role
from ratings.engine import PROGRAMME_RATINGS
from ratings.models import ProgrammeRating, ProviderRating
from reviews.frameworks import framework_new_draft, framework_publish
from reviews.models import Band, Criterion, Element, Framework, LevelDescriptor, ScoreLevel
from tests import factories

# What a programme's stored rating says: the columns the engine writes.
RATING_FIELDS = PROGRAMME_RATINGS.values


def publish_framework_version(**changes) -> Framework:
    """A new live framework version copied from the current one, changed as
    ``draft_framework_version`` says."""
    convenor = factories.make_user(role=Role.CONVENOR)
    return framework_publish(framework=draft_framework_version(**changes), by=convenor)


def draft_framework_version(
    *,
    criterion_weights=None,
    element_weights=None,
    band_thresholds=None,
    band_floors=None,
    levels=None,
    **settings,
) -> Framework:
    """A draft copied from the live version with some weights, band thresholds and floors ({band
    name: value}), extra rubric levels ({level: name}, each criterion described at it) or
    settings changed."""
    convenor = factories.make_user(role=Role.CONVENOR)
    draft = framework_new_draft(source=Framework.objects.get(is_live=True), by=convenor)
    for level, name in (levels or {}).items():
        ScoreLevel.objects.create(framework=draft, level=level, name=name, meaning=f"{name}.")
        LevelDescriptor.objects.bulk_create(
            LevelDescriptor(criterion=criterion, level=level, descriptor=f"{name}.")
            for criterion in Criterion.objects.filter(element__framework=draft)
        )
    for name, threshold in (band_thresholds or {}).items():
        Band.objects.filter(framework=draft, name=name).update(min_score=Decimal(threshold))
    for name, floor in (band_floors or {}).items():
        Band.objects.filter(framework=draft, name=name).update(element_floor=None if floor is None else Decimal(floor))
    for code, weight in (criterion_weights or {}).items():
        Criterion.objects.filter(element__framework=draft, code=code).update(weight=Decimal(weight))
    for key, weight in (element_weights or {}).items():
        Element.objects.filter(framework=draft, key=key).update(weight=Decimal(weight))
    if settings:
        Framework.objects.filter(pk=draft.pk).update(**settings)
        draft.refresh_from_db()
    return draft


def method_version_1() -> Framework:
    """A live version rated as before method version 2: bands on the shown score, no floors."""
    return publish_framework_version(band_score="shown", band_floors={"Exemplary": None, "Secure": None})


def programme_ratings() -> dict[int, tuple]:
    return {
        row[0]: row[1:]
        for row in ProgrammeRating.objects.order_by("programme_id").values_list("programme_id", *RATING_FIELDS)
    }


def provider_ratings() -> dict[int, tuple]:
    fields = ["rated_programmes", "review_count", "shown_score", "band", "band_rank"]
    return {row[0]: row[1:] for row in ProviderRating.objects.values_list("provider_id", *fields)}


class Rollback(Exception):
    pass


def in_rollback(function):
    """Run ``function`` in a savepoint that is always rolled back: each example starts clean."""
    try:
        with transaction.atomic():
            function()
            raise Rollback
    except Rollback:
        pass
