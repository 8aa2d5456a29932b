from django.db import models


class AssessmentPlacement(models.Model):
    """Where a quiz or lab sits: one row per quiz/lab block of a live lesson.

    Derived from the lesson body on publish (assessments.signals), so "which assessments does
    this course have" and "which lessons does this quiz complete" are one join, not a walk
    through StreamFields.
    """

    lesson = models.ForeignKey("courses.LessonPage", on_delete=models.CASCADE, related_name="+")
    course = models.ForeignKey("courses.CoursePage", on_delete=models.CASCADE, related_name="+")
    quiz = models.ForeignKey(
        "assessments.Quiz", null=True, blank=True, on_delete=models.CASCADE, related_name="placements"
    )
    lab = models.ForeignKey(
        "assessments.Lab", null=True, blank=True, on_delete=models.CASCADE, related_name="placements"
    )
    position = models.PositiveIntegerField(default=0, help_text="Order in the course (lesson tree order, then block).")

    class Meta:
        ordering = ["course", "position"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quiz__isnull=False, lab__isnull=True)
                | models.Q(quiz__isnull=True, lab__isnull=False),
                name="placement_is_quiz_or_lab",
            ),
        ]
        indexes = [models.Index(fields=["course", "position"]), models.Index(fields=["lesson"])]

    def __str__(self) -> str:
        return f"{self.quiz_id or self.lab_id} in lesson {self.lesson_id}"

    @property
    def assessment(self):
        return self.quiz if self.quiz_id else self.lab
