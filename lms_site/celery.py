"""Celery application. Workers: `make worker` (or `celery -A lms_site worker`)."""

import os

from celery import Celery
from celery.signals import before_task_publish, task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms_site.settings.production")

app = Celery("lms_site")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@before_task_publish.connect
def _carry_request_id(headers=None, **kwargs):
    from lms_site.request_context import current_request_id

    if headers is not None:
        headers.setdefault("request_id", current_request_id.get())


@task_prerun.connect
def _restore_request_id(task=None, **kwargs):
    from lms_site.request_context import current_request_id

    request_id = getattr(task.request, "request_id", None) or "-"
    task._request_id_token = current_request_id.set(request_id)


@task_postrun.connect
def _clear_request_id(task=None, **kwargs):
    from lms_site.request_context import current_request_id

    token = getattr(task, "_request_id_token", None)
    if token is not None:
        current_request_id.reset(token)
        task._request_id_token = None
