"""The crosswalk: other public frameworks a criterion can evidence.

The vocabularies are loaded into ``CrosswalkTag`` rows by a data migration; this module holds them
(restated briefly, not copied) and answers which parts a rated programme meets.
"""

from __future__ import annotations

from dataclasses import dataclass

DFE_STANDARD = [
    ("dfe-1-pupil-outcomes", "Focus on improving and evaluating pupil outcomes"),
    ("dfe-2-evidence", "Underpinned by robust evidence and expertise"),
    ("dfe-3-collaboration", "Includes collaboration and expert challenge"),
    ("dfe-4-sustained", "Sustained over time"),
    ("dfe-5-leadership", "Prioritised by school leadership"),
]

EEF_GROUPS = ["Building knowledge", "Motivating teachers", "Developing teaching techniques", "Embedding practice"]

EEF_MECHANISMS = [
    ("eef-cognitive-load", "Managing cognitive load", "Building knowledge"),
    ("eef-revisiting", "Revisiting prior learning", "Building knowledge"),
    ("eef-goals", "Setting and agreeing on goals", "Motivating teachers"),
    ("eef-credible-source", "Presenting information from a credible source", "Motivating teachers"),
    ("eef-affirmation", "Providing affirmation and reinforcement after progress", "Motivating teachers"),
    ("eef-instructing", "Instructing how to perform a technique", "Developing teaching techniques"),
    ("eef-social-support", "Arranging social support", "Developing teaching techniques"),
    ("eef-modelling", "Modelling the technique", "Developing teaching techniques"),
    ("eef-feedback", "Monitoring and providing feedback", "Developing teaching techniques"),
    ("eef-rehearsing", "Rehearsing the technique", "Developing teaching techniques"),
    ("eef-prompts", "Providing prompts and cues", "Embedding practice"),
    ("eef-action-planning", "Prompting action planning", "Embedding practice"),
    ("eef-self-monitoring", "Encouraging monitoring", "Embedding practice"),
    ("eef-repetition", "Prompting context-specific repetition", "Embedding practice"),
]

# The starting framework's criteria, by code, tagged with what they evidence.
STARTING_TAGS = {
    "P1": ["dfe-1-pupil-outcomes"],
    "P2": ["dfe-1-pupil-outcomes", "eef-goals"],
    "P3": ["dfe-1-pupil-outcomes", "eef-affirmation"],
    "P4": ["dfe-5-leadership"],
    "G2": ["dfe-2-evidence", "eef-credible-source"],
    "G4": ["eef-self-monitoring"],
    "R1": ["dfe-4-sustained", "eef-revisiting"],
    "R2": ["dfe-3-collaboration", "eef-social-support"],
    "R3": ["eef-instructing", "eef-modelling", "eef-rehearsing", "eef-feedback"],
    "R4": ["eef-prompts", "eef-action-planning", "eef-repetition"],
    "D1": ["dfe-2-evidence", "eef-credible-source"],
    "D2": ["eef-cognitive-load"],
    "D3": ["eef-feedback", "eef-self-monitoring"],
}


def load_crosswalk_vocabulary(apps) -> None:
    """Create the two vocabularies (idempotent)."""
    CrosswalkTag = apps.get_model("reviews", "CrosswalkTag")
    rows = [("dfe-2016", code, label, "", n) for n, (code, label) in enumerate(DFE_STANDARD, start=1)]
    rows += [("eef-2021", code, label, group, n) for n, (code, label, group) in enumerate(EEF_MECHANISMS, start=1)]
    for scheme, code, label, group, position in rows:
        CrosswalkTag.objects.update_or_create(
            scheme=scheme, code=code, defaults={"label": label, "group": group, "position": position}
        )


def tag_starting_criteria(apps, framework) -> None:
    """Tag a framework's criteria as the starting framework tags them (before it is published)."""
    CrosswalkTag = apps.get_model("reviews", "CrosswalkTag")
    Criterion = apps.get_model("reviews", "Criterion")
    tags = dict(CrosswalkTag.objects.values_list("code", "id"))
    Through = Criterion.crosswalk_tags.through
    Through.objects.bulk_create(
        Through(criterion_id=criterion_id, crosswalktag_id=tags[tag_code])
        for criterion_id, code in Criterion.objects.filter(element__framework=framework).values_list("id", "code")
        for tag_code in STARTING_TAGS.get(code, [])
    )


@dataclass(frozen=True)
class CrosswalkPart:
    scheme: str
    code: str
    label: str
    group: str
    met: bool


@dataclass(frozen=True)
class ProgrammeCrosswalk:
    """Which parts of the DfE Standard and the EEF mechanisms a rated programme meets at Secure or
    better (a tagged criterion's score at least the Secure level)."""

    dfe: list[CrosswalkPart]
    eef: list[CrosswalkPart]

    @property
    def eef_groups_met(self) -> list[str]:
        return [group for group in EEF_GROUPS if any(part.met and part.group == group for part in self.eef)]

    @property
    def eef_balanced(self) -> bool:
        """The EEF guidance calls a design balanced with at least one mechanism from each group."""
        return len(self.eef_groups_met) == len(EEF_GROUPS)

    def as_dict(self) -> dict:
        return {
            "dfe_standard": [{"code": p.code, "label": p.label, "met": p.met} for p in self.dfe],
            "eef_mechanisms": [{"code": p.code, "label": p.label, "group": p.group, "met": p.met} for p in self.eef],
            "eef_groups_met": self.eef_groups_met,
            "eef_balanced": self.eef_balanced,
        }


def secure_threshold(framework) -> float:
    """The score a criterion needs to count as met: the Secure band's minimum, or (in a version
    without a band of that name) the level named Secure."""
    from reviews.published_parts import framework_parts

    parts = framework_parts(framework)
    band = next((band for band in parts.bands if band.name.lower() == "secure"), None)
    if band is not None:
        return float(band.min_score)
    level = next((level for level in parts.levels if level.name.lower() == "secure"), None)
    return float(level.level) if level else 3.0


def programme_crosswalk(*, programme_id: int, framework) -> ProgrammeCrosswalk:
    """Each part of the two vocabularies, met when a criterion of ``framework`` tagged with it has a
    mean published score at or above the Secure threshold. The means are the ratings engine's stored
    criterion rows (keyed, like every version's scores, by element key and criterion code)."""
    from ratings.models import CriterionRating
    from reviews.published_parts import framework_parts

    means = {
        (row.element_key, row.criterion_code): row.mean
        for row in CriterionRating.objects.filter(programme_id=programme_id).only(
            "element_key", "criterion_code", "mean"
        )
    }
    threshold = secure_threshold(framework)
    met_tags = set()
    parts = framework_parts(framework)
    for key, code, tag_id in parts.criterion_tags:
        mean = means.get((key, code))
        if mean is not None and mean >= threshold:
            met_tags.add(tag_id)
    found = [CrosswalkPart(tag.scheme, tag.code, tag.label, tag.group, tag.pk in met_tags) for tag in parts.tags]
    return ProgrammeCrosswalk(
        dfe=[p for p in found if p.scheme == "dfe-2016"], eef=[p for p in found if p.scheme == "eef-2021"]
    )
