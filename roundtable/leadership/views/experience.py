"""A member's experience record: the page, and the CSV and PDF to download. The member's alone:
the record is always the signed-in person's own."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from roundtable.leadership.selectors.experience import (
    experience_member_get_for_user,
    experience_record,
)
from roundtable.leadership.services.experience import experience_csv, experience_pdf


def _filename(extension: str) -> str:
    return f"experience-record-{timezone.localdate():%Y-%m-%d}.{extension}"


@login_required
def experience_page(request: HttpRequest) -> HttpResponse:
    member = experience_member_get_for_user(user=request.user, org_slug=request.GET.get("org"))
    return render(
        request,
        "leadership/experience.html",
        {
            "record": experience_record(member=member),
            "org_query": f"?org={member.organization.slug}",
            "nav_section": "members",
        },
    )


@login_required
def experience_download_csv(request: HttpRequest) -> HttpResponse:
    member = experience_member_get_for_user(user=request.user, org_slug=request.GET.get("org"))
    response = HttpResponse(
        experience_csv(record=experience_record(member=member)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    return response


@login_required
def experience_download_pdf(request: HttpRequest) -> HttpResponse:
    member = experience_member_get_for_user(user=request.user, org_slug=request.GET.get("org"))
    response = HttpResponse(
        experience_pdf(record=experience_record(member=member)), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename("pdf")}"'
    return response
