"""A program's exports: the page that lists them, each CSV (streamed as it is read) and the
printable report as a PDF. For the program's admins, coordinators and sponsor: anyone who may
not see the program gets a 404; someone who sees it but may not export (a lead, a member) is
told so and given nothing."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from roundtable.core import permissions
from roundtable.core.access import permission_require
from roundtable.core.errors import PermissionDenied
from roundtable.insights.selectors.exports import export_get, export_rows, program_exports
from roundtable.insights.selectors.report import program_report
from roundtable.insights.services.exports import csv_stream
from roundtable.insights.services.report import report_pdf
from roundtable.programs.models import Program
from roundtable.programs.selectors import program_get_for_user

NOT_FOR_YOU = (
    "Exports and the printable report are for the program's coordinators, its sponsor and the "
    "organisation's admins."
)


def refused(request: HttpRequest, program: Program | None, message: str) -> HttpResponse:
    """A page the person may see, a thing they may not have: say so, give nothing."""
    return render(
        request,
        "insights/refused.html",
        {"program": program, "message": message, "nav_section": "programs"},
        status=403,
    )


def exportable(request: HttpRequest, pk: int) -> tuple[Program, HttpResponse | None]:
    """The program (Http404 for someone who may not see it) and, when they see it but may not
    export it, the refusal to answer with."""
    program = program_get_for_user(user=request.user, pk=pk)
    try:
        permission_require(permissions.can_export_program(request.user, program), NOT_FOR_YOU)
    except PermissionDenied as exc:
        return program, refused(request, program, exc.message)
    return program, None


def file_name(program: Program, what: str, extension: str) -> str:
    slug = slugify(program.name)[:60] or "program"
    return f"{slug}-{what}-{timezone.localdate():%Y-%m-%d}.{extension}"


@login_required
@require_GET
def program_exports_page(request: HttpRequest, pk: int) -> HttpResponse:
    program, refusal = exportable(request, pk)
    if refusal is not None:
        return refusal
    context: dict[str, Any] = {
        "program": program,
        "exports": program_exports(program=program),
        "nav_section": "programs",
    }
    return render(request, "insights/program_exports.html", context)


@login_required
@require_GET
def program_export(request: HttpRequest, pk: int, kind: str) -> HttpResponseBase:
    export = export_get(key=kind)
    if export is None:
        raise Http404("No such export.")
    program, refusal = exportable(request, pk)
    if refusal is not None:
        return refusal
    rows = export_rows(export=export, program=program, user=request.user)
    response = StreamingHttpResponse(
        csv_stream(columns=export.columns, rows=rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{file_name(program, export.key, "csv")}"'
    )
    return response


@login_required
@require_GET
def program_report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    program, refusal = exportable(request, pk)
    if refusal is not None:
        return refusal
    report = program_report(program=program, today=timezone.localdate())
    response = HttpResponse(report_pdf(report=report), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{file_name(program, "report", "pdf")}"'
    return response
