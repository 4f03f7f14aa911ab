"""Who the open-critique services tell, and in what words: a critique reaches the idea's named
author (and a reply the critique's), a revision the named critics, a hidden contribution its named
author; never the person who acted, and nobody at all for what was written anonymously."""

from __future__ import annotations

import pytest

from roundtable.ideas.services.critiques import contribution_hide, critique_add
from roundtable.ideas.services.ideas import idea_revise
from roundtable.ideas.tests.helpers import critique_make, idea_make, make_anonymous
from roundtable.notifications.models import Notice, NoticeKind

pytestmark = pytest.mark.usefixtures("frozen_clock")


def _told(kind: str) -> list[tuple[str, str]]:
    return sorted(
        (n.member.user.email, n.title)
        for n in Notice.objects.filter(kind=kind).select_related("member__user")
    )


def test_a_critique_tells_the_named_author_and_a_reply_the_critic(personas, challenge):
    lead, member = personas.members["lead"], personas.members["member"]
    idea = idea_make(challenge, personas.circle, lead)
    critique = critique_make(idea, member)
    assert _told(NoticeKind.IDEA_CRITIQUED) == [
        ("lead@example.org", "Member Persona critiqued “A call script”")
    ]
    notice = Notice.objects.get(kind=NoticeKind.IDEA_CRITIQUED)
    assert notice.created_at is not None  # a named critique: the exact time is no secret
    assert notice.url == f"/ideas/{idea.pk}/"

    critique_add(
        idea=idea,
        member=lead,
        parent=critique,
        reasoning="Calls shorten because the script answers the usual questions first.",
    )
    assert ("member@example.org", "Lead Persona replied to your critique of “A call script”") in (
        _told(NoticeKind.IDEA_CRITIQUED)
    )
    # The lead replied on their own idea: they are not told of their own reply.
    assert len(_told(NoticeKind.IDEA_CRITIQUED)) == 2


def test_a_revision_tells_the_named_critics_but_not_the_author(personas, challenge):
    lead, member = personas.members["lead"], personas.members["member"]
    idea = idea_make(challenge, personas.circle, lead)
    critique_make(idea, member)
    critique_make(idea, lead, stance="strength")  # the author's own critique: not told
    idea_revise(idea=idea, member=lead, summary="A shorter script", how="One page.", effect="25'")
    assert _told(NoticeKind.IDEA_REVISED) == [
        ("member@example.org", "“A shorter script” is now at v2")
    ]


def test_hiding_tells_a_named_author_why_and_an_anonymous_one_nobody(personas, challenge):
    lead, member = personas.members["lead"], personas.members["member"]
    idea = idea_make(challenge, personas.circle, lead)
    named = critique_make(idea, member)
    contribution_hide(contribution=named, by=lead, reason="A personal remark about a colleague")
    notice = Notice.objects.get(kind=NoticeKind.CONTRIBUTION_HIDDEN)
    assert notice.member == member
    assert notice.body == "The reason given: A personal remark about a colleague"

    make_anonymous(personas.circle)
    anonymous = critique_make(
        idea, member, reasoning="Customers hang up sooner when they hear a script."
    )
    contribution_hide(contribution=anonymous, by=lead, reason="A personal remark about a colleague")
    assert Notice.objects.filter(kind=NoticeKind.CONTRIBUTION_HIDDEN).count() == 1


def test_nothing_written_anonymously_tells_anyone_who_wrote_it(personas, challenge):
    lead, member = personas.members["lead"], personas.members["member"]
    idea = idea_make(challenge, personas.circle, lead)
    make_anonymous(personas.circle)
    critique_make(idea, member)
    notice = Notice.objects.get(kind=NoticeKind.IDEA_CRITIQUED)
    assert (notice.member, notice.created_at) == (lead, None)
    assert "Member" not in notice.title + notice.body
