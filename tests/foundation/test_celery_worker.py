import pytest

from programmes.models import Programme
from programmes.tasks import refresh_programme_search_vectors
from tests.conftest import wait_until
from tests.factories import make_programme

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_real_worker_process_runs_a_task_against_the_database(celery_worker_process):
    programme = make_programme(title="Coaching for middle leaders")
    Programme.objects.filter(pk=programme.pk).update(search_vector=None)

    refresh_programme_search_vectors.delay([programme.pk])

    def searchable():
        return Programme.objects.filter(pk=programme.pk, search_vector="coach").exists()

    assert wait_until(searchable, timeout=15)
