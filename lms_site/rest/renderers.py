"""The one response envelope of the API (see ARCHITECTURE.md):

{"status": "success", "data": …, "meta": {"request_id", "timestamp", "pagination"?}}
{"status": "error", "errors": [{"code", "message", "field"}], "meta": {…}}
"""

from datetime import UTC, datetime

from rest_framework.renderers import JSONRenderer

from lms_site.request_context import current_request_id


def envelope_meta(request) -> dict:
    request_id = getattr(request, "request_id", None) or current_request_id.get()
    return {"request_id": request_id, "timestamp": datetime.now(UTC).isoformat().replace("+00:00", "Z")}


class EnvelopeJSONRenderer(JSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None):
        renderer_context = renderer_context or {}
        response = renderer_context.get("response")
        request = renderer_context.get("request")
        if response is None or getattr(response, "envelope_done", False):
            return super().render(data, accepted_media_type, renderer_context)
        meta = envelope_meta(getattr(request, "_request", request))
        if response.status_code >= 400:
            errors = data if isinstance(data, list) else [{"code": "error", "message": str(data), "field": None}]
            body = {"status": "error", "errors": errors, "meta": meta}
        else:
            pagination = getattr(response, "pagination_meta", None)
            if pagination is not None:
                meta["pagination"] = pagination
            body = {"status": "success", "data": data, "meta": meta}
        response.envelope_done = True
        return super().render(body, accepted_media_type, renderer_context)
