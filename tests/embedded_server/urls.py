"""The project's URLs plus /test/concurrency/, which exists only in this test server."""

import threading
import time

from django.http import JsonResponse
from django.urls import path

from tracker.urls import urlpatterns as project_urlpatterns

_lock = threading.Lock()
_running = 0
_most = 0


def concurrency(request):
    """Holds the request a moment and answers how many ran at once at most so far."""
    global _running, _most
    with _lock:
        _running += 1
        _most = max(_most, _running)
    time.sleep(float(request.GET.get("hold", "0")))
    with _lock:
        _running -= 1
        return JsonResponse({"most": _most})


urlpatterns = [path("test/concurrency/", concurrency), *project_urlpatterns]
