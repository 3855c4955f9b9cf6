"""The scoring journey as a GOV.UK task list: one page per element of the framework, a status per
element from what is saved, and errors that link to the element page and field they concern.

Shared by a reviewer's review and a provider's self-assessment: each says where its pages are
(``Journey.url``) and saves through its own service; the pages and the rules here are the same.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from programmes.models import Programme
from qaportal.errors import DomainError, apply_to_form
from reviews import selectors
from reviews.forms import CriteriaForm
from reviews.models import Criterion, Element
from reviews.services import MIN_RATIONALE_LENGTH, missing_scores

NOT_STARTED, IN_PROGRESS, COMPLETED = "Not started", "In progress", "Completed"
CHECK = "check"  # the page after the last element: check the answers, then submit or save


def is_done(score: int | None, rationale: str) -> bool:
    return score is not None and len(rationale.strip()) >= MIN_RATIONALE_LENGTH


@dataclass
class ElementTask:
    element: Element
    criteria: list[Criterion]
    url: str
    done: int = 0
    started: bool = False

    @property
    def status(self) -> str:
        if self.done == len(self.criteria):
            return COMPLETED
        return IN_PROGRESS if self.started else NOT_STARTED


@dataclass
class Journey:
    """One subject's scoring journey: its framework's criteria and levels, ``load_saved()`` for what
    is saved (criterion id → (score, rationale)) and ``url(step)`` for a step (an element's key,
    or ``CHECK``)."""

    framework_id: int
    criteria: list[Criterion]
    levels: dict[int, str]
    load_saved: Callable[[], dict[int, tuple[int | None, str]]]
    url: Callable[[str], str]
    saved: dict[int, tuple[int | None, str]] = field(init=False)
    tasks: list[ElementTask] = field(init=False)

    def __post_init__(self) -> None:
        self.reload()

    def reload(self) -> None:
        """Re-read what is saved and each element's status from it."""
        self.saved = self.load_saved()
        self.tasks = []
        for criterion in self.criteria:
            if not self.tasks or self.tasks[-1].element.id != criterion.element_id:
                self.tasks.append(ElementTask(criterion.element, [], self.url(criterion.element.key)))
            task = self.tasks[-1]
            task.criteria.append(criterion)
            score, rationale = self.saved.get(criterion.id, (None, ""))
            task.done += is_done(score, rationale)
            task.started |= score is not None or bool(rationale.strip())

    @property
    def complete(self) -> bool:
        return all(task.status == COMPLETED for task in self.tasks)

    def task(self, key: str) -> ElementTask:
        for task in self.tasks:
            if task.element.key == key:
                return task
        raise Http404("This framework has no such element.")

    def next_url(self, key: str) -> str:
        keys = [task.element.key for task in self.tasks]
        following = keys[keys.index(key) + 1 :]
        return self.url(following[0] if following else CHECK)

    def saved_values(self, task: ElementTask) -> dict[str, int | str | None]:
        values: dict[str, int | str | None] = {}
        for criterion in task.criteria:
            score, rationale = self.saved.get(criterion.id, (None, ""))
            values[f"score_{criterion.id}"], values[f"rationale_{criterion.id}"] = score, rationale
        return values

    def element_form(self, task: ElementTask, data=None, *, show_missing: bool = False) -> CriteriaForm:
        """The element's form: what was posted, or what is saved (with what is missing beside each
        field, when the person followed a link from a refused submission)."""
        criteria, levels = task.criteria, self.levels
        if data is not None:
            return CriteriaForm(data, criteria=criteria, levels=levels)
        if not show_missing:
            return CriteriaForm(initial=self.saved_values(task), criteria=criteria, levels=levels)
        form = CriteriaForm.bound_to_saved(self.saved_values(task), criteria=criteria, levels=levels)
        self.add_missing(form, task)
        return form

    def add_missing(self, form: CriteriaForm, task: ElementTask) -> bool:
        """Put what the element still lacks beside its fields; whether anything did."""
        missing = missing_scores(framework_id=self.framework_id, saved=self.saved, element_id=task.element.id)
        for name, texts in missing.items():
            for text in texts:
                form.add_error(name, text)
        return bool(missing)

    def error_links(self, errors: dict[str, list[str]]) -> list[dict[str, str | None]]:
        """The error summary of the check page: a criterion's error links to its element's page and
        field, the page's own questions to their field here, anything else has no link."""
        elements = {criterion.id: criterion.element.key for criterion in self.criteria}
        links: list[dict[str, str | None]] = []
        for name, texts in errors.items():
            href: str | None = None
            kind, _, criterion_id = name.partition("_")
            if kind in ("score", "rationale") and criterion_id.isdigit() and int(criterion_id) in elements:
                anchor = f"id_score_{criterion_id}_0" if kind == "score" else f"id_{name}"
                href = f"{self.url(elements[int(criterion_id)])}?check=yes#{anchor}"
            elif name != "__all__":
                href = f"#id_{name}"
            links.extend({"href": href, "text": text} for text in texts)
        return links

    def answers(self) -> list[dict]:
        """What is saved, element by element, for the check page."""
        return [
            {
                "task": task,
                "rows": [(criterion, *self.saved.get(criterion.id, (None, ""))) for criterion in task.criteria],
            }
            for task in self.tasks
        ]


def framework_journey(
    framework_id: int,
    *,
    load_saved: Callable[[], dict[int, tuple[int | None, str]]],
    element_url: Callable[[str], str],
    check_url: str,
) -> Journey:
    """The journey through a framework's elements, each page at ``element_url(key)``, then the check page."""

    def url(step: str) -> str:
        return check_url if step == CHECK else element_url(step)

    return Journey(
        framework_id=framework_id,
        criteria=selectors.framework_criteria(framework_id=framework_id),
        levels=selectors.level_names(framework_id=framework_id),
        load_saved=load_saved,
        url=url,
    )


@dataclass(frozen=True)
class ElementPage:
    """What an element page says around its form: whose it is and where "back" goes."""

    programme: Programme
    caption: str
    back_url: str
    back_name: str


def render_element_page(
    request: HttpRequest, journey: Journey, task: ElementTask, form: CriteriaForm, page: ElementPage, **extra: object
) -> HttpResponse:
    """One element's criteria beside the programme's evidence statement for that element."""
    evidence = selectors.evidence_of(programme=page.programme)
    context = {
        "programme": page.programme,
        "journey": journey,
        "task": task,
        "form": form,
        "rows": form.rows(),
        "statement": next((s for s in evidence if s.element == task.element.key), None),
        "caption": page.caption,
        "back_url": page.back_url,
        "back_name": page.back_name,
        "min_rationale": MIN_RATIONALE_LENGTH,
        **extra,
    }
    return render(request, "reviews/scoring/element.html", context)


def element_step(
    request: HttpRequest, journey: Journey, key: str, *, save: Callable[[dict], object], later_url: str
) -> tuple[str | None, ElementTask, CriteriaForm]:
    """One element's page, shown or posted: (where to go next, or None to show the page; the
    element; its form). "Save and continue" saves and, once the element is complete, goes on to
    the next one; "Save and come back later" saves and goes back to ``later_url``. What was typed
    stays in the form beside any error."""
    task = journey.task(key)
    if request.method != "POST":
        return None, task, journey.element_form(task, show_missing=bool(request.GET.get("check")))
    form = journey.element_form(task, request.POST)
    if not form.is_valid():
        return None, task, form
    try:
        save(form.score_inputs())
    except DomainError as error:
        apply_to_form(form, error)
        return None, task, form
    if request.POST.get("action") == "later":
        messages.success(request, "Your draft has been saved.")
        return later_url, task, form
    journey.reload()
    if journey.add_missing(form, journey.task(key)):
        return None, task, form
    return journey.next_url(key), task, form
