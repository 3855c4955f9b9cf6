import pytest

from reviews.models import Criterion

pytestmark = pytest.mark.django_db


def test_the_live_framework_lists_its_elements_criteria_rubric_levels_bands_and_settings(anonymous, framework):
    response = anonymous.get("/api/v1/framework/")

    assert response.status_code == 200
    body = response.json()
    assert (body["name"], body["version"]) == (framework.name, framework.version)
    assert [element["key"] for element in body["elements"]] == [
        "purpose",
        "governance",
        "process",
        "definitions",
        "value",
    ]
    codes = [criterion["code"] for element in body["elements"] for criterion in element["criteria"]]
    assert len(codes) == Criterion.objects.filter(element__framework=framework).count()
    first = body["elements"][0]["criteria"][0]
    assert first["code"] == "P1"
    assert [descriptor["level"] for descriptor in first["descriptors"]] == [1, 2, 3, 4]
    assert isinstance(first["weight"], float)
    assert [level["name"] for level in body["levels"]] == ["Limited", "Developing", "Secure", "Exemplary"]
    assert [(band["name"], band["min_score"]) for band in body["bands"]] == [
        ("Exemplary", 3.5),
        ("Secure", 2.75),
        ("Developing", 2.0),
        ("Limited", 0.0),
    ]
    assert body["settings"] == {
        "prior_weight": 2.0,
        "min_reviews": framework.min_reviews,
        "disagreement_levels": framework.disagreement_levels,
        "not_rated_label": "Not yet rated",
        "validity_months": 36,
        "calibration_pass_alpha": 0.667,
        "requires_recalibration": False,
    }


def test_the_framework_is_read_in_a_fixed_number_of_queries(anonymous, framework, django_assert_max_num_queries):
    with django_assert_max_num_queries(7):
        assert anonymous.get("/api/v1/framework/").status_code == 200


def test_without_a_live_framework_the_framework_endpoint_is_not_found(anonymous, framework):
    type(framework).objects.filter(pk=framework.pk).update(is_live=False)

    response = anonymous.get("/api/v1/framework/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
