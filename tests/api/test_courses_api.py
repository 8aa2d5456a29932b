"""/api/v1/courses/: the published catalog, filters, detail with outline, and query budgets."""

import pytest

from tests.factories import CompetencyFactory, LessonPageFactory

pytestmark = pytest.mark.django_db


def _titles(response):
    return sorted(course["title"] for course in response.json()["data"])


def test_list_shows_only_published_unarchived_courses(api_client, make_course, catalog):
    make_course(title="Live Course")
    make_course(title="Archived Course", archived=True)
    draft = make_course(title="Draft Course")
    draft.course.unpublish()
    assert _titles(api_client.get("/api/v1/courses/")) == ["Live Course"]


def test_filter_by_level(api_client, make_course):
    make_course(title="Intro", level="beginner")
    make_course(title="Deep Dive", level="advanced")
    assert _titles(api_client.get("/api/v1/courses/?level=advanced")) == ["Deep Dive"]


def test_unknown_level_is_a_400_naming_the_field(api_client, make_course):
    make_course()
    response = api_client.get("/api/v1/courses/?level=wizard")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "level"


def test_filter_by_competency_code(api_client, make_course):
    analyst = CompetencyFactory(code="PR-CDA-001", name="Cyber Defense Analyst")
    make_course(title="SOC Work", competencies=[analyst])
    make_course(title="Other")
    assert _titles(api_client.get("/api/v1/courses/?competency=PR-CDA-001")) == ["SOC Work"]


def test_filter_by_tag(api_client, make_course):
    make_course(title="Linux Hardening", tags=["linux"])
    make_course(title="Web Basics", tags=["web"])
    assert _titles(api_client.get("/api/v1/courses/?tag=linux")) == ["Linux Hardening"]


def test_search_matches_title_and_summary(api_client, make_course):
    make_course(title="Packet Analysis", summary="Read traffic with Wireshark.")
    make_course(title="Cloud Identity", summary="Least privilege in IAM.")
    assert _titles(api_client.get("/api/v1/courses/?q=wireshark")) == ["Packet Analysis"]
    assert _titles(api_client.get("/api/v1/courses/?q=Cloud")) == ["Cloud Identity"]


def test_list_item_fields(api_client, make_course):
    analyst = CompetencyFactory(code="PR-CDA-001", name="Cyber Defense Analyst")
    built = make_course(title="SOC Work", competencies=[analyst], tags=["soc", "blue-team"], price="49.00")
    item = api_client.get("/api/v1/courses/").json()["data"][0]
    assert item["id"] == built.course.pk
    assert item["url"] == built.course.url
    assert item["price"] == "49.00"
    assert item["tags"] == ["blue-team", "soc"]
    assert item["competencies"] == [
        {"id": analyst.pk, "framework": "NICE Framework", "code": "PR-CDA-001", "name": "Cyber Defense Analyst"}
    ]


def test_detail_has_the_outline_in_tree_order(api_client, make_course, instructor):
    built = make_course(modules=2, lessons=2, instructors=[instructor])
    data = api_client.get(f"/api/v1/courses/{built.course.pk}/").json()["data"]
    assert [module["id"] for module in data["outline"]] == [module.pk for module in built.modules]
    lesson_ids = [lesson["id"] for module in data["outline"] for lesson in module["lessons"]]
    assert lesson_ids == [lesson.pk for lesson in built.lessons]
    assert data["outline"][0]["lessons"][0]["is_preview"] is True
    assert data["instructors"] == [instructor.get_display_name()]


def test_detail_outline_leaves_out_unpublished_lessons(api_client, make_course):
    built = make_course(modules=1, lessons=1)
    LessonPageFactory(parent=built.modules[0], title="Unpublished draft", live=False)
    data = api_client.get(f"/api/v1/courses/{built.course.pk}/").json()["data"]
    assert [lesson["title"] for lesson in data["outline"][0]["lessons"]] == [built.lessons[0].title]


def test_detail_of_an_unpublished_course_is_404(api_client, make_course):
    built = make_course()
    built.course.unpublish()
    assert api_client.get(f"/api/v1/courses/{built.course.pk}/").status_code == 404


def test_detail_of_an_archived_course_stays_readable(api_client, make_course):
    built = make_course(archived=True)
    response = api_client.get(f"/api/v1/courses/{built.course.pk}/")
    assert response.status_code == 200
    assert response.json()["data"]["archived"] is True


def test_lesson_bodies_are_not_in_the_page_api(api_client, make_course):
    built = make_course(modules=1, lessons=1)
    lesson = built.lessons[0]
    response = api_client.get(f"/api/v2/pages/{lesson.pk}/")
    assert response.status_code == 200
    assert "body" not in response.json()
    assert response.json()["is_preview"] is True


def test_page_api_lists_published_courses(api_client, make_course):
    make_course(title="Visible")
    response = api_client.get("/api/v2/pages/?type=courses.CoursePage&fields=summary,level")
    assert response.status_code == 200
    items = response.json()["items"]
    assert [item["title"] for item in items] == ["Visible"]
    assert items[0]["level"] == "beginner"


@pytest.mark.parametrize("course_count", [3, 30])
def test_course_list_query_budget_does_not_grow_with_the_catalog(
    api_client, make_course, django_assert_max_num_queries, course_count
):
    competency = CompetencyFactory()
    for _ in range(course_count):
        make_course(modules=1, lessons=1, competencies=[competency], tags=["blue-team"])
    # view restrictions, count, rows, competencies, tags, and the site root paths (cached after).
    with django_assert_max_num_queries(6):
        response = api_client.get("/api/v1/courses/?page_size=50")
    assert len(response.json()["data"]) == course_count


@pytest.mark.parametrize(("modules", "lessons"), [(1, 2), (8, 6)])
def test_course_detail_query_budget_does_not_grow_with_the_course(
    api_client, make_course, instructor, django_assert_max_num_queries, modules, lessons
):
    built = make_course(modules=modules, lessons=lessons, instructors=[instructor], competencies=[CompetencyFactory()])
    api_client.get(f"/api/v1/courses/{built.course.pk}/")  # warm the outline cache
    with django_assert_max_num_queries(7):
        data = api_client.get(f"/api/v1/courses/{built.course.pk}/").json()["data"]
    assert sum(len(module["lessons"]) for module in data["outline"]) == modules * lessons


@pytest.mark.django_db
def test_an_empty_or_unknown_level_filter_is_a_400_naming_the_field(api_client, make_course):
    make_course()
    for value in ("", "grandmaster"):
        response = api_client.get("/api/v1/courses/", {"level": value})
        assert response.status_code == 400, (value, response.content)
        assert response.json()["errors"][0]["field"] == "level"
