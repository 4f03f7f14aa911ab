"""The decision panel of an idea and its actions: vote, reveal or hide the results, decide (and
start a trial), record a trial's outcome. Each POST fetches the idea with access (Http404 for
anyone who may not see its circle), asks the policy (a refusal, nothing changed, for someone who
may see but not act), calls one service and answers: htmx gets the panel again, messages
included; a plain form post goes back where it came from, or shows the panel page again with the
problem said and what was typed kept."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from roundtable.core import permissions
from roundtable.core.errors import DomainError
from roundtable.ideas.models import Idea, Stage, Temperature, Trial
from roundtable.ideas.selectors.agenda import decision_meetings
from roundtable.ideas.selectors.decisions import idea_decision_panel, trial_get_for_decision
from roundtable.ideas.selectors.ideas import idea_get_for_user
from roundtable.ideas.services.decisions import idea_decide
from roundtable.ideas.services.temperature import vote_set, votes_hide, votes_reveal
from roundtable.ideas.services.trials import trial_outcome_record, trial_start
from roundtable.meetings.models import Meeting
from roundtable.orgs.models import Member

PANEL = "ideas/_idea_decisions.html"
PAGE = "ideas/_decision_page.html"
VOTERS_ONLY = "Only the circle's members and its lead vote on its ideas."
DECIDERS_ONLY = "Only the circle's lead, the program's coordinators and admins decide on ideas."
OUTCOME_ONLY = "Only the trial's owner, the circle's lead, coordinators and admins record it."


class VoteForm(forms.Form):
    value = forms.ChoiceField(choices=Temperature.choices, label="Your reading")
    reason = forms.CharField(max_length=300, required=False, label="Why (optional)")


class RevealForm(forms.Form):
    show = forms.ChoiceField(choices=[("yes", "Show"), ("no", "Hide")])


class DecideForm(forms.Form):
    """The rationale and measure are checked by the services, which say what is missing."""

    to_stage = forms.ChoiceField(choices=Stage.choices, label="Move to")
    rationale = forms.CharField(max_length=5000, required=False)
    meeting = forms.IntegerField(required=False)
    owner = forms.IntegerField(required=False)
    starts_on = forms.DateField(required=False)
    ends_on = forms.DateField(required=False)
    review_on = forms.DateField(required=False)
    measure = forms.CharField(max_length=2000, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("to_stage") == Stage.TRIAL:
            missing = [
                label
                for name, label in (
                    ("owner", "an owner"),
                    ("starts_on", "a start"),
                    ("ends_on", "an end"),
                    ("review_on", "a review date"),
                )
                if not data.get(name)
            ]
            if missing:
                raise forms.ValidationError(
                    "A trial needs "
                    + ", ".join(missing[:-1])
                    + " and " * (len(missing) > 1)
                    + missing[-1]
                    + "."
                )
        return data


class OutcomeForm(forms.Form):
    result = forms.ChoiceField(choices=Trial.Result.choices, label="Against the measure")
    outcome = forms.CharField(max_length=5000, required=False)


def _back_url(request: HttpRequest, idea: Idea) -> str:
    """Where a plain form post returns: the page it came from (the idea page including the
    panel), if it is on this site; else the panel's own page."""
    wanted = request.POST.get("next", "")
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return reverse("ideas:decision_panel", args=[idea.pk])


def _panel(
    request: HttpRequest, idea: Idea, *, posted: QueryDict | None = None, status: int = 200
) -> HttpResponse:
    """The panel for this viewer: alone for htmx, else on a page of its own."""
    idea = idea_get_for_user(user=request.user, pk=idea.pk)  # fresh after a change
    panel = idea_decision_panel(idea=idea, user=request.user)
    panel["posted"] = posted if posted is not None else {}
    if request.method == "POST":
        panel["back_url"] = _back_url(request, idea)
    if request.headers.get("HX-Request"):
        return render(request, PANEL, {"decision_panel": panel})
    return render(
        request, PAGE, {"decision_panel": panel, "nav_section": "programs"}, status=status
    )


def _act(
    request: HttpRequest,
    pk: Any,
    *,
    form_class: type[forms.Form],
    allowed: Callable[[Idea], bool],
    refusal: str,
    action: Callable[[Idea, Member, dict[str, Any]], Any],
    success: str | Callable[[dict[str, Any]], str],
) -> HttpResponse:
    """One action on the panel: access, policy, form, one service call, then the answer."""
    idea = idea_get_for_user(user=request.user, pk=pk)
    me = permissions.acting_member(request.user, idea.circle.program.organization_id)
    form = form_class(request.POST)
    problem, status = None, 400
    if not allowed(idea):
        problem, status = refusal, 403
    elif not form.is_valid():
        problem = next(
            (str(e) for errors in form.errors.values() for e in errors), "This could not be saved."
        )
    else:
        try:
            action(idea, me, form.cleaned_data)
        except DomainError as exc:
            problem = exc.message
    if problem is not None:
        messages.error(request, problem)
        # htmx swaps only a 2xx answer: it gets the panel, the problem said, what was typed kept.
        return _panel(request, idea, posted=request.POST, status=status)
    messages.success(request, success(form.cleaned_data) if callable(success) else success)
    if request.headers.get("HX-Request"):
        return _panel(request, idea)
    return redirect(_back_url(request, idea))


@login_required
@require_GET
def decision_panel(request: HttpRequest, pk: Any) -> HttpResponse:
    idea = idea_get_for_user(user=request.user, pk=pk)
    return _panel(request, idea)


@login_required
@require_POST
def vote(request: HttpRequest, pk: Any) -> HttpResponse:
    return _act(
        request,
        pk,
        form_class=VoteForm,
        allowed=lambda idea: permissions.can_take_part_in_circle(request.user, idea.circle),
        refusal=VOTERS_ONLY,
        action=lambda idea, me, data: vote_set(
            idea=idea, member=me, value=data["value"], reason=data["reason"]
        ),
        success=lambda data: f"Your vote is recorded: {Temperature(data['value']).label.lower()}.",
    )


@login_required
@require_POST
def votes_show(request: HttpRequest, pk: Any) -> HttpResponse:
    return _act(
        request,
        pk,
        form_class=RevealForm,
        allowed=lambda idea: permissions.can_decide_idea(request.user, idea.circle),
        refusal=DECIDERS_ONLY,
        action=lambda idea, me, data: (votes_reveal if data["show"] == "yes" else votes_hide)(
            idea=idea
        ),
        success=lambda data: (
            "The results now show to everyone."
            if data["show"] == "yes"
            else "The results are hidden: members see only their own vote and how many voted."
        ),
    )


def _meeting(idea: Idea, meeting_pk: int | None) -> Meeting | None:
    """The circle's meeting a decision was recorded at, if one is named: one of those the form
    offers (the circle's meetings of the last seven days); any other is refused, like a meeting
    of another circle (which the service refuses too)."""
    if meeting_pk is None:
        return None
    meeting = next((m for m in decision_meetings(circle=idea.circle) if m.pk == meeting_pk), None)
    if meeting is None:
        raise DomainError(
            "Choose one of this circle's meetings of the last seven days.", field="meeting"
        )
    return meeting


def _decide(idea: Idea, me: Member, data: dict[str, Any]) -> Any:
    meeting = _meeting(idea, data["meeting"])
    if data["to_stage"] != Stage.TRIAL:
        return idea_decide(
            idea=idea,
            to_stage=data["to_stage"],
            rationale=data["rationale"],
            by=me,
            meeting=meeting,
        )
    owner = Member.objects.filter(
        pk=data["owner"], organization_id=idea.circle.program.organization_id
    ).first()
    if owner is None:
        raise DomainError("Choose the trial's owner among the circle's members.", field="owner")
    return trial_start(
        idea=idea,
        by=me,
        rationale=data["rationale"],
        owner=owner,
        starts_on=data["starts_on"],
        ends_on=data["ends_on"],
        measure=data["measure"],
        review_on=data["review_on"],
        meeting=meeting,
    )


@login_required
@require_POST
def decide(request: HttpRequest, pk: Any) -> HttpResponse:
    return _act(
        request,
        pk,
        form_class=DecideForm,
        allowed=lambda idea: permissions.can_decide_idea(request.user, idea.circle),
        refusal=DECIDERS_ONLY,
        action=_decide,
        success=lambda data: f"Decided: the idea is now “{Stage(data['to_stage']).label}”.",
    )


@login_required
@require_POST
def trial_outcome(request: HttpRequest, pk: Any) -> HttpResponse:
    idea = idea_get_for_user(user=request.user, pk=pk)
    trial = trial_get_for_decision(idea=idea)
    return _act(
        request,
        pk,
        form_class=OutcomeForm,
        allowed=lambda idea: permissions.can_record_trial_outcome(
            request.user, idea.circle, trial.owner_id
        ),
        refusal=OUTCOME_ONLY,
        action=lambda idea, me, data: trial_outcome_record(
            trial=trial, by=me, result=data["result"], outcome=data["outcome"]
        ),
        success="The trial's outcome is recorded; the lead can now adopt the idea or set it aside.",
    )
