"""Shared helpers for the ideas tests: a reason that passes, and quick writers."""

from __future__ import annotations

from typing import Any

from roundtable.circles.models import Circle
from roundtable.ideas.models import Challenge, Critique, Idea
from roundtable.ideas.services.critiques import critique_add
from roundtable.ideas.services.ideas import circle_idea_settings_update, idea_propose
from roundtable.orgs.models import Member

REASON = "A script would shorten calls because it answers the usual questions first."
OTHER_REASON = "Scripts make calls sound canned, and customers who notice hang up sooner."


def idea_make(challenge: Challenge, circle: Circle, member: Member, **texts: Any) -> Idea:
    idea, _ = idea_propose(
        challenge=challenge,
        circle=circle,
        member=member,
        summary=texts.get("summary", "A call script"),
        how=texts.get("how", "Write a one-page script for renewal calls."),
        effect=texts.get("effect", "Calls shorten to 25 minutes."),
    )
    return idea


def critique_make(
    idea: Idea, member: Member, stance: str = "concern", reasoning: str = REASON
) -> Critique:
    critique, _ = critique_add(idea=idea, member=member, stance=stance, reasoning=reasoning)
    return critique


def make_anonymous(circle: Circle) -> None:
    circle_idea_settings_update(
        circle=circle, guideline="Critique the idea, not the person.", anonymous=True
    )
