"""Templates' {% url %} remembers each reverse (qaportal.reversing): it must give what Django's
reverse gives, under any script prefix, and never a remembered URL for something that changed."""

import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch, reverse, set_script_prefix

from qaportal.reversing import reverse as remembered


def render(source: str, **context) -> str:
    return Template(source).render(Context(context))


def test_url_tags_give_what_django_reverse_gives():
    assert render("{% url 'programmes:list' %}") == reverse("programmes:list")
    assert render("{% url 'programmes:detail' slug=s %}", s="maths-mastery") == "/programmes/maths-mastery/"
    assert render("{% url 'programmes:detail' slug=s %}", s="coaching") == "/programmes/coaching/"
    assert render("{% url 'programmes:list' as found %}[{{ found }}]") == "[/programmes/]"


def test_a_script_prefix_is_part_of_what_is_remembered():
    plain = render("{% url 'programmes:list' %}")
    try:
        set_script_prefix("/register/")
        assert render("{% url 'programmes:list' %}") == "/register/programmes/"
        assert remembered("programmes:detail", kwargs={"slug": "x"}) == "/register/programmes/x/"
    finally:
        set_script_prefix("/")
    assert render("{% url 'programmes:list' %}") == plain


def test_an_unknown_name_still_fails_as_django_does():
    with pytest.raises(NoReverseMatch):
        render("{% url 'programmes:no-such-page' %}")
    assert render("{% url 'programmes:no-such-page' as found %}[{{ found }}]") == "[]"


def test_an_argument_that_is_not_plain_text_or_a_number_is_reversed_each_time():
    class Slug:
        def __init__(self, text):
            self.text = text

        def __str__(self):
            return self.text

        __hash__ = object.__hash__

    slug = Slug("first")
    assert remembered("programmes:detail", kwargs={"slug": slug}) == "/programmes/first/"
    slug.text = "second"
    assert remembered("programmes:detail", kwargs={"slug": slug}) == "/programmes/second/"
