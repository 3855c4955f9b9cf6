"""Framework versioning: convenors edit a draft copy of a published version and publish it as the
new live version. A published version never changes (these services, the models, the admin and
PostgreSQL triggers all refuse it), so every rating can always be traced to the exact rules it was
computed with.

Publishing a version changes the rules behind every rating, so it marks every rating stale in
the same transaction and, once it commits, starts one whole-register recompute whose progress the
publication row records.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone

from qaportal.errors import InvalidTransition, NotPermitted, ValidationFailed
from ratings.models import FrameworkPublication
from ratings.services import enqueue_publication_recompute, mark_all_ratings_stale
from reviews import policies
from reviews.models import (
    MAX_LEVELS,
    Band,
    Criterion,
    CrosswalkTag,
    Element,
    Framework,
    FrameworkStatus,
    LevelDescriptor,
    ScoreLevel,
)

# Columns a copy never takes from its source: identity and life cycle.
NOT_COPIED = {"id", "framework", "element", "criterion", "version", "status", "is_live", "published_at", "created_at"}


def settings_fields() -> list[str]:
    """A framework's settings: every editable column but its identity and life cycle, so a setting
    a later method adds is editable (and copied, and guarded) without a change here."""
    return [f.name for f in Framework._meta.concrete_fields if f.editable and f.name not in NOT_COPIED]


def _copyable(instance: models.Model) -> dict:
    """The values of every column worth copying, including any a later migration adds."""
    return {
        field.attname: getattr(instance, field.attname)
        for field in instance._meta.concrete_fields
        if field.name not in NOT_COPIED and not field.primary_key
    }


def framework_new_draft(*, source: Framework, by: User) -> Framework:
    """A new draft version copied from ``source`` (any version), with every element, criterion,
    level, descriptor, crosswalk tag and band; the draft is editable until it is published."""
    require_convenor(by)
    with transaction.atomic():
        latest = Framework.objects.filter(name=source.name).aggregate(latest=Max("version"))["latest"]
        draft = Framework.objects.create(**_copyable(source), version=latest + 1, status=FrameworkStatus.DRAFT)
        copy_framework_parts(source=source, draft=draft)
    return draft


def copy_framework_parts(*, source: Framework, draft: Framework) -> None:
    ScoreLevel.objects.bulk_create(ScoreLevel(framework=draft, **_copyable(level)) for level in source.levels.all())
    Band.objects.bulk_create(Band(framework=draft, **_copyable(band)) for band in source.bands.all())
    for element in source.elements.prefetch_related("criteria__descriptors", "criteria__crosswalk_tags"):
        element_copy = Element.objects.create(framework=draft, **_copyable(element))
        for criterion in element.criteria.all():
            criterion_copy = Criterion.objects.create(element=element_copy, **_copyable(criterion))
            LevelDescriptor.objects.bulk_create(
                LevelDescriptor(criterion=criterion_copy, **_copyable(descriptor))
                for descriptor in criterion.descriptors.all()
            )
            criterion_copy.crosswalk_tags.set(criterion.crosswalk_tags.all())


# --- Editing a draft ----------------------------------------------------------------------------


def _locked_draft(framework: Framework, by: User) -> Framework:
    require_convenor(by)
    locked = Framework.objects.select_for_update().get(pk=framework.pk)
    if locked.status != FrameworkStatus.DRAFT:
        raise InvalidTransition(
            f"Version {locked.version} is published and cannot be changed; start a new draft from it instead."
        )
    return locked


def _clean(instance: models.Model, *, exclude: list[str] | None = None) -> None:
    """The model's own field rules, as field errors a form can show."""
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise ValidationFailed(
            {name: [str(m) for m in messages] for name, messages in error.message_dict.items()}
        ) from error


def framework_settings_update(*, framework: Framework, by: User, values: dict) -> Framework:
    """Change a draft's settings (name, description, review minimum, prior weight, thresholds,
    validity period, labels)."""
    with transaction.atomic():
        draft = _locked_draft(framework, by)
        for name, value in values.items():
            if name not in settings_fields():
                raise ValidationFailed({name: [f"“{name}” is not a framework setting."]})
            setattr(draft, name, value)
        _clean(draft)
        draft.save()
    return draft


def element_update(*, element: Element, by: User, name: str, question: str, weight: Decimal) -> Element:
    with transaction.atomic():
        _locked_draft(element.framework, by)
        element.name, element.question, element.weight = name.strip(), question.strip(), weight
        _clean(element, exclude=["framework"])
        element.save()
    return element


@dataclass(frozen=True)
class CriterionInput:
    code: str
    title: str
    guidance: str
    weight: Decimal
    descriptors: dict[int, str]
    tag_ids: list[int]


def criterion_save(
    *, element: Element, by: User, typed: CriterionInput, criterion: Criterion | None = None
) -> Criterion:
    """Create (``criterion`` None) or change a criterion of a draft, with a descriptor for each of
    the framework's levels and its crosswalk tags."""
    with transaction.atomic():
        draft = _locked_draft(element.framework, by)
        criterion = criterion or Criterion(element=element, position=_next_position(element))
        criterion.code, criterion.title = typed.code.strip().upper(), typed.title.strip()
        criterion.guidance, criterion.weight = typed.guidance.strip(), typed.weight
        errors = _criterion_errors(criterion, draft, typed)
        if errors:
            raise ValidationFailed(errors)
        criterion.save()
        _save_descriptors(criterion, typed.descriptors)
        criterion.crosswalk_tags.set(CrosswalkTag.objects.filter(pk__in=typed.tag_ids))
    return criterion


def _next_position(element: Element) -> int:
    return (element.criteria.aggregate(last=Max("position"))["last"] or 0) + 1


def _criterion_errors(criterion: Criterion, draft: Framework, typed: CriterionInput) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    try:
        criterion.full_clean(exclude=["element", "position"], validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        errors.update({name: [str(m) for m in messages] for name, messages in error.message_dict.items()})
    taken = Criterion.objects.filter(element__framework=draft, code=criterion.code).exclude(pk=criterion.pk)
    if criterion.code and taken.exists():
        errors.setdefault("code", []).append(
            f"Another criterion in this version already has the code {criterion.code}."
        )
    for level in draft.levels.values_list("level", flat=True):
        if not typed.descriptors.get(level, "").strip():
            errors[f"descriptor_{level}"] = [f"Describe what the criterion looks like at level {level}."]
    return errors


def _save_descriptors(criterion: Criterion, descriptors: dict[int, str]) -> None:
    existing = {row.level: row for row in criterion.descriptors.all()}
    for level, text in descriptors.items():
        row = existing.get(level) or LevelDescriptor(criterion=criterion, level=level)
        if row.descriptor != text.strip():
            row.descriptor = text.strip()
            row.save()


def criterion_delete(*, criterion: Criterion, by: User) -> None:
    with transaction.atomic():
        _locked_draft(criterion.element.framework, by)
        criterion.delete()


def band_fields() -> list[str]:
    """The columns a convenor sets on each band (name, minimum, and any rule a later method adds)."""
    return [f.name for f in Band._meta.concrete_fields if f.editable and f.name not in {"id", "framework", "rank"}]


def bands_save(*, framework: Framework, by: User, bands: list[dict]) -> list[Band]:
    """Replace a draft's bands, best first: each needs a name and a minimum below the band above.
    ``bands`` holds each band's values by column (see ``band_fields``)."""
    errors: dict[str, list[str]] = {}
    if not bands:
        errors["__all__"] = ["A version needs at least one band."]
    for number, values in enumerate(bands, start=1):
        band = Band(framework=framework, rank=number, **values)
        try:
            band.full_clean(exclude=["framework"], validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                errors[f"band_{number}_{name}"] = [f"Band {number}: {m}" for m in messages]
        above = bands[number - 2] if number > 1 else None
        if (
            above
            and band.min_score is not None
            and above.get("min_score") is not None
            and band.min_score >= above["min_score"]
        ):
            errors.setdefault(f"band_{number}_min_score", []).append(
                f"The minimum of {band.name or f'band {number}'} must be below {above['name']}'s "
                f"({above['min_score']})."
            )
    if len({str(values.get("name", "")).lower() for values in bands}) != len(bands):
        errors.setdefault("__all__", []).append("Each band needs a different name.")
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        draft = _locked_draft(framework, by)
        draft.bands.all().delete()
        Band.objects.bulk_create(Band(framework=draft, rank=rank, **values) for rank, values in enumerate(bands, 1))
    return list(draft.bands.all())


@dataclass(frozen=True)
class LevelInput:
    name: str
    meaning: str


def levels_save(*, framework: Framework, by: User, levels: list[LevelInput]) -> list[ScoreLevel]:
    """Set a draft's score levels (1 to N, lowest first). Removing a level removes its descriptors;
    a new level needs a descriptor on every criterion before the version can be published."""
    errors = {}
    if not 2 <= len(levels) <= MAX_LEVELS:
        errors["__all__"] = [f"A framework needs between 2 and {MAX_LEVELS} levels."]
    for number, level in enumerate(levels, start=1):
        if not level.name.strip():
            errors[f"level_{number}_name"] = [f"Enter a name for level {number}."]
        if not level.meaning.strip():
            errors[f"level_{number}_meaning"] = [f"Say what level {number} means."]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        draft = _locked_draft(framework, by)
        draft.levels.filter(level__gt=len(levels)).delete()
        LevelDescriptor.objects.filter(criterion__element__framework=draft, level__gt=len(levels)).delete()
        for number, typed in enumerate(levels, start=1):
            ScoreLevel.objects.update_or_create(
                framework=draft, level=number, defaults={"name": typed.name.strip(), "meaning": typed.meaning.strip()}
            )
    return list(draft.levels.all())


def framework_delete_draft(*, framework: Framework, by: User) -> None:
    with transaction.atomic():
        _locked_draft(framework, by).delete()


# --- Publishing ---------------------------------------------------------------------------------


def framework_publish(*, framework: Framework, by: User) -> Framework:
    """Publish a draft as the new live version; the previous live version is retired. Every
    rating is marked stale in this transaction and the register is recomputed, with progress
    recorded, once it commits."""
    require_convenor(by)
    with transaction.atomic():
        framework = Framework.objects.select_for_update().get(pk=framework.pk)
        if framework.status != FrameworkStatus.DRAFT:
            raise InvalidTransition("Only a draft version can be published; this one is already published.")
        refuse_incomplete(framework)
        Framework.objects.filter(is_live=True).update(is_live=False, status=FrameworkStatus.RETIRED)
        framework.status = FrameworkStatus.PUBLISHED
        framework.is_live = True
        framework.published_at = timezone.now()
        Framework.objects.filter(pk=framework.pk).update(
            status=framework.status, is_live=True, published_at=framework.published_at
        )
        publication = FrameworkPublication.objects.create(framework=framework, published_by=by)
        # One whole-register recompute: the durable request (repaired by the sweep if lost), run by
        # this publication's task so that its steps are shown on the progress page.
        mark_all_ratings_stale(enqueue=False)
        transaction.on_commit(lambda: enqueue_publication_recompute(publication.pk))
    return framework


def incompleteness(framework: Framework) -> list[str]:
    """What stops a version from rating anything; empty when it can be published."""
    problems = []
    if not framework.elements.exists():
        problems.append("it has no elements")
    elif framework.elements.filter(criteria__isnull=True).exists():
        problems.append("an element has no criteria")
    if not framework.bands.exists():
        problems.append("it has no bands")
    levels = sorted(framework.levels.values_list("level", flat=True))
    if len(levels) < 2 or levels != list(range(1, len(levels) + 1)):
        problems.append("its score levels are not numbered 1 to N (at least two)")
    missing = (
        Criterion.objects.filter(element__framework=framework)
        .annotate(described=models.Count("descriptors", filter=models.Q(descriptors__level__lte=len(levels))))
        .filter(described__lt=len(levels))
        .values_list("code", flat=True)
    )
    if missing:
        problems.append(f"{', '.join(missing)} lack a descriptor for every level")
    return problems


def refuse_incomplete(framework: Framework) -> None:
    """A version that could not rate anything must not go live."""
    problems = incompleteness(framework)
    if problems:
        raise ValidationFailed(f"This version cannot be published: {'; '.join(problems)}.")


def draft_to_edit(framework: Framework) -> Framework:
    """The version an edit page opens: a draft; a published version's edit pages are refused."""
    if framework.status != FrameworkStatus.DRAFT:
        raise NotPermitted(f"Version {framework.version} is published and cannot be changed.")
    return framework


def require_convenor(user: User) -> None:
    if not policies.may_manage_frameworks(user):
        raise NotPermitted("Only convenors manage framework versions.")
