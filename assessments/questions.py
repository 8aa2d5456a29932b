"""From a quiz's StreamField to plain question data, and drawing an attempt's questions.

The plain shape is what `assessments.grading` grades and what an attempt stores: a dict per
question with its id (the block id), type, points, prompt (HTML), feedback and the answer
key of its type. Drawing applies pools and shuffling once, at the start of an attempt.
"""

from __future__ import annotations

import random
from decimal import Decimal


def _choices(list_value) -> list[dict]:
    return [
        {
            "id": item.id,
            "text": item.value["text"],
            "correct": bool(item.value["correct"]),
            "feedback": item.value["feedback"] or "",
        }
        for item in list_value.bound_blocks
    ]


def question_plain(block_type: str, block_id: str, value) -> dict:
    """One question block (a StructValue) as plain data."""
    question = {
        "id": block_id,
        "type": block_type,
        "points": str(Decimal(value["points"])),
        "prompt": str(value["prompt"]),
        "feedback_correct": value["feedback_correct"] or "",
        "feedback_incorrect": value["feedback_incorrect"] or "",
    }
    if block_type == "single_choice":
        question["choices"] = _choices(value["choices"])
    elif block_type == "multiple_choice":
        question["choices"] = _choices(value["choices"])
        question["partial_credit"] = bool(value["partial_credit"])
    elif block_type == "true_false":
        question["correct"] = value["correct"] == "true"
    elif block_type == "short_answer":
        question["accepted_answers"] = [str(answer) for answer in value["accepted_answers"]]
        question["case_sensitive"] = bool(value["case_sensitive"])
        question["normalize_whitespace"] = bool(value["normalize_whitespace"])
        question["regex"] = value["regex"] or ""
    elif block_type == "numeric":
        question["answer"] = str(value["answer"])
        question["tolerance"] = str(value["tolerance"] or 0)
    elif block_type == "matching":
        question["pairs"] = [
            {"id": item.id, "left": item.value["left"], "right": item.value["right"]}
            for item in value["pairs"].bound_blocks
        ]
    elif block_type == "ordering":
        question["items"] = [{"id": item.id, "text": item.value} for item in value["items"].bound_blocks]
        question["partial_credit"] = bool(value["partial_credit"])
    elif block_type == "essay":
        question["rubric"] = value["rubric"] or ""
    else:
        raise ValueError(f"unknown question type {block_type!r}")
    return question


def quiz_items_plain(stream_value) -> list[dict]:
    """The quiz's questions and pools in order; a pool is {"type": "pool", "id", "title", "draw", "questions"}."""
    items = []
    for child in stream_value:
        if child.block_type == "pool":
            items.append(
                {
                    "type": "pool",
                    "id": child.id,
                    "title": child.value["title"],
                    "draw": int(child.value["draw"]),
                    "questions": [question_plain(q.block_type, q.id, q.value) for q in child.value["questions"]],
                }
            )
        else:
            items.append(question_plain(child.block_type, child.id, child.value))
    return items


def quiz_questions_by_id(stream_value) -> dict[str, dict]:
    """Every question of the quiz, pools included, by id (for regrading against a fixed key)."""
    found = {}
    for item in quiz_items_plain(stream_value):
        for question in item["questions"] if item["type"] == "pool" else [item]:
            found[question["id"]] = question
    return found


def questions_draw(
    items: list[dict], *, rng: random.Random, shuffle_questions: bool, shuffle_choices: bool
) -> list[dict]:
    """The questions one attempt shows, in order: pools drawn, then the shuffles the quiz asks for.

    Ordering questions always show their items shuffled (in order they would give the answer
    away; the display order is stored in "display_order", the key keeps its own order).
    Matching shows its options as grading.public_question gives them (sorted by text).
    """
    drawn: list[dict] = []
    for item in items:
        if item["type"] == "pool":
            drawn.extend(rng.sample(item["questions"], k=min(item["draw"], len(item["questions"]))))
        else:
            drawn.append(item)
    if shuffle_questions:
        rng.shuffle(drawn)
    shown = []
    for question in drawn:
        question = dict(question)
        if question["type"] in ("single_choice", "multiple_choice") and shuffle_choices:
            question["choices"] = rng.sample(question["choices"], k=len(question["choices"]))
        elif question["type"] == "ordering":
            question["display_order"] = _shuffled_ids(question["items"], rng)
        shown.append(question)
    return shown


def _shuffled_ids(entries: list[dict], rng: random.Random) -> list[str]:
    ids = [entry["id"] for entry in entries]
    if len(ids) < 2:
        return ids
    shuffled = ids[:]
    # A shuffle that happens to be the answer would give it away: try a few times.
    for _ in range(5):
        rng.shuffle(shuffled)
        if shuffled != ids:
            break
    return shuffled


def question_with_fixed_key(stored: dict, current: dict) -> dict:
    """An attempt's stored question with the answer key (and points, feedback) of the quiz's
    current version, keeping what the learner was shown (prompt text, display order).

    Used to regrade after an instructor fixed a wrong key. Choices keep the stored order.
    """
    if stored["type"] != current["type"]:
        return stored
    fixed = dict(stored)
    for key in (
        "points",
        "feedback_correct",
        "feedback_incorrect",
        "partial_credit",
        "correct",
        "accepted_answers",
        "case_sensitive",
        "normalize_whitespace",
        "regex",
        "answer",
        "tolerance",
        "rubric",
    ):
        if key in current:
            fixed[key] = current[key]
    if "choices" in stored:
        current_choices = {choice["id"]: choice for choice in current.get("choices", [])}
        fixed["choices"] = [
            {
                **choice,
                "correct": current_choices[choice["id"]]["correct"],
                "feedback": current_choices[choice["id"]]["feedback"],
            }
            if choice["id"] in current_choices
            else choice
            for choice in stored["choices"]
        ]
    if (
        "pairs" in stored
        and [p["id"] for p in current.get("pairs", [])]
        and {p["id"] for p in current["pairs"]} == {p["id"] for p in stored["pairs"]}
    ):
        fixed["pairs"] = current["pairs"]
    if "items" in stored and {i["id"] for i in current.get("items", [])} == {i["id"] for i in stored["items"]}:
        fixed["items"] = current["items"]
    return fixed
