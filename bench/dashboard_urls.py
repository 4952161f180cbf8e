"""The project's URLs plus /bench/baseline/, which exists only in the benchmark."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path

from tracker.progress.models import TimeEntry
from tracker.urls import urlpatterns as project_urlpatterns


@login_required
def baseline(request):
    """The yardstick: read 50 rows and render them in a template that extends base.html."""
    rows = TimeEntry.objects.filter(user=request.user).select_related("course")[:50]
    return render(request, "bench_baseline.html", {"rows": rows})


urlpatterns = [path("bench/baseline/", baseline), *project_urlpatterns]
