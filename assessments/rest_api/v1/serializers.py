"""Serializers of the quizzes and attempts API. Nothing here exposes an answer key before the
quiz's settings allow: questions go out through assessments.presentation."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assessments.models import Attempt, Quiz


class QuizSerializer(serializers.ModelSerializer):
    # Declared: a model-derived field would carry the database's integer range (SQLite's and
    # PostgreSQL's differ, and the committed schema must not depend on the backend).
    time_limit_minutes = serializers.IntegerField(read_only=True, allow_null=True)
    attempts_allowed = serializers.IntegerField(allow_null=True, read_only=True)
    is_open = serializers.SerializerMethodField()
    lesson = serializers.IntegerField(read_only=True, source="placement_lesson_id")
    course = serializers.IntegerField(read_only=True, source="placement_course_id")
    attempts_used = serializers.IntegerField(read_only=True)

    class Meta:
        model = Quiz
        fields = [
            "id",
            "title",
            "description",
            "pass_mark_percent",
            "time_limit_minutes",
            "attempts_allowed",
            "attempts_used",
            "available_from",
            "available_until",
            "is_open",
            "score_policy",
            "show_answers",
            "counts_toward_completion",
            "proctored",
            "integrity_statement",
            "lesson",
            "course",
        ]

    def get_is_open(self, quiz) -> bool:
        return quiz.is_open()


class AttemptStartSerializer(serializers.Serializer):
    lesson = serializers.IntegerField(required=False, help_text="The lesson the quiz is taken in (optional).")
    integrity_accepted = serializers.BooleanField(default=False, help_text="Proctored exams: accept the statement.")


class AnswersSerializer(serializers.Serializer):
    answers = serializers.DictField(
        child=serializers.JSONField(),
        help_text="Question id → response: a choice id, a list of choice ids, true/false, text, a number, "
        "{left id: option id} for matching, a list of item ids for ordering.",
    )


class SubmitSerializer(serializers.Serializer):
    answers = serializers.DictField(child=serializers.JSONField(), required=False)


class QuestionSerializer(serializers.Serializer):
    id = serializers.CharField()
    number = serializers.IntegerField()
    type = serializers.CharField()
    points = serializers.CharField()
    prompt = serializers.CharField(help_text="HTML.")
    choices = serializers.ListField(child=serializers.DictField(), required=False)
    left = serializers.ListField(child=serializers.DictField(), required=False)
    right = serializers.ListField(child=serializers.DictField(), required=False)
    items = serializers.ListField(child=serializers.DictField(), required=False)
    answer = serializers.JSONField(allow_null=True)
    score = serializers.CharField(required=False, allow_null=True)
    max_score = serializers.CharField(required=False, allow_null=True)
    status = serializers.CharField(required=False, allow_null=True)
    feedback = serializers.CharField(required=False, help_text="Only when the quiz shows answers.")
    correct_answer = serializers.JSONField(required=False, help_text="Only when the quiz shows answers.")


class AttemptSerializer(serializers.ModelSerializer):
    number = serializers.IntegerField(read_only=True, help_text="1 for the learner's first attempt in this run.")
    questions = serializers.SerializerMethodField()
    answers_visible = serializers.SerializerMethodField()
    seconds_left = serializers.SerializerMethodField()

    class Meta:
        model = Attempt
        fields = [
            "id",
            "quiz",
            "lesson",
            "number",
            "status",
            "started_at",
            "deadline",
            "seconds_left",
            "answers_saved_at",
            "submitted_at",
            "auto_submitted",
            "score",
            "max_score",
            "percent",
            "passed",
            "review_status",
            "review_note",
            "answers_visible",
            "questions",
        ]

    def get_answers_visible(self, attempt) -> bool:
        return self.context["reveal"]

    def get_seconds_left(self, attempt) -> int | None:
        return self.context.get("seconds_left")

    @extend_schema_field(QuestionSerializer(many=True))
    def get_questions(self, attempt) -> list[dict]:
        from assessments.presentation import learner_questions, learner_results

        if attempt.is_open:
            return learner_questions(attempt)
        return learner_results(attempt, reveal=self.context["reveal"])
