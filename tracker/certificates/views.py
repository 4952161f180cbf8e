"""The learner's certificates: list with the add form, edit, delete. Another learner's
certificate id answers 404 (selectors.certificate_get_for_user)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from . import selectors, services
from .forms import CertificateForm


@login_required
@require_http_methods(["GET", "POST"])
def certificate_list(request: HttpRequest) -> HttpResponse:
    today = request.user.local_today()
    form = CertificateForm(request.POST or None, initial={"issued_on": today})
    if request.method == "POST" and form.is_valid():
        try:
            certificate = services.certificate_record(user=request.user, data=form.to_input())
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request, _("Certificate “%(title)s” recorded.") % {"title": certificate.title}
            )
            return redirect("certificates:list")
    certificates = list(selectors.certificates_for_user(user=request.user))
    rows = [(c, c.expiry(today)) for c in certificates]
    return render(request, "certificates/list.html", {"rows": rows, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def certificate_edit(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = selectors.certificate_get_for_user(user=request.user, certificate_id=pk)
    form = CertificateForm.for_certificate(certificate, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.certificate_update(certificate=certificate, data=form.to_input())
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Certificate saved."))
            return redirect("certificates:list")
    return render(request, "certificates/edit.html", {"certificate": certificate, "form": form})


@login_required
@require_POST
def certificate_delete(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = selectors.certificate_get_for_user(user=request.user, certificate_id=pk)
    services.certificate_delete(certificate=certificate)
    messages.success(request, _("Certificate deleted."))
    return redirect("certificates:list")
