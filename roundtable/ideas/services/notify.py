"""The ideas app's in-app notices about decisions and trials: who is told, in what words, and
with which dedupe key. They run inside the caller's transaction (`notice_send` does), so a
notice rolls back with the decision it reports, and a repeated call tells no one twice.

An anonymous idea has no author to tell: the circle is told, and its notices keep the day only
(`exact_time=False`), so that their time cannot be lined up with anything its author did."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.urls import reverse

from roundtable.ideas.models import Critique, Decision, Idea, IdeaVersion, Stage, Trial
from roundtable.notifications.models import NoticeKind
from roundtable.notifications.notices import notice_send
from roundtable.orgs.models import Member


def idea_url(idea: Idea) -> str:
    """Where a notice about the idea leads."""
    return reverse("ideas:idea_detail", args=[idea.pk])


def _summary(idea: Idea) -> str:
    version = IdeaVersion.objects.filter(idea=idea, number=idea.version).first()
    return version.summary if version is not None else "An idea"


def _circle_members(idea: Idea) -> list[Member]:
    return list(
        Member.objects.filter(
            circle_memberships__circle_id=idea.circle_id,
            circle_memberships__left_on__isnull=True,
        ).select_related("user")
    )


def _unique(members: Iterable[Member | None], *, skip: int | None) -> list[Member]:
    seen: dict[int, Member] = {}
    for member in members:
        if member is not None and member.pk != skip:
            seen.setdefault(member.pk, member)
    return list(seen.values())


def idea_decided(*, decision: Decision, trial: Trial | None = None) -> int:
    """Tell the circle's current members, and a named idea's author wherever they are now, that
    the idea moved on and why; a trial's owner is told they own it. The decider is not told of
    their own decision. Returns how many were told."""
    idea = decision.idea
    summary = _summary(idea)
    stage = str(Stage(decision.to_stage).label).lower()
    author = idea.author if not idea.anonymous else None
    people = _unique([author, *_circle_members(idea)], skip=decision.decided_by_id)
    if trial is not None and trial.owner_id != decision.decided_by_id:
        people = _unique([*people, trial.owner], skip=decision.decided_by_id)
    told = 0
    for member in people:
        if trial is not None and member.pk == trial.owner_id:
            title = f"You own the trial of “{summary}”"
            body = (
                f"From {trial.starts_on:%d %b} to {trial.ends_on:%d %b %Y}, reviewed on "
                f"{trial.review_on:%d %b %Y}. Success means: {trial.measure}"
            )
        else:
            title = f"“{summary}”: {stage}"
            body = decision.rationale
        sent = notice_send(
            member=member,
            kind=NoticeKind.IDEA_DECIDED,
            title=title,
            body=body,
            url=idea_url(idea),
            key=f"decision:{decision.pk}",
            exact_time=not idea.anonymous,
            now=decision.decided_at,
        )
        told += sent is not None
    return told


def trial_review_due(*, trial: Trial, now: dt.datetime) -> int:
    """Remind every current member of the circle that the trial's review date has come: once
    per member and trial, however often it is called. Returns how many notices exist for it."""
    idea = trial.idea
    summary = _summary(idea)
    told = 0
    for member in _circle_members(idea):
        sent = notice_send(
            member=member,
            kind=NoticeKind.TRIAL_REVIEW_DUE,
            title=f"Review the trial of “{summary}”",
            body=f"Record how it went against its measure: {trial.measure}",
            url=idea_url(idea),
            key=f"trial-review:{trial.pk}",
            exact_time=not idea.anonymous,
            now=now,
        )
        told += sent is not None
    return told


def idea_critiqued(*, critique: Critique) -> int:
    """Tell the idea's named author of a new critique, and for a reply, the named author of the
    critique it answers; never the critic. A notice caused by an anonymous critique keeps the
    day only (`exact_time=False`) and names nobody."""
    idea = critique.idea
    critic = critique.author
    who = "Someone (anonymously)" if critique.anonymous or critic is None else str(critic)
    summary = _summary(idea)
    told = 0
    targets: list[tuple[Member | None, str]] = [
        (idea.author if not idea.anonymous else None, f"{who} critiqued “{summary}”")
    ]
    if critique.parent is not None and not critique.parent.anonymous:
        targets.append((critique.parent.author, f"{who} replied to your critique of “{summary}”"))
    for member, title in targets:
        if member is None or (critic is not None and member.pk == critic.pk):
            continue
        stance = critique.get_stance_display() if critique.stance else "Reply"
        sent = notice_send(
            member=member,
            kind=NoticeKind.IDEA_CRITIQUED,
            title=title,
            body=f"{stance}: {critique.reasoning}",
            url=idea_url(idea),
            key=f"critique:{critique.pk}:{member.pk}",
            exact_time=not critique.anonymous,
        )
        told += sent is not None
    return told


def idea_revised(*, version: IdeaVersion) -> int:
    """Tell the named authors of the idea's critiques that it is now at this version (they may
    want to answer again). An anonymous idea's revision keeps the day only."""
    idea = version.idea
    critics = Member.objects.filter(
        pk__in=idea.critiques.filter(anonymous=False, author__isnull=False).values("author_id")
    ).select_related("user")
    skip = idea.author_id if not idea.anonymous else None
    told = 0
    for member in _unique(critics, skip=skip):
        sent = notice_send(
            member=member,
            kind=NoticeKind.IDEA_REVISED,
            title=f"“{version.summary}” is now at v{version.number}",
            body="You critiqued an earlier version; see what changed.",
            url=idea_url(idea),
            key=f"revision:{idea.pk}:{version.number}",
            exact_time=not idea.anonymous,
        )
        told += sent is not None
    return told


def contribution_hidden(*, contribution: Idea | Critique) -> int:
    """Tell a named author that the lead hid their idea or critique, and why. An anonymous one
    has nobody to tell: it shows as hidden, with the reason, where it was."""
    if contribution.anonymous or contribution.author is None:
        return 0
    idea = contribution if isinstance(contribution, Idea) else contribution.idea
    what = "Your idea" if isinstance(contribution, Idea) else "Your critique"
    sent = notice_send(
        member=contribution.author,
        kind=NoticeKind.CONTRIBUTION_HIDDEN,
        title=f"{what} on “{_summary(idea)}” was hidden by the lead",
        body=f"The reason given: {contribution.hidden_reason}",
        url=idea_url(idea),
        key=f"hidden:{contribution.pk}",
    )
    return int(sent is not None)
