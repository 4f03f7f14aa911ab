"""The commitments API (routers/commitments): every endpoint for every persona, the outsider
included (404 for what one may not see, 403 for what one sees but may not do, and nothing
changed); dates as the owner's day and wall-clock time in their zone; escalations hidden from
those above the circle during the owner's period; bad input; query counts of the lists."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine

from roundtable.api.api import api
from roundtable.circles.services import circle_add_member
from roundtable.commitments.models import Activity, Commitment, DateChange, Escalation
from roundtable.commitments.services.commitments import (
    commitment_counter,
    commitment_decline,
    commitment_wait_on,
)
from roundtable.commitments.tests.escalation_factories import commitment_overdue, escalation_open
from roundtable.commitments.tests.helpers import agreed, asked, taken_on
from roundtable.orgs.models import Member
from roundtable.testing.api import (
    PERSONAS,
    as_persona,
    assert_error,
    assert_needs_authentication,
    assert_persona_matrix,
    new_member,
    operations_tagged,
    post,
)
from roundtable.testing.personas import Personas
from roundtable.testing.queries import assert_queries_flat

pytestmark = pytest.mark.django_db

# Monday 1 March 2027, 10:00 in London (GMT); the clocks go forward on Sunday 28 March.
NOW = dt.datetime(2027, 3, 1, 10, tzinfo=dt.UTC)
FRIDAY = "2027-03-05"


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@dataclass
class World:
    """In North: the lead asked the member for a list (requested), for a script (countered) and
    for a plan (open, due Friday); the lead's own commitment; the member's commitment ten days
    overdue; and an older escalation whose owner's period has passed."""

    personas: Personas
    other: Member
    requested: Commitment
    countered: Commitment
    open: Commitment
    lead_own: Commitment
    overdue: Commitment
    escalation: Escalation

    def member(self, name: str) -> Member:
        return self.personas.members[name]


@pytest.fixture
def world(personas: Personas, clock: time_machine.Traveller) -> World:
    circle, lead, member = personas.circle, personas.members["lead"], personas.members["member"]
    other = new_member(personas, "other")
    circle_add_member(circle=circle, member=other)
    countered = asked(circle, lead, member, "Rewrite the call script")
    commitment_counter(commitment=countered, member=member, proposal="Only the opening, then.")
    return World(
        personas=personas,
        other=other,
        requested=asked(circle, lead, member),
        countered=countered,
        open=agreed(circle, lead, member, "Plan the renewal calls"),
        lead_own=taken_on(circle, lead, "Book the room"),
        overdue=commitment_overdue(personas, now=NOW, title="Send the price list"),
        escalation=escalation_open(
            personas, now=NOW - dt.timedelta(days=7), title="Call the lapsed customers"
        ),
    )


def fingerprint() -> tuple[Any, ...]:
    """Everything the commitments endpoints could change, to check that a refusal changed
    nothing."""
    return (
        sorted(
            Commitment.objects.values_list(
                "pk", "status", "owner_id", "due_at", "answer", "done_at", "dropped_at"
            ),
            key=str,
        ),
        DateChange.objects.count(),
        Activity.objects.count(),
        sorted(Escalation.objects.values_list("pk", "owner_side", "resolved_at"), key=str),
        Commitment.waits_on.through.objects.count(),
    )


# --- every endpoint needs authentication ----------------------------------------------------


def _operations() -> list[tuple[str, str]]:
    return operations_tagged(api.get_openapi_schema(), "commitments")


def test_the_commitments_endpoints_are_all_there() -> None:
    assert len(_operations()) == 20


@pytest.mark.parametrize(("method", "path"), _operations())
def test_every_commitments_endpoint_needs_authentication(
    personas: Personas, method: str, path: str
) -> None:
    url = re.sub(r"\{\w+\}", "1", path)
    assert_needs_authentication(method, url)


# --- the permission matrix: every endpoint, every persona -------------------------------------

ALL = dict.fromkeys(PERSONAS, 200)
SEE = ALL | {"outsider": 404}


def only(ok: int, *who: str) -> dict[str, int]:
    """`ok` for `who`, 403 for the others who see the circle, 404 for the outsider."""
    return {p: ok if p in who else 403 for p in PERSONAS} | {"outsider": 404}


Request = tuple[str, str, dict[str, Any] | None]


def _c(commitment: Commitment, tail: str = "") -> str:
    return f"/api/commitments/{commitment.pk}{tail}"


def _e(w: World, tail: str = "") -> str:
    return f"/api/escalations/{w.escalation.pk}{tail}"


def _waiting(w: World) -> Request:
    commitment_wait_on(commitment=w.open, on=w.lead_own, member=w.member("member"))
    return ("delete", _c(w.open, f"/waits-on/{w.lead_own.pk}"), None)


def _declined(w: World) -> Request:
    commitment_decline(commitment=w.requested, member=w.member("member"), reason="No time.")
    return ("post", _c(w.requested, "/reply"), {"text": "Half of it, then?"})


C = "/api/commitments/{commitment_id}"
E = "/api/escalations/{escalation_id}"
BOARD = "/api/circles/{circle_id}/commitments"
MOVE = {"due_on": "2027-03-12", "due_time": "09:30", "reason": "Finance needs another week."}

MATRIX: list[tuple[str, str, dict[str, int], Callable[[World], Request]]] = [
    ("mine", "get /api/commitments", ALL, lambda w: ("get", "/api/commitments", None)),
    ("board", f"get {BOARD}", SEE,
     lambda w: ("get", f"/api/circles/{w.personas.circle.pk}/commitments", None)),
    ("take on", f"post {BOARD}", only(201, "lead", "member"),
     lambda w: ("post", f"/api/circles/{w.personas.circle.pk}/commitments",
                {"title": "Draft the FAQ", "due_on": FRIDAY, "due_time": "09:30"})),
    ("ask", f"post {BOARD}", only(201, "admin", "coordinator", "lead", "member"),
     lambda w: ("post", f"/api/circles/{w.personas.circle.pk}/commitments",
                {"title": "Draft the FAQ", "owner_id": w.other.pk})),
    ("detail", f"get {C}", SEE, lambda w: ("get", _c(w.open), None)),
    ("answer", f"post {C}/answer", only(200, "member"),
     lambda w: ("post", _c(w.requested, "/answer"), {"due_on": FRIDAY})),
    ("decline", f"post {C}/decline", only(200, "member"),
     lambda w: ("post", _c(w.requested, "/decline"), {"reason": "Not this month."})),
    ("counter", f"post {C}/counter", only(200, "member"),
     lambda w: ("post", _c(w.requested, "/counter"), {"proposal": "The top ten only."})),
    ("accept", f"post {C}/accept", only(200, "lead"),
     lambda w: ("post", _c(w.countered, "/accept"), None)),
    ("reply", f"post {C}/reply", only(200, "lead"), _declined),
    ("move", f"post {C}/move", only(200, "member"), lambda w: ("post", _c(w.open, "/move"), MOVE)),
    ("done", f"post {C}/done", only(200, "member"),
     lambda w: ("post", _c(w.open, "/done"), {"note": "Sent.", "link": "https://example.org/p"})),
    ("drop", f"post {C}/drop", only(200, "member"),
     lambda w: ("post", _c(w.open, "/drop"), {"reason": "The campaign was cancelled."})),
    ("wait on", f"put {C}/waits-on/{{other_id}}",
     only(200, "admin", "coordinator", "lead", "member"),
     lambda w: ("put", _c(w.open, f"/waits-on/{w.lead_own.pk}"), None)),
    ("stop waiting", f"delete {C}/waits-on/{{other_id}}",
     only(200, "admin", "coordinator", "lead", "member"), _waiting),
    ("queue", "get /api/escalations", ALL, lambda w: ("get", "/api/escalations", None)),
    ("raise", f"post {C}/escalations", only(201, "lead"),
     lambda w: ("post", _c(w.overdue, "/escalations"), {"reason": "Customers are waiting."})),
    ("escalation", f"get {E}", SEE, lambda w: ("get", _e(w), None)),
    ("owner side", f"post {E}/owner-side", only(200, "member"),
     lambda w: ("post", _e(w, "/owner-side"), {"text": "Finance held the numbers."})),
    ("comment", f"post {E}/comment", only(200, "sponsor"),
     lambda w: ("post", _e(w, "/comment"), {"text": "What would help?"})),
    ("resolve", f"post {E}/resolve", only(200, "sponsor"),
     lambda w: ("post", _e(w, "/resolve"), {"resolution": "new_date"})),
]  # fmt: skip


@pytest.mark.parametrize(
    ("expected", "build"),
    [pytest.param(expected, build, id=name) for name, _op, expected, build in MATRIX],
)
def test_every_endpoint_for_every_persona(
    world: World, expected: dict[str, int], build: Callable[[World], Request]
) -> None:
    assert_persona_matrix(world, expected, build, fingerprint, PERSONAS)


def test_the_matrix_covers_every_operation() -> None:
    covered = {op for _name, op, _expected, _build in MATRIX}
    assert covered == {f"{method} {path}" for method, path in _operations()}


# --- dates on the owner's clock -------------------------------------------------------------


def test_a_date_is_the_owners_day_and_time_in_their_zone(world: World) -> None:
    member = world.member("member")
    member.time_zone = "Australia/Sydney"
    member.save(update_fields=["time_zone"])
    response = post(
        as_persona(world.personas, "member"),
        _c(world.requested, "/answer"),
        {"due_on": FRIDAY, "due_time": "09:30"},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    # 09:30 in Sydney (AEDT, +11:00) is 22:30 UTC the day before.
    assert (body["status"], body["due_time_zone"]) == ("open", "Australia/Sydney")
    assert dt.datetime.fromisoformat(body["due_at"]) == dt.datetime(
        2027, 3, 4, 22, 30, tzinfo=dt.UTC
    )
    assert [e["kind"] for e in body["timeline"]][-1] == "dated"


def test_a_move_is_kept_with_its_reason_in_the_detail(world: World) -> None:
    member = as_persona(world.personas, "member")
    assert post(member, _c(world.open, "/move"), MOVE).status_code == 200
    body = as_persona(world.personas, "sponsor").get(_c(world.open)).json()
    (change,) = body["date_changes"]
    assert change["reason"] == MOVE["reason"]
    assert change["changed_by"]["id"] == world.member("member").pk
    assert dt.datetime.fromisoformat(change["to_due_at"]) == dt.datetime(
        2027, 3, 12, 9, 30, tzinfo=dt.UTC
    )
    assert body["timeline"][-1]["kind"] == "moved"


def test_a_time_the_clocks_skip_is_refused(world: World) -> None:
    response = post(
        as_persona(world.personas, "member"),
        _c(world.open, "/move"),
        {"due_on": "2027-03-28", "due_time": "01:30", "reason": "Later."},
    )
    assert assert_error(response, 400, "invalid")["field"] == "due_time"


# --- bad input ----------------------------------------------------------------------------------


def test_a_date_in_the_past_is_refused(world: World) -> None:
    before = fingerprint()
    member = as_persona(world.personas, "member")
    url = f"/api/circles/{world.personas.circle.pk}/commitments"
    taken = post(member, url, {"title": "Draft the FAQ", "due_on": "2027-02-26"})
    assert assert_error(taken, 400, "invalid")["field"] == "due_on"
    answered = post(member, _c(world.requested, "/answer"), {"due_on": "2027-03-01",
                                                             "due_time": "09:00"})  # fmt: skip
    assert assert_error(answered, 400, "invalid")["field"] == "due_on"
    moved = post(member, _c(world.open, "/move"), {**MOVE, "due_on": "2026-12-31"})
    assert assert_error(moved, 400, "invalid")["field"] == "due_on"
    assert fingerprint() == before


def test_only_the_owner_moves_the_date(world: World) -> None:
    before = fingerprint()
    for persona in ("lead", "admin", "coordinator", "sponsor"):
        response = post(as_persona(world.personas, persona), _c(world.open, "/move"), MOVE)
        assert "owner" in assert_error(response, 403, "forbidden")["detail"]
    outsider = post(as_persona(world.personas, "outsider"), _c(world.open, "/move"), MOVE)
    assert_error(outsider, 404, "not_found")
    assert fingerprint() == before


def test_a_step_the_status_does_not_allow_is_a_400(world: World) -> None:
    member = as_persona(world.personas, "member")
    response = post(member, _c(world.requested, "/move"), MOVE)
    assert "cannot be moved" in assert_error(response, 400, "invalid")["detail"]
    assert_error(post(member, _c(world.open, "/answer"), {"due_on": FRIDAY}), 400, "invalid")


def test_escalating_what_is_not_past_the_thresholds_is_refused(world: World) -> None:
    before = fingerprint()
    response = post(
        as_persona(world.personas, "lead"), _c(world.open, "/escalations"), {"reason": "Slow."}
    )
    assert "not past the program's thresholds" in assert_error(response, 400, "invalid")["detail"]
    again = post(
        as_persona(world.personas, "lead"),
        _c(world.escalation.commitment, "/escalations"),
        {"reason": "Again."},
    )
    assert "one escalation at a time" in assert_error(again, 400, "invalid")["detail"]
    assert fingerprint() == before


def test_asking_and_taking_on_need_the_right_date(world: World) -> None:
    lead = as_persona(world.personas, "lead")
    url = f"/api/circles/{world.personas.circle.pk}/commitments"
    dated_ask = post(lead, url, {"title": "FAQ", "owner_id": world.other.pk, "due_on": FRIDAY})
    assert assert_error(dated_ask, 400, "invalid")["field"] == "due_on"
    undated = post(lead, url, {"title": "FAQ"})
    assert assert_error(undated, 400, "invalid")["field"] == "due_on"
    stranger = post(lead, url, {"title": "FAQ", "owner_id": world.member("outsider").pk})
    assert assert_error(stranger, 400, "invalid")["field"] == "owner_id"
    peer = Member.objects.get(user__email="peer@example.org")  # South's lead, not in North
    assert assert_error(post(lead, url, {"title": "FAQ", "owner_id": peer.pk}), 400,
                        "invalid")["field"] == "owner_id"  # fmt: skip
    asked_ = post(lead, url, {"title": "FAQ", "owner_id": world.other.pk})
    assert asked_.status_code == 201, asked_.content
    assert (asked_.json()["status"], asked_.json()["due_at"]) == ("requested", None)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"due_on": FRIDAY, "due_time": "09:30+01:00"}, "due_time"),
        ({"due_on": FRIDAY, "due_time": "9:30"}, "due_time"),
        ({"due_on": "2027-03-05T09:30:00Z"}, "due_on"),
        ({"due_on": "05/03/2027"}, "due_on"),
    ],
)
def test_dates_and_times_are_strict(world: World, body: dict[str, Any], field: str) -> None:
    response = post(as_persona(world.personas, "member"), _c(world.requested, "/answer"), body)
    assert assert_error(response, 422, "invalid")["errors"][0]["loc"][-1] == field


def test_a_link_must_be_an_address(world: World) -> None:
    member = as_persona(world.personas, "member")
    response = post(member, _c(world.open, "/done"), {"link": "javascript:alert(1)"})
    assert_error(response, 422, "invalid")
    assert Commitment.objects.get(pk=world.open.pk).status == "open"


def test_waiting_on_itself_names_the_other_id(world: World) -> None:
    member = as_persona(world.personas, "member")
    response = member.put(_c(world.open, f"/waits-on/{world.open.pk}"))
    assert assert_error(response, 400, "invalid")["field"] == "other_id"
    elsewhere = taken_on(
        world.personas.other_circle, Member.objects.get(user__email="peer@example.org")
    )
    assert_error(member.put(_c(world.open, f"/waits-on/{elsewhere.pk}")), 404, "not_found")


# --- escalations: the owner's period ---------------------------------------------------------


def test_during_the_owners_period_those_above_the_circle_see_nothing(world: World) -> None:
    raised = post(
        as_persona(world.personas, "lead"),
        _c(world.overdue, "/escalations"),
        {"reason": "Customers are waiting."},
    )
    assert raised.status_code == 201, raised.content
    escalation_id = raised.json()["id"]
    for persona in ("sponsor", "coordinator", "admin"):
        client = as_persona(world.personas, persona)
        assert_error(client.get(f"/api/escalations/{escalation_id}"), 404, "not_found")
        ids = [e["id"] for e in client.get("/api/escalations").json()["items"]]
        assert escalation_id not in ids
        timeline = client.get(_c(world.overdue)).json()["timeline"]
        assert "escalated" not in [e["kind"] for e in timeline]
        comment = post(client, f"/api/escalations/{escalation_id}/comment", {"text": "Hm?"})
        assert_error(comment, 404, "not_found")
    owner = as_persona(world.personas, "member")
    seen = owner.get(f"/api/escalations/{escalation_id}").json()
    assert (seen["can_add_owner_side"], seen["can_resolve"]) == (True, False)
    assert seen["documentation"]["reason"] == "Customers are waiting."
    assert "escalated" in [e["kind"] for e in owner.get(_c(world.overdue)).json()["timeline"]]


def test_the_sponsor_reads_the_queue_and_resolves_by_reassigning(world: World) -> None:
    sponsor = as_persona(world.personas, "sponsor")
    queue = sponsor.get("/api/escalations").json()
    assert [e["id"] for e in queue["items"]] == [world.escalation.pk]
    detail = sponsor.get(_e(world)).json()
    assert (detail["can_resolve"], detail["documentation"]["sponsor"]) == (True, "Sponsor Persona")
    assert detail["documentation"]["timeline"]
    missing = post(sponsor, _e(world, "/resolve"), {"resolution": "reassigned"})
    assert assert_error(missing, 400, "invalid")["field"] == "reassign_to_id"
    resolved = post(
        sponsor,
        _e(world, "/resolve"),
        {"resolution": "reassigned", "reassign_to_id": world.other.pk, "note": "Other has room."},
    )
    assert resolved.status_code == 200, resolved.content
    assert (resolved.json()["resolution"], resolved.json()["can_resolve"]) == ("reassigned", False)
    new = Commitment.objects.get(owner=world.other, title=world.escalation.commitment.title)
    assert new.status == "requested"


# --- query counts ---------------------------------------------------------------------------


def test_list_query_counts_do_not_grow(world: World) -> None:
    personas = world.personas
    circle, lead, member = personas.circle, world.member("lead"), world.member("member")
    grown = iter(range(100))

    def grow() -> None:
        """More commitments of every kind, waits, and an escalation past its period."""
        n = next(grown)
        mine = agreed(circle, lead, member, f"Plan {n}")
        asked(circle, member, lead, f"Ask {n}")
        own = taken_on(circle, member, f"Own {n}")
        commitment_wait_on(commitment=own, on=mine, member=member)
        escalation_open(personas, now=NOW - dt.timedelta(days=7), title=f"Late {n}")

    grow()  # every kind present once, so that no prefetch is skipped for an empty list
    for persona, url in (
        ("member", "/api/commitments"),
        ("lead", "/api/commitments"),
        ("lead", f"/api/circles/{circle.pk}/commitments"),
        ("sponsor", "/api/escalations"),
    ):
        assert_queries_flat(as_persona(personas, persona), url, grow=grow)
    assert as_persona(personas, "sponsor").get("/api/escalations").json()["count"] == 6
