"""The summary filters: which part of the register a summary or an export covers.

One FilterSet serves the web page, the export jobs (which store the normalised filters and rebuild
the scope in the worker) and, later, the API, so all three read the same part of the register.
"""

import datetime
import json
from dataclasses import dataclass, field

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.datastructures import MultiValueDict

from programmes.models import Programme
from programmes.vocabulary import FocusLevel, ProgrammeStatus
from providers.vocabulary import Phase, ProviderType, Region
from qaportal.forms import NamedErrorsMixin
from ratings.models import ProgrammeRating
from reviews.models import Framework, FrameworkStatus, Review, ReviewState

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d %m %Y", "%d-%m-%Y"]
DATE_HINT = "For example, 1/9/2026"


@dataclass(frozen=True)
class SummaryScope:
    """The part of the register a summary covers, ready for the selectors."""

    programmes: QuerySet[Programme]
    framework: Framework
    reviewed_from: datetime.date | None = None
    reviewed_to: datetime.date | None = None
    # (label, value) pairs of the filters in use, for the page, the report's title page and the files.
    description: list[tuple[str, str]] = field(default_factory=list)
    # The normalised filters as canonical JSON: equal scopes have equal keys (used to cache figures).
    key: str = ""

    def published_reviews(self) -> QuerySet[Review]:
        return Review.objects.filter(
            state=ReviewState.PUBLISHED, framework=self.framework, programme__in=self.programmes.values("pk")
        ).filter(published_in(self.reviewed_from, self.reviewed_to))


def published_in(date_from: datetime.date | None, date_to: datetime.date | None, prefix: str = "") -> Q:
    """Reviews published on or after ``date_from`` and on or before ``date_to`` (whole days)."""
    condition = Q()
    if date_from:
        condition &= Q(**{f"{prefix}published_at__date__gte": date_from})
    if date_to:
        condition &= Q(**{f"{prefix}published_at__date__lte": date_to})
    return condition


class SummaryFilterForm(NamedErrorsMixin, forms.Form):
    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("reviewed_from"), cleaned.get("reviewed_to")
        if date_from and date_to and date_to < date_from:
            self.add_error("reviewed_to", "The end date must be the same as or after the start date")
        return cleaned


def published_frameworks() -> QuerySet[Framework]:
    return Framework.objects.exclude(status=FrameworkStatus.DRAFT).order_by("-version")


def choice_errors(noun: str) -> dict[str, str]:
    return {"invalid_choice": f"Choose {noun} from the list", "invalid_list": f"Choose {noun} from the list"}


def date_errors(which: str) -> dict[str, str]:
    return {"invalid": f"Enter the {which} date as a real date, for example 1/9/2026"}


def checkbox_filter(choices, label: str, noun: str, **more) -> django_filters.MultipleChoiceFilter:
    """A filter of checkboxes over ``choices``; ``noun`` names the choices in the error message."""
    return django_filters.MultipleChoiceFilter(
        choices=choices,
        distinct=False,
        label=label,
        widget=forms.CheckboxSelectMultiple,
        error_messages=choice_errors(noun),
        **more,
    )


def published_date_filter(label: str, which: str) -> django_filters.DateFilter:
    """One end of the range of publication dates; ``which`` says which end for the error message."""
    return django_filters.DateFilter(
        method="applied_with_the_others",
        label=label,
        help_text=DATE_HINT,
        input_formats=DATE_INPUT_FORMATS,
        error_messages=date_errors(which),
    )


# The filters of choices, in the order the description and the stored filters list them.
CHOICE_FILTERS = ("region", "provider_type", "focus_level", "phase", "status")


class SummaryFilterSet(django_filters.FilterSet):
    region = checkbox_filter(
        Region.choices,
        "Region",
        "regions",
        method="filter_region",
        help_text="Programmes delivered in any of these regions.",
    )
    provider_type = checkbox_filter(
        ProviderType.choices, "Provider type", "provider types", field_name="provider__provider_type"
    )
    focus_level = checkbox_filter(FocusLevel.choices, "Focus level", "focus levels")
    phase = checkbox_filter(
        Phase.choices, "Phase", "phases", method="filter_phase", help_text="Programmes for any of these phases."
    )
    status = checkbox_filter(
        ProgrammeStatus.choices,
        "Programme status",
        "statuses",
        method="filter_status",
        help_text="Leave empty for published programmes only (the register).",
    )
    framework = django_filters.ModelChoiceFilter(
        queryset=published_frameworks(),
        method="applied_with_the_others",
        label="Framework version",
        empty_label="The live framework",
        help_text="Scores and reviews against this version of the framework.",
        error_messages={"invalid_choice": "Choose a framework version from the list"},
    )
    reviewed_from = published_date_filter("Reviews published from", "start")
    reviewed_to = published_date_filter("Reviews published up to", "end")

    class Meta:
        model = Programme
        fields: list[str] = []
        form = SummaryFilterForm

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, queryset=kwargs.pop("queryset", Programme.objects.all()), **kwargs)

    def filter_region(self, queryset, name, value):
        return queryset.filter(regions__overlaps=value) if value else queryset

    def filter_phase(self, queryset, name, value):
        return queryset.filter(phases__overlaps=value) if value else queryset

    def filter_status(self, queryset, name, value):
        return queryset.filter(status__in=value) if value else queryset

    def applied_with_the_others(self, queryset, name, value):
        # The framework and the dates are applied together in filter_queryset: both need the other.
        return queryset

    def filter_queryset(self, queryset):
        programmes = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("status"):
            # No status chosen means the register: published programmes.
            programmes = programmes.filter(status=ProgrammeStatus.PUBLISHED)
        framework = self.chosen_framework()
        # Programmes rated against this framework version, and those not rated yet: that is, not rated
        # against another version. Written as an anti-join (an OR across a left join misleads PostgreSQL's
        # estimates into nested loops over millions of scores), and only when another version has ratings.
        rated_elsewhere = ProgrammeRating.objects.exclude(framework=framework)
        if rated_elsewhere.exists():
            programmes = programmes.exclude(Exists(rated_elsewhere.filter(programme=OuterRef("pk"))))
        date_from, date_to = self.form.cleaned_data.get("reviewed_from"), self.form.cleaned_data.get("reviewed_to")
        if date_from or date_to:
            reviewed_in_range = Review.objects.filter(
                published_in(date_from, date_to),
                programme=OuterRef("pk"),
                state=ReviewState.PUBLISHED,
                framework=framework,
            )
            programmes = programmes.filter(Exists(reviewed_in_range))
        return programmes

    def chosen_framework(self) -> Framework:
        if getattr(self, "_framework", None) is None:
            chosen = self.form.cleaned_data.get("framework") if hasattr(self.form, "cleaned_data") else None
            self._framework = chosen or Framework.objects.get(is_live=True)
        return self._framework

    def scope(self) -> SummaryScope:
        """The filtered part of the register; call only once ``is_valid()`` has said yes."""
        if not self.is_valid():
            raise ValueError("The summary filters are not valid; show filterset.errors instead")
        cleaned = self.form.cleaned_data
        return SummaryScope(
            # No ordering: the selectors aggregate or order for themselves, and subqueries need none.
            programmes=self.qs.order_by(),
            framework=self.chosen_framework(),
            reviewed_from=cleaned.get("reviewed_from"),
            reviewed_to=cleaned.get("reviewed_to"),
            description=self.description(),
            key=json.dumps(self.normalised(), sort_keys=True),
        )

    def description(self) -> list[tuple[str, str]]:
        cleaned = self.form.cleaned_data
        described: list[tuple[str, str]] = []
        for name in CHOICE_FILTERS:
            choices = dict(self.filters[name].extra["choices"])
            values = cleaned.get(name) or []
            if values:
                described.append((str(self.filters[name].label), ", ".join(str(choices[value]) for value in values)))
        if not cleaned.get("status"):
            described.append(("Programme status", "Published (the register)"))
        described.append(("Framework version", str(self.chosen_framework())))
        date_from, date_to = cleaned.get("reviewed_from"), cleaned.get("reviewed_to")
        if date_from or date_to:
            start = f"{date_from:%-d %B %Y}" if date_from else "the first review"
            end = f"{date_to:%-d %B %Y}" if date_to else "today"
            described.append(("Reviews published", f"from {start} to {end}"))
        return described

    def normalised(self) -> dict[str, list[str]]:
        """The valid filters as plain JSON (ISO dates, framework id), to store on an export job."""
        cleaned = self.form.cleaned_data
        stored: dict[str, list[str]] = {}
        for name in CHOICE_FILTERS:
            if cleaned.get(name):
                stored[name] = list(cleaned[name])
        if cleaned.get("framework"):
            stored["framework"] = [str(cleaned["framework"].pk)]
        for name in ("reviewed_from", "reviewed_to"):
            if cleaned.get(name):
                stored[name] = [cleaned[name].isoformat()]
        return stored


def summary_filterset(data) -> SummaryFilterSet:
    """A SummaryFilterSet from a QueryDict or from filters stored as ``{name: [values]}``."""
    if data is None:
        data = MultiValueDict()
    elif not hasattr(data, "getlist"):
        data = MultiValueDict({name: list(values) for name, values in data.items()})
    return SummaryFilterSet(data)
