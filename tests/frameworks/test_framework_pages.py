"""The convenor's framework editor: drafts, edits, preview, publication with progress, diffs."""

from decimal import Decimal

import pytest

from ratings.models import FrameworkPublication, StaleRating
from reviews.models import Band, Criterion, Element, Framework, FrameworkStatus
from tests.factories import make_programme, make_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, convenor):
    client.force_login(convenor)
    return client


@pytest.fixture
def draft(signed_in, framework):
    response = signed_in.post(f"/convenor/frameworks/{framework.pk}/new-draft/")
    draft = Framework.objects.get(status=FrameworkStatus.DRAFT)
    assert response["Location"] == f"/convenor/frameworks/{draft.pk}/"
    return draft


def test_a_convenor_starts_a_draft_from_the_live_version_and_sees_its_task_list(signed_in, draft, framework):
    page = signed_in.get(f"/convenor/frameworks/{draft.pk}/").content.decode()
    assert f"Draft version {framework.version + 1}" in page
    assert "govuk-task-list" in page and "Preview and publish" in page
    assert Criterion.objects.filter(element__framework=draft, crosswalk_tags__isnull=False).exists()


def test_changing_an_element_weight_is_saved_and_a_bad_weight_is_refused_beside_the_field(signed_in, draft):
    element = draft.elements.get(key="value")
    url = f"/convenor/frameworks/{draft.pk}/elements/{element.pk}/"
    refused = signed_in.post(url, {"name": "Value", "question": "Who pays?", "weight": "0"})
    assert refused.status_code == 400
    assert "Weight must be 0.01 or more" in refused.content.decode()
    assert 'value="Who pays?"' in refused.content.decode()
    signed_in.post(url, {"name": "Value", "question": "Who pays?", "weight": "2.5"})
    assert Element.objects.get(pk=element.pk).weight == Decimal("2.5")


def test_bands_are_replaced_in_order_and_an_out_of_order_minimum_is_refused(signed_in, draft):
    url = f"/convenor/frameworks/{draft.pk}/bands/"
    bands = {"band_1_name": "Exemplary", "band_1_min_score": "3.4", "band_2_name": "Secure", "band_2_min_score": "3.6"}
    refused = signed_in.post(url, bands)
    assert refused.status_code == 400 and "must be below Exemplary" in refused.content.decode()
    bands["band_2_min_score"] = "2.5"
    signed_in.post(url, bands)
    assert list(Band.objects.filter(framework=draft).values_list("name", "min_score")) == [
        ("Exemplary", Decimal("3.40")),
        ("Secure", Decimal("2.50")),
    ]


def test_a_criterion_needs_a_descriptor_for_every_level_and_keeps_what_was_typed(signed_in, draft):
    element = draft.elements.get(key="purpose")
    url = f"/convenor/frameworks/{draft.pk}/elements/{element.pk}/criteria/new/"
    typed = {"code": "P5", "title": "Pupil voice", "guidance": "Pupils' views shape it.", "weight": "1"}
    refused = signed_in.post(url, {**typed, "descriptor_1": "None."})
    assert refused.status_code == 400
    assert "Describe what the criterion looks like at level 2." in refused.content.decode()
    assert "Pupils&#x27; views shape it." in refused.content.decode()
    signed_in.post(url, {**typed, **{f"descriptor_{n}": f"Level {n} text." for n in (1, 2, 3, 4)}})
    assert Criterion.objects.get(element=element, code="P5").descriptors.count() == 4


def test_a_five_level_draft_needs_every_descriptor_before_it_can_be_published(signed_in, draft):
    levels = {f"level_{n}_name": f"L{n}" for n in range(1, 6)} | {f"level_{n}_meaning": "m" for n in range(1, 6)}
    signed_in.post(f"/convenor/frameworks/{draft.pk}/levels/", levels)
    assert draft.levels.count() == 5
    page = signed_in.get(f"/convenor/frameworks/{draft.pk}/preview/").content.decode()
    assert "lack a descriptor for every level" in page and "Publish version" not in page


def test_publishing_marks_every_rating_stale_and_shows_the_recompute_progress(
    signed_in, draft, provider, reviewer, other_reviewer
):
    programme = make_programme(provider)
    make_review(programme, reviewer, scores=4)
    make_review(programme, other_reviewer, scores=4)
    response = signed_in.post(f"/convenor/frameworks/{draft.pk}/publish/")
    assert response["Location"] == f"/convenor/frameworks/{draft.pk}/progress/"
    assert Framework.objects.get(is_live=True) == draft
    assert StaleRating.objects.filter(programme=programme).exists()
    progress = signed_in.get(response["Location"]).content.decode()
    assert "Step 0 of 7" in progress and "Check progress" in progress
    FrameworkPublication.objects.filter(framework=draft).update(
        steps_done=7, finished_at="2026-12-01T09:00Z", rated_programmes=1
    )
    done = signed_in.get(response["Location"]).content.decode()
    assert "The register has been recomputed" in done and "Check progress" not in done


def test_a_published_version_stays_readable_and_its_edit_pages_are_refused(signed_in, framework):
    assert "cannot be changed" in signed_in.get(f"/convenor/frameworks/{framework.pk}/").content.decode()
    assert signed_in.get(f"/convenor/frameworks/{framework.pk}/settings/").status_code == 403
    element = framework.elements.first()
    assert (
        signed_in.post(f"/convenor/frameworks/{framework.pk}/elements/{element.pk}/", {"weight": "3"}).status_code
        == 403
    )


def test_the_diff_lists_what_changed_between_two_versions(signed_in, draft, framework):
    element = draft.elements.get(key="value")
    signed_in.post(
        f"/convenor/frameworks/{draft.pk}/elements/{element.pk}/",
        {"name": element.name, "question": element.question, "weight": "3"},
    )
    page = signed_in.get(f"/convenor/frameworks/diff/?before={framework.pk}&after={draft.pk}").content.decode()
    assert "1 change from v1 to v2" in page and "weight" in page and "3.00" in page
