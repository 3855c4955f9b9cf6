"""The directory searches a narrow table of published programmes' vectors, kept by a database
trigger. Whatever writes a programme — a service, the admin, raw SQL — the table must hold exactly
the published programmes' current vectors, or searches would find the wrong programmes."""

import pytest
from django.db import connection

from programmes.models import Programme, PublishedSearchDocument
from programmes.search import refresh_search_vectors
from programmes.selectors import matching_ids
from programmes.vocabulary import ProgrammeStatus
from tests.factories import make_programme

pytestmark = pytest.mark.django_db


def mirrored() -> dict[int, str]:
    return {doc.programme_id: str(doc.document) for doc in PublishedSearchDocument.objects.all()}


def vectors_of_published() -> dict[int, str]:
    published = Programme.objects.filter(status=ProgrammeStatus.PUBLISHED, search_vector__isnull=False)
    return {programme.id: str(programme.search_vector) for programme in published}


def test_the_search_table_holds_exactly_the_published_programmes_current_vectors():
    kept = make_programme(title="Reading leadership")
    draft = make_programme(title="Reading for pleasure", status=ProgrammeStatus.DRAFT)
    withdrawn_later = make_programme(title="Phonics leadership")
    deleted_later = make_programme(title="Early reading network")
    refresh_search_vectors()
    assert set(mirrored()) == {kept.id, withdrawn_later.id, deleted_later.id}

    Programme.objects.filter(pk=kept.pk).update(title="Writing leadership")
    refresh_search_vectors(programme_ids=[kept.id])
    Programme.objects.filter(pk=draft.pk).update(status=ProgrammeStatus.PUBLISHED)
    with connection.cursor() as cursor:  # a write that bypasses the ORM
        cursor.execute("UPDATE programmes_programme SET status = 'withdrawn' WHERE id = %s", [withdrawn_later.id])
    Programme.objects.filter(pk=deleted_later.pk).delete()

    assert mirrored() == vectors_of_published()
    assert set(mirrored()) == {kept.id, draft.id}


def test_search_finds_a_programme_once_published_and_not_after_it_is_withdrawn():
    programme = make_programme(title="Oracy across the curriculum", status=ProgrammeStatus.DRAFT)
    refresh_search_vectors()
    assert programme.id not in matching_ids("oracy", ranked=True)

    Programme.objects.filter(pk=programme.pk).update(status=ProgrammeStatus.PUBLISHED)
    assert matching_ids("oracy", ranked=True).tolist() == [programme.id]

    Programme.objects.filter(pk=programme.pk).update(status=ProgrammeStatus.WITHDRAWN)
    assert matching_ids("oracy", ranked=False).tolist() == []
