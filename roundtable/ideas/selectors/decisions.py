"""What the decision panel of an idea shows, as plain data for the template: its stage and the
steps this viewer may take, the decision history with rationales, the temperature check (results
or, while hidden, only how many voted), the viewer's own vote and its history, and the trial.

Hidden results are hidden from everyone, the lead included: the lead reveals them knowing only
how many have voted, so that nobody's reading, theirs included, is anchored by the tally."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from roundtable.core import permissions
from roundtable.core.access import object_get_or_404
from roundtable.ideas.models import (
    CircleIdeaSettings,
    Decision,
    Idea,
    IdeaVersion,
    Stage,
    Temperature,
    TemperatureVote,
    TemperatureVoteChange,
    Trial,
)
from roundtable.ideas.selectors.agenda import decision_meetings
from roundtable.ideas.stages import next_stages, voting_open
from roundtable.orgs.models import Member


def trial_get_for_decision(*, idea: Idea) -> Trial:
    """The idea's trial (the idea was fetched with access, `selectors.ideas.idea_get_for_user`);
    Http404 when it has none."""
    return object_get_or_404(
        Trial.objects.select_related("owner__user"), idea=idea, message="This idea has no trial."
    )


def _idea_settings(idea: Idea) -> CircleIdeaSettings | None:
    """The circle's settings row, or None while it has none (a missing reverse one-to-one raises
    an AttributeError subclass, which getattr turns into the default)."""
    settings: CircleIdeaSettings | None = getattr(idea.circle, "idea_settings", None)
    return settings


def votes_show_names(*, idea: Idea, votes: list[TemperatureVote]) -> bool:
    """Names show beside votes only for a named idea in a circle that is named now, and only
    when no vote was last given on or before the day the circle turned names on: a vote given
    while the circle was anonymous never shows whose it is."""
    settings = _idea_settings(idea)
    if idea.anonymous or (settings is not None and settings.anonymous):
        return False
    since = settings.anonymous_changed_on if settings is not None else None
    return since is None or all(timezone.localdate(v.updated_at) > since for v in votes)


def _temperature(idea: Idea, votes: list[TemperatureVote]) -> dict[str, Any]:
    named = votes_show_names(idea=idea, votes=votes)
    result: dict[str, Any] = {
        "revealed": idea.results_revealed,
        "count": len(votes),
        "named": named,
        "anonymous": not named,
    }
    if not idea.results_revealed:
        return result
    tally = dict.fromkeys(Temperature.values, 0)
    for vote in votes:
        tally[vote.value] += 1
    order = {value: i for i, value in enumerate(Temperature.values)}
    if named:
        listed = sorted(votes, key=lambda v: (order[v.value], v.member.name.lower()))
    else:
        # Without names, and in no order a reader could line up with who voted when.
        listed = sorted(votes, key=lambda v: (order[v.value], v.reason.lower()))
    result["tally"] = [
        {
            "value": value,
            "label": label,
            "count": tally[value],
            "percent": round(100 * tally[value] / len(votes)) if votes else 0,
        }
        for value, label in Temperature.choices
    ]
    result["reasons"] = [
        {
            "value": v.value,
            "label": v.get_value_display(),
            "reason": v.reason,
            "name": v.member.name if named else None,
        }
        for v in listed
        if v.reason or named
    ]
    return result


def decision_meeting_choices(*, circle: Any) -> list[dict[str, Any]]:
    """The meetings a decision can say it was recorded at (the circle's last seven days), each
    with its start in the circle's time zone and whether it is today's."""
    zone = ZoneInfo(circle.time_zone)
    today = timezone.localdate(timezone.now(), zone)
    return [
        {
            "pk": m.pk,
            "local_start": timezone.localtime(m.starts_at, zone),
            "today": timezone.localdate(m.starts_at, zone) == today,
        }
        for m in decision_meetings(circle=circle)
    ]


def idea_decision_panel(*, idea: Idea, user: Any) -> dict[str, Any]:
    """Everything the panel shows for this viewer, in a fixed number of queries however many
    votes, changes and decisions there are. `idea` comes from an access-checked getter."""
    circle = idea.circle
    me = permissions.member_in(user, circle.program.organization_id)
    can_decide = permissions.can_decide_idea(user, circle)
    takes_part = permissions.can_take_part_in_circle(user, circle)
    votes = list(TemperatureVote.objects.filter(idea=idea).select_related("member__user"))
    mine = next((v for v in votes if me is not None and v.member_id == me.pk), None)
    my_history = (
        list(TemperatureVoteChange.objects.filter(vote=mine).order_by("-changed_at", "-id"))
        if mine is not None
        else []
    )
    decisions = list(
        Decision.objects.filter(idea=idea)
        .select_related("decided_by__user", "meeting")
        .order_by("-decided_at", "-id")
    )
    trial = (
        Trial.objects.filter(idea=idea).select_related("owner__user", "outcome_by__user").first()
    )
    steps = next_stages(idea=idea, trial=trial) if can_decide and not idea.withdrawn else []
    owners: list[Member] = []
    if Stage.TRIAL in steps:
        owners = list(
            Member.objects.filter(
                circle_memberships__circle=circle, circle_memberships__left_on__isnull=True
            )
            .select_related("user")
            .order_by("user__full_name")
        )
    meetings = decision_meeting_choices(circle=circle) if steps else []
    summary = (
        IdeaVersion.objects.filter(idea=idea, number=idea.version)
        .values_list("summary", flat=True)
        .first()
    )
    return {
        "idea": idea,
        "summary": summary or "An idea",
        "circle": circle,
        "stage": idea.stage,
        "stage_label": idea.get_stage_display(),
        "stages": [{"value": v, "label": label} for v, label in Stage.choices],
        "withdrawn": idea.withdrawn,
        "can_decide": can_decide,
        "can_vote": takes_part and voting_open(idea),
        "takes_part": takes_part,
        "voting_open": voting_open(idea),
        "next_steps": [{"value": s, "label": Stage(s).label} for s in steps],
        "decisions": decisions,
        "temperature": _temperature(idea, votes),
        "temperature_choices": Temperature.choices,
        "my_vote": mine,
        "my_vote_history": my_history,
        "trial": trial,
        "trial_results": Trial.Result.choices,
        "can_record_outcome": trial is not None
        and idea.stage == Stage.TRIAL
        and permissions.can_record_trial_outcome(user, circle, trial.owner_id),
        "owners": owners,
        "meetings": meetings,
        "meeting_default": next((m["pk"] for m in meetings if m["today"]), None),
    }
