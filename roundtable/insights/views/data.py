"""People's own data: a member's page of what Roundtable holds about them and its download (theirs
alone), and an organisation admin's erasure of a member (the confirmation and the log)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from roundtable.core import permissions
from roundtable.core.access import permission_require
from roundtable.core.errors import DomainError, PermissionDenied
from roundtable.core.form_pages import form_error
from roundtable.insights.forms.erasure import ErasureConfirmForm
from roundtable.insights.selectors.erasures import organization_erasures
from roundtable.insights.selectors.own_data import (
    NOT_INCLUDED,
    own_data,
    own_data_member_get_for_user,
)
from roundtable.insights.services.erasure import (
    ERASED_NAME,
    member_erase,
    member_erasure_refusal,
)
from roundtable.insights.services.own_data import own_data_zip
from roundtable.orgs.models import Member, Organization
from roundtable.orgs.selectors import member_get_for_user, organization_get_for_user

ADMINS_ONLY = "Only the organisation's admins can erase a member or see the erasures."


@login_required
@require_GET
def my_data_page(request: HttpRequest) -> HttpResponse:
    member = own_data_member_get_for_user(user=request.user, org_slug=request.GET.get("org"))
    data = own_data(member=member, now=timezone.now())
    others = [
        m
        for m in sorted(permissions.memberships(request.user).values(), key=lambda m: m.pk)
        if m.pk != member.pk
    ]
    return render(
        request,
        "insights/my_data.html",
        {
            "member": member,
            "data": data,
            "held": [s for s in data.sections if s.rows],
            "not_held": [s for s in data.sections if not s.rows],
            "not_included": NOT_INCLUDED,
            "other_memberships": others,
            "org_query": f"?org={member.organization.slug}",
            "nav_section": "profile",
        },
    )


@login_required
@require_GET
def my_data_download(request: HttpRequest) -> HttpResponse:
    member = own_data_member_get_for_user(user=request.user, org_slug=request.GET.get("org"))
    now = timezone.now()
    response = HttpResponse(
        own_data_zip(data=own_data(member=member, now=now)), content_type="application/zip"
    )
    name = f"roundtable-my-data-{member.organization.slug}-{timezone.localdate():%Y-%m-%d}.zip"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _refused(request: HttpRequest, message: str, *, member: Member | None = None) -> HttpResponse:
    return render(
        request,
        "insights/erasure_refused.html",
        {"message": message, "member": member, "nav_section": "members"},
        status=403,
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_erase_page(request: HttpRequest, pk: int) -> HttpResponse:
    member = member_get_for_user(user=request.user, pk=pk)
    try:
        permission_require(permissions.can_erase_member(request.user, member), ADMINS_ONLY)
    except PermissionDenied as exc:
        return _refused(request, exc.message, member=member)
    me = permissions.acting_member(request.user, member.organization_id)
    refusal = member_erasure_refusal(member=member, by=me)
    if refusal is not None:
        return _refused(request, refusal, member=member)
    form = ErasureConfirmForm(
        request.POST if request.method == "POST" else None, member_name=member.name
    )
    if request.method == "POST" and form.is_valid():
        erasing_myself = member.user_id == request.user.pk
        try:
            member_erase(
                member=member, by=me, reason=form.cleaned_data["reason"], now=timezone.now()
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            if erasing_myself:
                logout(request)
                return redirect("accounts:login")
            messages.success(
                request,
                f"The member's personal data was erased; they now show as “{ERASED_NAME}”.",
            )
            return redirect("insights:erasure_list", org_slug=member.organization.slug)
    context: dict[str, Any] = {
        "member": member,
        "form": form,
        "erasing_myself": member.user_id == request.user.pk,
        "nav_section": "members",
    }
    return render(
        request, "insights/member_erase.html", context, status=400 if form.errors else 200
    )


def _administered(request: HttpRequest, org_slug: str) -> Organization:
    organization = organization_get_for_user(user=request.user, slug=org_slug)
    permission_require(
        permissions.can_administer_organization(request.user, organization), ADMINS_ONLY
    )
    return organization


@login_required
@require_GET
def erasure_list_page(request: HttpRequest, org_slug: str) -> HttpResponse:
    try:
        organization = _administered(request, org_slug)
    except PermissionDenied as exc:
        return _refused(request, exc.message)
    return render(
        request,
        "insights/erasure_list.html",
        {
            "organization": organization,
            "erasures": organization_erasures(organization=organization),
            "nav_section": "members",
        },
    )
