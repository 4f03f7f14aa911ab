"""The open-critique API (routers/ideas): every endpoint for every persona, the outsider included
(404 for what one may not see, 403 for what one sees but may not do, and nothing changed);
anonymity (no author, no time finer than a day, in any answer to anyone); the edit_token an
anonymous author gets once; query counts that do not grow with the data; bad input."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from roundtable.api.api import api
from roundtable.core.anonymity import CAPABILITY_COOKIE, capability_hash
from roundtable.ideas.models import (
    Challenge,
    Critique,
    CritiqueEndorsement,
    Decision,
    Idea,
    IdeaVersion,
    Stage,
    TemperatureVote,
    Trial,
)
from roundtable.ideas.services.challenges import challenge_close, challenge_create
from roundtable.ideas.services.critiques import critique_add, critique_endorse
from roundtable.ideas.services.decisions import idea_decide
from roundtable.ideas.services.ideas import idea_revise
from roundtable.ideas.services.temperature import vote_set, votes_hide
from roundtable.ideas.services.trials import trial_start
from roundtable.ideas.tests.helpers import (
    OTHER_REASON,
    REASON,
    critique_make,
    idea_make,
    make_anonymous,
)
from roundtable.orgs.models import Member
from roundtable.testing.api import (
    PERSONAS,
    as_persona,
    assert_error,
    assert_needs_authentication,
    assert_persona_matrix,
    bearer,
    managers_only,
    operations_tagged,
    post,
)
from roundtable.testing.personas import Personas
from roundtable.testing.queries import assert_queries_flat

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2027, 3, 1, 10, 17, 23, tzinfo=dt.UTC)
THIRD_REASON = "Customers asked for a call back instead, since most of them call from work."


def put(client: Client, url: str, data: Any) -> Any:
    return client.put(url, data, content_type="application/json")


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@dataclass
class World:
    """A challenge posed to North, the member's named idea for it, a strength by the lead and a
    concern by the member."""

    personas: Personas
    challenge: Challenge
    idea: Idea
    lead_critique: Critique
    member_critique: Critique

    def member(self, name: str) -> Member:
        return self.personas.members[name]


@pytest.fixture
def world(personas: Personas, clock: time_machine.Traveller) -> World:
    challenge = challenge_create(
        program=personas.program,
        circle=personas.circle,
        posed_by=personas.members["lead"],
        title="Calls run long",
        description="Our renewal calls take 45 minutes on average; customers drop off.",
    )
    idea = idea_make(challenge, personas.circle, personas.members["member"])
    return World(
        personas=personas,
        challenge=challenge,
        idea=idea,
        lead_critique=critique_make(idea, personas.members["lead"], "strength"),
        member_critique=critique_make(idea, personas.members["member"], "concern", OTHER_REASON),
    )


def fingerprint() -> tuple[Any, ...]:
    """Everything the ideas endpoints could change, to check that a refusal changed nothing."""
    return (
        sorted(Challenge.objects.values_list("pk", "title", "description", "status", "summary")),
        sorted(
            Idea.objects.values_list(
                "pk", "version", "stage", "withdrawn", "hidden_reason", "results_revealed"
            ),
            key=str,
        ),
        IdeaVersion.objects.count(),
        sorted(
            Critique.objects.values_list("pk", "reasoning", "stance", "withdrawn", "hidden_reason"),
            key=str,
        ),
        sorted(CritiqueEndorsement.objects.values_list("critique_id", "member_id"), key=str),
        sorted(TemperatureVote.objects.values_list("member_id", "value", "reason")),
        Decision.objects.count(),
        sorted(Trial.objects.values_list("pk", "result", "outcome")),
    )


# --- every endpoint needs authentication ----------------------------------------------------


def _ideas_operations() -> list[tuple[str, str]]:
    return operations_tagged(api.get_openapi_schema(), "ideas")


def test_the_ideas_endpoints_are_all_there() -> None:
    assert len(_ideas_operations()) == 26


@pytest.mark.parametrize(("method", "path"), _ideas_operations())
def test_every_ideas_endpoint_needs_authentication(
    personas: Personas, method: str, path: str
) -> None:
    url = re.sub(r"\{(idea_id|critique_id)\}", str(uuid.uuid4()), path)
    url = re.sub(r"\{\w+\}", "1", url)
    assert_needs_authentication(method, url)


# --- the permission matrix: every endpoint, every persona -------------------------------------

SEE = dict.fromkeys(PERSONAS, 200) | {"outsider": 404}


def moderators(ok: int) -> dict[str, int]:
    """The circle's lead, the program's coordinators and admins (also who decides)."""
    return {
        "admin": ok,
        "coordinator": ok,
        "lead": ok,
        "sponsor": 403,
        "member": 403,
        "outsider": 404,
    }


def takers(ok: int) -> dict[str, int]:
    """The circle's members and its lead; the others who see the circle only read."""
    return {"admin": 403, "coordinator": 403, "sponsor": 403, "lead": ok, "member": ok} | {
        "outsider": 404
    }


def member_author(ok: int) -> dict[str, int]:
    """The member wrote it (named): they alone change it; the lead sees it but may not."""
    return takers(403) | {"member": ok}


Request = tuple[str, str, dict[str, Any] | None]


def _idea_url(w: World, tail: str = "") -> str:
    return f"/api/ideas/{w.idea.pk}{tail}"


def _critique_url(w: World, critique: Critique, tail: str = "") -> str:
    return f"/api/ideas/{w.idea.pk}/critiques/{critique.pk}{tail}"


def _closed(w: World) -> Request:
    challenge_close(challenge=w.challenge, summary="We settled on a script.")
    return ("post", f"/api/challenges/{w.challenge.pk}/reopen", None)


def _results_hidden(w: World) -> Request:
    votes_hide(idea=w.idea)
    return ("post", _idea_url(w, "/results/reveal"), None)


def _endorsed(w: World) -> Request:
    critique_endorse(critique=w.lead_critique, member=w.member("member"))
    return ("delete", _critique_url(w, w.lead_critique, "/endorsement"), None)


def _on_trial(w: World) -> Request:
    lead = w.member("lead")
    idea_decide(idea=w.idea, to_stage=Stage.DISCUSSING, rationale="Worth a look.", by=lead)
    today = timezone.localdate()
    trial_start(
        idea=w.idea,
        by=lead,
        rationale="Try it for a month.",
        owner=w.member("member"),
        starts_on=today,
        ends_on=today + dt.timedelta(days=28),
        measure="Calls under 30 minutes on average.",
        review_on=today + dt.timedelta(days=30),
    )
    return (
        "post",
        _idea_url(w, "/trial/outcome"),
        {"result": "met", "outcome": "Calls averaged 26 minutes."},
    )


def _trial_body(w: World) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "to_stage": "trial",
        "rationale": "Try it for a month.",
        "owner_id": w.member("member").pk,
        "starts_on": today.isoformat(),
        "ends_on": (today + dt.timedelta(days=28)).isoformat(),
        "review_on": (today + dt.timedelta(days=30)).isoformat(),
        "measure": "Calls under 30 minutes on average.",
    }


CHALLENGE = {"title": "Renewals lapse", "description": "A third of renewals lapse in March."}
TEXTS = {"summary": "A shorter script", "how": "Half a page.", "effect": "Calls of 20 minutes."}

MATRIX: list[tuple[str, dict[str, int], Callable[[World], Request]]] = [
    ("circle challenges", SEE,
     lambda w: ("get", f"/api/circles/{w.personas.circle.pk}/challenges", None)),
    ("program challenges", SEE,
     lambda w: ("get", f"/api/programs/{w.personas.program.pk}/challenges", None)),
    ("challenge", SEE, lambda w: ("get", f"/api/challenges/{w.challenge.pk}", None)),
    ("ideas of a challenge", SEE,
     lambda w: ("get", f"/api/challenges/{w.challenge.pk}/ideas", None)),
    ("idea", SEE, lambda w: ("get", _idea_url(w), None)),
    ("decision panel", SEE, lambda w: ("get", _idea_url(w, "/decisions"), None)),
    ("pose to a circle", moderators(201),
     lambda w: ("post", f"/api/circles/{w.personas.circle.pk}/challenges", CHALLENGE)),
    ("pose to a program", dict(managers_only(201)),
     lambda w: ("post", f"/api/programs/{w.personas.program.pk}/challenges", CHALLENGE)),
    ("edit a challenge", moderators(200),
     lambda w: ("put", f"/api/challenges/{w.challenge.pk}", CHALLENGE)),
    ("close a challenge", moderators(200),
     lambda w: ("post", f"/api/challenges/{w.challenge.pk}/close", {"summary": "Done."})),
    ("reopen a challenge", moderators(200), _closed),
    ("propose", takers(201), lambda w: ("post", f"/api/challenges/{w.challenge.pk}/ideas", TEXTS)),
    ("revise", member_author(201), lambda w: ("post", _idea_url(w, "/versions"), TEXTS)),
    ("withdraw an idea", member_author(200), lambda w: ("post", _idea_url(w, "/withdraw"), {})),
    ("hide an idea", moderators(200),
     lambda w: ("post", _idea_url(w, "/hide"), {"reason": "A personal remark about Sam"})),
    ("critique", takers(201),
     lambda w: ("post", _idea_url(w, "/critiques"), {"stance": "question", "reasoning": REASON})),
    ("edit a critique", member_author(200),
     lambda w: ("put", _critique_url(w, w.member_critique), {"reasoning": THIRD_REASON})),
    ("withdraw a critique", member_author(200),
     lambda w: ("post", _critique_url(w, w.member_critique, "/withdraw"), {})),
    # The lead's own argument: endorsements come from the others (a rule: 400).
    ("endorse", takers(200) | {"lead": 400},
     lambda w: ("post", _critique_url(w, w.lead_critique, "/endorsement"), None)),
    ("take an endorsement back", takers(200) | {"lead": 400}, _endorsed),
    ("hide a critique", moderators(200),
     lambda w: ("post", _critique_url(w, w.member_critique, "/hide"),
                {"reason": "A personal remark about Sam"})),
    ("vote", takers(200), lambda w: ("put", _idea_url(w, "/vote"), {"value": "agree"})),
    ("reveal the results", moderators(200), _results_hidden),
    ("hide the results", moderators(200), lambda w: ("post", _idea_url(w, "/results/hide"), None)),
    ("decide", moderators(201),
     lambda w: ("post", _idea_url(w, "/decisions"),
                {"to_stage": "discussing", "rationale": "Worth a proper look."})),
    ("record a trial's outcome", moderators(200) | {"member": 200}, _on_trial),
]  # fmt: skip


@pytest.mark.parametrize(
    ("expected", "build"),
    [pytest.param(expected, build, id=name) for name, expected, build in MATRIX],
)
def test_every_endpoint_for_every_persona(
    world: World, expected: dict[str, int], build: Callable[[World], Request]
) -> None:
    assert_persona_matrix(world, expected, build, fingerprint, PERSONAS)


def test_the_matrix_covers_every_operation() -> None:
    assert len(MATRIX) == len(_ideas_operations())


def test_program_wide_ideas_are_seen_only_in_the_circles_one_sees(world: World) -> None:
    personas = world.personas
    wide = challenge_create(
        program=personas.program,
        posed_by=personas.members["coordinator"],
        title="Lapsed customers do not answer",
        description="Half of the lapsed customers never pick up the phone.",
    )
    peer = Member.objects.get(user__email="peer@example.org")  # South's lead
    north = idea_make(wide, personas.circle, personas.members["member"], summary="Email first")
    south = idea_make(wide, personas.other_circle, peer, summary="Text first")
    url = f"/api/challenges/{wide.pk}/ideas"

    def seen(client: Client) -> list[str]:
        return [i["summary"] for i in client.get(url).json()["items"]]

    assert seen(as_persona(personas, "coordinator")) == ["Email first", "Text first"]
    assert seen(as_persona(personas, "member")) == ["Email first"]
    assert seen(bearer(peer.user)) == ["Text first"]
    assert_error(bearer(peer.user).get(f"/api/ideas/{north.pk}"), 404, "not_found")
    assert as_persona(personas, "member").get(f"/api/ideas/{south.pk}").status_code == 404
    # Proposing in South, where the member does not take part, is refused.
    refused = post(
        as_persona(personas, "member"),
        url,
        {**TEXTS, "circle_id": personas.other_circle.pk},
    )
    assert_error(refused, 400, "invalid")
    assert refused.json()["field"] == "circle_id"


def test_idea_detail_shows_versions_and_critiques_grouped_with_replies(world: World) -> None:
    member, lead = world.member("member"), world.member("lead")
    idea_revise(idea=world.idea, member=member, **TEXTS)
    reply, _ = critique_add(
        idea=world.idea, member=lead, parent=world.member_critique, reasoning=THIRD_REASON
    )
    critique_endorse(critique=world.lead_critique, member=member)
    body = as_persona(world.personas, "member").get(_idea_url(world)).json()
    assert (body["version"], body["summary"], body["critique_count"]) == (2, "A shorter script", 2)
    assert [v["number"] for v in body["versions"]] == [2, 1]
    assert [(c["stance"], c["parent_id"], c["version"]) for c in body["critiques"]] == [
        ("strength", None, 1),
        ("concern", None, 1),
        (None, str(world.member_critique.pk), 2),
    ]
    strength = body["critiques"][0]
    assert (strength["endorsement_count"], strength["endorsed_by_me"]) == (1, True)
    assert strength["author"] == {"id": lead.pk, "name": "Lead Persona"}
    assert body["critiques"][2]["id"] == str(reply.pk)


def test_a_named_contribution_carries_its_author_and_no_edit_token(world: World) -> None:
    created = post(
        as_persona(world.personas, "lead"),
        _idea_url(world, "/critiques"),
        {"stance": "question", "reasoning": THIRD_REASON},
    ).json()
    lead = world.member("lead")
    assert (created["anonymous"], created["edit_token"]) == (False, None)
    assert created["author"] == {"id": lead.pk, "name": "Lead Persona"}


# --- anonymity --------------------------------------------------------------------------------

_INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def _walk(value: Any) -> Iterator[Any]:
    yield value
    if isinstance(value, dict):
        for item in value.values():
            yield from _walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item)


def assert_nothing_of(author: Member, body: Any) -> None:
    """No author field, no id, name or email of `author`, and no time finer than a day."""
    for value in _walk(body):
        if isinstance(value, dict):
            assert value.get("author", None) is None
            if {"id", "name"} <= value.keys():
                assert value["id"] != author.pk
        if isinstance(value, str):
            assert author.name not in value
            assert author.email not in value
            assert not _INSTANT.search(value), value


@pytest.fixture
def anonymous(world: World) -> dict[str, Any]:
    """The member's anonymous idea and critique, written through the API; the creation answers."""
    make_anonymous(world.personas.circle)
    member = as_persona(world.personas, "member")
    idea = post(member, f"/api/challenges/{world.challenge.pk}/ideas", TEXTS)
    assert idea.status_code == 201, idea.content
    critique = post(
        member,
        f"/api/ideas/{world.idea.pk}/critiques",
        {"stance": "alternative", "reasoning": THIRD_REASON},
    )
    assert critique.status_code == 201, critique.content
    return {"idea": idea.json(), "critique": critique.json()}


def test_anonymous_idea_and_critique_name_no_one_anywhere(
    world: World, anonymous: dict[str, Any]
) -> None:
    author = world.member("member")
    idea_id, critique_id = anonymous["idea"]["id"], anonymous["critique"]["id"]
    assert Idea.objects.get(pk=idea_id).author_id is None
    assert Critique.objects.get(pk=critique_id).author_id is None
    for created in anonymous.values():
        assert created["anonymous"] is True
        assert created["created_on"] == "2027-03-01"
        assert_nothing_of(author, {k: v for k, v in created.items() if k != "edit_token"})
    # Named rows of the same author (the world's) stay named; only the anonymous ones are read.
    reads = [
        f"/api/circles/{world.personas.circle.pk}/challenges",
        f"/api/programs/{world.personas.program.pk}/challenges",
        f"/api/challenges/{world.challenge.pk}",
        f"/api/ideas/{idea_id}",
        f"/api/ideas/{idea_id}/decisions",
    ]
    for persona in PERSONAS:
        client = as_persona(world.personas, persona)
        for url in reads:
            response = client.get(url)
            assert response.status_code == (404 if persona == "outsider" else 200)
            if response.status_code == 200:
                assert_nothing_of(author, response.json())
        listing = client.get(f"/api/challenges/{world.challenge.pk}/ideas")
        detail = client.get(_idea_url(world))
        if persona == "outsider":
            assert (listing.status_code, detail.status_code) == (404, 404)
            continue
        anon_idea = next(i for i in listing.json()["items"] if i["id"] == idea_id)
        anon_critique = next(c for c in detail.json()["critiques"] if c["id"] == critique_id)
        assert_nothing_of(author, [anon_idea, anon_critique])


def test_the_edit_token_is_shown_once_and_only_its_hash_is_stored(
    world: World, anonymous: dict[str, Any]
) -> None:
    token = anonymous["critique"]["edit_token"]
    critique = Critique.objects.get(pk=anonymous["critique"]["id"])
    secret = token.rsplit(":", 2)[0].split("~")[1]
    assert critique.edit_key_hash == capability_hash(secret)
    assert token not in str(Critique.objects.values_list()) + str(Idea.objects.values_list())
    again = as_persona(world.personas, "member").get(_idea_url(world)).json()
    assert token not in str(again)
    schema = api.get_openapi_schema()["components"]["schemas"]["CritiqueCreatedOut"]
    description = schema["properties"]["edit_token"]["description"]
    assert "Shown once" in description
    assert "24 hours" in description
    assert "hash" in description


def _edit_critique(client: Client, critique_id: str, token: str | None) -> Any:
    return put(
        client,
        f"/api/ideas/{Critique.objects.get(pk=critique_id).idea_id}/critiques/{critique_id}",
        {"reasoning": OTHER_REASON, "edit_token": token},
    )


def _unchanged(critique_id: str) -> bool:
    critique = Critique.objects.get(pk=critique_id)
    return critique.reasoning == THIRD_REASON and not critique.withdrawn


def test_the_author_edits_with_the_edit_token_within_24_hours(
    world: World, anonymous: dict[str, Any], clock: time_machine.Traveller
) -> None:
    member = as_persona(world.personas, "member")
    critique_id = anonymous["critique"]["id"]
    token = anonymous["critique"]["edit_token"]
    clock.shift(dt.timedelta(hours=23, minutes=59))
    edited = _edit_critique(member, critique_id, token)
    assert edited.status_code == 200, edited.content
    assert edited.json()["reasoning"] == OTHER_REASON
    assert edited.json()["author"] is None
    idea_id, idea_token = anonymous["idea"]["id"], anonymous["idea"]["edit_token"]
    revision = {**TEXTS, "summary": "Shorter still", "edit_token": idea_token}
    revised = post(member, f"/api/ideas/{idea_id}/versions", revision)
    assert revised.status_code == 201, revised.content
    withdrawn = post(member, f"/api/ideas/{idea_id}/withdraw", {"edit_token": idea_token})
    assert withdrawn.status_code == 200
    assert withdrawn.json()["withdrawn"] is True


def test_after_24_hours_the_edit_token_is_refused(
    world: World, anonymous: dict[str, Any], clock: time_machine.Traveller
) -> None:
    member = as_persona(world.personas, "member")
    critique_id = anonymous["critique"]["id"]
    clock.shift(dt.timedelta(hours=24, seconds=1))
    refused = _edit_critique(member, critique_id, anonymous["critique"]["edit_token"])
    assert "expired" in assert_error(refused, 403, "forbidden")["detail"]
    url = f"/api/ideas/{world.idea.pk}/critiques/{critique_id}/withdraw"
    assert post(member, url, {"edit_token": anonymous["critique"]["edit_token"]}).status_code == 403
    assert _unchanged(critique_id)


@pytest.mark.parametrize("tamper", ["secret", "signature", "timestamp", "other contribution"])
def test_a_tampered_edit_token_is_refused(
    world: World, anonymous: dict[str, Any], tamper: str
) -> None:
    critique_id = anonymous["critique"]["id"]
    token = anonymous["critique"]["edit_token"]
    body, timestamp, signature = token.rsplit(":", 2)
    key, secret = body.split("~")
    tampered = {
        "secret": f"{key}~{secret[:-2]}xx:{timestamp}:{signature}",
        "signature": f"{body}:{timestamp}:{signature[:-2]}xx",
        "timestamp": f"{body}:{timestamp[:-1]}0:{signature}",
        # The idea's own token, sent for the critique: valid, but for something else.
        "other contribution": anonymous["idea"]["edit_token"],
    }[tamper]
    refused = _edit_critique(as_persona(world.personas, "member"), critique_id, tampered)
    detail = assert_error(refused, 403, "forbidden")["detail"]
    assert "edit token" in detail
    assert _unchanged(critique_id)


def test_without_the_edit_token_even_the_author_cannot_change_it(
    world: World, anonymous: dict[str, Any]
) -> None:
    critique_id = anonymous["critique"]["id"]
    refused = _edit_critique(as_persona(world.personas, "member"), critique_id, None)
    assert "edit_token" in assert_error(refused, 403, "forbidden")["detail"]
    assert _unchanged(critique_id)


def test_the_edit_token_is_the_proof_whoever_sends_it(
    world: World, anonymous: dict[str, Any]
) -> None:
    """By design: nothing on the server knows who wrote an anonymous critique, so the token is
    the whole proof, as the signed cookie is on the pages. Someone else of the circle who holds
    it may change it (the author gave it away); someone who may not take part in the circle, or
    may not see it, still cannot; and the token gives no other right (deciding needs the role)."""
    critique_id = anonymous["critique"]["id"]
    token = anonymous["critique"]["edit_token"]
    assert_error(_edit_critique(as_persona(world.personas, "outsider"), critique_id, token),
                 404, "not_found")  # fmt: skip
    assert_error(_edit_critique(as_persona(world.personas, "sponsor"), critique_id, token),
                 403, "forbidden")  # fmt: skip
    assert _unchanged(critique_id)
    idea_id, idea_token = anonymous["idea"]["id"], anonymous["idea"]["edit_token"]
    decided = post(
        as_persona(world.personas, "member"),
        f"/api/ideas/{idea_id}/decisions",
        {"to_stage": "discussing", "rationale": "Mine.", "edit_token": idea_token},
    )
    assert_error(decided, 403, "forbidden")
    assert _edit_critique(as_persona(world.personas, "lead"), critique_id, token).status_code == 200


def test_the_edit_token_is_the_capability_the_pages_hold(
    world: World, anonymous: dict[str, Any]
) -> None:
    """The same signed capability as the author's cookie: a browser holding it edits the page."""
    idea_id = Critique.objects.get(pk=anonymous["critique"]["id"]).idea_id
    browser = Client()
    browser.force_login(world.personas.member)
    browser.cookies[CAPABILITY_COOKIE] = anonymous["critique"]["edit_token"]
    page = browser.get(reverse("ideas:idea_detail", args=[idea_id])).content.decode()
    assert "You wrote this anonymously" in page


# --- query counts ---------------------------------------------------------------------------


def test_list_and_detail_query_counts_do_not_grow(world: World) -> None:
    personas = world.personas
    client = as_persona(personas, "lead")
    member, lead = world.member("member"), world.member("lead")
    vote_set(idea=world.idea, member=member, value="agree")
    idea_decide(idea=world.idea, to_stage=Stage.DISCUSSING, rationale="Worth a look.", by=lead)
    grown = iter(range(100))

    def grow() -> None:
        """More challenges (both kinds), ideas, critiques, replies, endorsements, a version, a
        changed vote and a decision each time."""
        n = next(grown)
        for circle in (personas.circle, None):
            challenge_create(
                program=personas.program,
                circle=circle,
                posed_by=lead,
                title=f"Challenge {n}",
                description="The same problem, elsewhere.",
            )
        other = idea_make(world.challenge, personas.circle, lead, summary=f"Idea {n}")
        critique_make(other, member)
        top = critique_make(world.idea, lead, "question", f"{THIRD_REASON} Case {n}.")
        critique_add(idea=world.idea, member=member, parent=top, reasoning=REASON)
        critique_endorse(critique=top, member=member)
        idea_revise(idea=world.idea, member=member, **{**TEXTS, "summary": f"Version {n}"})
        vote_set(idea=world.idea, member=lead, value=("unsure", "agree")[n % 2], reason=f"{n}")
        # Set aside and back: the stage (which decides the steps offered) ends where it was.
        for to_stage in (Stage.SET_ASIDE, Stage.DISCUSSING):
            idea_decide(idea=world.idea, to_stage=to_stage, rationale=f"Step {n}.", by=lead)

    for url in (
        f"/api/circles/{personas.circle.pk}/challenges",
        f"/api/programs/{personas.program.pk}/challenges",
        f"/api/challenges/{world.challenge.pk}/ideas",
        _idea_url(world),
        _idea_url(world, "/decisions"),
    ):
        assert_queries_flat(client, url, grow=grow)
    assert client.get(f"/api/challenges/{world.challenge.pk}/ideas").json()["count"] == 6
    detail = client.get(_idea_url(world)).json()
    assert (len(detail["critiques"]), len(detail["versions"])) == (12, 6)
    assert len(client.get(_idea_url(world, "/decisions")).json()["decisions"]) == 11


# --- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize("verdict", ["+1", "agree", "bad idea", "👍"])
def test_a_bare_verdict_is_refused_with_the_reasoning_hint(world: World, verdict: str) -> None:
    response = post(
        as_persona(world.personas, "lead"),
        _idea_url(world, "/critiques"),
        {"stance": "strength", "reasoning": verdict},
    )
    body = assert_error(response, 400, "invalid")
    assert body["field"] == "reasoning"
    assert "Give a reason: a claim and why" in body["detail"]
    assert "endorse it instead" in body["detail"]
    assert world.idea.critiques.count() == 2


@pytest.mark.parametrize("rationale", [None, "", "   ", "\u200b"])
def test_a_decision_needs_a_rationale(world: World, rationale: str | None) -> None:
    body: dict[str, Any] = {"to_stage": "discussing"}
    if rationale is not None:
        body["rationale"] = rationale
    response = post(as_persona(world.personas, "lead"), _idea_url(world, "/decisions"), body)
    errors = assert_error(response, 422, "invalid")["errors"]
    assert errors[0]["loc"][-1] == "rationale"
    assert not Decision.objects.exists()


def test_a_step_the_stages_do_not_allow_is_refused(world: World) -> None:
    lead = as_persona(world.personas, "lead")
    response = post(lead, _idea_url(world, "/decisions"),
                    {"to_stage": "adopted", "rationale": "It is obviously right."})  # fmt: skip
    body = assert_error(response, 400, "invalid")
    assert body["field"] == "to_stage"
    assert "cannot move to “Adopted”" in body["detail"]
    unknown = post(lead, _idea_url(world, "/decisions"),
                   {"to_stage": "shelved", "rationale": "Later."})  # fmt: skip
    assert_error(unknown, 422, "invalid")
    world.idea.refresh_from_db()
    assert (world.idea.stage, Decision.objects.count()) == (Stage.PROPOSED, 0)


def test_a_trial_needs_its_plan_and_is_started_with_it(world: World) -> None:
    lead = as_persona(world.personas, "lead")
    idea_decide(
        idea=world.idea,
        to_stage=Stage.DISCUSSING,
        rationale="Worth a look.",
        by=world.member("lead"),
    )
    bare = post(lead, _idea_url(world, "/decisions"), {"to_stage": "trial", "rationale": "Try."})
    body = assert_error(bare, 400, "invalid")
    assert body["detail"] == (
        "A trial needs an owner, a start, an end, a review date and a measure of success."
    )
    assert body["field"] == "owner_id"
    outsider = {**_trial_body(world), "owner_id": world.member("outsider").pk}
    assert assert_error(post(lead, _idea_url(world, "/decisions"), outsider), 400,
                        "invalid")["field"] == "owner_id"  # fmt: skip
    assert not Trial.objects.exists()
    started = post(lead, _idea_url(world, "/decisions"), _trial_body(world))
    assert started.status_code == 201, started.content
    assert started.json()["decision"]["to_stage"] == "trial"
    assert started.json()["trial"]["owner"]["id"] == world.member("member").pk
    panel = lead.get(_idea_url(world, "/decisions")).json()
    assert (panel["stage"], panel["trial"]["measure"]) == (
        "trial",
        "Calls under 30 minutes on average.",
    )
    assert [d["to_stage"] for d in panel["decisions"]] == ["trial", "discussing"]


def test_hidden_results_show_only_a_count_to_everyone(world: World) -> None:
    lead_client = as_persona(world.personas, "lead")
    vote_set(idea=world.idea, member=world.member("member"), value="disagree", reason="Too rigid.")
    hidden = post(lead_client, _idea_url(world, "/results/hide"), {}).json()["temperature"]
    assert hidden == {"revealed": False, "count": 1, "named": True, "tally": None, "reasons": None}
    shown = post(lead_client, _idea_url(world, "/results/reveal"), {}).json()["temperature"]
    assert shown["tally"][2] == {"value": "disagree", "count": 1, "percent": 100}
    assert shown["reasons"] == [
        {"value": "disagree", "reason": "Too rigid.", "name": "Member Persona"}
    ]
