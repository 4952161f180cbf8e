from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .models import Course


@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    courses = Course.objects.filter(is_active=True).select_related("track", "phase")
    return render(request, "courses/catalogue.html", {"courses": courses})
