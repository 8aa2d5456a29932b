"""Quizzes and labs for tests: raw StreamField data with explicit ids, published, placed in lessons."""

import uuid

from assessments.models import Lab, LabFlag, LabHint, Quiz
from tests.builders import publish


def _id() -> str:
    return str(uuid.uuid4())


def _items(values) -> list[dict]:
    return [{"type": "item", "value": value, "id": _id()} for value in values]


def choices(*specs) -> list[dict]:
    """choices(("Port 22", True), ("Port 80", False)) → ListBlock raw items."""
    return _items({"text": text, "correct": correct, "feedback": ""} for text, correct in specs)


def question(kind: str, *, prompt: str = "<p>Question?</p>", points=1, block_id: str | None = None, **fields) -> dict:
    """One raw question block. Lists of choices/pairs/items take raw items (see choices())."""
    value = {"prompt": prompt, "points": str(points), "feedback_correct": "", "feedback_incorrect": ""}
    defaults = {
        "single_choice": {"choices": choices(("Right", True), ("Wrong", False))},
        "multiple_choice": {"choices": choices(("A", True), ("B", True), ("C", False)), "partial_credit": False},
        "true_false": {"correct": "true"},
        "short_answer": {
            "accepted_answers": _items(["nmap"]),
            "case_sensitive": False,
            "normalize_whitespace": True,
            "regex": "",
        },
        "numeric": {"answer": "443", "tolerance": "0"},
        "matching": {"pairs": _items([{"left": "22", "right": "SSH"}, {"left": "53", "right": "DNS"}])},
        "ordering": {"items": _items(["Recon", "Exploit", "Persist"]), "partial_credit": False},
        "essay": {"rubric": ""},
    }[kind]
    value.update(defaults)
    for key, given in fields.items():
        if key in ("accepted_answers", "items") and given and isinstance(given[0], str):
            given = _items(given)
        if key == "pairs" and given and "type" not in given[0]:
            given = _items(given)
        value[key] = given
    return {"type": kind, "value": value, "id": block_id or _id()}


def pool(*questions, draw: int, title: str = "Pool") -> dict:
    return {"type": "pool", "value": {"title": title, "draw": draw, "questions": list(questions)}, "id": _id()}


def build_quiz(*, title: str = "Check your understanding", questions=None, **settings) -> Quiz:
    """A published quiz (one single-choice question unless given)."""
    quiz = Quiz(title=title, questions=questions or [question("single_choice")], **settings)
    quiz.save()
    revision = quiz.save_revision()
    revision.publish()
    quiz.refresh_from_db()
    return quiz


def quiz_update(quiz: Quiz, **changes) -> Quiz:
    """Publish a new version of the quiz (as the snippet editor does)."""
    for name, value in changes.items():
        setattr(quiz, name, value)
    revision = quiz.save_revision()
    revision.publish()
    quiz.refresh_from_db()
    return quiz


def build_lab(
    *, title: str = "Find the flag", flags=(("Root flag", "FLAG{static}"),), per_learner: int = 0, hints=(), **fields
) -> Lab:
    """A lab with static flags (label, text), `per_learner` derived flags and hints (text, cost)."""
    lab = Lab(title=title, instructions="<p>Capture the flags.</p>", **fields)
    lab.save()
    for label, text in flags:
        flag = LabFlag(lab=lab, label=label, kind=LabFlag.Kind.STATIC, points=10)
        flag.flag_digest = lab.static_flag_digest(text)
        flag.save()
    for number in range(per_learner):
        LabFlag.objects.create(lab=lab, label=f"Your flag {number + 1}", kind=LabFlag.Kind.PER_LEARNER, points=10)
    for text, cost in hints:
        LabHint.objects.create(lab=lab, text=text, cost=cost)
    lab.save_revision()
    return lab


def place(lesson, *assessments):
    """Append quiz/lab blocks to the lesson's body and publish it (placements follow)."""
    body = list(lesson.body.raw_data)
    for assessment in assessments:
        kind = "quiz" if isinstance(assessment, Quiz) else "lab"
        body.append({"type": kind, "value": assessment.pk, "id": _id()})
    lesson.body = body
    return publish(lesson)
