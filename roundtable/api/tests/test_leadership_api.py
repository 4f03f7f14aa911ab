"""The leadership API (routers/leadership): every endpoint for every persona, the outsider and
the lead of another circle included (404 for what one may not see, 403 for what one sees but
may not do, and nothing changed); a lead's private notes out of reach of every other token,
their words in no other response; a new lead starting blank; bad input; list query counts."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine

from roundtable.api.api import api
from roundtable.circles.services import circle_add_member, circle_set_lead
from roundtable.leadership.models import (
    AgreementAcknowledgement,
    AgreementAmendment,
    AgreementVersion,
    PeerNote,
    Recognition,
    Reflection,
    SupportPlan,
)
from roundtable.leadership.services.agreements import agreement_version_create, amendment_propose
from roundtable.leadership.services.peer_notes import peer_note_save
from roundtable.leadership.services.recognition import recognition_give
from roundtable.leadership.services.reflections import reflection_write
from roundtable.leadership.services.support_plans import support_plan_create
from roundtable.orgs.models import Member
from roundtable.testing.api import (
    PERSONAS,
    as_persona,
    assert_error,
    assert_needs_authentication,
    assert_persona_matrix,
    new_member,
    operations_tagged,
    patch,
    post,
)
from roundtable.testing.personas import Personas
from roundtable.testing.queries import assert_queries_flat

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2027, 3, 1, 10, tzinfo=dt.UTC)
EVERYONE = (*PERSONAS, "peer")  # `peer` leads South, another circle of the same program

SECTIONS = [
    {"key": "time", "title": "Time", "text": "We start on time."},
    {"key": "voice", "title": "Voice", "text": "Everyone speaks once before anyone twice."},
]
SECTIONS_2 = [*SECTIONS[:1], {"key": "voice", "title": "Voice", "text": "Everyone speaks."}]
# The words of the lead's private notes: no other person's answer may ever hold them.
SECRETS = ("Lighthouse-reflection", "Juniper-goal", "Quartz-load", "Saffron-step", "Otter-south")


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@dataclass
class World:
    """North (lead, member, other) has a working agreement at version 2 (version 1 is old), an
    amendment the member proposed on it, the lead's recognition of the member; the lead's
    reflection, note on the member and support plan for them; South's lead (`peer`) wrote a
    reflection of their own."""

    personas: Personas
    other: Member
    amendment: AgreementAmendment
    recognition: Recognition
    plan: SupportPlan
    peer_plan: SupportPlan

    def member(self, name: str) -> Member:
        return self.personas.members[name]

    @property
    def circle_id(self) -> int:
        return self.personas.circle.pk


@pytest.fixture
def world(personas: Personas, clock: time_machine.Traveller) -> World:
    circle, lead, member = personas.circle, personas.members["lead"], personas.members["member"]
    peer = Member.objects.get(user__email="peer@example.org")
    personas.members["peer"] = peer
    other = new_member(personas, "other")
    circle_add_member(circle=circle, member=other)
    agreement_version_create(circle=circle, author=lead, sections=SECTIONS)
    agreement_version_create(
        circle=circle, author=lead, sections=SECTIONS_2, change_note="Shorter voice."
    )
    amendment = amendment_propose(
        circle=circle,
        member=member,
        based_on_number=2,
        sections=[*SECTIONS_2, {"key": "", "title": "Phones", "text": "Phones away."}],
        reason="Phones distract us.",
    )
    recognition = recognition_give(
        circle=circle, given_by=lead, recipient_id=member.pk, kind="other", message="Thanks!"
    )
    reflection_write(circle=circle, author=lead, leader=SECRETS[0], goals="", outcomes="")
    peer_note_save(
        circle=circle, author=lead, peer=member, goals=SECRETS[1], needs="", load=SECRETS[2],
        support="",
    )  # fmt: skip
    plan = support_plan_create(
        circle=circle, author=lead, peer=member, approach="coach", next_step=SECRETS[3],
        review_on=dt.date(2027, 3, 15),
    )  # fmt: skip
    south = personas.other_circle
    south_member = new_member(personas, "southie")
    circle_add_member(circle=south, member=south_member)
    reflection_write(circle=south, author=peer, leader=SECRETS[4], goals="", outcomes="")
    peer_plan = support_plan_create(
        circle=south, author=peer, peer=south_member, approach="mentor", next_step=SECRETS[4],
        review_on=dt.date(2027, 3, 15),
    )  # fmt: skip
    return World(personas, other, amendment, recognition, plan, peer_plan)


def fingerprint() -> tuple[Any, ...]:
    """Everything the leadership endpoints could change, decrypted notes included."""
    return (
        sorted(AgreementVersion.objects.values_list("pk", "number")),
        sorted(AgreementAcknowledgement.objects.values_list("version_id", "member_id")),
        sorted(AgreementAmendment.objects.values_list("pk", "status", "decision_reason")),
        sorted(Recognition.objects.values_list("pk", "shared_with_manager")),
        sorted((r.pk, r.leader, r.goals, r.outcomes) for r in Reflection.objects.all()),
        sorted((n.pk, n.goals, n.needs, n.load, n.support) for n in PeerNote.objects.all()),
        sorted(
            (p.pk, p.approach, p.next_step, p.review_on, p.closed_on)
            for p in SupportPlan.objects.all()
        ),
    )


# --- every endpoint needs authentication ------------------------------------------------------


def _operations() -> list[tuple[str, str]]:
    return operations_tagged(api.get_openapi_schema(), "leadership")


def test_the_leadership_endpoints_are_all_there() -> None:
    assert len(_operations()) == 19


@pytest.mark.parametrize(("method", "path"), _operations())
def test_every_leadership_endpoint_needs_authentication(
    personas: Personas, method: str, path: str
) -> None:
    url = re.sub(r"\{\w+\}", "1", path)
    assert_needs_authentication(method, url)


# --- the permission matrix: every endpoint, every persona -------------------------------------

ALL = dict.fromkeys(EVERYONE, 200)
SEE = ALL | {"outsider": 404, "peer": 404}


def only(ok: int, *who: str) -> dict[str, int]:
    """`ok` for `who`, 403 for the others who see North, 404 for the outsider and South's lead."""
    return {p: ok if p in who else 403 for p in EVERYONE} | {"outsider": 404, "peer": 404}


def lead_alone(ok: int) -> dict[str, int]:
    """A lead's private notes: `ok` for North's lead, 404 for everyone else, whatever they see."""
    return dict.fromkeys(EVERYONE, 404) | {"lead": ok}


Request = tuple[str, str, dict[str, Any] | None]
C = "/api/circles/{circle_id}"
A = "/api/agreement-amendments/{amendment_id}"


def _c(w: World, tail: str) -> str:
    return f"/api/circles/{w.circle_id}{tail}"


def _a(w: World, tail: str) -> str:
    return f"/api/agreement-amendments/{w.amendment.pk}{tail}"


def _note(w: World) -> str:
    return _c(w, f"/lead/peers/{w.member('member').pk}/note")


SECTIONS_3 = [*SECTIONS_2, {"title": "Food", "text": "Biscuits on Fridays."}]

MATRIX: list[tuple[str, str, dict[str, int], Callable[[World], Request]]] = [
    ("agreement", f"get {C}/agreement", SEE, lambda w: ("get", _c(w, "/agreement"), None)),
    ("versions", f"get {C}/agreement/versions", SEE,
     lambda w: ("get", _c(w, "/agreement/versions"), None)),
    ("acknowledge", f"post {C}/agreement/acknowledgements", only(200, "lead", "member"),
     lambda w: ("post", _c(w, "/agreement/acknowledgements"), {"version": 2})),
    ("amendments", f"get {C}/agreement/amendments", SEE,
     lambda w: ("get", _c(w, "/agreement/amendments"), None)),
    ("propose", f"post {C}/agreement/amendments", only(201, "lead", "member"),
     lambda w: ("post", _c(w, "/agreement/amendments"),
                {"based_on": 2, "sections": SECTIONS_3, "reason": "We like biscuits."})),
    ("accept", f"post {A}/accept", only(200, "admin", "coordinator", "lead"),
     lambda w: ("post", _a(w, "/accept"), None)),
    ("decline", f"post {A}/decline", only(200, "admin", "coordinator", "lead"),
     lambda w: ("post", _a(w, "/decline"), {"reason": "Phones are our notes."})),
    ("withdraw", f"post {A}/withdraw", only(200, "member"),
     lambda w: ("post", _a(w, "/withdraw"), None)),
    ("wall", f"get {C}/recognition", SEE, lambda w: ("get", _c(w, "/recognition"), None)),
    ("recognise", f"post {C}/recognition", only(201, "admin", "coordinator", "lead", "member"),
     lambda w: ("post", _c(w, "/recognition"),
                {"recipient_id": w.other.pk, "kind": "other", "message": "Great notes."})),
    ("share", "patch /api/recognition/{recognition_id}", only(200, "member"),
     lambda w: ("patch", f"/api/recognition/{w.recognition.pk}", {"shared_with_manager": True})),
    ("my recognition", "get /api/me/recognition", ALL,
     lambda w: ("get", "/api/me/recognition", None)),
    ("my reflections", "get /api/me/lead/reflections", ALL,
     lambda w: ("get", "/api/me/lead/reflections", None)),
    ("reflect", f"post {C}/lead/reflections", lead_alone(201),
     lambda w: ("post", _c(w, "/lead/reflections"), {"goals": "Listen more."})),
    ("note", f"get {C}/lead/peers/{{member_id}}/note", lead_alone(200),
     lambda w: ("get", _note(w), None)),
    ("write note", f"put {C}/lead/peers/{{member_id}}/note", lead_alone(200),
     lambda w: ("put", _note(w), {"goals": "A promotion.", "load": "Quarter end."})),
    ("my plans", "get /api/me/lead/support-plans", ALL,
     lambda w: ("get", "/api/me/lead/support-plans", None)),
    ("plan", f"post {C}/lead/support-plans", lead_alone(201),
     lambda w: ("post", _c(w, "/lead/support-plans"),
                {"peer_id": w.other.pk, "approach": "delegate", "next_step": "Hand over the "
                 "minutes.", "review_on": "2027-03-08"})),
    ("change plan", "patch /api/lead/support-plans/{plan_id}", lead_alone(200),
     lambda w: ("patch", f"/api/lead/support-plans/{w.plan.pk}", {"review_on": "2027-03-22"})),
]  # fmt: skip


@pytest.mark.parametrize(
    ("expected", "build"),
    [pytest.param(expected, build, id=name) for name, _op, expected, build in MATRIX],
)
def test_every_endpoint_for_every_persona(
    world: World, expected: dict[str, int], build: Callable[[World], Request]
) -> None:
    assert_persona_matrix(world, expected, build, fingerprint, EVERYONE)


def test_the_matrix_covers_every_operation() -> None:
    covered = {op for _name, op, _expected, _build in MATRIX}
    assert covered == {f"{method} {path}" for method, path in _operations()}


# --- private notes: their author's alone ------------------------------------------------------


def _every_read(w: World) -> list[str]:
    reads = [
        _c(w, "/agreement"),
        _c(w, "/agreement/versions"),
        _c(w, "/agreement/amendments"),
        _c(w, "/recognition"),
        "/api/me/recognition",
        "/api/me/lead/reflections",
        "/api/me/lead/support-plans",
        _note(w),
        f"/api/members/{w.member('member').pk}",
        f"/api/circles/{w.circle_id}",
    ]
    return reads


@pytest.mark.parametrize("persona", ["admin", "coordinator", "sponsor", "member", "peer"])
def test_no_other_token_reaches_the_leads_notes(world: World, persona: str) -> None:
    client = as_persona(world.personas, persona)
    before = fingerprint()
    bodies = [client.get(url).content.decode() for url in _every_read(world)]
    assert_error(client.get(_note(world)), 404, "not_found")
    assert_error(client.put(_note(world), {}, content_type="application/json"), 404, "not_found")
    plan_url = f"/api/lead/support-plans/{world.plan.pk}"
    assert_error(patch(client, plan_url, {"closed": True}), 404, "not_found")
    assert_error(patch(client, plan_url, {}), 404, "not_found")
    # Each list holds none of the lead's rows of its own kind (keys of two tables may be equal).
    leads = {
        "/api/me/lead/reflections": Reflection.objects.filter(author=world.member("lead")),
        "/api/me/lead/support-plans": SupportPlan.objects.filter(author=world.member("lead")),
    }
    for url, rows in leads.items():
        hidden = set(rows.values_list("pk", flat=True))
        assert hidden
        ids = {item["id"] for item in client.get(url).json()["items"]}
        assert not ids & hidden, url
    seen = "\n".join(bodies)
    own = SECRETS[4:] if persona == "peer" else ()
    for word in SECRETS:
        if word not in own:
            assert word not in seen, f"{persona} read {word!r}"
    assert fingerprint() == before


def test_the_lead_reads_their_own_notes_everywhere(world: World) -> None:
    lead = as_persona(world.personas, "lead")
    (reflection,) = lead.get("/api/me/lead/reflections").json()["items"]
    assert (reflection["leader"], reflection["circle_id"], reflection["editable"]) == (
        SECRETS[0], world.circle_id, True,
    )  # fmt: skip
    note = lead.get(_note(world)).json()
    assert (note["goals"], note["load"], note["editable"]) == (SECRETS[1], SECRETS[2], True)
    (plan,) = lead.get("/api/me/lead/support-plans").json()["items"]
    assert (plan["next_step"], plan["approach"], plan["peer"]["id"], plan["editable"]) == (
        SECRETS[3], "coach", world.member("member").pk, True,
    )  # fmt: skip
    peer = as_persona(world.personas, "peer")
    assert [r["leader"] for r in peer.get("/api/me/lead/reflections").json()["items"]] == [
        SECRETS[4]
    ]
    # Another lead's plan is as missing for North's lead as North's is for them.
    other = patch(lead, f"/api/lead/support-plans/{world.peer_plan.pk}", {"closed": True})
    assert_error(other, 404, "not_found")


def test_the_next_lead_starts_blank_and_the_former_lead_reads_only(world: World) -> None:
    circle, other = world.personas.circle, world.other
    circle_set_lead(circle=circle, lead=other)
    world.personas.members["other"] = other
    before = fingerprint()
    new_lead = as_persona(world.personas, "other")
    blank = new_lead.get(_note(world))
    assert blank.status_code == 200, blank.content
    assert {k: blank.json()[k] for k in ("goals", "needs", "load", "support", "updated_at")} == {
        "goals": "", "needs": "", "load": "", "support": "", "updated_at": None,
    }  # fmt: skip
    for url in _every_read(world):
        body = new_lead.get(url).content.decode()
        assert not any(word in body for word in SECRETS), url
    former = as_persona(world.personas, "lead")
    note = former.get(_note(world)).json()
    assert (note["goals"], note["editable"]) == (SECRETS[1], False)
    rewrite = former.put(_note(world), {"goals": "x"}, content_type="application/json")
    assert "no longer lead" in assert_error(rewrite, 403, "forbidden")["detail"]
    plan_url = f"/api/lead/support-plans/{world.plan.pk}"
    assert_error(patch(former, plan_url, {"closed": True}), 403, "forbidden")
    assert [p["editable"] for p in former.get("/api/me/lead/support-plans").json()["items"]] == [
        False
    ]
    assert former.get("/api/me/lead/reflections").json()["items"][0]["editable"] is False
    reflect = post(former, _c(world, "/lead/reflections"), {"goals": "More."})
    assert_error(reflect, 404, "not_found")
    assert fingerprint() == before
    saved = new_lead.put(_note(world), {"goals": "Their own."}, content_type="application/json")
    assert saved.status_code == 200, saved.content
    assert former.get(_note(world)).json()["goals"] == SECRETS[1]


# --- bad input: a clear refusal, naming the field, nothing changed ----------------------------


def _refused(response: Any, field: str, status: int = 400) -> dict[str, Any]:
    body = assert_error(response, status, "invalid")
    assert body["field"] == field, body
    return body


def test_agreeing_to_an_old_version_is_refused(world: World) -> None:
    before = fingerprint()
    member = as_persona(world.personas, "member")
    old = post(member, _c(world, "/agreement/acknowledgements"), {"version": 1})
    assert "version 2" in _refused(old, "version")["detail"]
    stale = post(
        member,
        _c(world, "/agreement/amendments"),
        {"based_on": 1, "sections": SECTIONS_3, "reason": "Biscuits."},
    )
    _refused(stale, "based_on")
    same = post(
        member,
        _c(world, "/agreement/amendments"),
        {"based_on": 2, "sections": SECTIONS_2, "reason": "Nothing."},
    )
    _refused(same, "sections")
    assert fingerprint() == before
    agreed = post(member, _c(world, "/agreement/acknowledgements"), {"version": 2})
    assert agreed.status_code == 200, agreed.content
    body = agreed.json()
    assert (body["number"], body["you_acknowledged"], body["acknowledged_count"]) == (2, True, 1)
    assert [p["name"] for p in body["acknowledged_by"]] == ["Member Persona"]
    sponsor = as_persona(world.personas, "sponsor").get(_c(world, "/agreement")).json()
    assert (sponsor["acknowledged_by"], sponsor["acknowledged_count"]) == (None, 1)


def test_an_outdated_amendment_cannot_be_accepted(world: World) -> None:
    lead = as_persona(world.personas, "lead")
    agreement_version_create(
        circle=world.personas.circle,
        author=world.member("lead"),
        sections=SECTIONS,
        change_note="Back to version 1.",
    )
    listed = lead.get(_c(world, "/agreement/amendments")).json()["items"]
    assert [(a["id"], a["outdated"], a["based_on"]) for a in listed] == [
        (world.amendment.pk, True, 2)
    ]
    before = fingerprint()
    assert (
        "changed meanwhile"
        in assert_error(post(lead, _a(world, "/accept"), None), 400, "invalid")["detail"]
    )
    assert fingerprint() == before


def test_accepting_makes_the_next_version(world: World) -> None:
    accepted = post(as_persona(world.personas, "lead"), _a(world, "/accept"), None)
    assert (accepted.json()["status"], accepted.json()["resulting_version"]) == ("accepted", 3)
    agreement = as_persona(world.personas, "member").get(_c(world, "/agreement")).json()
    assert (agreement["number"], agreement["you_acknowledged"]) == (3, False)
    assert [s["title"] for s in agreement["sections"]] == ["Time", "Voice", "Phones"]
    versions = as_persona(world.personas, "sponsor").get(_c(world, "/agreement/versions")).json()
    assert [v["number"] for v in versions["items"]] == [3, 2, 1]


@pytest.mark.parametrize(
    ("recipient", "field"),
    [("outsider", "recipient_id"), ("peer", "recipient_id"), ("lead", "recipient_id")],
)
def test_recognition_of_someone_outside_the_circle_or_oneself_is_refused(
    world: World, recipient: str, field: str
) -> None:
    before = fingerprint()
    response = post(
        as_persona(world.personas, "lead"),
        _c(world, "/recognition"),
        {"recipient_id": world.member(recipient).pk, "kind": "other", "message": "Well done."},
    )
    _refused(response, field)
    assert fingerprint() == before


def test_a_recognition_links_one_item_of_the_recipients(world: World) -> None:
    before = fingerprint()
    lead = as_persona(world.personas, "lead")
    url = _c(world, "/recognition")
    two = post(lead, url, {"recipient_id": world.other.pk, "kind": "meeting_led",
                           "message": "Good.", "meeting_id": 1, "commitment_id": 1})  # fmt: skip
    _refused(two, "meeting_id")
    missing = post(lead, url, {"recipient_id": world.other.pk, "kind": "meeting_led",
                               "message": "Good.", "meeting_id": 2**31 - 1})  # fmt: skip
    _refused(missing, "meeting_id")
    assert fingerprint() == before


def test_only_the_recipient_shares_and_only_they_see_the_choice(world: World) -> None:
    member = as_persona(world.personas, "member")
    shared = patch(
        member, f"/api/recognition/{world.recognition.pk}", {"shared_with_manager": True}
    )
    assert shared.json()["shared_with_manager"] is True
    (mine,) = member.get("/api/me/recognition").json()["items"]
    assert (mine["id"], mine["shared_with_manager"], mine["circle_name"]) == (
        world.recognition.pk, True, "North",
    )  # fmt: skip
    (seen,) = as_persona(world.personas, "lead").get(_c(world, "/recognition")).json()["items"]
    assert seen["shared_with_manager"] is None
    refused = patch(
        as_persona(world.personas, "lead"),
        f"/api/recognition/{world.recognition.pk}",
        {"shared_with_manager": False},
    )
    assert "person recognised" in assert_error(refused, 403, "forbidden")["detail"]
    assert Recognition.objects.get(pk=world.recognition.pk).shared_with_manager is True


def test_a_review_date_in_the_past_is_refused(world: World) -> None:
    before = fingerprint()
    lead = as_persona(world.personas, "lead")
    created = post(
        lead,
        _c(world, "/lead/support-plans"),
        {"peer_id": world.other.pk, "approach": "coach", "next_step": "Pair.",
         "review_on": "2027-02-28"},
    )  # fmt: skip
    _refused(created, "review_on")
    changed = patch(lead, f"/api/lead/support-plans/{world.plan.pk}", {"review_on": "2027-01-01"})
    _refused(changed, "review_on")
    stranger = post(
        lead,
        _c(world, "/lead/support-plans"),
        {"peer_id": world.member("sponsor").pk, "approach": "coach", "next_step": "Pair.",
         "review_on": "2027-03-08"},
    )  # fmt: skip
    _refused(stranger, "peer_id")
    nulled = patch(lead, f"/api/lead/support-plans/{world.plan.pk}", {"next_step": None})
    assert assert_error(nulled, 422, "invalid")["errors"][0]["loc"][-1] == "next_step"
    empty = post(lead, _c(world, "/lead/reflections"), {})
    _refused(empty, "leader")
    assert fingerprint() == before


def test_a_plan_closes_and_stays_closed(world: World) -> None:
    lead = as_persona(world.personas, "lead")
    url = f"/api/lead/support-plans/{world.plan.pk}"
    closed = patch(lead, url, {"closed": True, "next_step": "Wrap up."})
    assert closed.status_code == 200, closed.content
    assert (closed.json()["closed_on"], closed.json()["next_step"]) == ("2027-03-01", "Wrap up.")
    assert closed.json()["editable"] is False
    before = fingerprint()
    _refused(patch(lead, url, {"closed": False}), "closed")
    assert "closed" in assert_error(patch(lead, url, {"closed": True}), 400, "invalid")["detail"]
    assert fingerprint() == before


# --- query counts ---------------------------------------------------------------------------


def test_list_query_counts_do_not_grow(world: World) -> None:
    personas = world.personas
    circle, lead, member = personas.circle, world.member("lead"), world.member("member")
    grown = iter(range(100))

    def grow() -> None:
        """A new version, an amendment, recognition both ways, a reflection and a plan."""
        n = next(grown)
        sections = [*SECTIONS, {"key": f"k{n}", "title": f"Rule {n}", "text": "Be kind."}]
        agreement_version_create(circle=circle, author=lead, sections=sections, change_note="+")
        current = AgreementVersion.objects.filter(agreement__circle=circle).count()
        amendment_propose(circle=circle, member=member, based_on_number=current,
                          sections=SECTIONS, reason=f"Simpler {n}.")  # fmt: skip
        recognition_give(circle=circle, given_by=lead, recipient_id=member.pk, kind="other",
                         message=f"Thanks {n}")  # fmt: skip
        recognition_give(circle=circle, given_by=member, recipient_id=world.other.pk,
                         kind="other", message=f"Cheers {n}")  # fmt: skip
        reflection_write(circle=circle, author=lead, leader=f"Calm {n}", goals="", outcomes="")
        support_plan_create(circle=circle, author=lead, peer=world.other, approach="mentor",
                            next_step=f"Step {n}", review_on=dt.date(2027, 4, 1))  # fmt: skip

    for persona, url in (
        ("member", _c(world, "/agreement")),
        ("sponsor", _c(world, "/agreement/versions")),
        ("lead", _c(world, "/agreement/amendments")),
        ("member", _c(world, "/recognition")),
        ("member", "/api/me/recognition"),
        ("lead", "/api/me/lead/reflections"),
        ("lead", "/api/me/lead/support-plans"),
    ):
        assert_queries_flat(as_persona(personas, persona), url, grow=grow)
    assert as_persona(personas, "member").get("/api/me/recognition").json()["count"] == 8
