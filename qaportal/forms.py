from django.forms.renderers import TemplatesSetting


class GovukFormRenderer(TemplatesSetting):
    """Renders ``{{ form }}`` and ``{{ field.as_field_group }}`` as GOV.UK form groups."""

    form_template_name = "forms/govuk_form.html"
    field_template_name = "forms/govuk_field.html"
