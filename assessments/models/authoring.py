"""What quizzes and labs share: who created them (with the instructors of the courses that use
them, their authors: assessments.permissions.can_author)."""

from django.conf import settings
from django.db import models


class AuthoredModel(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who created it; with the instructors of courses that use it, the people who may edit it.",
    )

    class Meta:
        abstract = True
