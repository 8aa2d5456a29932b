from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Page

from home.routing import DirectRouteMixin


class HomePage(DirectRouteMixin, Page):
    """The site's front page: a hero and the featured courses (picked by the catalog)."""

    hero_title = models.CharField(max_length=120, default="Learn cybersecurity by doing")
    hero_text = models.TextField(
        blank=True,
        default="Hands-on courses for students, career changers and transitioning service members.",
    )
    hero_cta_label = models.CharField(max_length=40, default="Browse courses")
    body = RichTextField(blank=True, features=["h2", "h3", "bold", "italic", "link", "ol", "ul"])

    content_panels = Page.content_panels + [
        MultiFieldPanel([FieldPanel("hero_title"), FieldPanel("hero_text"), FieldPanel("hero_cta_label")], "Hero"),
        FieldPanel("body"),
    ]

    max_count = 1
    subpage_types = ["courses.CourseIndexPage"]
    parent_page_types = ["wagtailcore.Page"]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Imported here: home is beneath courses in the dependency order, and only asks it
        # for the featured list through a lookup hook the catalog registers.
        from home.featured import featured_courses

        context["featured_courses"] = featured_courses(self)
        return context


@register_setting(icon="site")
class SiteSettings(BaseSiteSetting):
    """Site-wide text an administrator may change without a deploy."""

    tagline = models.CharField(max_length=160, default="Whole Cyber Human Initiative")
    footer_text = models.TextField(
        blank=True,
        default="WCHI LMS: the learning platform of the Whole Cyber Human Initiative.",
    )
    support_email = models.EmailField(blank=True, default="support@wchi.example")

    panels = [FieldPanel("tagline"), FieldPanel("footer_text"), FieldPanel("support_email")]

    class Meta:
        verbose_name = "site settings"
