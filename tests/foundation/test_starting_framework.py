import pytest

from reviews.models import Band, Criterion, Element, Framework, LevelDescriptor, ScoreLevel

pytestmark = pytest.mark.django_db


def test_the_starting_framework_is_live_with_five_elements_and_twenty_criteria():
    framework = Framework.objects.get(is_live=True)
    assert framework.version == 1 and framework.status == "published"
    elements = list(Element.objects.filter(framework=framework).values_list("key", flat=True))
    assert elements == ["purpose", "governance", "process", "definitions", "value"]
    criteria = Criterion.objects.filter(element__framework=framework)
    assert criteria.count() == 20
    assert sorted(criteria.values_list("code", flat=True))[:4] == ["D1", "D2", "D3", "D4"]


def test_every_criterion_has_a_descriptor_for_each_of_the_four_levels():
    framework = Framework.objects.get(is_live=True)
    descriptors = LevelDescriptor.objects.filter(criterion__element__framework=framework)
    assert descriptors.count() == 80
    assert all(len(text) > 20 for text in descriptors.values_list("descriptor", flat=True))
    assert set(descriptors.values_list("level", flat=True)) == {1, 2, 3, 4}


def test_bands_levels_and_rating_settings_are_framework_data():
    framework = Framework.objects.get(is_live=True)
    bands = list(Band.objects.filter(framework=framework).values_list("name", "min_score"))
    assert [(name, float(score)) for name, score in bands] == [
        ("Exemplary", 3.5),
        ("Secure", 2.75),
        ("Developing", 2.0),
        ("Limited", 0.0),
    ]
    assert list(ScoreLevel.objects.filter(framework=framework).values_list("name", flat=True)) == [
        "Limited",
        "Developing",
        "Secure",
        "Exemplary",
    ]
    assert (framework.min_reviews, float(framework.prior_weight), framework.not_rated_label) == (
        2,
        2.0,
        "Not yet rated",
    )
