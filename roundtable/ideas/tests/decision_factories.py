"""Ideas for the decision, temperature and trial tests, made directly with the models (the
ideas services are another module's), and the members and votes those tests need."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from roundtable.circles.models import Circle
from roundtable.circles.services import circle_add_member
from roundtable.ideas.models import Challenge, CircleIdeaSettings, Idea, IdeaVersion, Stage
from roundtable.orgs.models import Member
from roundtable.testing.factories import MemberFactory


def idea_create(
    *,
    circle: Circle,
    author: Member | None = None,
    anonymous: bool = False,
    stage: str = Stage.PROPOSED,
    summary: str = "Call every lapsed customer within a week",
    results_revealed: bool = True,
) -> Idea:
    """An idea for a new challenge of `circle`, with its first version."""
    today = timezone.localdate()
    challenge = Challenge.objects.create(
        program=circle.program,
        circle=circle,
        title="Lapsed customers do not come back",
        description="A third of last year's customers bought nothing this year.",
    )
    idea = Idea.objects.create(
        challenge=challenge,
        circle=circle,
        author=None if anonymous else author,
        anonymous=anonymous,
        created_on=today,
        stage=stage,
        results_revealed=results_revealed,
    )
    IdeaVersion.objects.create(
        idea=idea,
        number=1,
        summary=summary,
        how="Each of us calls five lapsed customers a week and asks what changed.",
        effect="A tenth of them buy again within a quarter.",
        created_on=today,
    )
    return idea


def circle_anonymous_set(circle: Circle, anonymous: bool, *, on: dt.date | None = None) -> None:
    """The circle's ideas become anonymous (or named again) from `on`."""
    CircleIdeaSettings.objects.update_or_create(
        circle=circle,
        defaults={"anonymous": anonymous, "anonymous_changed_on": on or timezone.localdate()},
    )


def newcomer(circle: Circle, name: str = "") -> Member:
    """A new member of the circle's organisation, put in the circle by the real service."""
    extra = {"user__full_name": name} if name else {}
    member = MemberFactory.create(organization=circle.program.organization, **extra)
    circle_add_member(circle=circle, member=member)
    return member
