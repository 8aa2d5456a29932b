# Fixture for `semgrep --test` (never imported): each `ruleid:` line must be flagged, each `ok:` not.
from django.http import HttpResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt, csrf_protect


# ruleid: lms-csrf-exempt
@csrf_exempt
def webhook(request):
    return HttpResponse("ok")


def plain(request):
    return HttpResponse("ok")


# ruleid: lms-csrf-exempt
exempted = csrf_exempt(plain)


# ruleid: lms-csrf-exempt
@method_decorator(csrf_exempt, name="dispatch")
class Hook(View):
    pass


# ok: lms-csrf-exempt
@csrf_protect
def protected(request):
    return HttpResponse("ok")
