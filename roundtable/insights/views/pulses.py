"""The pulse's pages: a circle's pulse (the five statements for its members, the anonymity
promise, the results trend with the stage reading for everyone who may see the circle) and a
program's pulse schedule (coordinators and admins set it; the sponsor reads it).

Someone who may not see the circle or program gets a 404; someone who sees it but may not act
(a coordinator answering a circle's pulse, a member opening the program's schedule) is told why
and nothing changes."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from roundtable.circles.models import Circle
from roundtable.circles.selectors import circle_get_for_user
from roundtable.core import permissions
from roundtable.core.errors import DomainError
from roundtable.core.form_pages import form_error
from roundtable.insights.forms.pulses import SCALE, PulseAnswerForm, PulseScheduleForm
from roundtable.insights.models import PULSE_MIN_ANSWERS, PULSE_STATEMENTS
from roundtable.insights.selectors.pulses import (
    STAGE_NOTES,
    PulsePeriodResult,
    Stage,
    circle_today,
    pulse_chart,
    pulse_current_period,
    pulse_program_circles,
    pulse_progress_of,
    pulse_prompts,
    pulse_results,
    pulse_schedule_of,
)
from roundtable.insights.services.pulses import (
    NOT_IN_CIRCLE,
    PulseAlreadyAnswered,
    pulse_answer,
    pulse_schedule_set,
)
from roundtable.programs.models import Program
from roundtable.programs.selectors import program_get_for_user

SCHEDULE_NOT_FOR_YOU = (
    "The pulse schedule is for the program's coordinators, its sponsor and the organisation's "
    "admins. Your circle's pulse is on your circle's page."
)
SCHEDULE_READ_ONLY = "Only the program's coordinators and the organisation's admins change it."


def _results_context(circle: Circle, *, today: Any) -> dict[str, Any]:
    results: list[PulsePeriodResult] = pulse_results([circle.pk], today=today, with_comments=True)[
        circle.pk
    ]
    latest = next((r for r in reversed(results) if r.shown), None)
    return {
        "results": results,
        "latest": latest,
        "pulse_chart": pulse_chart(results) if latest else None,
        # Newest first; the latest shown period's comments are above them, on their own.
        "earlier_comments": [
            r for r in reversed(results) if r.shown and r.comments and r is not latest
        ],
        "stages": [(stage, STAGE_NOTES[stage]) for stage in Stage],
        "min_answers": PULSE_MIN_ANSWERS,
    }


@login_required
def pulse_answer_page(request: HttpRequest, circle_pk: int) -> HttpResponse:
    circle = circle_get_for_user(user=request.user, pk=circle_pk)
    now = timezone.now()
    today = circle_today(circle, now)
    prompt = next(iter(pulse_prompts(user=request.user, circles=[circle], now=now)), None)
    can_answer = permissions.can_answer_pulse(request.user, circle)
    form = PulseAnswerForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if not can_answer:
            messages.error(request, NOT_IN_CIRCLE)
        elif form.is_valid():
            me = permissions.acting_member(request.user, circle.program.organization_id)
            try:
                pulse_answer(
                    circle,
                    by=me,
                    today=today,
                    answers=form.answers(),
                    comment=form.cleaned_data["comment"],
                )
            except PulseAlreadyAnswered as exc:
                messages.error(request, exc.message)
            except DomainError as exc:
                form_error(form, exc)
            else:
                messages.success(
                    request,
                    "Thank you: your answer is in, anonymously. Nothing links it to you.",
                )
                return redirect(reverse("insights:pulse_answer", args=[circle.pk]))
    return render(
        request,
        "insights/pulse_answer.html",
        {
            "circle": circle,
            "program": circle.program,
            "prompt": prompt,
            "can_answer": can_answer,
            "form": form,
            "scale": SCALE,
            "statements": PULSE_STATEMENTS,
            "can_set_schedule": permissions.can_set_pulse_schedule(request.user, circle.program),
            "nav_section": "programs",
            **_results_context(circle, today=today),
        },
        status=status,
    )


def _program_today(program: Program) -> Any:
    return timezone.localdate(timezone.now(), ZoneInfo(program.organization.time_zone))


@login_required
def pulse_schedule_page(request: HttpRequest, program_pk: int) -> HttpResponse:
    program = program_get_for_user(user=request.user, pk=program_pk)
    if not permissions.can_view_program_dashboard(request.user, program):
        return render(
            request,
            "insights/pulse_refused.html",
            {"program": program, "message": SCHEDULE_NOT_FOR_YOU, "nav_section": "programs"},
            status=403,
        )
    can_set = permissions.can_set_pulse_schedule(request.user, program)
    today = _program_today(program)
    schedule = pulse_schedule_of(program.pk)
    initial = {"active": True, "every_weeks": 4}
    if schedule is not None:
        initial = {"active": schedule.active, "every_weeks": schedule.every_weeks}
    form = PulseScheduleForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if not can_set:
            messages.error(request, SCHEDULE_READ_ONLY)
            status = 403
        elif form.is_valid():
            me = permissions.acting_member(request.user, program.organization_id)
            try:
                schedule = pulse_schedule_set(
                    program,
                    by=me,
                    active=form.cleaned_data["active"],
                    every_weeks=form.cleaned_data["every_weeks"],
                    today=today,
                )
            except DomainError as exc:
                form_error(form, exc)
            else:
                messages.success(
                    request,
                    f"The pulse check runs {schedule.get_every_weeks_display().lower()}."
                    if schedule.active
                    else "The pulse check is off: members are not asked until it is on again.",
                )
                return redirect(reverse("insights:pulse_schedule", args=[program.pk]))
    period = pulse_current_period(schedule, today=today)
    circles = pulse_program_circles(program_id=program.pk, period_start=period[0]) if period else []
    progress = pulse_progress_of(circles)
    return render(
        request,
        "insights/pulse_schedule.html",
        {
            "program": program,
            "schedule": schedule,
            "period": period,
            "progress": progress,
            "circles": circles,
            "can_set": can_set,
            "form": form,
            "min_answers": PULSE_MIN_ANSWERS,
            "nav_section": "programs",
        },
        status=status,
    )
