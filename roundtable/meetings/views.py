"""Meeting pages: the circle's schedule, each meeting (agenda, notes, attendance, feedback),
moving and cancelling one meeting."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from roundtable.circles.selectors import circle_get_for_user
from roundtable.core import permissions
from roundtable.core.errors import DomainError
from roundtable.core.form_pages import form_action, form_page
from roundtable.meetings import services
from roundtable.meetings.calendar import events_from_queryset, meetings_ics
from roundtable.meetings.forms import (
    AgendaItemForm,
    AttendanceForm,
    CancelForm,
    FeedbackForm,
    MoveForm,
    NotesForm,
    ScheduleForm,
)
from roundtable.meetings.models import AgendaItem, CalendarFeed, Meeting, Schedule
from roundtable.meetings.selectors import (
    circle_slot_suggestions,
    meeting_get_for_user,
    meetings_for_member_feed,
)
from roundtable.orgs.models import Member
from roundtable.programs.selectors import program_get_for_user
from roundtable.timeslots.recurrence import to_aware


@login_required
def schedule_edit(request: HttpRequest, circle_pk: int) -> HttpResponse:
    circle = circle_get_for_user(user=request.user, pk=circle_pk)
    if not permissions.can_manage_circle(request.user, circle):
        raise Http404
    schedule = Schedule.objects.filter(circle=circle).first()
    initial: dict[str, Any] = {
        "frequency": circle.program.cadence,
        "duration_minutes": 60,
        "reminder_lead_hours": 24,
        "starts_on": timezone.localdate(),
    }
    if schedule:
        initial.update(
            {
                f: getattr(schedule, f)
                for f in ("frequency", "weekday", "nth", "start_time", "duration_minutes",
                          "starts_on", "ends_on", "reminder_lead_hours")
            }
        )  # fmt: skip
    form = ScheduleForm(request.POST or None, initial=initial)
    return form_page(
        request,
        form,
        save=lambda data: services.schedule_set(circle=circle, **data),
        success="Schedule saved; the coming meetings follow it.",
        then=reverse("circles:detail", args=[circle.pk]),
        title=f"{circle.name}: when it meets",
        subtitle=f"Times are in {circle.time_zone} time. Meetings moved or cancelled one by "
        "one keep their changes.",
        submit_label="Save schedule",
        cancel_url=reverse("circles:detail", args=[circle.pk]),
        template="meetings/schedule_form.html",
        extra={
            "circle": circle,
            "suggestions": circle_slot_suggestions(
                circle=circle, duration_minutes=(schedule.duration_minutes if schedule else 60)
            ),
        },
    )


def _me(request: HttpRequest, meeting: Meeting) -> Member | None:
    return permissions.member_in(request.user, meeting.circle.program.organization_id)


def _meeting_context(request: HttpRequest, meeting: Meeting) -> dict[str, Any]:
    circle = meeting.circle
    me = _me(request, meeting)
    now = timezone.now()
    started = meeting.starts_at <= now
    takes_part = permissions.can_take_part_in_circle(request.user, circle)
    can_manage = permissions.can_manage_circle(request.user, circle)
    roster = list(
        circle.memberships.filter(joined_on__lte=timezone.localdate(meeting.starts_at))
        .filter(models_q_left_after(meeting))
        .select_related("member__user")
        .order_by("member__user__full_name")
    )
    marks = {a.member_id: a for a in meeting.attendance.all()}
    feedback = list(meeting.feedback.select_related("member__user").order_by("created_at"))
    mine = next((f for f in feedback if me and f.member_id == me.pk), None)
    return {
        "meeting": meeting,
        "circle": circle,
        "program": circle.program,
        "local_start": timezone.localtime(meeting.starts_at, ZoneInfo(circle.time_zone)),
        "my_start": timezone.localtime(meeting.starts_at, ZoneInfo(me.time_zone)) if me else None,
        "my_time_zone": me.time_zone if me else circle.time_zone,
        "started": started,
        "takes_part": takes_part,
        "can_manage": can_manage,
        "can_edit_notes": permissions.can_edit_meeting_notes(request.user, circle),
        "notes_html": services.render_notes(meeting.notes),
        "roster": [(m.member, marks.get(m.member_id)) for m in roster],
        "my_attendance": marks.get(me.pk) if me else None,
        "feedback": feedback,
        "feedback_average": (
            round(sum(f.rating for f in feedback) / len(feedback), 1) if feedback else None
        ),
        "agenda_form": AgendaItemForm(),
        "notes_form": NotesForm(initial={"notes": meeting.notes}),
        "attendance_form": AttendanceForm(),
        "feedback_form": FeedbackForm(
            initial={"rating": mine.rating, "comment": mine.comment} if mine else None
        ),
        "my_feedback": mine,
        "agenda_sections": services.agenda_template_for(program=circle.program),
        "replies": {r.member_id: r.response for r in meeting.rsvps.all()},
        "nav_section": "programs",
    }


def models_q_left_after(meeting: Meeting) -> Any:
    from django.db.models import Q

    return Q(left_on__isnull=True) | Q(left_on__gte=timezone.localdate(meeting.starts_at))


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_get_for_user(user=request.user, pk=pk)
    return render(request, "meetings/meeting_detail.html", _meeting_context(request, meeting))


def _participant(request: HttpRequest, pk: int) -> tuple[Meeting, Member]:
    meeting = meeting_get_for_user(user=request.user, pk=pk)
    me = _me(request, meeting)
    if me is None or not permissions.can_take_part_in_circle(request.user, meeting.circle):
        raise Http404
    return meeting, me


def _back(request: HttpRequest, meeting: Meeting, anchor: str = "") -> HttpResponse:
    return redirect(reverse("meetings:detail", args=[meeting.pk]) + anchor)


def _section(request: HttpRequest, meeting: Meeting, name: str) -> HttpResponse:
    """After a change to one section of the meeting page: htmx gets that section re-rendered
    (`meetings/_<name>.html`, messages included), a plain form post goes back to it."""
    if request.headers.get("HX-Request"):
        meeting = meeting_get_for_user(user=request.user, pk=meeting.pk)
        return render(request, f"meetings/_{name}.html", _meeting_context(request, meeting))
    return _back(request, meeting, f"#{name}")


@login_required
@require_POST
def agenda_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting, me = _participant(request, pk)
    form_action(
        request,
        AgendaItemForm(request.POST),
        save=lambda data: services.agenda_item_add(meeting=meeting, member=me, **data),
        invalid="Give the agenda item a title (200 characters at most).",
    )
    return _section(request, meeting, "agenda")


@login_required
@require_POST
def agenda_toggle(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    meeting, _ = _participant(request, pk)
    item = get_object_or_404(AgendaItem, pk=item_pk, meeting=meeting)
    services.agenda_item_set_done(item=item, done=not item.done)
    return _section(request, meeting, "agenda")


@login_required
@require_POST
def notes_save(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_get_for_user(user=request.user, pk=pk)
    if not permissions.can_edit_meeting_notes(request.user, meeting.circle):
        raise Http404
    form = NotesForm(request.POST)
    if form.is_valid():
        try:
            services.meeting_notes_save(meeting=meeting, notes=form.cleaned_data["notes"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Notes saved.")
    else:
        messages.error(request, "Notes are limited to 50,000 characters; nothing was lost below.")
        context = _meeting_context(request, meeting)
        context["notes_form"] = form
        return render(request, "meetings/meeting_detail.html", context, status=400)
    return _back(request, meeting, "#notes")


@login_required
@require_POST
def attendance_mark(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    meeting = meeting_get_for_user(user=request.user, pk=pk)
    me = _me(request, meeting)
    member = get_object_or_404(
        Member, pk=member_pk, organization=meeting.circle.program.organization
    )
    managing = permissions.can_manage_circle(request.user, meeting.circle)
    reporting_self = (
        me is not None
        and me.pk == member.pk
        and permissions.can_take_part_in_circle(request.user, meeting.circle)
    )
    if me is None or not (managing or reporting_self):
        raise Http404
    form_action(
        request,
        AttendanceForm(request.POST),
        save=lambda data: services.attendance_set(
            meeting=meeting, member=member, status=data["status"], reported_by=me
        ),
        invalid="Choose present, absent or excused.",
    )
    return _section(request, meeting, "attendance")


@login_required
@require_POST
def feedback_give(request: HttpRequest, pk: int) -> HttpResponse:
    meeting, me = _participant(request, pk)
    form_action(
        request,
        FeedbackForm(request.POST),
        save=lambda data: services.feedback_give(meeting=meeting, member=me, **data),
        invalid="Choose a rating from 1 to 5.",
        success="Thank you: your feedback is in.",
    )
    return _back(request, meeting, "#feedback")


def _managed_meeting(request: HttpRequest, pk: int) -> Meeting:
    meeting = meeting_get_for_user(user=request.user, pk=pk)
    if not permissions.can_manage_circle(request.user, meeting.circle):
        raise Http404
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


def _ics_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def meeting_ics(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_get_for_user(user=request.user, pk=pk)
    return _ics_response(
        meetings_ics([meeting], name=meeting.circle.name), f"meeting-{meeting.pk}.ics"
    )


def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The secret subscription URL: calendar apps fetch it without signing in."""
    feed = (
        CalendarFeed.objects.select_related("member__user")
        .filter(token=token, member__is_active=True, member__user__is_active=True)
        .first()
    )
    if feed is None:
        raise Http404("This calendar link was reset or never existed.")
    events = events_from_queryset(meetings_for_member_feed(member=feed.member))
    response = _ics_response(meetings_ics(events, name="Roundtable circles"), "roundtable.ics")
    response["Content-Disposition"] = 'inline; filename="roundtable.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
@require_POST
def calendar_feed_reset_view(request: HttpRequest) -> HttpResponse:
    members = list(permissions.memberships(request.user).values())
    if not members:
        raise Http404
    for member in members:
        services.calendar_feed_reset(member=member)
    messages.success(request, "Your calendar link is new; the old one no longer works.")
    return redirect(reverse("orgs:profile") + "#calendar")


def rsvp(request: HttpRequest, token: str) -> HttpResponse:
    """One-click reply from the reminder email, without signing in. The link itself records the
    reply; the page offers the other answer in case of a wrong click."""
    try:
        meeting, member, response = services.rsvp_from_token(token=token)
    except services.RsvpLinkInvalid as exc:
        return render(request, "meetings/rsvp.html", {"error": exc.message}, status=410)
    if request.method == "POST":
        response = request.POST.get("response", "")
        if response not in ("yes", "no"):
            return render(request, "meetings/rsvp.html", {"error": "Reply yes or no."}, status=400)
    services.rsvp_set(meeting=meeting, member=member, response=response)
    other = "no" if response == "yes" else "yes"
    return render(
        request,
        "meetings/rsvp.html",
        {
            "meeting": meeting,
            "member": member,
            "response": response,
            "starts": timezone.localtime(meeting.starts_at, ZoneInfo(member.time_zone)),
            "other": other,
            "other_token": services.rsvp_token(meeting=meeting, member=member, response=other),
        },
    )


@login_required
@require_POST
def rsvp_signed_in(request: HttpRequest, pk: int) -> HttpResponse:
    meeting, me = _participant(request, pk)
    try:
        services.rsvp_set(meeting=meeting, member=me, response=request.POST.get("response", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Reply saved for {meeting.circle.name}.")
    next_url = request.POST.get("next", "")
    if next_url == "home":
        return redirect("home:home")
    return _back(request, meeting)


class AgendaTemplateForm(forms.Form):
    text = forms.CharField(
        label="Steps of every meeting",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="One step per line, as “Title: what happens”. Circles see it on each meeting.",
    )


@login_required
def agenda_template_edit(request: HttpRequest, program_pk: int) -> HttpResponse:
    program = program_get_for_user(user=request.user, pk=program_pk)
    if not permissions.can_manage_program(request.user, program):
        raise Http404
    current = "\n".join(
        f"{title}: {text}" if text else title
        for title, text in services.agenda_template_for(program=program)
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
