"""Commitment pages: my commitments, a circle's board, asking or taking one on (from the board
or in one line on a meeting page), one commitment with its timeline, and the answers and changes
made on it. Each action is one service call; a refusal is said on the page and changes nothing."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from roundtable.circles.selectors import circle_get_for_user
from roundtable.commitments.forms import (
    CommitmentForm,
    CounterForm,
    DateForm,
    DoneForm,
    MeetingCommitmentForm,
    MoveForm,
    ReasonForm,
    ReplyForm,
    WaitOnForm,
)
from roundtable.commitments.models import Commitment
from roundtable.commitments.selectors.commitments import (
    BOARD_COLUMNS,
    circle_board,
    circle_people,
    circle_trials,
    commitment_get_for_user,
    commitment_in_circle_get,
    commitment_page,
    my_commitments,
    timeline_seen,
)
from roundtable.commitments.selectors.escalations import escalation_panel
from roundtable.commitments.services import commitments as services
from roundtable.commitments.templatetags.commitments import due
from roundtable.core import permissions
from roundtable.core.errors import DomainError
from roundtable.core.form_pages import form_action, form_page, service_action
from roundtable.meetings.selectors import meeting_get_for_user


def commitment_url(commitment: Commitment, anchor: str = "") -> str:
    return reverse("commitments:detail", args=[commitment.pk]) + anchor


def _members(request: HttpRequest) -> list[Any]:
    return sorted(permissions.memberships(request.user).values(), key=lambda m: m.pk)


@login_required
def my_commitments_page(request: HttpRequest) -> HttpResponse:
    members = _members(request)
    return render(
        request,
        "commitments/mine.html",
        {
            "mine": my_commitments(members=members),
            "time_zone": members[0].time_zone if members else "UTC",
            "nav_section": "commitments",
        },
    )


@login_required
def board(request: HttpRequest, circle_pk: int) -> HttpResponse:
    circle = circle_get_for_user(
        user=request.user, pk=circle_pk, can=permissions.can_view_commitments_board
    )
    return render(
        request,
        "commitments/board.html",
        {
            "circle": circle,
            "program": circle.program,
            "board": circle_board(circle=circle),
            "columns": BOARD_COLUMNS,
            "can_ask": permissions.can_ask_for_commitment(request.user, circle),
            "nav_section": "programs",
        },
    )


@login_required
def commitment_create(request: HttpRequest, circle_pk: int) -> HttpResponse:
    circle = circle_get_for_user(
        user=request.user, pk=circle_pk, can=permissions.can_ask_for_commitment
    )
    me = permissions.acting_member(request.user, circle.program.organization_id)
    people = circle_people(circle=circle)
    form = CommitmentForm(
        request.POST or None, people=people, me=me, trials=circle_trials(circle=circle)
    )
    trials = {t.pk: t for t in circle_trials(circle=circle)} if "trial" in form.fields else {}

    def save(data: dict[str, Any]) -> Commitment:
        owner = next(p for p in people if p.pk == data["owner"])
        trial = trials.get(data.get("trial") or 0)
        if owner.pk == me.pk:
            if data["due_on"] is None:
                raise DomainError("Choose the date you will have it done by.", field="due_on")
            return services.commitment_take_on(
                circle=circle, owner=me, title=data["title"], details=data["details"],
                due_on=data["due_on"], due_time=data["due_time"], trial=trial,
            )  # fmt: skip
        if data["due_on"] is not None:
            raise DomainError(
                f"{owner.name} chooses their own date: leave the date empty.", field="due_on"
            )
        return services.commitment_ask(
            circle=circle, asked_by=me, owner=owner, title=data["title"],
            details=data["details"], trial=trial,
        )  # fmt: skip

    return form_page(
        request,
        form,
        save=save,
        success=lambda c: (
            f"You asked {c.owner.name}; they will answer with their date."
            if c.asked_by_id
            else "Taken on."
        ),
        then=lambda c: commitment_url(c),
        title=f"A commitment in {circle.name}",
        subtitle="Ask someone when they can have something done (they choose the date), "
        "or take it on yourself with your own date.",
        submit_label="Save",
        cancel_url=reverse("commitments:board", args=[circle.pk]),
    )


@login_required
def commitment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    commitment = commitment_get_for_user(user=request.user, pk=pk)
    circle = commitment.circle
    me = permissions.acting_member(request.user, circle.program.organization_id)
    page = commitment_page(commitment=commitment)
    panel = escalation_panel(commitment=commitment, user=request.user)
    page.timeline = timeline_seen(
        page.timeline, escalation_ids={e.pk for e in panel["escalations"]}
    )
    is_owner = commitment.owner_id == me.pk
    status = commitment.status
    return render(
        request,
        "commitments/detail.html",
        {
            "commitment": commitment,
            "circle": circle,
            "program": circle.program,
            "page": page,
            "is_owner": is_owner,
            "is_asker": commitment.asked_by_id == me.pk,
            # Times on this page read on the owner's clock.
            "zone": commitment.due_time_zone or commitment.owner.time_zone,
            "can_link": permissions.can_link_commitments(request.user, commitment)
            and status in (Commitment.Status.OPEN, Commitment.Status.REQUESTED),
            "escalation_panel": panel,
            "date_form": DateForm(),
            "counter_form": CounterForm(),
            "reason_form": ReasonForm(),
            "reply_form": ReplyForm(),
            "done_form": DoneForm(),
            "wait_form": WaitOnForm(candidates=page.can_wait_on),
            "nav_section": "commitments" if is_owner else "programs",
        },
    )


class _NoFields(forms.Form):
    """A button with nothing to fill in."""


def _acting(request: HttpRequest, pk: int) -> tuple[Commitment, Any]:
    commitment = commitment_get_for_user(user=request.user, pk=pk)
    me = permissions.acting_member(request.user, commitment.circle.program.organization_id)
    return commitment, me


def _action(request: HttpRequest, pk: int, form_class: Any, call: Any, done: str) -> HttpResponse:
    """A button on the commitment page: the form's fields go to one service call."""
    commitment, me = _acting(request, pk)
    form = form_class(request.POST)
    if not form.is_valid():
        name, errors = next(iter(form.errors.items()))
        label = form.fields[name].label if name in form.fields else None
        messages.error(request, f"{label}: {errors[0]}" if label else errors[0])
    else:
        service_action(
            request, lambda: call(commitment=commitment, member=me, **form.cleaned_data),
            success=done,
        )  # fmt: skip
    return redirect(commitment_url(commitment))


@require_POST
@login_required
def commitment_answer(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(request, pk, DateForm, services.commitment_answer, "Your date is set.")


@require_POST
@login_required
def commitment_decline(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(request, pk, ReasonForm, services.commitment_decline, "You declined it.")


@require_POST
@login_required
def commitment_counter(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(request, pk, CounterForm, services.commitment_counter, "Your proposal was sent.")


@require_POST
@login_required
def commitment_accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(request, pk, _NoFields, services.commitment_accept, "You accepted the proposal.")


@require_POST
@login_required
def commitment_reply(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(request, pk, ReplyForm, services.commitment_reply, "Your reply was sent.")


@require_POST
@login_required
def commitment_done(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(request, pk, DoneForm, services.commitment_done, "Marked done. Well done.")


@require_POST
@login_required
def commitment_drop(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(request, pk, ReasonForm, services.commitment_drop, "Dropped.")


@login_required
def commitment_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Renegotiate: the owner's own page for a new date and the reason."""
    commitment, me = _acting(request, pk)
    if commitment.owner_id != me.pk:
        messages.error(request, f"Only {commitment.owner.name}, who owns it, moves its date.")
        return redirect(commitment_url(commitment))
    form = MoveForm(request.POST or None)
    return form_page(
        request,
        form,
        save=lambda data: services.commitment_move(commitment=commitment, member=me, **data),
        success="Moved. The people waiting on it are told.",
        then=commitment_url(commitment),
        title=f"Move “{commitment.title}”",
        subtitle=f"Now due {due(commitment)}. The change and your reason stay on its record, "
        "and the people waiting on it are told.",
        submit_label="Move the date",
        cancel_url=commitment_url(commitment),
        nav_section="commitments",
    )


@require_POST
@login_required
def commitment_wait_on(request: HttpRequest, pk: int) -> HttpResponse:
    commitment = commitment_get_for_user(
        user=request.user, pk=pk, can=permissions.can_link_commitments
    )
    me = permissions.acting_member(request.user, commitment.circle.program.organization_id)
    page = commitment_page(commitment=commitment)
    form = WaitOnForm(request.POST, candidates=page.can_wait_on)
    form_action(
        request,
        form,
        save=lambda data: services.commitment_wait_on(
            commitment=commitment,
            on=commitment_in_circle_get(circle=commitment.circle, pk=data["on"]),
            member=me,
        ),
        invalid="Choose one of the circle's commitments.",
        success="Noted: it waits on that one.",
    )
    return redirect(commitment_url(commitment, "#waits-on"))


@require_POST
@login_required
def commitment_stop_waiting(request: HttpRequest, pk: int, on_pk: int) -> HttpResponse:
    commitment = commitment_get_for_user(
        user=request.user, pk=pk, can=permissions.can_link_commitments
    )
    me = permissions.acting_member(request.user, commitment.circle.program.organization_id)
    on = commitment_in_circle_get(circle=commitment.circle, pk=on_pk)
    service_action(
        request,
        lambda: services.commitment_stop_waiting(commitment=commitment, on=on, member=me),
        success="It no longer waits on that one.",
    )
    return redirect(commitment_url(commitment, "#waits-on"))


@require_POST
@login_required
def meeting_commitment_add(request: HttpRequest, meeting_pk: int) -> HttpResponse:
    """The meeting page's one line: ask someone (they choose the date), or take it on with
    yours. The commitment remembers the meeting."""
    meeting = meeting_get_for_user(user=request.user, pk=meeting_pk)
    circle = meeting.circle
    if not permissions.can_ask_for_commitment(request.user, circle):
        raise Http404("No such meeting.")
    me = permissions.acting_member(request.user, circle.program.organization_id)
    people = circle_people(circle=circle)
    form = MeetingCommitmentForm(request.POST, people=people, me=me)
    back = redirect(reverse("meetings:detail", args=[meeting.pk]) + "#commitments")
    if not form.is_valid():
        messages.error(request, "Say who and what.")
        return back
    data = form.cleaned_data
    owner = next(p for p in people if p.pk == data["owner"])
    try:
        if owner.pk == me.pk:
            if data["due_on"] is None:
                raise DomainError("Choose the date you will have it done by.")
            services.commitment_take_on(
                circle=circle, owner=me, title=data["title"], due_on=data["due_on"],
                meeting=meeting,
            )  # fmt: skip
            messages.success(request, "Taken on.")
        else:
            if data["due_on"] is not None:
                raise DomainError(f"{owner.name} chooses their own date: leave it empty.")
            services.commitment_ask(
                circle=circle, asked_by=me, owner=owner, title=data["title"], meeting=meeting
            )
            messages.success(request, f"You asked {owner.name}; they will choose the date.")
    except DomainError as exc:
        messages.error(request, exc.message)
    return back
