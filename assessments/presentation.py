"""What a learner sees of an attempt: questions without their key while it is open, and the
result with as much feedback as the quiz allows afterwards. Shared by the site and the API."""

from __future__ import annotations

from assessments import grading
from assessments.models import Attempt


def _in_display_order(public: dict, stored: dict) -> dict:
    order = stored.get("display_order")
    if public["type"] == "ordering" and order:
        by_id = {item["id"]: item for item in public["items"]}
        public["items"] = [by_id[item_id] for item_id in order if item_id in by_id]
    return public


def learner_questions(attempt: Attempt) -> list[dict]:
    """The attempt's questions as the learner may see them, with the answers saved so far."""
    shown = []
    for number, stored in enumerate(attempt.questions, start=1):
        public = _in_display_order(grading.public_question(stored), stored)
        public["number"] = number
        public["answer"] = attempt.answers.get(stored["id"])
        shown.append(public)
    return shown


def learner_results(attempt: Attempt, *, reveal: bool) -> list[dict]:
    """Per question: the learner's answer and score; feedback and the correct answer when revealed."""
    results = {row["question_id"]: row for row in attempt.results}
    shown = []
    for public in learner_questions(attempt):
        row = results.get(public["id"], {})
        public["score"] = row.get("score")
        public["max_score"] = row.get("max_score")
        public["status"] = row.get("status")
        if reveal:
            stored = next(q for q in attempt.questions if q["id"] == public["id"])
            public["feedback"] = row.get("feedback", "")
            public["correct_answer"] = grading.correct_answer(stored)
        shown.append(public)
    return shown


def answers_from_form(questions: list[dict], data) -> dict:
    """Answers from an HTML form (QueryDict): `q-<id>` fields, `q-<id>-<left id>` for matching,
    `q-<id>-pos-<item id>` (a position number) for ordering. Questions left blank are omitted."""
    answers: dict = {}
    for question in questions:
        key = f"q-{question['id']}"
        kind = question["type"]
        if kind == "multiple_choice":
            if key in data or f"{key}-present" in data:
                answers[question["id"]] = data.getlist(key)
        elif kind == "true_false":
            if data.get(key) in ("true", "false"):
                answers[question["id"]] = data.get(key) == "true"
        elif kind == "matching":
            chosen = {pair["id"]: data.get(f"{key}-{pair['id']}") for pair in question.get("pairs", [])}
            chosen = {left: right for left, right in chosen.items() if right}
            if chosen:
                answers[question["id"]] = chosen
        elif kind == "ordering":
            positions = []
            for item in question.get("items", []):
                raw = data.get(f"{key}-pos-{item['id']}", "")
                if raw.isdigit():
                    positions.append((int(raw), item["id"]))
            if positions:
                answers[question["id"]] = [item_id for _, item_id in sorted(positions)]
        elif key in data:
            answers[question["id"]] = data.get(key)
    return answers
