"""forms/_choices.html writes the GOV.UK radios and checkboxes of every choice field (and of the
directory's facets): a field's options must come out as the markup forms/govuk_field.html wrote."""

from django import forms
from django.template.loader import render_to_string
from django.test.html import parse_html


class Choices(forms.Form):
    phase = forms.ChoiceField(choices=[("p", "Primary"), ("s", "Secondary & <post>")], widget=forms.RadioSelect)
    tags = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.CheckboxSelectMultiple)


def test_a_radio_field_gives_small_radios_with_the_chosen_one_checked():
    html = render_to_string("forms/govuk_field.html", {"field": Choices({"phase": "s"})["phase"]})
    assert parse_html(html) == parse_html("""
<div class="govuk-form-group"><fieldset class="govuk-fieldset">
  <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Phase</legend>
  <div class="govuk-radios govuk-radios--small" data-module="govuk-radios">
    <div class="govuk-radios__item">
      <input class="govuk-radios__input" id="id_phase_0" name="phase" type="radio" value="p">
      <label class="govuk-label govuk-radios__label" for="id_phase_0">Primary</label>
    </div>
    <div class="govuk-radios__item">
      <input class="govuk-radios__input" id="id_phase_1" name="phase" type="radio" value="s" checked>
      <label class="govuk-label govuk-radios__label" for="id_phase_1">Secondary &amp; &lt;post&gt;</label>
    </div>
  </div>
</fieldset></div>""")


def test_a_multiple_choice_field_gives_small_checkboxes():
    html = render_to_string("forms/govuk_field.html", {"field": Choices({"tags": ["b"]})["tags"]})
    assert parse_html(html) == parse_html("""
<div class="govuk-form-group"><fieldset class="govuk-fieldset">
  <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Tags</legend>
  <div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes">
    <div class="govuk-checkboxes__item">
      <input class="govuk-checkboxes__input" id="id_tags_0" name="tags" type="checkbox" value="a">
      <label class="govuk-label govuk-checkboxes__label" for="id_tags_0">A</label>
    </div>
    <div class="govuk-checkboxes__item">
      <input class="govuk-checkboxes__input" id="id_tags_1" name="tags" type="checkbox" value="b" checked>
      <label class="govuk-label govuk-checkboxes__label" for="id_tags_1">B</label>
    </div>
  </div>
</fieldset></div>""")
