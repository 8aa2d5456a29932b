"""Assessment records in the privacy registry (privacy.registry).

Scores, pass marks and completions are kept on erasure (gradebook and item statistics are
aggregates that must survive the person); what the learner typed is blanked (essay, short and
numeric answers), and so are the network traces of proctoring (IP, browser, session) and the
proctor's note about them. Flag tries are SHA-256 digests already; only their IP goes.
The export leaves out the drawn questions and feedback: they carry the answer keys.
"""

from django.db.models import Q

from assessments.grading import ESSAY, NUMERIC, SHORT_ANSWER
from assessments.models import (
    AssessmentPlacement,
    Attempt,
    IntegrityEvent,
    Lab,
    LabCompletion,
    LabFlag,
    LabHint,
    LabHintUnlock,
    LabSubmission,
    Quiz,
)
from privacy.registry import keep, register, register_no_personal_data, row_values

FREE_TEXT_TYPES = {ESSAY, SHORT_ANSWER, NUMERIC}
AGGREGATE = "scores and completion only (no free text): kept for the gradebook and statistics"


def _drawn_questions(questions) -> list[dict]:
    flat = []
    for item in questions or []:
        if isinstance(item, dict) and item.get("type") == "pool":
            flat.extend(item.get("questions") or [])
        elif isinstance(item, dict):
            flat.append(item)
    return flat


def attempts_export(user) -> list[dict]:
    rows = []
    for attempt in Attempt.objects.filter(user=user).order_by("pk"):
        data = row_values(attempt, exclude=["questions", "results", "session_key"])
        data["results"] = [
            {key: result.get(key) for key in ("question_id", "score", "max_score", "status")}
            for result in (attempt.results or [])
            if isinstance(result, dict)
        ]
        rows.append(data)
    return rows


def attempts_erase(user) -> None:
    for attempt in Attempt.objects.select_for_update().filter(user=user):
        typed = {q.get("id") for q in _drawn_questions(attempt.questions) if q.get("type") in FREE_TEXT_TYPES}
        answers = attempt.answers if isinstance(attempt.answers, dict) else {}
        attempt.answers = {key: ("" if key in typed else value) for key, value in answers.items()}
        attempt.start_ip = None
        attempt.start_user_agent = ""
        attempt.session_key = ""
        attempt.review_note = ""
        attempt.save(update_fields=["answers", "start_ip", "start_user_agent", "session_key", "review_note"])


def integrity_events_erase(user) -> None:
    IntegrityEvent.objects.filter(attempt__user=user).update(ip=None, user_agent="", details={})


def lab_submissions_erase(user) -> None:
    LabSubmission.objects.filter(user=user).update(ip=None)


def _authored(model):
    def export(user) -> list[dict]:
        rows = model.objects.filter(Q(owner=user) | Q(pk__in=_locked_by(model, user)))
        return [{"id": row.pk, "title": row.title} for row in rows.order_by("pk")]

    return export


def _locked_by(model, user):
    if not hasattr(model, "locked_by"):
        return model.objects.none().values("pk")
    return model.objects.filter(locked_by=user).values("pk")


def quizzes_erase(user) -> None:
    # Authored content belongs to the organisation and stays; a lock the person held is released.
    Quiz.objects.filter(locked_by=user).update(locked=False, locked_by=None, locked_at=None)


CONTENT = "authored course content belongs to the organisation; the owner link points at the anonymised account"

register(Attempt, user_path="user", export=attempts_export, erase=attempts_erase)
register(IntegrityEvent, user_path="attempt__user", erase=integrity_events_erase)
register(LabSubmission, user_path="user", erase=lab_submissions_erase)
register(LabHintUnlock, user_path="user", erase=keep(AGGREGATE))
register(LabCompletion, user_path="user", erase=keep(AGGREGATE))
register(Quiz, user_path="owner", export=_authored(Quiz), erase=quizzes_erase)
register(Lab, user_path="owner", export=_authored(Lab), erase=keep(CONTENT))
register_no_personal_data(LabFlag, "a lab's flags: content (digests and labels written by authors)")
register_no_personal_data(LabHint, "a lab's hints: content written by authors")
register_no_personal_data(AssessmentPlacement, "where quizzes and labs sit in lessons: content structure")
