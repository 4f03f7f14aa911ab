"""The meeting page and the actions on it: agenda, notes, attendance, feedback and replies. htmx
posts get the changed section back; plain posts go back to the page, or show it again with the
form's problem next to the field (and what was typed kept) when a post cannot be saved."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from roundtable.commitments.forms import MeetingCommitmentForm
from roundtable.commitments.selectors.commitments import circle_people, meeting_commitments
from roundtable.core import permissions
from roundtable.core.errors import DomainError
from roundtable.core.form_pages import form_action, form_error, service_action
from roundtable.ideas.selectors.agenda import meeting_ideas
from roundtable.meetings import services
from roundtable.meetings.forms import (
    AgendaItemForm,
    AgendaMoveForm,
    AttendanceForm,
    FeedbackForm,
    NotesForm,
    RsvpForm,
)
from roundtable.meetings.models import AgendaItem, Meeting, Rsvp
from roundtable.meetings.rendering import notes_render
from roundtable.meetings.selectors import (
    agenda_item_get_for_user,
    agenda_template_get,
    attendee_get_for_user,
    feedback_given_anonymously,
    meeting_agenda,
    meeting_feedback,
    meeting_get_for_user,
    meeting_notes_history,
    meeting_replies,
    meeting_roster,
)
from roundtable.meetings.views.rotation import meeting_runner_context
from roundtable.orgs.models import Member


def _meeting_context(request: HttpRequest, meeting: Meeting) -> dict[str, Any]:
    circle = meeting.circle
    me = permissions.acting_member(request.user, circle.program.organization_id)
    roster = meeting_roster(meeting=meeting)
    feedback = meeting_feedback(meeting=meeting)
    mine = next((f for f in feedback if f.member_id == me.pk), None)
    my_attendance = next((mark for member, mark in roster if member.pk == me.pk), None)
    agenda = meeting_agenda(meeting=meeting)
    for item in agenda:
        item.can_change = permissions.can_change_agenda_item(  # type: ignore[attr-defined]
            request.user, circle, item.added_by_id
        )
    started = meeting.starts_at <= timezone.now()
    takes_part = permissions.can_take_part_in_circle(request.user, circle)
    replies = meeting_replies(meeting=meeting)
    # Only the member can tell they answered anonymously: the receipt is found from their id.
    gave_anonymously = (
        takes_part and started and feedback_given_anonymously(meeting=meeting, member=me)
    )
    return {
        "meeting": meeting,
        "circle": circle,
        "program": circle.program,
        "local_start": timezone.localtime(meeting.starts_at, ZoneInfo(circle.time_zone)),
        "my_start": timezone.localtime(meeting.starts_at, ZoneInfo(me.time_zone)),
        "my_time_zone": me.time_zone,
        "started": started,
        "takes_part": takes_part,
        "can_manage": permissions.can_manage_circle(request.user, circle),
        "can_edit_notes": permissions.can_edit_meeting_notes(request.user, circle),
        "notes_html": notes_render(meeting.notes),
        "notes_history": meeting_notes_history(meeting=meeting),
        "agenda": agenda,
        "roster": roster,
        "attendance_choices": services.attendance_choices(meeting=meeting),
        "my_attendance": my_attendance,
        "my_reply": replies.get(me.pk),
        "reply_choices": Rsvp.Response.choices,
        "can_reply": takes_part and not started and not meeting.is_cancelled,
        # Feedback comes from those who were there: not from someone recorded absent or excused.
        "can_give_feedback": takes_part
        and started
        and (my_attendance is None or my_attendance.status == "present"),
        "feedback": feedback,
        "feedback_average": (
            round(sum(f.rating for f in feedback) / len(feedback), 1) if feedback else None
        ),
        "agenda_form": AgendaItemForm(),
        "notes_form": NotesForm(initial={"notes": meeting.notes, "version": meeting.notes_version}),
        "attendance_form": AttendanceForm(),
        "feedback_form": FeedbackForm(
            initial={"rating": mine.rating, "comment": mine.comment} if mine else None
        ),
        "my_feedback": mine,
        "gave_anonymously": gave_anonymously,
        "agenda_sections": agenda_template_get(program=circle.program),
        "replies": replies,
        # Open critique's part (pages may read any app; meetings' own modules never import it).
        **meeting_ideas(meeting=meeting),
        # Commitments' part: made in this meeting, due since the last, and the one-line form.
        **meeting_commitments(meeting=meeting),
        "commitment_form": (
            MeetingCommitmentForm(people=circle_people(circle=circle), me=me)
            if permissions.can_ask_for_commitment(request.user, circle)
            else None
        ),
        # Who runs it (the rotating lead), and a volunteer's "I'll run this one".
        **meeting_runner_context(request, meeting, me),
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


def _page_again(
    request: HttpRequest, meeting: Meeting, form_name: str, form: forms.Form, **extra: Any
) -> HttpResponse:
    """The page again with a form that could not be saved: its errors next to its fields, what
    was typed kept, and the first problem said at the top."""
    problems = [str(error) for errors in form.errors.values() for error in errors]
    messages.error(request, problems[0] if problems else "This could not be saved.")
    context = {**_meeting_context(request, meeting), form_name: form, **extra}
    return render(request, "meetings/meeting_detail.html", context, status=400)


# --- agenda ----------------------------------------------------------------------------------


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


def _changeable_item(request: HttpRequest, pk: int, item_pk: int) -> tuple[Meeting, AgendaItem]:
    """An agenda item the user may edit, move or remove (its author, the lead, coordinators,
    admins); Http404 for anyone else, as for an item they cannot see."""
    meeting = meeting_get_for_user(user=request.user, pk=pk)
    item = agenda_item_get_for_user(user=request.user, meeting=meeting, pk=item_pk)
    if not permissions.can_change_agenda_item(request.user, meeting.circle, item.added_by_id):
        raise Http404("No such agenda item.")
    return meeting, item


@login_required
@require_POST
def agenda_edit(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    meeting, item = _changeable_item(request, pk, item_pk)
    form_action(
        request,
        AgendaItemForm(request.POST, prefix=f"item-{item.pk}", editing=True),
        save=lambda data: services.agenda_item_update(item=item, **data),
        invalid="Give the agenda item a title (200 characters at most).",
        success=lambda saved: f"“{saved.title}” updated.",
    )
    return _section(request, meeting, "agenda")


@login_required
@require_POST
def agenda_move(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    meeting, item = _changeable_item(request, pk, item_pk)
    form_action(
        request,
        AgendaMoveForm(request.POST),
        save=lambda data: services.agenda_item_move(item=item, up=data["direction"] == "up"),
        invalid="Move the item up or down.",
    )
    return _section(request, meeting, "agenda")


@login_required
@require_POST
def agenda_remove(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    meeting, item = _changeable_item(request, pk, item_pk)
    title = item.title
    service_action(
        request,
        lambda: services.agenda_item_remove(item=item),
        success=f"“{title}” removed from the agenda.",
    )
    return _section(request, meeting, "agenda")


# --- notes, attendance, feedback, replies ------------------------------------------------------


@login_required
@require_POST
def notes_save(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_get_for_user(user=request.user, pk=pk)
    if not permissions.can_edit_meeting_notes(request.user, meeting.circle):
        raise Http404("No such meeting.")
    me = permissions.acting_member(request.user, meeting.circle.program.organization_id)
    form = NotesForm(request.POST)
    if not form.is_valid():
        return _page_again(request, meeting, "notes_form", form)
    try:
        services.meeting_notes_save(
            meeting=meeting,
            notes=form.cleaned_data["notes"],
            author=me,
            base_version=form.cleaned_data["version"],
        )
    except services.NotesConflict as conflict:
        # Their text is shown as saved; the box keeps this person's, and saving it again now
        # replaces theirs knowingly (the form carries the version they have now seen).
        retry = NotesForm(
            {"notes": form.cleaned_data["notes"], "version": conflict.current.notes_version}
        )
        retry.is_valid()
        retry.add_error("notes", conflict.message)
        return _page_again(
            request, conflict.current, "notes_form", retry, notes_conflict=conflict.revision
        )
    except DomainError as exc:
        form_error(form, exc)
        return _page_again(request, meeting, "notes_form", form)
    messages.success(request, "Notes saved.")
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
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        return _page_again(request, meeting, "feedback_form", form)
    try:
        services.feedback_give(meeting=meeting, member=me, **form.cleaned_data)
    except DomainError as exc:
        form_error(form, exc)
        return _page_again(request, meeting, "feedback_form", form)
    messages.success(request, "Thank you: your feedback is in.")
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
    return _back(meeting, "#reply")
