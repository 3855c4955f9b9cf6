"""A framework version's parts (elements and criteria, bands, levels, crosswalk tags) as the
programme page reads them. A published version's parts never change (``FrameworkPart`` refuses),
so each process reads them once per version; a draft's are read each time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from reviews.models import Band, Criterion, CrosswalkTag, Framework, ScoreLevel


@dataclass(frozen=True)
class FrameworkParts:
    criteria: tuple[Criterion, ...]  # with their element, in element then criterion order
    bands: tuple[Band, ...]  # highest minimum score first
    levels: tuple[ScoreLevel, ...]  # lowest first
    # (element key, criterion code, crosswalk tag id) for each tag of each criterion.
    criterion_tags: tuple[tuple[str, str, int], ...]
    tags: tuple[CrosswalkTag, ...]  # the whole crosswalk vocabulary, in its order


def _read(framework_id: int) -> FrameworkParts:
    criteria = Criterion.objects.filter(element__framework_id=framework_id).select_related("element")
    tagged = Criterion.crosswalk_tags.through.objects.filter(criterion__element__framework_id=framework_id)
    return FrameworkParts(
        criteria=tuple(criteria.order_by("element__position", "position")),
        bands=tuple(Band.objects.filter(framework_id=framework_id).order_by("-min_score")),
        levels=tuple(ScoreLevel.objects.filter(framework_id=framework_id).order_by("level")),
        criterion_tags=tuple(
            tagged.values_list("criterion__element__key", "criterion__code", "crosswalktag_id").order_by("id")
        ),
        tags=tuple(CrosswalkTag.objects.all()),
    )


@lru_cache(maxsize=32)
def _published(framework_id: int, created_at: datetime, published_at: datetime | None) -> FrameworkParts:
    return _read(framework_id)


def framework_parts(framework: Framework) -> FrameworkParts:
    if not framework.is_published:
        return _read(framework.id)
    # Keyed by when the version was made and published too, so a reused id never finds another's parts.
    return _published(framework.id, framework.created_at, framework.published_at)
