"""The starter sections a circle drafts its working agreement from: what is fine and what is
not, how to push back, friendships at work, critiquing ideas rather than people, and what the
lead does when a commitment is missed. Plain text a circle rewrites in its own words."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AgreementTemplate:
    key: str
    title: str
    purpose: str  # one line: what the section is for
    text: str  # the starter text, for the circle to edit


AGREEMENT_TEMPLATES: tuple[AgreementTemplate, ...] = (
    AgreementTemplate(
        key="fine",
        title="What is fine and what is not",
        purpose="Say out loud what we are comfortable with, so nobody has to guess.",
        text=(
            "We enjoy each other's company and we respect each other's time. "
            'It is fine to joke, to say "I don\'t know" and to disagree in the room. '
            "It is not fine to talk over someone, to share what was said in confidence, "
            "or to hand someone work without asking them first."
        ),
    ),
    AgreementTemplate(
        key="push_back",
        title="How to push back",
        purpose="Make it normal to say no, not yet, or I see it differently, the lead included.",
        text=(
            "Anyone can push back on anything, the lead included. "
            "Say it in the meeting, or to the person straight after, within a day or two. "
            "Whoever is pushed back on listens first and takes the point seriously; "
            "we would rather hear it early than find out later."
        ),
    ),
    AgreementTemplate(
        key="friendships",
        title="Friendships at work",
        purpose="Keep friendships and the circle's work from getting in each other's way.",
        text=(
            "Some of us are friends, and that is a good thing. "
            "In the circle we treat everyone the same: no side deals, no private shortcuts. "
            "If being friends makes something awkward, either of us can say so "
            "and we talk about it away from the group."
        ),
    ),
    AgreementTemplate(
        key="critique",
        title="Critique the idea, not the person",
        purpose="Keep critique useful: about the idea and the reasons, never about who said it.",
        text=(
            "When we critique, we talk about the idea and why: a claim and the reason for it. "
            "We say what is strong before what worries us, we ask before we assume, "
            "and we never make it about the person who proposed it."
        ),
    ),
    AgreementTemplate(
        key="missed_commitments",
        title="When someone misses a commitment",
        purpose="Say in advance what the lead will do, so a missed date is no surprise to anyone.",
        text=(
            "Each of us sets our own dates. If a date slips, the lead will first ask, "
            "privately, what got in the way and when it can be done, and the new date is yours "
            "to choose. If it keeps slipping and holds others up, the lead will tell you before "
            "taking it to the program's sponsor, and you can add your side."
        ),
    ),
)

TEMPLATES_BY_KEY = {template.key: template for template in AGREEMENT_TEMPLATES}
