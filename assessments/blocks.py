"""Question blocks of a quiz. Block names are a public contract: rename only with a data migration.

Each question block has a stable id (the StreamField block id) and its choices, pairs and items
have ids of their own (ListBlock item ids), so an attempt can pin exactly what it drew and a
later revision of the quiz can be matched back to it (regrading).
"""

import re

from django.core.exceptions import ValidationError
from wagtail import blocks
from wagtail.blocks import StructBlockValidationError

PROMPT_FEATURES = ["bold", "italic", "link", "ol", "ul", "code"]


class ChoiceBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=500)
    correct = blocks.BooleanBlock(required=False)
    feedback = blocks.CharBlock(required=False, max_length=500, help_text="Shown when the learner picked this choice.")

    class Meta:
        icon = "tick"
        label = "Choice"


class QuestionBlock(blocks.StructBlock):
    """What every question has: the prompt, its points and feedback."""

    prompt = blocks.RichTextBlock(features=PROMPT_FEATURES)
    points = blocks.DecimalBlock(default=1, min_value=0.01, max_digits=6, decimal_places=2)
    feedback_correct = blocks.TextBlock(required=False, label="Feedback when correct")
    feedback_incorrect = blocks.TextBlock(required=False, label="Feedback when not correct")

    class Meta:
        icon = "help"
        form_classname = "struct-block question-block"


def _error(field: str, message: str) -> StructBlockValidationError:
    return StructBlockValidationError(block_errors={field: ValidationError(message)})


class SingleChoiceQuestionBlock(QuestionBlock):
    choices = blocks.ListBlock(ChoiceBlock(), min_num=2)

    class Meta:
        label = "Single choice"
        icon = "radio-full"

    def clean(self, value):
        value = super().clean(value)
        if sum(1 for choice in value["choices"] if choice["correct"]) != 1:
            raise _error("choices", "Mark exactly one choice as correct.")
        return value


class MultipleChoiceQuestionBlock(QuestionBlock):
    choices = blocks.ListBlock(ChoiceBlock(), min_num=2)
    partial_credit = blocks.BooleanBlock(
        required=False, help_text="Points for each correct choice picked, minus one for each wrong one."
    )

    class Meta:
        label = "Multiple choice"
        icon = "list-ul"

    def clean(self, value):
        value = super().clean(value)
        if not any(choice["correct"] for choice in value["choices"]):
            raise _error("choices", "Mark at least one choice as correct.")
        return value


class TrueFalseQuestionBlock(QuestionBlock):
    correct = blocks.ChoiceBlock(choices=[("true", "True"), ("false", "False")], default="true", label="Answer")

    class Meta:
        label = "True / false"
        icon = "tick-inverse"


class ShortAnswerQuestionBlock(QuestionBlock):
    accepted_answers = blocks.ListBlock(blocks.CharBlock(max_length=300), min_num=0, label="Accepted answers")
    case_sensitive = blocks.BooleanBlock(required=False)
    normalize_whitespace = blocks.BooleanBlock(
        required=False, default=True, help_text="Ignore leading, trailing and repeated spaces."
    )
    regex = blocks.CharBlock(
        required=False, max_length=300, help_text="Optional: a regular expression a correct answer matches in full."
    )

    class Meta:
        label = "Short answer"
        icon = "pilcrow"

    def clean(self, value):
        value = super().clean(value)
        if value["regex"]:
            try:
                re.compile(value["regex"])
            except re.error as error:
                raise _error("regex", f"Not a valid regular expression: {error}.") from error
        if not value["accepted_answers"] and not value["regex"]:
            raise _error("accepted_answers", "Give at least one accepted answer or a regular expression.")
        return value


class NumericQuestionBlock(QuestionBlock):
    answer = blocks.DecimalBlock(max_digits=18, decimal_places=6)
    tolerance = blocks.DecimalBlock(default=0, min_value=0, max_digits=18, decimal_places=6)

    class Meta:
        label = "Numeric"
        icon = "order"


class PairBlock(blocks.StructBlock):
    left = blocks.CharBlock(max_length=300)
    right = blocks.CharBlock(max_length=300)

    class Meta:
        label = "Pair"


class MatchingQuestionBlock(QuestionBlock):
    pairs = blocks.ListBlock(PairBlock(), min_num=2, help_text="Each left item with its match.")

    class Meta:
        label = "Matching"
        icon = "link"


class OrderingQuestionBlock(QuestionBlock):
    items = blocks.ListBlock(blocks.CharBlock(max_length=300), min_num=2, help_text="In the correct order.")
    partial_credit = blocks.BooleanBlock(required=False, help_text="Points for each item in its place.")

    class Meta:
        label = "Ordering"
        icon = "list-ol"


class EssayQuestionBlock(QuestionBlock):
    rubric = blocks.TextBlock(required=False, help_text="For graders; learners do not see it.")

    class Meta:
        label = "Essay (graded by hand)"
        icon = "doc-full"


class QuestionStreamBlock(blocks.StreamBlock):
    single_choice = SingleChoiceQuestionBlock()
    multiple_choice = MultipleChoiceQuestionBlock()
    true_false = TrueFalseQuestionBlock()
    short_answer = ShortAnswerQuestionBlock()
    numeric = NumericQuestionBlock()
    matching = MatchingQuestionBlock()
    ordering = OrderingQuestionBlock()
    essay = EssayQuestionBlock()


class QuestionPoolBlock(blocks.StructBlock):
    """A pool: each attempt draws `draw` of its questions at random."""

    title = blocks.CharBlock(max_length=200, help_text="For instructors, e.g. “Port numbers”.")
    draw = blocks.IntegerBlock(min_value=1, default=1, help_text="Questions drawn per attempt.")
    questions = QuestionStreamBlock()

    class Meta:
        label = "Question pool (draw N at random)"
        icon = "folder-open-inverse"

    def clean(self, value):
        value = super().clean(value)
        if value["draw"] > len(value["questions"]):
            raise _error("draw", f"The pool holds {len(value['questions'])} questions; draw at most that many.")
        return value


class QuizStreamBlock(QuestionStreamBlock):
    pool = QuestionPoolBlock()

    class Meta:
        min_num = 1
