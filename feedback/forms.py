"""Forms for participant feedback: a round, a participant's answers, a code, the questionnaire."""

from __future__ import annotations

from django import forms

from feedback.models import Questionnaire
from feedback.services import QUESTIONNAIRE_SETTINGS
from qaportal.forms import NamedErrorsMixin, PlainCharField

DATE_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%d %m %Y", "%Y-%m-%d", "%d %B %Y", "%d %b %Y"]


class RoundForm(NamedErrorsMixin, forms.Form):
    cohort_label = PlainCharField(
        label="Name of the cohort", max_length=200, help_text="For example, ‘Spring 2026, Leeds’.",
        error_messages={"required": "Enter a name for the cohort, such as ‘Spring 2026, Leeds’"},
    )  # fmt: skip
    cohort_size = forms.IntegerField(
        label="Number of participants", help_text="One single-use link is made for each participant.",
        error_messages={"required": "Enter how many participants are in the cohort",
                        "invalid": "Enter the number of participants as a whole number, like 24"},
    )  # fmt: skip
    closes_on = forms.DateField(
        label="Closing date", input_formats=DATE_FORMATS, help_text="For example, 31/03/2026.",
        error_messages={"required": "Enter the date the round closes",
                        "invalid": "Enter the closing date as day/month/year, like 31/03/2026"},
    )  # fmt: skip


class CodeForm(NamedErrorsMixin, forms.Form):
    code = forms.CharField(
        label="Your feedback code", max_length=20, help_text="10 letters and numbers, for example ABCDE-23456.",
        error_messages={"required": "Enter the code you were given"},
    )  # fmt: skip


class ResponseForm(NamedErrorsMixin, forms.Form):
    """One radio group per question of the round's questionnaire, and an optional comment."""

    def __init__(self, *args, questionnaire: Questionnaire, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questionnaire.questions.all())
        choices = [(str(value), str(value)) for value in range(1, questionnaire.scale_max + 1)]
        choices[0] = ("1", f"1 – {questionnaire.scale_low_label}")
        choices[-1] = (str(questionnaire.scale_max), f"{questionnaire.scale_max} – {questionnaire.scale_high_label}")
        for question in self.questions:
            self.fields[question.code] = forms.TypedChoiceField(
                label=question.text, choices=choices, coerce=int, widget=forms.RadioSelect,
                error_messages={"required": f"Choose an answer for ‘{question.text}’"},
            )  # fmt: skip
        self.fields["comment"] = PlainCharField(
            label="Anything else you would like to say? (optional)", required=False, max_length=2000,
            widget=forms.Textarea(attrs={"rows": 5}),
            help_text="A convenor reads every comment before it is published on the programme's page. Do not "
                      "include your name or anything that could identify you or a pupil.",
            error_messages={"max_length": "Your comment must be 2,000 characters or fewer"},
        )  # fmt: skip

    def answers(self) -> dict[str, int]:
        return {question.code: self.cleaned_data[question.code] for question in self.questions}


class QuestionnaireForm(NamedErrorsMixin, forms.ModelForm):
    questions = PlainCharField(
        label="Questions", widget=forms.Textarea(attrs={"rows": 8}),
        help_text="One question a line, as a short code, a colon, then the question: "
                  "‘would-recommend: I would recommend this programme to a colleague’.",
        error_messages={"required": "Add at least one question"},
    )  # fmt: skip

    class Meta:
        model = Questionnaire
        fields = QUESTIONNAIRE_SETTINGS
        widgets = {"introduction": forms.Textarea(attrs={"rows": 3}), "scale_max": forms.RadioSelect}
        labels = {
            "scale_max": "Answer scale",
            "prior_weight": "Weight of the register-wide mean (m)",
            "min_responses": "Minimum responses before a score is shown",
            "burst_minutes": "Unusual pattern: window, in minutes",
            "burst_share": "Unusual pattern: share of a cohort answering within the window",
            "identical_share": "Unusual pattern: share of responses with identical answers",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["questions"] = "\n".join(f"{q.code}: {q.text}" for q in self.instance.questions.all())

    def clean_questions(self) -> list[dict]:
        questions, problems = [], []
        for number, line in enumerate(self.cleaned_data["questions"].splitlines(), start=1):
            if not line.strip():
                continue
            code, colon, text = line.partition(":")
            code = code.strip().lower()
            if not colon or not text.strip():
                problems.append(f"Line {number}: write a code, a colon, then the question")
            elif not code.replace("-", "").isalnum() or len(code) > 40:
                problems.append(f"Line {number}: the code must be letters, numbers and hyphens, at most 40")
            elif len(text.strip()) > 300:
                problems.append(f"Line {number}: a question must be 300 characters or fewer")
            else:
                questions.append({"code": code, "text": text.strip()})
        if problems:
            raise forms.ValidationError(problems)
        return questions

    def clean(self):
        cleaned = super().clean()
        for name in ("burst_share", "identical_share"):
            value = cleaned.get(name)
            if value is not None and not 0 < value <= 1:
                self.add_error(name, "Enter a share between 0 and 1, such as 0.6")
        if cleaned.get("prior_weight") is not None and cleaned["prior_weight"] < 0:
            self.add_error("prior_weight", "The weight cannot be negative")
        return cleaned


class ModerateCommentForm(NamedErrorsMixin, forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Publish"), ("reject", "Do not publish")])
