"""The meeting page and the actions on it: agenda, notes, attendance, feedback and replies. htmx
posts get the changed section back; plain posts go back to the page."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from roundtable.core import permissions
from roundtable.core.form_pages import form_action
from roundtable.meetings import services
from roundtable.meetings.forms import (
    AgendaItemForm,
    AttendanceForm,
    FeedbackForm,
    NotesForm,
    RsvpForm,
)
from roundtable.meetings.models import Meeting
from roundtable.meetings.rendering import notes_render
from roundtable.meetings.selectors import (
    agenda_item_get_for_user,
    agenda_template_get,
    attendee_get_for_user,
    meeting_feedback,
    meeting_get_for_user,
    meeting_replies,
    meeting_roster,
)
from roundtable.orgs.models import Member


def _meeting_context(request: HttpRequest, meeting: Meeting) -> dict[str, Any]:
    circle = meeting.circle
    me = permissions.acting_member(request.user, circle.program.organization_id)
    roster = meeting_roster(meeting=meeting)
    feedback = meeting_feedback(meeting=meeting)
    mine = next((f for f in feedback if f.member_id == me.pk), None)
    return {
        "meeting": meeting,
        "circle": circle,
        "program": circle.program,
        "local_start": timezone.localtime(meeting.starts_at, ZoneInfo(circle.time_zone)),
        "my_start": timezone.localtime(meeting.starts_at, ZoneInfo(me.time_zone)),
        "my_time_zone": me.time_zone,
        "started": meeting.starts_at <= timezone.now(),
        "takes_part": permissions.can_take_part_in_circle(request.user, circle),
        "can_manage": permissions.can_manage_circle(request.user, circle),
        "can_edit_notes": permissions.can_edit_meeting_notes(request.user, circle),
        "notes_html": notes_render(meeting.notes),
        "roster": roster,
        "my_attendance": next((a for a in meeting.attendance.all() if a.member_id == me.pk), None),
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
        "agenda_sections": agenda_template_get(program=circle.program),
        "replies": meeting_replies(meeting=meeting),
        "nav_section": "programs",
    }


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_get_for_user(user=request.user, pk=pk)
    return render(request, "meetings/meeting_detail.html", _meeting_context(request, meeting))


def _participant(request: HttpRequest, pk: int) -> tuple[Meeting, Member]:
    """The meeting and the member acting in it; Http404 for anyone not taking part."""
    meeting = meeting_get_for_user(user=request.user, pk=pk)
    me = permissions.acting_member(request.user, meeting.circle.program.organization_id)
    if not permissions.can_take_part_in_circle(request.user, meeting.circle):
        raise Http404("No such meeting.")
    return meeting, me


def _back(meeting: Meeting, anchor: str = "") -> HttpResponse:
    return redirect(reverse("meetings:detail", args=[meeting.pk]) + anchor)


def _section(request: HttpRequest, meeting: Meeting, name: str) -> HttpResponse:
    """After a change to one section of the meeting page: htmx gets that section re-rendered
    (`meetings/_<name>.html`, messages included), a plain form post goes back to it."""
    if request.headers.get("HX-Request"):
        meeting = meeting_get_for_user(user=request.user, pk=meeting.pk)
        return render(request, f"meetings/_{name}.html", _meeting_context(request, meeting))
    return _back(meeting, f"#{name}")


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
    item = agenda_item_get_for_user(user=request.user, meeting=meeting, pk=item_pk)
    services.agenda_item_set_done(item=item, done=not item.done)
    return _section(request, meeting, "agenda")


@login_required
@require_POST
def notes_save(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_get_for_user(user=request.user, pk=pk)
    if not permissions.can_edit_meeting_notes(request.user, meeting.circle):
        raise Http404("No such meeting.")
    form = NotesForm(request.POST)
    if not form.is_valid():
        # Too long: the page again with what they typed in the box, so nothing is lost.
        messages.error(request, "Notes are limited to 50,000 characters; nothing was lost below.")
        context = _meeting_context(request, meeting)
        context["notes_form"] = form
        return render(request, "meetings/meeting_detail.html", context, status=400)
    form_action(
        request,
        form,
        save=lambda data: services.meeting_notes_save(meeting=meeting, notes=data["notes"]),
        invalid="Notes are limited to 50,000 characters.",
        success="Notes saved.",
    )
    return _back(meeting, "#notes")


@login_required
@require_POST
def attendance_mark(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    """The lead (or a coordinator, an admin) records anyone's attendance; a member their own."""
    meeting = meeting_get_for_user(user=request.user, pk=pk)
    me = permissions.acting_member(request.user, meeting.circle.program.organization_id)
    member = attendee_get_for_user(user=request.user, meeting=meeting, pk=member_pk)
    managing = permissions.can_manage_circle(request.user, meeting.circle)
    reporting_self = me.pk == member.pk and permissions.can_take_part_in_circle(
        request.user, meeting.circle
    )
    if not (managing or reporting_self):
        raise Http404("No such member.")
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
    return _back(meeting, "#feedback")


@login_required
@require_POST
def rsvp_signed_in(request: HttpRequest, pk: int) -> HttpResponse:
    """A reply from the meeting page or the home page (`next=home` goes back there)."""
    meeting, me = _participant(request, pk)
    form_action(
        request,
        RsvpForm(request.POST),
        save=lambda data: services.rsvp_set(meeting=meeting, member=me, **data),
        invalid="Reply yes or no.",
        success=f"Reply saved for {meeting.circle.name}.",
    )
    if request.POST.get("next", "") == "home":
        return redirect("home:home")
    return _back(meeting)
