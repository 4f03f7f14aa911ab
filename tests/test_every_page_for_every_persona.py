"""Every page, every persona: who gets the page, who gets a 404 (the outsider always does)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.urls import reverse
from django.utils import timezone

from roundtable.circles.models import Circle
from roundtable.commitments.models import Commitment
from roundtable.commitments.services.busy import busy_period_add
from roundtable.commitments.services.commitments import commitment_answer, commitment_ask
from roundtable.ideas.models import (
    Challenge,
    CircleIdeaSettings,
    Critique,
    CritiqueEndorsement,
    Idea,
    Stage,
)
from roundtable.ideas.models import TemperatureVote as Vote
from roundtable.ideas.services.challenges import challenge_create
from roundtable.ideas.services.critiques import critique_add
from roundtable.ideas.services.ideas import idea_propose
from roundtable.orgs.models import Member
from roundtable.testing.personas import PERSONA_NAMES, Personas

ALL = set(PERSONA_NAMES)
INSIDERS = ALL - {"outsider"}
MANAGERS = {"admin", "coordinator"}
# Who takes part in the North circle's ideas (proposes, critiques, votes) and who steers them.
PARTICIPANTS = {"lead", "member"}
STEERS = MANAGERS | {"lead"}
REASON = "A booked call gets answered because the customer chose the time themselves."


@dataclass
class OpenCritique:
    """A challenge of the personas' circle (North) and one of the whole program; the member's
    idea in North with the lead's critique of it; an idea of the other circle (South)."""

    challenge: Challenge
    program_challenge: Challenge
    idea: Idea
    critique: Critique
    other_idea: Idea


@pytest.fixture
def open_critique(personas: Personas) -> OpenCritique:
    lead, member = personas.members["lead"], personas.members["member"]
    peer = Member.objects.get(user__email="peer@example.org")
    challenge = challenge_create(
        program=personas.program,
        circle=personas.circle,
        posed_by=lead,
        title="Renewal calls run long",
        description="Our renewal calls take 45 minutes; customers have decided in ten.",
    )
    program_challenge = challenge_create(
        program=personas.program,
        posed_by=personas.members["coordinator"],
        title="Lapsed customers don't pick up",
        description="Four calls in, nobody has answered.",
    )

    def idea_in(circle: Circle, by: Member, on: Challenge = program_challenge) -> Idea:
        idea, _ = idea_propose(
            challenge=on,
            circle=circle,
            member=by,
            summary="Email first with a booking link",
            how="The day after a lapse, email a link to book a 15-minute call.",
            effect="Twice as many lapsed customers reached.",
        )
        return idea

    idea = idea_in(personas.circle, member)
    critique, _ = critique_add(idea=idea, member=lead, stance="strength", reasoning=REASON)
    return OpenCritique(
        challenge=challenge,
        program_challenge=program_challenge,
        idea=idea,
        critique=critique,
        other_idea=idea_in(personas.other_circle, peer),
    )


def _idea_pages(p: Personas, oc: OpenCritique) -> list[tuple[str, str, set[str]]]:
    """Open critique's pages, as `_pages`."""
    idea, critique = oc.idea.pk, oc.critique.pk
    return [
        ("circle challenges", reverse("ideas:circle_challenges", args=[p.circle.pk]), INSIDERS),
        ("program challenges", reverse("ideas:program_challenges", args=[p.program.pk]), INSIDERS),
        ("challenge", reverse("ideas:challenge_detail", args=[oc.challenge.pk]), INSIDERS),
        (
            "program-wide challenge",
            reverse("ideas:challenge_detail", args=[oc.program_challenge.pk]),
            INSIDERS,
        ),
        (
            "points of view",
            reverse("ideas:points_of_view", args=[oc.program_challenge.pk]),
            INSIDERS,
        ),
        ("idea", reverse("ideas:idea_detail", args=[idea]), INSIDERS),
        ("decision panel", reverse("ideas:decision_panel", args=[idea]), INSIDERS),
        (
            "other circle's idea",
            reverse("ideas:idea_detail", args=[oc.other_idea.pk]),
            {"admin", "coordinator", "sponsor"},
        ),
        (
            "pose to the circle",
            reverse("ideas:circle_challenge_create", args=[p.circle.pk]),
            STEERS,
        ),
        (
            "pose to the program",
            reverse("ideas:program_challenge_create", args=[p.program.pk]),
            MANAGERS,
        ),
        ("challenge edit", reverse("ideas:challenge_edit", args=[oc.challenge.pk]), STEERS),
        ("challenge close", reverse("ideas:challenge_close", args=[oc.challenge.pk]), STEERS),
        (
            "program-wide challenge edit",
            reverse("ideas:challenge_edit", args=[oc.program_challenge.pk]),
            MANAGERS,
        ),
        ("propose an idea", reverse("ideas:idea_propose", args=[oc.challenge.pk]), PARTICIPANTS),
        ("idea hide", reverse("ideas:idea_hide", args=[idea]), STEERS),
        ("critique hide", reverse("ideas:critique_hide", args=[idea, critique]), STEERS),
        ("guideline and anonymity", reverse("ideas:circle_settings", args=[p.circle.pk]), STEERS),
        ("voice", reverse("ideas:circle_voice", args=[p.circle.pk]), {"lead"}),
    ]


def _pages(p: Personas) -> list[tuple[str, str, set[str]]]:
    """(label, url, personas who get a 200); everyone else gets a 404 (or a redirect if noted)."""
    org = p.organization.slug
    return [
        ("home", reverse("home:home"), ALL),
        ("program list", reverse("programs:list"), ALL),
        ("profile", reverse("orgs:profile"), ALL),
        ("api tokens", reverse("accounts:api_tokens"), ALL),
        ("program detail", reverse("programs:detail", args=[p.program.pk]), INSIDERS),
        (
            "program dashboard",
            reverse("insights:program_dashboard", args=[p.program.pk]),
            MANAGERS | {"sponsor"},
        ),
        ("program edit", reverse("programs:edit", args=[p.program.pk]), MANAGERS),
        ("program create", reverse("programs:create") + f"?org={org}", MANAGERS),
        ("circle create", reverse("circles:create", args=[p.program.pk]), MANAGERS),
        ("circle detail", reverse("circles:detail", args=[p.circle.pk]), INSIDERS),
        (
            "other circle detail",
            reverse("circles:detail", args=[p.other_circle.pk]),
            {"admin", "coordinator", "sponsor"},
        ),
        ("circle edit", reverse("circles:edit", args=[p.circle.pk]), MANAGERS | {"lead"}),
        ("directory", reverse("orgs:directory", args=[org]), INSIDERS),
        (
            "member detail",
            reverse("orgs:member_detail", args=[p.members["member"].pk]),
            INSIDERS,
        ),
        ("invitations", reverse("accounts:invitation_list", args=[org]), MANAGERS),
    ]


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_every_page_for_every_persona(client, personas, open_critique, persona):
    client.force_login(personas.user(persona))
    for label, url, allowed in _pages(personas) + _idea_pages(personas, open_critique):
        response = client.get(url)
        expected = 200 if persona in allowed else 404
        assert response.status_code == expected, f"{persona} on {label} ({url})"


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_revising_an_idea_or_editing_a_critique_is_for_its_author(
    client, personas, open_critique, persona
):
    """The author gets the form; another participant is sent back to the idea with a message;
    whoever does not take part in the circle gets a 404."""
    client.force_login(personas.user(persona))
    oc = open_critique
    for author, url in (
        ("member", reverse("ideas:idea_revise", args=[oc.idea.pk])),
        ("lead", reverse("ideas:critique_edit", args=[oc.idea.pk, oc.critique.pk])),
    ):
        response = client.get(url)
        if persona == author:
            assert response.status_code == 200, url
        elif persona in PARTICIPANTS:
            assert response.status_code == 302, url
            assert response.url == reverse("ideas:idea_detail", args=[oc.idea.pk])
        else:
            assert response.status_code == 404, url


def test_anonymous_is_sent_to_sign_in(client, personas, open_critique):
    for label, url, _allowed in _pages(personas) + _idea_pages(personas, open_critique):
        response = client.get(url)
        assert response.status_code == 302, label
        assert response.url.startswith(reverse("accounts:login")), label


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_member_edit_page(client, personas, persona):
    """Admins edit anyone; a member editing themself is sent to their profile; others 404."""
    client.force_login(personas.user(persona))
    url = reverse("orgs:member_edit", args=[personas.members["member"].pk])
    response = client.get(url)
    if persona == "admin":
        assert response.status_code == 200
    elif persona == "member":
        assert response.status_code == 302
        assert response.url == reverse("orgs:profile")
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_changing_circle_membership_is_for_coordinators_and_admins(client, personas, persona):
    client.force_login(personas.user(persona))
    newcomer = personas.members["sponsor"]
    response = client.post(
        reverse("circles:add_member", args=[personas.circle.pk]), {"member": newcomer.pk}
    )
    joined = personas.circle.memberships.filter(member=newcomer, left_on__isnull=True).exists()
    if persona in MANAGERS:
        assert response.status_code == 302
        assert joined
    else:
        assert response.status_code == 404
        assert not joined


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_enrolment_is_for_coordinators_and_admins(client, personas, persona):
    client.force_login(personas.user(persona))
    admin_member = personas.members["admin"]
    response = client.post(
        reverse("programs:enrol", args=[personas.program.pk]), {"members": [admin_member.pk]}
    )
    enrolled = personas.program.enrolments.filter(member=admin_member).exists()
    assert enrolled == (persona in MANAGERS)
    assert response.status_code == (302 if persona in MANAGERS else 404)


def _posts(p: Personas) -> list[tuple[str, str, dict[str, object], set[str]]]:
    """(label, url, data, personas allowed); the rest get a 404 and nothing changes."""
    member = p.members["member"]
    return [
        (
            "program edit",
            reverse("programs:edit", args=[p.program.pk]),
            {"name": ""},
            MANAGERS,
        ),
        (
            "withdraw",
            reverse("programs:withdraw", args=[p.program.pk, member.pk]),
            {},
            MANAGERS,
        ),
        (
            "remove member",
            reverse("circles:remove_member", args=[p.circle.pk, member.pk]),
            {},
            MANAGERS,
        ),
        (
            "circle edit",
            reverse("circles:edit", args=[p.circle.pk]),
            {"name": ""},
            MANAGERS | {"lead"},
        ),
        (
            "circle create",
            reverse("circles:create", args=[p.program.pk]),
            {"name": ""},
            MANAGERS,
        ),
        (
            "invite",
            reverse("accounts:invitation_list", args=[p.organization.slug]),
            {"email": ""},
            MANAGERS,
        ),
        # Last: a lead who steps down loses the lead's rights.
        (
            "set lead",
            reverse("circles:lead", args=[p.circle.pk]),
            {"lead": ""},
            MANAGERS | {"lead"},
        ),
    ]


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_every_change_for_every_persona(client, personas, persona):
    client.force_login(personas.user(persona))
    for label, url, data, allowed in _posts(personas):
        response = client.post(url, data)
        if persona in allowed:
            assert response.status_code in {200, 302}, f"{persona} on {label}"
        else:
            assert response.status_code == 404, f"{persona} on {label}"
    personas.circle.refresh_from_db()
    still_in = personas.circle.memberships.filter(
        member=personas.members["member"], left_on__isnull=True
    ).exists()
    assert still_in == (persona not in MANAGERS)
    assert (personas.circle.lead is None) == (persona in MANAGERS | {"lead"})


def _idea_posts(
    p: Personas, oc: OpenCritique
) -> list[tuple[str, str, dict[str, object], set[str], set[str]]]:
    """(label, url, data, personas allowed, personas refused with a 403 because they see the idea
    but may not act on it); everyone else gets a 404 and nothing changes."""
    idea = oc.idea.pk
    sees_north = INSIDERS
    return [
        (
            "pose to the circle",
            reverse("ideas:circle_challenge_create", args=[p.circle.pk]),
            {"title": "Handover notes get lost", "description": "Half the notes never arrive."},
            STEERS,
            set(),
        ),
        (
            "pose to the program",
            reverse("ideas:program_challenge_create", args=[p.program.pk]),
            {"title": "Discounts on site", "description": "Customers ask; we say yes."},
            MANAGERS,
            set(),
        ),
        (
            "propose an idea",
            reverse("ideas:idea_propose", args=[oc.challenge.pk]),
            {"summary": "A call script", "how": "One page.", "effect": "Shorter calls."},
            PARTICIPANTS,
            set(),
        ),
        (
            "critique",
            reverse("ideas:critique_add", args=[idea]),
            {"stance": "concern", "reasoning": REASON},
            PARTICIPANTS,
            set(),
        ),
        (
            "endorse",
            reverse("ideas:critique_endorse", args=[idea, oc.critique.pk]),
            {},
            PARTICIPANTS,
            set(),
        ),
        (
            "vote",
            reverse("ideas:vote", args=[idea]),
            {"value": "agree"},
            PARTICIPANTS,
            sees_north - PARTICIPANTS,
        ),
        (
            "hide the results",
            reverse("ideas:votes_reveal", args=[idea]),
            {"show": "no"},
            STEERS,
            sees_north - STEERS,
        ),
        (
            "decide",
            reverse("ideas:decide", args=[idea]),
            {"to_stage": "discussing", "rationale": "Worth a discussion at the next meeting."},
            STEERS,
            sees_north - STEERS,
        ),
        (
            "hide a critique",
            reverse("ideas:critique_hide", args=[idea, oc.critique.pk]),
            {"reason": "A personal remark about a colleague."},
            STEERS,
            set(),
        ),
        (
            "guideline and anonymity",
            reverse("ideas:circle_settings", args=[p.circle.pk]),
            {"guideline": "Argue with the idea, never the person.", "anonymous": "on"},
            STEERS,
            set(),
        ),
        (
            "close the challenge",
            reverse("ideas:challenge_close", args=[oc.challenge.pk]),
            {"summary": "Calls now end at 25 minutes with the one-page summary."},
            STEERS,
            set(),
        ),
    ]


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_every_open_critique_change_for_every_persona(client, personas, open_critique, persona):
    client.force_login(personas.user(persona))
    for label, url, data, allowed, forbidden in _idea_posts(personas, open_critique):
        response = client.post(url, data)
        if persona in allowed:
            assert response.status_code in {200, 302}, f"{persona} on {label}"
        else:
            expected = 403 if persona in forbidden else 404
            assert response.status_code == expected, f"{persona} on {label}"
    oc = open_critique
    oc.idea.refresh_from_db()
    oc.critique.refresh_from_db()
    oc.challenge.refresh_from_db()
    steers, takes_part = persona in STEERS, persona in PARTICIPANTS
    assert Challenge.objects.filter(title="Handover notes get lost").exists() == steers
    assert Challenge.objects.filter(title="Discounts on site").exists() == (persona in MANAGERS)
    assert Idea.objects.filter(challenge=oc.challenge).exists() == takes_part
    assert Critique.objects.filter(idea=oc.idea, stance="concern").exists() == takes_part
    # The lead wrote the critique: only the member may endorse it.
    assert CritiqueEndorsement.objects.filter(critique=oc.critique).exists() == (
        persona == "member"
    )
    assert Vote.objects.filter(idea=oc.idea).exists() == takes_part
    assert oc.idea.results_revealed == (not steers)
    assert (oc.idea.stage == Stage.DISCUSSING) == steers
    assert oc.critique.is_hidden == steers
    anonymous = CircleIdeaSettings.objects.filter(circle=personas.circle, anonymous=True)
    assert anonymous.exists() == steers
    assert (oc.challenge.status == Challenge.Status.CLOSED) == steers


# --- commitments ------------------------------------------------------------------------------


def _commitment_world(p: Personas) -> tuple[int, int]:
    """The member's commitment asked for by the lead (dated), and the member's busy period."""
    member, lead = p.members["member"], p.members["lead"]
    commitment = commitment_ask(circle=p.circle, asked_by=lead, owner=member, title="The list")
    day = timezone.localdate() + dt.timedelta(days=3)
    commitment_answer(commitment=commitment, member=member, due_on=day)
    period = busy_period_add(member=member, label="Launch", starts_on=day, ends_on=day)
    return commitment.pk, period.pk


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_commitment_pages_for_every_persona(client, personas, persona):
    commitment, period = _commitment_world(personas)
    circle = personas.circle.pk
    pages = [
        ("my commitments", reverse("commitments:mine"), ALL),
        ("busy periods", reverse("commitments:busy"), ALL),
        ("board", reverse("commitments:board", args=[circle]), INSIDERS),
        ("ask or take on", reverse("commitments:create", args=[circle]), STEERS | {"member"}),
        ("commitment", reverse("commitments:detail", args=[commitment]), INSIDERS),
        ("busy period", reverse("commitments:busy_detail", args=[period]), {"member"}),
    ]
    client.force_login(personas.user(persona))
    for label, url, allowed in pages:
        expected = 200 if persona in allowed else 404
        assert client.get(url).status_code == expected, f"{persona} on {label} ({url})"
    # Moving the date is the owner's: others who see it are sent back to it.
    move = client.get(reverse("commitments:move", args=[commitment]))
    expected = 200 if persona == "member" else 302 if persona in INSIDERS else 404
    assert move.status_code == expected, f"{persona} on move"


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_asking_for_a_commitment_for_every_persona(client, personas, persona):
    client.force_login(personas.user(persona))
    owner = personas.members["member" if persona != "member" else "lead"]
    response = client.post(
        reverse("commitments:create", args=[personas.circle.pk]),
        {"owner": owner.pk, "title": "Call the top ten"},
    )
    allowed = STEERS | {"member"}
    assert response.status_code == (302 if persona in allowed else 404)
    assert Commitment.objects.filter(title="Call the top ten").exists() == (persona in allowed)
