"""Member directory, member pages and profile editing."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from roundtable.core import permissions
from roundtable.core.errors import DomainError
from roundtable.core.form_pages import form_action, form_error
from roundtable.leadership.selectors.member_panel import member_leadership_panel
from roundtable.meetings.history import (
    meetings_consistency,
    member_attendance_chart,
    member_attendance_trend,
)
from roundtable.meetings.selectors import calendar_feed_url
from roundtable.notifications.account_emails import member_import_send
from roundtable.notifications.forms import PreferencesForm
from roundtable.notifications.selectors import notification_preferences_initial
from roundtable.orgs import selectors
from roundtable.orgs.forms import (
    AdminMemberForm,
    AvailabilityFormSet,
    MemberImportConfirmForm,
    MemberImportForm,
    ProfileForm,
)
from roundtable.orgs.member_import.comparing import ImportReport, member_import_preview
from roundtable.orgs.member_import.parsing import MAX_BYTES, decode_upload, template_csv
from roundtable.orgs.models import Member, Organization, Role
from roundtable.orgs.services import member_set_availability, member_update


@login_required
def directory(request: HttpRequest, org_slug: str) -> HttpResponse:
    organization = selectors.organization_get_for_user(user=request.user, slug=org_slug)
    query = request.GET.get("q", "").strip()
    search_cut = selectors.search_words(query)[1]
    department = request.GET.get("department", "")
    role = request.GET.get("role", "")
    members = selectors.member_directory(
        organization=organization, query=query, department=department, role=role
    )
    context = {
        "organization": organization,
        "members": members,
        "query": query[: selectors.SEARCH_MAX_LENGTH],
        "search_cut": search_cut,
        "search_max_words": selectors.SEARCH_MAX_WORDS,
        "search_max_length": selectors.SEARCH_MAX_LENGTH,
        "department": department,
        "role": role,
        "departments": selectors.departments_list(organization=organization),
        "job_roles": selectors.job_roles_list(organization=organization),
        "can_invite": permissions.can_invite_members(request.user, organization),
        "can_import": permissions.can_import_members(request.user, organization),
        "Role": Role,
        "nav_section": "members",
    }
    if request.headers.get("HX-Request"):
        return render(request, "orgs/_directory_results.html", context)
    return render(request, "orgs/directory.html", context)


@login_required
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    member = selectors.member_get_for_user(user=request.user, pk=pk)
    # None: the whole record (the person, admins); a coordinator: their programs' part of it.
    attendance_programs = permissions.member_attendance_programs(request.user, member)
    shows_attendance = attendance_programs is None or bool(attendance_programs)
    attendance_trend = (
        member_attendance_trend(member=member, programs=attendance_programs)
        if shows_attendance
        else []
    )
    return render(
        request,
        "orgs/member_detail.html",
        {
            "member": member,
            "can_edit": permissions.can_edit_member(request.user, member),
            "can_see_private": permissions.can_see_member_private_fields(request.user, member),
            "is_admin": permissions.can_administer_organization(request.user, member.organization),
            "can_send_sign_in_invitation": member.is_active
            and member.user.last_login is None
            and permissions.can_invite_members(request.user, member.organization),
            "consistency": (
                meetings_consistency(member=member, programs=attendance_programs)
                if shows_attendance
                else None
            ),
            "attendance_chart": (
                member_attendance_chart(attendance_trend) if attendance_trend else None
            ),
            "attendance_in_my_programs_only": attendance_programs is not None,
            "leadership": member_leadership_panel(member=member, user=request.user),
            "nav_section": "members",
        },
    )


def _own_member(request: HttpRequest) -> Member:
    members = list(permissions.memberships(request.user).values())
    slug = request.GET.get("org")
    for member in members:
        if slug is None or member.organization.slug == slug:
            return member
    raise Http404("You are not a member of any organisation yet.")


def _profile_save(member: Member, form: ProfileForm, formset: Any, *, by_self: bool) -> bool:
    """Save profile and availability together: both land or neither does."""
    slots = [
        (slot.weekday, slot.start_time, slot.end_time)
        for f in formset.forms
        if (slot := f.cleaned_data.get("slot")) is not None
    ]
    try:
        with transaction.atomic():
            member_update(member=member, by_self=by_self, **dict(form.cleaned_data))
            member_set_availability(member=member, slots=slots)
    except DomainError as exc:
        form_error(form, exc)
        return False
    return True


def _availability_initial(member: Member) -> list[dict[str, Any]]:
    return [
        {"weekday": s.weekday, "start_time": s.start_time, "end_time": s.end_time}
        for s in member.availability.all()
    ]


def _edit_member_page(request: HttpRequest, member: Member, *, as_admin: bool) -> HttpResponse:
    form_class = AdminMemberForm if as_admin else ProfileForm
    by_self = member.user_id == request.user.pk
    form_kwargs: dict[str, Any] = {"member": member, "by_self": by_self} if as_admin else {}
    if request.method == "POST":
        form = form_class(request.POST, **form_kwargs)
        formset = AvailabilityFormSet(request.POST, prefix="availability")
        if (
            form.is_valid()
            and formset.is_valid()
            and _profile_save(member, form, formset, by_self=by_self)
        ):
            messages.success(request, "Profile saved.")
            if as_admin:
                return redirect("orgs:member_detail", pk=member.pk)
            return redirect("orgs:profile")
    else:
        form = form_class(initial=form_class.initial_for(member), **form_kwargs)
        formset = AvailabilityFormSet(initial=_availability_initial(member), prefix="availability")
    feed = None if as_admin else calendar_feed_url(member=member)
    return render(
        request,
        "orgs/profile_edit.html",
        {
            "calendar_url": feed,
            "email_form": None
            if as_admin
            else PreferencesForm(initial=notification_preferences_initial(member=member)),
            "member": member,
            "form": form,
            "formset": formset,
            "as_admin": as_admin,
            "nav_section": "profile" if not as_admin else "members",
        },
    )


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    return _edit_member_page(request, _own_member(request), as_admin=False)


@login_required
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = selectors.member_get_for_user(user=request.user, pk=pk)
    if not permissions.can_edit_member(request.user, member):
        raise Http404
    as_admin = permissions.can_administer_organization(request.user, member.organization)
    if not as_admin:
        return redirect("orgs:profile")
    return _edit_member_page(request, member, as_admin=True)


IMPORT_SESSION_KEY = "member_import"


def _importable_org(request: HttpRequest, org_slug: str) -> Organization:
    organization = selectors.organization_get_for_user(user=request.user, slug=org_slug)
    if not permissions.can_import_members(request.user, organization):
        raise Http404
    return organization


@login_required
def member_import(request: HttpRequest, org_slug: str) -> HttpResponse:
    """Upload a CSV and see the preview; nothing is written until the confirm step."""
    organization = _importable_org(request, org_slug)
    form = MemberImportForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {
        "organization": organization,
        "form": form,
        "nav_section": "members",
    }
    if request.method == "POST" and form.is_valid():
        try:
            text = decode_upload(form.cleaned_data["file"].read(MAX_BYTES + 1))
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            report = member_import_preview(
                organization=organization,
                text=text,
                may_assign_admin=permissions.can_administer_organization(
                    request.user, organization
                ),
            )
            if report.is_valid:
                request.session[IMPORT_SESSION_KEY] = {
                    "organization": organization.pk,
                    "digest": report.digest,
                    "text": text,
                    "filename": form.cleaned_data["file"].name,
                }
            context.update(report=report, filename=form.cleaned_data["file"].name)
            return render(request, "orgs/member_import_preview.html", context)
    return render(request, "orgs/member_import.html", context)


@login_required
def member_import_template(request: HttpRequest, org_slug: str) -> HttpResponse:
    """The CSV template: every column the import reads, with one example row."""
    organization = _importable_org(request, org_slug)
    response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{organization.slug}-members.csv"'
    return response


@login_required
@require_POST
def member_import_confirm(request: HttpRequest, org_slug: str) -> HttpResponse:
    organization = _importable_org(request, org_slug)
    pending = request.session.get(IMPORT_SESSION_KEY) or {}
    if pending.get("organization") != organization.pk or not pending.get("text"):
        messages.error(request, "There is no previewed file to import. Upload it again.")
        return redirect("orgs:member_import", org_slug=organization.slug)
    imported = form_action(
        request,
        MemberImportConfirmForm(request.POST),
        save=lambda data: member_import_send(
            organization=organization,
            text=pending["text"],
            invited_by=request.user,  # type: ignore[arg-type]
            expected_digest=data["digest"],
            may_assign_admin=permissions.can_administer_organization(request.user, organization),
        ),
        invalid="The confirmation was not understood. Upload the file again.",
        success=_import_done,
    )
    if not imported:
        return redirect("orgs:member_import", org_slug=organization.slug)
    del request.session[IMPORT_SESSION_KEY]
    return redirect("orgs:directory", org_slug=organization.slug)


def _import_done(report: ImportReport) -> str:
    invited = f"{report.invited} invited (they join when they accept), " if report.invited else ""
    return (
        f"Import done: {report.added} added, {invited}{report.updated} updated, "
        f"{report.unchanged} unchanged."
    )
