"""One-query page routing.

Wagtail's default `route()` walks the tree one level at a time: two queries per level
(the child, then its specific object), so a lesson four levels down costs eight queries
before anything is rendered. Every page's `url_path` is stored, so the page for a request
path can be found with one lookup instead. Pages that route further themselves (e.g.
RoutablePageMixin) still work: when no page has the exact path, routing falls back to
Wagtail's walk.
"""

from django.http import Http404
from wagtail.models import Page
from wagtail.url_routing import RouteResult


class DirectRouteMixin:
    def route(self, request, path_components):
        if not path_components:
            return super().route(request, path_components)
        url_path = self.url_path + "/".join(path_components) + "/"
        page = (
            Page.objects.filter(url_path=url_path, path__startswith=self.path)
            .only("id", "content_type_id", "live")
            .first()
        )
        if page is None:
            return super().route(request, path_components)
        if not page.live:
            raise Http404
        return RouteResult(page.specific)
