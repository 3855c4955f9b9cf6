"""A published framework version refuses every edit: in the services, the admin and the database."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from qaportal.errors import InvalidTransition
from reviews import frameworks
from reviews.frameworks import CriterionInput, LevelInput
from reviews.models import Band, Criterion, CrosswalkTag, Element, Framework
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db):
    return make_user("staff-sam", is_staff=True, is_superuser=True)


def test_every_editing_service_refuses_a_published_version(framework, convenor):
    element = framework.elements.first()
    criterion = element.criteria.first()
    typed = CriterionInput("P1", "t", "g", Decimal("1"), dict.fromkeys((1, 2, 3, 4), "d"), [])
    attempts = [
        lambda: frameworks.framework_settings_update(framework=framework, by=convenor, values={"min_reviews": 3}),
        lambda: frameworks.element_update(element=element, by=convenor, name="x", question="y", weight=Decimal("2")),
        lambda: frameworks.criterion_save(element=element, by=convenor, typed=typed, criterion=criterion),
        lambda: frameworks.criterion_delete(criterion=criterion, by=convenor),
        lambda: frameworks.bands_save(framework=framework, by=convenor, bands=[{"name": "All", "min_score": 0}]),
        lambda: frameworks.levels_save(framework=framework, by=convenor, levels=[LevelInput("a", "b")] * 3),
        lambda: frameworks.framework_delete_draft(framework=framework, by=convenor),
    ]
    for attempt in attempts:
        with pytest.raises(InvalidTransition, match="is published and cannot be changed"):
            attempt()
    assert Element.objects.get(pk=element.pk).weight == Decimal("1")


def test_the_admin_shows_a_published_version_read_only_and_refuses_a_post(client, staff, framework):
    client.force_login(staff)
    url = f"/admin/reviews/framework/{framework.pk}/change/"
    page = client.get(url).content.decode()
    assert "View framework" in page and 'name="prior_weight"' not in page
    response = client.post(url, {"name": framework.name, "version": 1, "prior_weight": "9", "min_reviews": 1})
    assert response.status_code == 403
    element = framework.elements.first()
    response = client.post(f"/admin/reviews/element/{element.pk}/change/", {"weight": "5", "name": "x"})
    assert response.status_code == 403
    assert client.post(f"/admin/reviews/band/{framework.bands.first().pk}/delete/", {"post": "yes"}).status_code == 403
    framework.refresh_from_db()
    assert framework.prior_weight == Decimal("2") and Element.objects.get(pk=element.pk).weight == Decimal("1")


def test_the_admin_shows_a_draft_read_only_too_the_convenor_pages_being_its_one_way_to_change(
    client, staff, framework, convenor
):
    draft = frameworks.framework_new_draft(source=framework, by=convenor)
    client.force_login(staff)
    page = client.get(f"/admin/reviews/framework/{draft.pk}/change/").content.decode()
    assert "View framework" in page
    assert all(f'name="{name}"' not in page for name in ("prior_weight", "min_reviews", "status", "is_live"))


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE reviews_framework SET prior_weight = 9 WHERE id = %(framework)s",
        "UPDATE reviews_framework SET validity_months = 12 WHERE id = %(framework)s",
        "UPDATE reviews_framework SET status = 'draft' WHERE id = %(framework)s",
        "DELETE FROM reviews_framework WHERE id = %(framework)s",
        "UPDATE reviews_element SET weight = 3 WHERE framework_id = %(framework)s",
        "INSERT INTO reviews_band (framework_id, name, min_score, rank) VALUES (%(framework)s, 'New', 1, 9)",
        "UPDATE reviews_scorelevel SET name = 'Poor' WHERE framework_id = %(framework)s",
        "UPDATE reviews_criterion SET weight = 3 WHERE id = %(criterion)s",
        "DELETE FROM reviews_leveldescriptor WHERE criterion_id = %(criterion)s",
        "DELETE FROM reviews_criterion_crosswalk_tags WHERE criterion_id = %(tagged)s",
        "INSERT INTO reviews_criterion_crosswalk_tags (criterion_id, crosswalktag_id) VALUES (%(criterion)s, %(tag)s)",
    ],
)
def test_the_database_refuses_raw_sql_that_changes_a_published_version(framework, statement):
    criterion = Criterion.objects.get(element__framework=framework, code="G1")
    tagged = Criterion.objects.get(element__framework=framework, code="P1")
    params = {
        "framework": framework.pk,
        "criterion": criterion.pk,
        "tagged": tagged.pk,
        "tag": CrosswalkTag.objects.first().pk,
    }
    with pytest.raises(IntegrityError, match="published"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_the_database_still_lets_a_published_version_be_retired(framework):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE reviews_framework SET is_live = false, status = 'retired' WHERE id = %s", [framework.pk])
    assert Framework.objects.get(pk=framework.pk).status == "retired"
    assert Band.objects.filter(framework=framework).exists()
