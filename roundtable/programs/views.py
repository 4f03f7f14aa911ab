"""Program pages: list, detail, create, edit, enrolment."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from roundtable.circles.selectors import my_circles, program_circles, program_unplaced_members
from roundtable.circles.services import program_withdraw
from roundtable.core import permissions
from roundtable.core.form_pages import form_action, form_page, service_action
from roundtable.orgs.models import Organization
from roundtable.orgs.selectors import organization_get_for_user, organizations_for_user
from roundtable.programs import selectors
from roundtable.programs.forms import EnrolForm, EnrolGroupForm, ProgramForm
from roundtable.programs.models import Program
from roundtable.programs.services import program_create, program_enrol, program_update


@login_required
def program_list(request: HttpRequest) -> HttpResponse:
    creatable = [
        org
        for org in organizations_for_user(user=request.user)
        if permissions.can_create_program(request.user, org)
    ]
    return render(
        request,
        "programs/program_list.html",
        {
            "programs": selectors.programs_for_user(user=request.user),
            "creatable": creatable,
            "nav_section": "programs",
        },
    )


def _creatable_org(request: HttpRequest) -> Organization:
    orgs = [
        o
        for o in organizations_for_user(user=request.user)
        if permissions.can_create_program(request.user, o)
    ]
    slug = request.GET.get("org")
    if slug:
        org = organization_get_for_user(user=request.user, slug=slug)
        if org in orgs:
            return org
    elif orgs:
        return orgs[0]
    raise Http404


@login_required
def program_create_view(request: HttpRequest) -> HttpResponse:
    organization = _creatable_org(request)
    me = permissions.member_in(request.user, organization.pk)
    form = ProgramForm(
        request.POST or None,
        organization=organization,
        initial={"coordinators": [me.pk] if me else [], "status": "draft"},
    )
    return form_page(
        request,
        form,
        save=lambda data: program_create(organization=organization, **data),
        success=lambda program: f"Program “{program.name}” created.",
        then=lambda program: reverse("programs:detail", args=[program.pk]),
        title="New program",
        subtitle=organization.name,
        submit_label="Create program",
        cancel_url=reverse("programs:list"),
    )


@login_required
def program_detail(request: HttpRequest, pk: int) -> HttpResponse:
    program = selectors.program_get_for_user(user=request.user, pk=pk)
    overview = permissions.can_view_program_overview(request.user, program)
    can_manage = permissions.can_manage_program(request.user, program)
    context: dict[str, Any] = {
        "program": program,
        "overview": overview,
        "can_manage": can_manage,
        "roles": permissions.program_roles(request.user, program),
        "nav_section": "programs",
    }
    if overview:
        context["circles"] = program_circles(program=program, user=request.user)
        context["enrolments"] = selectors.program_enrolments(program=program)
        context["unplaced"] = program_unplaced_members(program=program)
    else:
        context["circles"] = my_circles(user=request.user).filter(program=program)
    if can_manage:
        query = request.GET.get("q", "").strip()[:100]
        shown = selectors.CANDIDATES_SHOWN
        candidates = list(selectors.enrolment_candidates(program=program, query=query)[: shown + 1])
        context.update(
            enrol_query=query,
            candidates=candidates[:shown],
            more_candidates=len(candidates) > shown,
            enrol_groups=selectors.enrolment_groups(program=program),
        )
    return render(request, "programs/program_detail.html", context)


def _managed_program(request: HttpRequest, pk: int) -> Program:
    return selectors.program_get_for_user(
        user=request.user, pk=pk, can=permissions.can_manage_program
    )


@login_required
def program_edit(request: HttpRequest, pk: int) -> HttpResponse:
    program = _managed_program(request, pk)
    form = ProgramForm(
        request.POST or None,
        organization=program.organization,
        initial=ProgramForm.initial_for(program),
    )
    detail = reverse("programs:detail", args=[program.pk])
    return form_page(
        request,
        form,
        save=lambda data: program_update(program=program, **data),
        success="Program saved.",
        then=detail,
        title=f"Edit {program.name}",
        subtitle=program.organization.name,
        submit_label="Save",
        cancel_url=detail,
    )


@login_required
@require_POST
def program_enrol_view(request: HttpRequest, pk: int) -> HttpResponse:
    program = _managed_program(request, pk)
    form_action(
        request,
        EnrolForm(request.POST, program=program),
        save=lambda data: program_enrol(program=program, members=data["members"]),
        invalid="Choose at least one member to enrol.",
        success=lambda enrolled: f"{len(enrolled)} enrolled.",
    )
    return redirect("programs:detail", pk=program.pk)


@login_required
@require_POST
def program_enrol_group_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Enrol everyone not enrolled yet with a job role, in a department, or both."""
    program = _managed_program(request, pk)
    groups = selectors.enrolment_groups(program=program)
    form = EnrolGroupForm(
        request.POST,
        job_roles=[group.name for group in groups.job_roles],
        departments=[group.name for group in groups.departments],
    )

    def enrolled_message(enrolled: list[object]) -> str:
        data = form.cleaned_data
        who = " ".join(
            part
            for part, value in (
                (f"with job role {data['job_title']}", data["job_title"]),
                (f"in {data['department']}", data["department"]),
            )
            if value
        )
        if not enrolled:
            return f"Everyone {who} was already enrolled."
        return f"{len(enrolled)} enrolled: everyone {who}."

    form_action(
        request,
        form,
        save=lambda data: program_enrol(
            program=program,
            members=selectors.enrolment_candidates(
                program=program, job_title=data["job_title"], department=data["department"]
            ),
        ),
        invalid="Choose a job role, a department or both.",
        success=enrolled_message,
    )
    return redirect("programs:detail", pk=program.pk)


@login_required
@require_POST
def program_withdraw_view(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    program = _managed_program(request, pk)
    member = selectors.enrolled_member_get(program=program, member_pk=member_pk)
    service_action(
        request,
        lambda: program_withdraw(program=program, member=member),
        success=f"{member} withdrawn from {program}; their history is kept.",
    )
    return redirect("programs:detail", pk=program.pk)
