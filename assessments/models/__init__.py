"""Assessment content (quizzes, labs) and learner state (attempts, flag submissions, integrity events).

Quizzes and labs are revisioned snippets; learner rows point at them, at the lesson and at the
enrollment with on_delete=PROTECT, and an attempt keeps the quiz revision and the exact
questions it drew, so grading never depends on what the quiz says today.
"""

from assessments.models.attempts import Attempt, IntegrityEvent
from assessments.models.labs import Lab, LabCompletion, LabFlag, LabHint, LabHintUnlock, LabSubmission
from assessments.models.placements import AssessmentPlacement
from assessments.models.quizzes import Quiz

__all__ = [
    "AssessmentPlacement",
    "Attempt",
    "IntegrityEvent",
    "Lab",
    "LabCompletion",
    "LabFlag",
    "LabHint",
    "LabHintUnlock",
    "LabSubmission",
    "Quiz",
]
