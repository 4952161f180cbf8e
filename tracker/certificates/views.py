"""The learner's certificates: list with the add form, edit, delete. Another learner's
certificate id answers 404 (selectors.certificate_get_for_user)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import selectors, services
from .forms import CertificateForm


def _initial(request: HttpRequest, today) -> dict:
    """The add form's first values; `?renew=<id>` (one of the learner's own, else 404)
    fills in its course, title and issuer, so the new certificate renews it by the one
    rule (selectors.renewed): the old one stays, as history."""
    initial = {"issued_on": today}
    renew = request.GET.get("renew")
    if renew is None:
        return initial
    if not (renew.isascii() and renew.isdigit() and len(renew) <= 18):  # a 64-bit id
        raise Http404
    old = selectors.certificate_get_for_user(user=request.user, certificate_id=int(renew))
    return initial | {
        "course": old.course.code if old.course else None,
        "title": old.title,
        "issuer": old.issuer,
    }


@login_required
@require_http_methods(["GET", "POST"])
def certificate_list(request: HttpRequest) -> HttpResponse:
    today = request.user.local_today()
    form = CertificateForm(
        request.POST or None, request.FILES or None, initial=_initial(request, today)
    )
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
    rows = [(c, selectors.expiry_of(c, today=today)) for c in certificates]
    return render(request, "certificates/list.html", {"rows": rows, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def certificate_edit(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = selectors.certificate_get_for_user(user=request.user, certificate_id=pk)
    form = CertificateForm.for_certificate(certificate, request.POST or None, request.FILES or None)
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
@require_GET
def certificate_file(request: HttpRequest, pk: int) -> FileResponse:
    """The certificate's file, to its owner only: anyone else (and a certificate with no
    file) gets 404. Served with the type checked at upload and `nosniff`, in a sandbox:
    a PDF's scripts never run in the app's origin."""
    certificate = selectors.certificate_get_for_user(user=request.user, certificate_id=pk)
    if not certificate.file:
        raise Http404
    try:
        handle = certificate.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    extension = certificate.file.name.rsplit(".", 1)[-1]
    response = FileResponse(
        handle,
        content_type=certificate.file_type or "application/octet-stream",
        filename=f"{slugify(certificate.title) or 'certificate'}.{extension}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def certificate_delete(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = selectors.certificate_get_for_user(user=request.user, certificate_id=pk)
    services.certificate_delete(certificate=certificate)
    messages.success(request, _("Certificate deleted."))
    return redirect("certificates:list")
