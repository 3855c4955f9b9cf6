import pytest

from programmes.compare import MAX_COMPARED
from ratings.engine import recompute_all
from tests.factories import make_programme, make_review

pytestmark = pytest.mark.django_db


def add(client, programme, next_url="/programmes/compare/"):
    return client.post("/programmes/compare/add/", {"programme": programme.id, "next": next_url})


def test_a_visitor_picks_programmes_and_sees_them_side_by_side(client, catalogue):
    add(client, catalogue.mentor)
    response = add(client, catalogue.curriculum, next_url="/programmes/?region=london")

    assert response.status_code == 302 and response["Location"] == "/programmes/?region=london"
    page = client.get("/programmes/compare/").content.decode()
    assert catalogue.mentor.title in page and catalogue.curriculum.title in page
    assert "Free" in page and "£450" in page and "£450.00" not in page
    assert "3.80" in page  # the governance score


def test_at_most_four_programmes_can_be_compared(client, catalogue):
    for programme in catalogue.published()[:MAX_COMPARED]:
        add(client, programme)
    response = add(client, catalogue.published()[MAX_COMPARED])

    assert response.status_code == 302
    page = client.get("/programmes/compare/").content.decode()
    assert "You can compare up to 4 programmes" in page
    assert catalogue.published()[MAX_COMPARED].title not in page


def test_a_programme_can_be_removed_from_the_compare_list(client, catalogue):
    add(client, catalogue.mentor)
    add(client, catalogue.middle)
    client.post("/programmes/compare/remove/", {"programme": catalogue.mentor.id})

    assert [row["programme"] for row in client.get("/programmes/compare/").context["rows"]] == [catalogue.middle]


def test_only_published_programmes_can_be_added_and_bad_input_is_refused(client, catalogue):
    assert add(client, catalogue.draft).status_code == 400
    assert client.post("/programmes/compare/add/", {"programme": "abc"}).status_code == 400
    assert client.get("/programmes/compare/add/").status_code == 405
    assert add(client, catalogue.mentor, next_url="https://evil.example/").headers["Location"] == "/programmes/compare/"


def test_the_compare_table_sorts_by_any_column_and_says_so_with_aria_sort(client, catalogue):
    for programme in (catalogue.mentor, catalogue.middle, catalogue.curriculum):
        add(client, programme)

    by_cost = client.get("/programmes/compare/?sort=cost&dir=desc")
    assert [row["programme"] for row in by_cost.context["rows"]] == [catalogue.middle, catalogue.curriculum,
                                                                     catalogue.mentor]  # fmt: skip
    headings = {heading["key"]: heading for heading in by_cost.context["headings"]}
    assert headings["cost"]["aria_sort"] == "descending" and headings["cost"]["next_dir"] == "asc"
    assert headings["title"]["aria_sort"] == "none"
    assert 'aria-sort="descending"' in by_cost.content.decode()

    by_governance = client.get("/programmes/compare/?sort=governance")
    assert [row["programme"] for row in by_governance.context["rows"]] == [catalogue.curriculum, catalogue.middle,
                                                                           catalogue.mentor]  # fmt: skip
    assert client.get("/programmes/compare/?sort=bogus&dir=sideways").status_code == 200


def test_the_compare_page_shows_each_criterions_mean_per_programme(client, catalogue, reviewer, other_reviewer):
    make_review(catalogue.mentor, reviewer, scores={"R1": 4})
    make_review(catalogue.mentor, other_reviewer, scores={"R1": 3})
    recompute_all()
    add(client, catalogue.mentor)
    add(client, catalogue.network)

    criteria = {row["code"]: row["cells"] for row in client.get("/programmes/compare/").context["criteria_rows"]}
    assert criteria["R1"] == [None, 3.5]  # columns in the table's A–Z order: the network, then the mentor
    assert len(criteria) == 20


def test_the_directory_offers_add_and_then_remove_for_each_result(client, catalogue):
    add(client, catalogue.mentor)
    page = client.get("/programmes/?free=true").content.decode()
    assert "Remove from compare" in page and "Compare (1 of 4 chosen)" in page


def test_the_compare_page_issues_a_constant_number_of_queries(client, catalogue, django_assert_max_num_queries):
    for programme in [make_programme(catalogue.trust) for _ in range(4)]:
        add(client, programme)
    # The session, the programmes, then each programme's explanation in a constant number of queries.
    with django_assert_max_num_queries(2 + 4 * 9):  # each explanation reads its stored rows in 9
        client.get("/programmes/compare/")
