"""Family D: what users write is shown back as text, never as markup or a formula.

A stored-XSS payload set goes into every field a user can write and that is shown back (names,
an essay answer, a lab flag, a proctor's note, course and lesson titles, lesson rich text written
through the Wagtail editor's converter), then every page, API answer, e-mail, PDF and CSV export
that shows it is read back:

- HTML is parsed (html.parser): no element or attribute made from the payload (a <script>
  running alert(1), an on* handler, a javascript: URL, an <svg>/<img> from the payload);
- template syntax ({{7*7}}) stays text (no "49");
- JSON returns the text as it was written, as application/json;
- e-mails are plain text, or escape the payload in an HTML part;
- CSV cells that a spreadsheet would run as a formula (=, +, -, @) are neutralised.
"""

import csv
import io
import json
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from wagtail.admin.rich_text.converters.contentstate import ContentstateConverter

from accounts import roles
from assessments import proctoring
from assessments import services as assessment_services
from certificates.pdf import certificate_html
from learning import services as learning_services
from tests.assessments.builders import build_lab, build_quiz, place, question
from tests.builders import build_catalog, build_course, build_home_page, publish
from tests.certificates.helpers import certificate_rows
from tests.factories import UserFactory
from tests.learning.clients import session_client

PAYLOADS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "{{7*7}}",
    "</textarea><svg onload=alert(1)>",
)
# One string carrying every payload (fits a 150-character name field).
PAYLOAD = "".join(PAYLOADS)
SHORT = '"><img src=x onerror=alert(1)>'  # for fields shorter than PAYLOAD
FORMULAS = ('=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(1+1)")


class InjectionFinder(HTMLParser):
    """Elements and attributes that came from the payload instead of staying text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self._in_script = tag == "script"
        for name, value in attrs:
            value = value or ""
            if name.startswith("on") and "alert(1)" in value:
                self.found.append(f"<{tag} {name}={value!r}>")
            if name in ("href", "src", "action", "formaction", "xlink:href") and value.strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f"<{tag} {name}={value!r}>")
        if tag == "img" and ("src", "x") in attrs:
            self.found.append("<img src=x>")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and "alert(1)" in data:
            self.found.append(f"<script>{data.strip()[:60]}</script>")


def assert_inert(html: str, where: str, *, shown: bool = True):
    """No markup from the payload in `html`; with `shown`, the payload is there as text."""
    finder = InjectionFinder()
    finder.feed(html)
    finder.close()
    assert finder.found == [], f"{where}: {finder.found}"
    assert "<svg onload" not in html, where
    if shown:
        assert "alert(1)" in html, f"{where}: the payload is not shown at all (the test would prove nothing)"
        assert "{{7*7}}" in html or "{{7*7}}" in html.replace("&#x7B;", "{").replace("&#x7D;", "}"), where


def page_html(client, url, where) -> str:
    response = client.get(url)
    assert response.status_code == 200, (where, url, response.status_code)
    assert response["Content-Type"].startswith("text/html"), where
    return response.content.decode()


def csv_cells(response) -> list[str]:
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return [cell for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))) for cell in row]


def assert_no_formula(cells: list[str], where: str):
    formulas = [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert formulas == [], f"{where}: {formulas}"


def rich_text_from_editor(text: str, link: str) -> str:
    """What the Wagtail editor stores for a paragraph of `text` with a link to `link`: the admin
    form runs Draftail's contentstate through this converter (its allowlist) on save."""
    contentstate = {
        "blocks": [
            {
                "key": "a1",
                "type": "unstyled",
                "depth": 0,
                "text": text,
                "inlineStyleRanges": [],
                "entityRanges": [{"offset": 0, "length": 8, "key": 0}],
                "data": {},
            }
        ],
        "entityMap": {"0": {"type": "LINK", "mutability": "MUTABLE", "data": {"url": link}}},
    }
    return ContentstateConverter(features=["bold", "italic", "link"]).to_database_format(json.dumps(contentstate))


@pytest.fixture
def scene(db, celery_inline, tmp_path, settings):
    """Payloads in every user-writable field, and the objects that show them."""
    settings.MEDIA_ROOT = tmp_path / "media"
    instructor = UserFactory(roles=[roles.INSTRUCTOR], display_name=PAYLOAD)
    mentor = UserFactory(roles=[roles.MENTOR])
    learner = UserFactory(roles=[roles.STUDENT], display_name=PAYLOAD, first_name=PAYLOAD, last_name=PAYLOAD)
    formula_learners = [UserFactory(roles=[roles.STUDENT], display_name=formula) for formula in FORMULAS]

    catalog = build_catalog(build_home_page())
    built = build_course(catalog, modules=1, lessons=4, instructors=[instructor], title=PAYLOAD)
    lessons = built.lessons
    intro = lessons[0]
    intro.title = PAYLOAD
    intro.body = [
        {
            "type": "paragraph",
            "value": rich_text_from_editor(f"Read me {PAYLOAD}", "javascript:alert(1)"),
        }
    ]
    publish(intro)

    essay_quiz = build_quiz(title=PAYLOAD, questions=[question("essay", block_id="essay", points=5)])
    place(lessons[1], essay_quiz)
    now = timezone.now()
    exam = build_quiz(
        title="Final exam",
        proctored=True,
        proctor=mentor,
        available_from=now - timedelta(hours=1),
        available_until=now + timedelta(hours=2),
        questions=[question("true_false", block_id="q1", correct="true")],
    )
    place(lessons[2], exam)
    lab = build_lab(title="Find the flag")
    place(lessons[3], lab)

    for user in (learner, *formula_learners):
        learning_services.enrollment_create(user=user, course=built.course)
    attempt, _ = assessment_services.attempt_start(user=learner, quiz=essay_quiz, session_key="s", ip="10.0.0.1")
    attempt = assessment_services.attempt_submit(attempt=attempt, answers={"essay": PAYLOAD})
    for user in formula_learners:
        started, _ = assessment_services.attempt_start(user=user, quiz=essay_quiz, session_key="s", ip="10.0.0.1")
        assessment_services.attempt_submit(attempt=started, answers={"essay": user.display_name})

    exam_attempt, _ = assessment_services.attempt_start(
        user=learner, quiz=exam, session_key="s", ip="10.0.0.1", user_agent=PAYLOAD, integrity_accepted=True
    )
    exam_attempt = assessment_services.attempt_submit(attempt=exam_attempt, answers={"q1": True})

    other = build_course(catalog, modules=1, lessons=1, title="Log analysis")
    certificate = certificate_rows(learner, other.course, 1)[0]
    return {
        "instructor": instructor,
        "mentor": mentor,
        "learner": learner,
        "course": built.course,
        "lessons": lessons,
        "essay_quiz": essay_quiz,
        "attempt": attempt,
        "exam_attempt": exam_attempt,
        "lab": lab,
        "certificate": certificate,
    }


def test_learner_pages_show_names_titles_answers_and_rich_text_as_text(scene):
    learner = scene["learner"]
    client = Client()
    client.force_login(learner)
    course, lessons = scene["course"], scene["lessons"]
    pages = {
        "home (site header)": "/",
        "catalog": course.get_parent().url,
        "course page": course.url,
        "lesson with rich text": lessons[0].url,
        "dashboard": "/dashboard/",
        "grades": "/grades/",
        "quiz page": f"/quizzes/{scene['essay_quiz'].pk}/",
        "attempt result": f"/attempts/{scene['attempt'].pk}/",
        "search": "/search/?q=alert",
    }
    for where, url in pages.items():
        assert_inert(page_html(client, url, where), where)


def test_the_editor_keeps_no_javascript_link_in_rich_text(scene):
    """Draftail's converter drops a javascript: link; the stored and the rendered lesson have none."""
    stored = rich_text_from_editor("Read me now", "javascript:alert(1)")
    assert "javascript:" not in stored
    client = Client()
    client.force_login(scene["learner"])
    html = page_html(client, scene["lessons"][0].url, "lesson")
    assert "Read me" in html
    assert 'href="javascript:' not in html.replace("'", '"')


def test_certificate_verification_page_and_pdf_show_the_name_as_text(scene):
    certificate = scene["certificate"]
    assert_inert(page_html(Client(), certificate.get_absolute_url(), "verify page"), "certificate verification")
    # The PDF is made from this HTML by WeasyPrint: markup from the name would be fetched or drawn.
    document = certificate_html(certificate)
    assert_inert(document.html, "certificate PDF source")


def test_staff_pages_show_learner_names_and_answers_as_text(scene):
    course = scene["course"]
    instructor = Client()
    instructor.force_login(scene["instructor"])
    pages = {
        "roster": f"/admin/roster/{course.pk}/",
        "gradebook": f"/admin/assessments/gradebook/{course.pk}/",
        "grading queue": "/admin/assessments/grading/",
    }
    for where, url in pages.items():
        assert_inert(page_html(instructor, url, where), where)

    mentor = Client()
    mentor.force_login(scene["mentor"])
    for where, url in {
        "proctor review queue": "/admin/exam-reviews/",
        "proctor review detail": f"/admin/exam-reviews/{scene['exam_attempt'].pk}/",
    }.items():
        assert_inert(page_html(mentor, url, where), where)


def test_api_returns_the_answer_as_plain_json_text(scene):
    response = session_client(scene["learner"]).get(f"/api/v1/attempts/{scene['attempt'].pk}/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    answers = [item["answer"] for item in response.json()["data"]["questions"]]
    assert answers == [PAYLOAD]  # as written: a JSON string is data, not markup
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_lab_flag_try_is_never_shown_as_markup(scene):
    lab, learner = scene["lab"], scene["learner"]
    client = Client()
    client.force_login(learner)
    response = client.post(f"/labs/{lab.pk}/flags/", {"flag": SHORT, "lesson": scene["lessons"][3].pk}, follow=True)
    assert response.status_code in (200, 400, 422)
    assert_inert(response.content.decode(), "lab flag answer", shown=False)
    assert_inert(page_html(client, f"/labs/{lab.pk}/", "lab page"), "lab page", shown=False)
    api = session_client(learner).post(f"/api/v1/labs/{lab.pk}/flags/", {"flag": SHORT}, format="json")
    assert api["Content-Type"].startswith("application/json")


def test_emails_to_the_learner_carry_the_payload_as_plain_text(scene, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        proctoring.attempt_review(
            attempt=scene["exam_attempt"], by=scene["mentor"], decision="invalidate", note=PAYLOAD
        )
    assert len(mail.outbox) == 1, "the proctor's decision e-mails the learner"
    message = mail.outbox[0]
    assert message.to == [scene["learner"].email]
    assert "alert(1)" in message.body  # the learner's name, as text
    assert "\n" not in message.subject and "\r" not in message.subject
    assert message.content_subtype == "plain"
    for content, mimetype in getattr(message, "alternatives", []):
        if mimetype == "text/html":
            assert_inert(content, "HTML part of the e-mail", shown=False)
    # The note the learner reads on the attempt page.
    client = Client()
    client.force_login(scene["learner"])
    assert_inert(page_html(client, f"/attempts/{scene['exam_attempt'].pk}/", "attempt with note"), "review note")


def test_csv_exports_neutralise_formulas(scene):
    course = scene["course"]
    instructor = Client()
    instructor.force_login(scene["instructor"])
    roster = csv_cells(instructor.get(f"/admin/roster/{course.pk}/?export=csv"))
    assert any("HYPERLINK" in cell for cell in roster), "the formula learners are in the roster export"
    assert_no_formula(roster, "roster CSV")
    gradebook = csv_cells(instructor.get(f"/admin/assessments/gradebook/{course.pk}/?format=csv"))
    assert any("HYPERLINK" in cell for cell in gradebook)
    assert_no_formula(gradebook, "gradebook CSV")


def test_audit_csv_neutralises_formulas(scene):
    from audit.services import audit_record

    administrator = UserFactory(roles=[roles.ADMINISTRATOR], is_staff=True, display_name=FORMULAS[0])
    audit_record("security.test.formula", actor=administrator, details={"note": FORMULAS[1]})
    client = Client()
    client.force_login(administrator)
    response = client.get("/admin/audit-trail/?export=csv")
    cells = csv_cells(response)
    assert any("security.test.formula" in cell for cell in cells)
    assert_no_formula(cells, "audit CSV")
