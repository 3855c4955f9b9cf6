"""forms/_choices.html writes the GOV.UK radios and checkboxes of every choice field (and of the
directory's facets): a field's options must come out as the markup forms/govuk_field.html wrote."""

import pytest
from django import forms
from django.template.loader import render_to_string
from django.test.html import parse_html


class Choices(forms.Form):
    phase = forms.ChoiceField(choices=[("p", "Primary"), ("s", "Secondary & <post>")], widget=forms.RadioSelect)
    tags = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.CheckboxSelectMultiple)


FIELD = """<div class="govuk-form-group"><fieldset class="govuk-fieldset">
  <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{legend}</legend>
  <div class="govuk-{kind} govuk-{kind}--small" data-module="govuk-{kind}">{items}</div>
</fieldset></div>"""
ITEM = """<div class="govuk-{kind}__item">
  <input class="govuk-{kind}__input" id="id_{name}_{n}" name="{name}" type="{type}" value="{value}"{checked}>
  <label class="govuk-label govuk-{kind}__label" for="id_{name}_{n}">{label}</label>
</div>"""


@pytest.mark.parametrize(
    ("name", "data", "kind", "type", "options"),
    [
        (
            "phase",
            {"phase": "s"},
            "radios",
            "radio",
            [("p", "Primary", ""), ("s", "Secondary &amp; &lt;post&gt;", " checked")],
        ),
        ("tags", {"tags": ["b"]}, "checkboxes", "checkbox", [("a", "A", ""), ("b", "B", " checked")]),
    ],
)
def test_a_choice_field_gives_small_radios_or_checkboxes_with_its_choice_checked(name, data, kind, type, options):
    html = render_to_string("forms/govuk_field.html", {"field": Choices(data)[name]})
    items = "".join(
        ITEM.format(kind=kind, name=name, n=n, type=type, value=value, label=label, checked=checked)
        for n, (value, label, checked) in enumerate(options)
    )
    assert parse_html(html) == parse_html(FIELD.format(legend=name.capitalize(), kind=kind, items=items))
