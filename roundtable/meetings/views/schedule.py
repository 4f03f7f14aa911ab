"""Pages that change when a circle meets: its schedule (with a preview of what a change does),
moving, cancelling or restoring one meeting, and the structure every meeting of a program
follows."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from roundtable.circles.models import Circle
from roundtable.circles.selectors import circle_get_for_user
from roundtable.core import permissions
from roundtable.core.errors import DomainError
from roundtable.core.form_pages import form_error, form_page
from roundtable.meetings import services
from roundtable.meetings.forms import (
    AgendaTemplateForm,
    CancelForm,
    MoveForm,
    RestoreForm,
    ScheduleForm,
    SuggestedSlotForm,
)
from roundtable.meetings.models import Meeting, Schedule
from roundtable.meetings.selectors import (
    agenda_template_get,
    circle_schedule,
    circle_slot_suggestions,
    meeting_get_for_user,
)
from roundtable.meetings.services.schedules import ScheduleChangeUnconfirmed
from roundtable.programs.selectors import program_get_for_user
from roundtable.timeslots.recurrence import to_aware

SCHEDULE_FIELDS = (
    "frequency", "weekday", "nth", "start_time", "duration_minutes", "starts_on", "ends_on",
    "reminder_lead_hours",
)  # fmt: skip


def _schedule_initial(request: HttpRequest, circle: Circle, schedule: Schedule | None) -> dict:
    initial: dict[str, Any] = {
        "frequency": circle.program.cadence,
        "duration_minutes": 60,
        "reminder_lead_hours": 24,
        "starts_on": max(timezone.localdate(), circle.program.start_date),
    }
    if schedule:
        initial.update({f: getattr(schedule, f) for f in SCHEDULE_FIELDS})
    # A suggested time, chosen with one click, fills in its weekday and time.
    slot = SuggestedSlotForm(request.GET)
    if slot.is_valid():
        initial.update(slot.cleaned_data)
        if initial["frequency"] == "monthly" and not initial.get("nth"):
            initial["frequency"] = Schedule.Frequency.WEEKLY
    return initial


@login_required
def schedule_edit(request: HttpRequest, circle_pk: int) -> HttpResponse:
    """Set the circle's rhythm. A change that moves or cancels meetings already planned is
    shown first (what each holds, where open agenda items go) and applied on confirmation."""
    circle = circle_get_for_user(user=request.user, pk=circle_pk)
    if not permissions.can_manage_circle(request.user, circle):
        raise Http404("No such circle.")
    schedule = circle_schedule(circle=circle)
    form = ScheduleForm(request.POST or None, initial=_schedule_initial(request, circle, schedule))
    preview: ScheduleChangeUnconfirmed | None = None
    if request.method == "POST" and form.is_valid():
        try:
            services.schedule_set(
                circle=circle, confirm=request.POST.get("confirm", ""), **form.cleaned_data
            )
        except ScheduleChangeUnconfirmed as exc:
            preview = exc
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, "Schedule saved; the coming meetings follow it.")
            return redirect("circles:detail", circle.pk)
    duration = schedule.duration_minutes if schedule else 60
    return render(
        request,
        "meetings/schedule_form.html",
        {
            "form": form,
            "circle": circle,
            "preview": preview,
            "plan": preview.plan if preview else None,
            "title": f"{circle.name}: when it meets",
            "subtitle": f"Times are in {circle.time_zone} time. Meetings moved or cancelled one "
            "by one keep their changes.",
            "cancel_url": reverse("circles:detail", args=[circle.pk]),
            "nav_section": "programs",
            "suggestions": circle_slot_suggestions(circle=circle, duration_minutes=duration),
        },
    )


def _managed_meeting(request: HttpRequest, pk: int) -> Meeting:
    meeting = meeting_get_for_user(user=request.user, pk=pk)
    if not permissions.can_manage_circle(request.user, meeting.circle):
        raise Http404("No such meeting.")
    return meeting


@login_required
def meeting_move(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _managed_meeting(request, pk)
    tz = ZoneInfo(meeting.circle.time_zone)
    form = MoveForm(
        request.POST or None,
        initial={
            "starts_at": timezone.localtime(meeting.starts_at, tz).replace(tzinfo=None),
            "duration_minutes": meeting.duration_minutes,
        },
    )

    def save(data: dict[str, Any]) -> Meeting:
        entered: dt.datetime = data["starts_at"]
        # The person typed a wall-clock time in the circle's zone; read it that way.
        naive = timezone.make_naive(entered) if timezone.is_aware(entered) else entered
        return services.meeting_move(
            meeting=meeting,
            starts_at=to_aware(naive, tz),
            duration_minutes=data["duration_minutes"],
            reason=data["reason"],
        )

    detail = reverse("meetings:detail", args=[meeting.pk])
    return form_page(
        request,
        form,
        save=save,
        success="Meeting moved; the rest of the series is unchanged.",
        then=detail,
        title="Move this meeting",
        subtitle=f"{meeting.circle.name} · times in {meeting.circle.time_zone} time",
        submit_label="Move meeting",
        cancel_url=detail,
    )


@login_required
def meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _managed_meeting(request, pk)
    detail = reverse("meetings:detail", args=[meeting.pk])
    return form_page(
        request,
        CancelForm(request.POST or None),
        save=lambda data: services.meeting_cancel(meeting=meeting, reason=data["reason"]),
        success="Meeting cancelled; it stays in the circle's record.",
        then=detail,
        title="Cancel this meeting",
        subtitle=meeting.circle.name,
        submit_label="Cancel meeting",
        cancel_url=detail,
    )


@login_required
def meeting_restore(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _managed_meeting(request, pk)
    detail = reverse("meetings:detail", args=[meeting.pk])
    return form_page(
        request,
        RestoreForm(request.POST or None),
        save=lambda data: services.meeting_restore(meeting=meeting, reason=data["reason"]),
        success="Meeting restored; everyone told of the cancellation hears it is back on.",
        then=detail,
        title="Restore this meeting",
        subtitle=f"{meeting.circle.name} · it takes place at its time after all",
        submit_label="Restore meeting",
        cancel_url=detail,
    )


@login_required
def agenda_template_edit(request: HttpRequest, program_pk: int) -> HttpResponse:
    program = program_get_for_user(user=request.user, pk=program_pk)
    if not permissions.can_manage_program(request.user, program):
        raise Http404("No such program.")
    current = "\n".join(
        f"{title}: {text}" if text else title
        for title, text in agenda_template_get(program=program)
    )
    detail = reverse("programs:detail", args=[program.pk])
    return form_page(
        request,
        AgendaTemplateForm(request.POST or None, initial={"text": current}),
        save=lambda data: services.agenda_template_set(program=program, text=data["text"]),
        success="Meeting structure saved for every circle of the program.",
        then=detail,
        title="How every meeting runs",
        subtitle=program.name,
        submit_label="Save",
        cancel_url=detail,
    )
