"""What changed between two framework versions: settings, levels, bands, elements, criteria (by
element and code), descriptors and crosswalk tags. A constant number of queries per version."""

from __future__ import annotations

from dataclasses import dataclass

from reviews.frameworks import band_fields, settings_fields
from reviews.models import Criterion, Framework


@dataclass(frozen=True)
class Change:
    part: str  # what changed, for example "Element Purpose: weight" or "Criterion P3"
    before: str
    after: str

    @property
    def kind(self) -> str:
        if not self.before:
            return "Added"
        if not self.after:
            return "Removed"
        return "Changed"


def _text(value) -> str:
    return "" if value is None else str(value)


def _compare(part: str, before: dict, after: dict) -> list[Change]:
    """Field-by-field changes of one part present in both versions, or its addition/removal."""
    if not before or not after:
        summary = lambda values: "; ".join(f"{k}: {_text(v)}" for k, v in values.items())  # noqa: E731
        return [Change(part, summary(before) if before else "", summary(after) if after else "")]
    return [
        Change(f"{part}: {name}", _text(before.get(name)), _text(after.get(name)))
        for name in after
        if _text(before.get(name)) != _text(after.get(name))
    ]


def _parts(framework: Framework) -> dict[str, dict]:
    """Every part of a version, keyed by a name that stays the same across versions."""
    parts: dict[str, dict] = {"Settings": {name: getattr(framework, name) for name in settings_fields()}}
    for level in framework.levels.all():
        parts[f"Level {level.level}"] = {"name": level.name, "meaning": level.meaning}
    for band in framework.bands.all():
        parts[f"Band {band.rank}"] = {name: getattr(band, name) for name in band_fields()}
    for element in framework.elements.all():
        parts[f"Element {element.code} {element.key}"] = {
            "name": element.name,
            "question": element.question,
            "weight": element.weight,
        }
    criteria = (
        Criterion.objects.filter(element__framework=framework)
        .select_related("element")
        .prefetch_related("descriptors", "crosswalk_tags")
    )
    for criterion in criteria:
        values = {
            "title": criterion.title,
            "guidance": criterion.guidance,
            "weight": criterion.weight,
            "crosswalk": ", ".join(sorted(tag.label for tag in criterion.crosswalk_tags.all())),
        }
        values.update({f"level {d.level} descriptor": d.descriptor for d in criterion.descriptors.all()})
        parts[f"Criterion {criterion.element.code} {criterion.code}"] = values
    return parts


def framework_diff(*, before: Framework, after: Framework) -> list[Change]:
    old, new = _parts(before), _parts(after)
    names = list(old) + [name for name in new if name not in old]
    changes = []
    for name in names:
        changes += _compare(name, old.get(name, {}), new.get(name, {}))
    return changes
