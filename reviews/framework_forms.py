"""Forms of the framework editor. They parse and show; ``reviews.frameworks`` decides."""

from __future__ import annotations

from django import forms
from django.db import models

from qaportal.forms import NamedErrorsMixin
from reviews.frameworks import CriterionInput, LevelInput, band_fields, settings_fields
from reviews.models import Band, Criterion, CrosswalkScheme, CrosswalkTag, Element, Framework


class SettingsForm(NamedErrorsMixin, forms.ModelForm):
    class Meta:
        model = Framework
        fields = settings_fields()
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class ElementForm(NamedErrorsMixin, forms.ModelForm):
    class Meta:
        model = Element
        fields = ["name", "question", "weight"]
        help_texts = {"weight": "Relative weight of this element in the overall score, for example 1 or 1.5."}


class TagChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, tag: CrosswalkTag) -> str:
        return f"{tag.group}: {tag.label}" if tag.group else tag.label


class CriterionForm(NamedErrorsMixin, forms.Form):
    code = forms.CharField(max_length=8, help_text="Starts with the element's letter, for example P5.")
    title = forms.CharField(max_length=120)
    guidance = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), help_text="What reviewers look for.")
    weight = forms.DecimalField(max_digits=5, decimal_places=2, initial=1, min_value=0.01)
    dfe_tags = TagChoiceField(
        queryset=CrosswalkTag.objects.filter(scheme=CrosswalkScheme.DFE_STANDARD),
        required=False,
        label="Parts of the DfE Standard it evidences",
    )
    eef_tags = TagChoiceField(
        queryset=CrosswalkTag.objects.filter(scheme=CrosswalkScheme.EEF_MECHANISMS),
        required=False,
        label="EEF mechanisms it evidences",
    )

    def __init__(self, *args, levels: list, criterion: Criterion | None = None, **kwargs):
        if criterion is not None and "data" not in kwargs and not args:
            descriptors = {d.level: d.descriptor for d in criterion.descriptors.all()}
            tag_ids = [tag.pk for tag in criterion.crosswalk_tags.all()]
            kwargs["initial"] = {
                "code": criterion.code,
                "title": criterion.title,
                "guidance": criterion.guidance,
                "weight": criterion.weight,
                "dfe_tags": tag_ids,
                "eef_tags": tag_ids,
                **{f"descriptor_{level}": text for level, text in descriptors.items()},
            }
        super().__init__(*args, **kwargs)
        self.levels = levels
        for level in levels:
            self.fields[f"descriptor_{level.level}"] = forms.CharField(
                label=f"Level {level.level}: {level.name}",
                help_text=level.meaning,
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,  # the service names every missing descriptor at once
            )

    def to_input(self) -> CriterionInput:
        data = self.cleaned_data
        return CriterionInput(
            code=data["code"],
            title=data["title"],
            guidance=data["guidance"],
            weight=data["weight"],
            descriptors={level.level: data.get(f"descriptor_{level.level}", "") for level in self.levels},
            tag_ids=[tag.pk for tag in [*data["dfe_tags"], *data["eef_tags"]]],
        )


def _band_field(column: str, number: int, band: Band | None) -> forms.Field:
    """One cell of the bands table: the model's own form field for the column, labelled by band."""
    model_field = Band._meta.get_field(column)
    field = model_field.formfield(required=False) if isinstance(model_field, models.Field) else None
    if not isinstance(model_field, models.Field) or field is None:
        raise TypeError(f"Band.{column} is not an editable column")
    field.label = f"{str(model_field.verbose_name).capitalize()} of band {number}"
    field.initial = getattr(band, column) if band else None
    return field


class BandsForm(NamedErrorsMixin, forms.Form):
    """One row per band, best first, and an empty row to add one; a row left empty is removed."""

    def __init__(self, *args, bands: list[Band], **kwargs):
        super().__init__(*args, **kwargs)
        self.columns = band_fields()
        self.row_count = len(bands) + 1
        for number in range(1, self.row_count + 1):
            band = bands[number - 1] if number <= len(bands) else None
            for column in self.columns:
                self.fields[f"band_{number}_{column}"] = _band_field(column, number, band)

    def rows(self) -> list[list[forms.BoundField]]:
        return [[self[f"band_{n}_{c}"] for c in self.columns] for n in range(1, self.row_count + 1)]

    def band_values(self) -> list[dict]:
        bands = []
        for number in range(1, self.row_count + 1):
            values = {c: self.cleaned_data.get(f"band_{number}_{c}") for c in self.columns}
            if any(value not in (None, "") for value in values.values()):
                bands.append(values)
        return bands


class LevelsForm(NamedErrorsMixin, forms.Form):
    """The score levels, lowest first; a row left empty at the end is removed, one filled in added."""

    def __init__(self, *args, levels: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.row_count = len(levels) + 1
        for number in range(1, self.row_count + 1):
            level = levels[number - 1] if number <= len(levels) else None
            self.fields[f"level_{number}_name"] = forms.CharField(
                label=f"Name of level {number}", required=False, max_length=40, initial=level.name if level else ""
            )
            self.fields[f"level_{number}_meaning"] = forms.CharField(
                label=f"Meaning of level {number}",
                required=False,
                max_length=300,
                initial=level.meaning if level else "",
            )

    def rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"level_{n}_name"], self[f"level_{n}_meaning"]) for n in range(1, self.row_count + 1)]

    def level_inputs(self) -> list[LevelInput]:
        typed = [
            LevelInput(self.cleaned_data[f"level_{n}_name"], self.cleaned_data[f"level_{n}_meaning"])
            for n in range(1, self.row_count + 1)
        ]
        while typed and not (typed[-1].name.strip() or typed[-1].meaning.strip()):
            typed.pop()
        return typed


class DiffForm(NamedErrorsMixin, forms.Form):
    before = forms.ModelChoiceField(queryset=Framework.objects.all(), label="From version", empty_label=None)
    after = forms.ModelChoiceField(queryset=Framework.objects.all(), label="To version", empty_label=None)
