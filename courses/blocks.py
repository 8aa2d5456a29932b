"""StreamField blocks of a lesson. Block names are a public contract: rename only with a data migration."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.safestring import mark_safe
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound
from wagtail import blocks
from wagtail.blocks import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock

RICH_TEXT_FEATURES = [
    "h3",
    "h4",
    "bold",
    "italic",
    "link",
    "ol",
    "ul",
    "code",
    "blockquote",
    "superscript",
    "subscript",
]

# One formatter for every sample; its CSS classes are styled in static/css/site.css.
CODE_FORMATTER = HtmlFormatter(cssclass="code-highlight")

CODE_LANGUAGES = [
    ("bash", "Bash / shell"),
    ("powershell", "PowerShell"),
    ("python", "Python"),
    ("javascript", "JavaScript"),
    ("sql", "SQL"),
    ("c", "C"),
    ("go", "Go"),
    ("yaml", "YAML"),
    ("hcl", "HCL / Terraform"),
    ("docker", "Dockerfile"),
    ("json", "JSON"),
    ("http", "HTTP"),
    ("ini", "INI / config"),
    ("nginx", "nginx config"),
    ("text", "Plain text / log output"),
]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=200)
    level = blocks.ChoiceBlock(choices=[("h2", "Section (H2)"), ("h3", "Subsection (H3)")], default="h2")

    class Meta:
        icon = "title"
        template = "components/blocks/heading_block.html"
        description = "A section heading inside the lesson."
        preview_value = {"text": "How a TCP handshake works", "level": "h2"}


class ParagraphBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs):
        super().__init__(features=RICH_TEXT_FEATURES, **kwargs)

    class Meta:
        icon = "pilcrow"
        template = "components/blocks/paragraph_block.html"
        description = "Formatted teaching text."
        preview_value = "<p>Defenders read logs the way detectives read a crime scene.</p>"


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    alt_text = blocks.CharBlock(max_length=250, help_text="Describe the image for people using screen readers.")
    caption = blocks.CharBlock(max_length=250, required=False)

    class Meta:
        icon = "image"
        template = "components/blocks/image_block.html"
        description = "An image with alternative text and an optional caption."


class VideoBlock(blocks.StructBlock):
    """Either an uploaded video file (a Wagtail document) or an external embed (YouTube, Vimeo)."""

    title = blocks.CharBlock(max_length=200)
    video_file = DocumentChooserBlock(required=False, help_text="An uploaded MP4 or WebM file.")
    embed = EmbedBlock(required=False, help_text="Or a YouTube / Vimeo address.")
    transcript = blocks.TextBlock(required=False, help_text="Full transcript, shown under the player.")

    class Meta:
        icon = "media"
        template = "components/blocks/video_block.html"
        description = "A lesson video: uploaded file or external embed, with an optional transcript."
        preview_value = {"title": "Wireshark in five minutes", "transcript": "Open Wireshark and pick an interface…"}

    def clean(self, value):
        value = super().clean(value)
        if bool(value.get("video_file")) == bool(value.get("embed")):
            message = "Choose an uploaded video file or give an embed address, not both and not neither."
            raise StructBlockValidationError(
                block_errors={"video_file": ValidationError(message), "embed": ValidationError(message)}
            )
        return value


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock()
    title = blocks.CharBlock(max_length=200, required=False, help_text="Defaults to the document's title.")
    description = blocks.TextBlock(required=False)

    class Meta:
        icon = "doc-full"
        template = "components/blocks/document_block.html"
        description = "A file learners can download (lab guide, packet capture, cheat sheet)."


class CodeBlock(blocks.StructBlock):
    language = blocks.ChoiceBlock(choices=CODE_LANGUAGES, default="bash")
    caption = blocks.CharBlock(max_length=200, required=False)
    code = blocks.TextBlock(form_classname="monospace", rows=8)

    class Meta:
        icon = "code"
        template = "components/blocks/code_block.html"
        description = "A code sample or command, highlighted on the server."
        preview_value = {"language": "bash", "code": "nmap -sV -p 1-1024 10.0.0.5"}

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["highlighted"] = highlight_code(value["code"], value["language"])
        context["language_label"] = dict(CODE_LANGUAGES).get(value["language"], value["language"])
        return context


def highlight_code(code: str, language: str) -> str:
    """HTML for a code sample; Pygments escapes the code, so the result is safe to emit."""
    try:
        lexer = get_lexer_by_name(language)
    except ClassNotFound:
        lexer = get_lexer_by_name("text")
    return mark_safe(highlight(code, lexer, CODE_FORMATTER))  # noqa: S308  # nosec  # nosemgrep: lms-mark-safe-non-literal - Pygments escapes the code


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(choices=[("note", "Note"), ("tip", "Tip"), ("warning", "Warning")], default="note")
    title = blocks.CharBlock(max_length=120, required=False)
    text = blocks.RichTextBlock(features=["bold", "italic", "link", "code", "ul", "ol"])

    class Meta:
        icon = "warning"
        template = "components/blocks/callout_block.html"
        description = "A highlighted note, tip or warning."
        preview_value = {"kind": "warning", "title": "Legal", "text": "<p>Only scan systems you own.</p>"}


class InteractiveEmbedBlock(blocks.StructBlock):
    """An interactive exercise hosted elsewhere (simulation, H5P, lab console), framed and sandboxed."""

    title = blocks.CharBlock(max_length=200, help_text="Describes the frame for screen readers.")
    url = blocks.URLBlock(help_text="An https:// address of the exercise.")
    height = blocks.IntegerBlock(min_value=200, max_value=1200, default=480)

    class Meta:
        icon = "site"
        template = "components/blocks/interactive_embed_block.html"
        description = "An interactive exercise in a sandboxed frame."

    def clean(self, value):
        value = super().clean(value)
        if not value["url"].startswith("https://"):
            raise StructBlockValidationError(block_errors={"url": ValidationError("Use an https:// address.")})
        # The site's Content-Security-Policy frames only these origins: anything else would show
        # as a blocked frame to learners, so the editor says so now.
        origin = _origin(value["url"])
        if origin not in settings.EMBED_FRAME_HOSTS:
            allowed = ", ".join(settings.EMBED_FRAME_HOSTS)
            raise StructBlockValidationError(
                block_errors={
                    "url": ValidationError(
                        f"{origin} is not an allowed exercise host. Allowed: {allowed}. "
                        "An administrator adds hosts with CSP_EXTRA_FRAME_HOSTS."
                    )
                }
            )
        return value


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.lower()}"


class QuizBlock(SnippetChooserBlock):
    """A quiz or exam from the assessments app, chosen by reference (never imported here).

    The block renders the same card for everyone, so the lesson body stays cacheable; the
    learner's attempts and the start button live on the quiz's own page.
    """

    def __init__(self, **kwargs):
        super().__init__("assessments.Quiz", **kwargs)

    class Meta:
        icon = "help"
        template = "components/blocks/quiz_block.html"
        description = "A quiz or proctored exam."


class LabBlock(SnippetChooserBlock):
    """A hands-on lab from the assessments app: its instructions here, flags on the lab's page."""

    def __init__(self, **kwargs):
        super().__init__("assessments.Lab", **kwargs)

    class Meta:
        icon = "code"
        template = "components/blocks/lab_block.html"
        description = "A practical lab with flags to capture."


# Blocks whose value (a quiz or lab) may decide when the lesson completes.
ASSESSMENT_BLOCK_TYPES = frozenset({"quiz", "lab"})


class LessonStreamBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = ParagraphBlock()
    image = ImageBlock()
    video = VideoBlock()
    document = DocumentBlock()
    code = CodeBlock()
    callout = CalloutBlock()
    interactive_embed = InteractiveEmbedBlock()
    quiz = QuizBlock()
    lab = LabBlock()

    class Meta:
        block_counts = {}
