"""Framework versioning: convenors edit a draft copy of a published version and publish it as the
new live version. A published version never changes (the models and PostgreSQL triggers refuse
it), so every rating can always be traced to the exact rules it was computed with.

Publishing a version changes the rules behind every rating, so it marks every rating stale in
the same transaction and enqueues one whole-register recompute once it commits.
"""

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from qaportal.roles import Role, has_role
from ratings.services import mark_all_ratings_stale
from reviews.models import Band, Criterion, Element, Framework, FrameworkStatus, LevelDescriptor, ScoreLevel


def framework_new_draft(*, source: Framework, by: User) -> Framework:
    """A new draft version copied from ``source`` (any version), with every element, criterion,
    level, descriptor and band; the draft is editable until it is published."""
    require_convenor(by)
    with transaction.atomic():
        latest = Framework.objects.filter(name=source.name).aggregate(latest=Max("version"))["latest"]
        draft = Framework.objects.create(
            name=source.name,
            version=latest + 1,
            status=FrameworkStatus.DRAFT,
            description=source.description,
            prior_weight=source.prior_weight,
            min_reviews=source.min_reviews,
            disagreement_levels=source.disagreement_levels,
            not_rated_label=source.not_rated_label,
            calibration_pass_alpha=source.calibration_pass_alpha,
            requires_recalibration=source.requires_recalibration,
            band_score=source.band_score,
            moderation_element_gap=source.moderation_element_gap,
        )
        copy_framework_parts(source=source, draft=draft)
    return draft


def copy_framework_parts(*, source: Framework, draft: Framework) -> None:
    ScoreLevel.objects.bulk_create(
        ScoreLevel(framework=draft, level=level.level, name=level.name, meaning=level.meaning)
        for level in source.levels.all()
    )
    Band.objects.bulk_create(
        Band(
            framework=draft, name=band.name, min_score=band.min_score, element_floor=band.element_floor, rank=band.rank
        )
        for band in source.bands.all()
    )
    for element in source.elements.prefetch_related("criteria__descriptors"):
        element_copy = Element.objects.create(
            framework=draft,
            key=element.key,
            code=element.code,
            name=element.name,
            question=element.question,
            weight=element.weight,
            position=element.position,
        )
        for criterion in element.criteria.all():
            criterion_copy = Criterion.objects.create(
                element=element_copy,
                code=criterion.code,
                title=criterion.title,
                guidance=criterion.guidance,
                weight=criterion.weight,
                position=criterion.position,
            )
            LevelDescriptor.objects.bulk_create(
                LevelDescriptor(criterion=criterion_copy, level=descriptor.level, descriptor=descriptor.descriptor)
                for descriptor in criterion.descriptors.all()
            )


def framework_publish(*, framework: Framework, by: User) -> Framework:
    """Publish a draft as the new live version; the previous live version is retired. Every
    rating is marked stale in this transaction and recomputed once it commits."""
    require_convenor(by)
    with transaction.atomic():
        framework = Framework.objects.select_for_update().get(pk=framework.pk)
        if framework.status != FrameworkStatus.DRAFT:
            raise ValidationError("Only a draft version can be published; this one is already published.")
        refuse_incomplete(framework)
        Framework.objects.filter(is_live=True).update(is_live=False, status=FrameworkStatus.RETIRED)
        framework.status = FrameworkStatus.PUBLISHED
        framework.is_live = True
        framework.published_at = timezone.now()
        Framework.objects.filter(pk=framework.pk).update(
            status=framework.status, is_live=True, published_at=framework.published_at
        )
        mark_all_ratings_stale()
    return framework


def refuse_incomplete(framework: Framework) -> None:
    """A version that could not rate anything must not go live."""
    problems = []
    if not framework.elements.exists():
        problems.append("it has no elements")
    elif framework.elements.filter(criteria__isnull=True).exists():
        problems.append("an element has no criteria")
    if not framework.bands.exists():
        problems.append("it has no bands")
    levels = sorted(framework.levels.values_list("level", flat=True))
    if len(levels) < 2 or levels != list(range(1, len(levels) + 1)):
        problems.append("its score levels are not numbered 1, 2, 3 … with at least two")
    if problems:
        raise ValidationError(f"This version cannot be published: {'; '.join(problems)}.")


def require_convenor(user: User) -> None:
    if not (user.is_staff or has_role(user, Role.CONVENOR)):
        raise PermissionDenied("Only convenors manage framework versions.")
