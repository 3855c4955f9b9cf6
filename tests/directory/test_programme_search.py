import pytest

from programmes.models import Programme
from programmes.search_query import search_condition
from tests.directory.conftest import titles

pytestmark = pytest.mark.django_db


def found(client, words: str) -> set[str]:
    response = client.get("/programmes/", {"q": words, "per_page": 100})
    assert response.status_code == 200
    return set(titles(response))


def test_stemming_finds_other_forms_of_a_word(client, catalogue):
    assert catalogue.mentor.title in found(client, "mentoring")
    assert catalogue.curriculum.title in found(client, "leaders")  # "Leadership of the curriculum"
    assert catalogue.executive.title in found(client, "leaders")  # "Executive system leadership"


def test_quotes_search_for_a_phrase(client, catalogue):
    assert found(client, '"middle leaders"') == {catalogue.middle.title}
    assert found(client, "middle leaders") == {catalogue.middle.title, catalogue.network.title}


def test_a_minus_sign_leaves_a_word_out(client, catalogue):
    assert catalogue.network.title in found(client, "leaders")
    assert catalogue.network.title not in found(client, "leaders -online")
    assert found(client, "leaders -online") >= {catalogue.middle.title, catalogue.executive.title}


def test_or_between_words_finds_either(client, catalogue):
    assert found(client, "headteacher or mentor") == {catalogue.headship.title, catalogue.mentor.title}


def test_the_title_weighs_more_than_the_provider_and_the_summary(client, catalogue):
    # "Leadership" is in the curriculum programme's title and summary, and only in the executive one's title;
    # the curriculum summary mentions it too so it ranks first; both rank above summary-only matches.
    response = client.get("/programmes/", {"q": "leadership"})
    assert titles(response)[0] == catalogue.curriculum.title
    assert response.context["directory"].sort == "relevance"


def test_drafts_and_withdrawn_programmes_are_never_found(client, catalogue):
    assert catalogue.draft.title not in found(client, "mentor")
    assert catalogue.withdrawn.title not in found(client, "withdrawn mentoring")


def test_punctuation_and_unbalanced_quotes_are_answered_without_an_error(client, catalogue):
    for words in ['"unclosed phrase', "-", "&&|!", "'", ":*", "leader:*", "(", "a" * 200]:
        assert client.get("/programmes/", {"q": words}).status_code == 200


def test_the_search_condition_matches_words_and_excludes_minus_words(catalogue):
    matches = Programme.objects.filter(search_condition("leaders -online")).values_list("title", flat=True)
    assert catalogue.network.title not in set(matches)
    assert {catalogue.middle.title, catalogue.curriculum.title, catalogue.executive.title} <= set(matches)
