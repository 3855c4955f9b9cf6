"""A worker that recomputes one programme and then rewrites the whole register on the same
connection gets its change logged in the time a fresh connection would take: the change-log trigger
plans its query for the rows of each firing, not once for the first (issue 11)."""

import pytest
from django.db import connection

from programmes.directory_version import Seen, changes_since, current_version
from programmes.models import Programme
from ratings.models import ProgrammeRating
from tests import factories

pytestmark = pytest.mark.django_db

MATCH_OLD_AND_NEW = "FROM old_rows o JOIN new_rows n"
PROGRAMMES = 2000


class JoinPlans(list):
    """Keeps the plans auto_explain reports for the trigger's matching of old and new rows."""

    def append(self, notice: str) -> None:
        if MATCH_OLD_AND_NEW in notice:
            super().append(notice)


@pytest.fixture
def rated_programmes(provider) -> list[Programme]:
    first = factories.make_programme(provider)
    fields = {field.attname: getattr(first, field.attname) for field in Programme._meta.concrete_fields}
    del fields["id"]
    clones = [Programme(**{**fields, "slug": f"{first.slug}-{number}"}) for number in range(PROGRAMMES - 1)]
    programmes = [first, *Programme.objects.bulk_create(clones)]
    framework = factories.live_framework()
    ProgrammeRating.objects.bulk_create(
        factories.programme_rating(programme, framework=framework) for programme in programmes
    )
    return programmes


@pytest.fixture
def join_plans():
    """Every plan the trigger's matching runs with on this connection, from here to the test's end."""
    raw = connection.connection
    saved = raw.notices
    raw.notices = JoinPlans()
    with connection.cursor() as cursor:
        cursor.execute("LOAD 'auto_explain'")
        # SET LOCAL: the test's transaction is rolled back, and the settings with it.
        cursor.execute("SET LOCAL auto_explain.log_min_duration = 0")
        cursor.execute("SET LOCAL auto_explain.log_nested_statements = on")
        cursor.execute("SET LOCAL auto_explain.log_level = notice")
        cursor.execute("SET LOCAL client_min_messages = notice")
    yield raw.notices
    raw.notices = saved


def test_a_register_wide_rewrite_after_an_empty_one_is_logged_without_matching_row_by_row(rated_programmes, join_plans):
    before = current_version()
    ratings = ProgrammeRating.objects.filter(programme__in=rated_programmes)
    ratings.filter(review_count=0).update(review_count=3)  # fires the trigger over no rows
    assert ratings.update(review_count=3) == PROGRAMMES

    assert set(changes_since(Seen(before, before)).programme_ids) == {programme.id for programme in rated_programmes}
    assert join_plans, "auto_explain reported no plan for the trigger's matching"
    register_wide = join_plans[-1]
    assert "Nested Loop" not in register_wide, register_wide
