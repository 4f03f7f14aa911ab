"""Re-balancing published circles with a move budget (`forming.rebalance` and its page): the
preview keeps the budget, pins and leads; applying moves dated memberships; a stale or forged
preview changes nothing; only coordinators and admins reach it."""

from __future__ import annotations

import pytest
from django.core import signing
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from roundtable.circles.forming import services
from roundtable.circles.forming.rebalance import (
    SALT,
    STALE,
    _situation,
    formation_rebalance_apply,
    formation_rebalance_preview,
)
from roundtable.circles.forming.tests.conftest import newcomers_enrol
from roundtable.circles.models import Circle, CircleMembership
from roundtable.circles.services import circle_add_member, circle_create, circle_remove_member
from roundtable.core.errors import DomainError
from roundtable.programs.models import Program
from roundtable.programs.services import program_create
from roundtable.testing.factories import MemberFactory, ProgramFactory
from roundtable.testing.personas import Personas

pytestmark = pytest.mark.django_db


def _placed(program: Program) -> dict[int, int]:
    """Member pk -> circle pk, for everyone in one of the program's circles now."""
    return dict(
        CircleMembership.objects.filter(circle__program=program, left_on__isnull=True).values_list(
            "member_id", "circle_id"
        )
    )


@pytest.fixture
def lopsided(personas: Personas) -> Program:
    """The personas' program with 16 newcomers put in circles by department (a poor mix):
    North (lead, member + 2), South (peer + 3), East (5) and West (6), each with a lead."""
    program = personas.program
    newcomers = sorted(
        newcomers_enrol(program, 16), key=lambda m: (m.department, m.years_experience)
    )
    for member in newcomers[:2]:
        circle_add_member(circle=personas.circle, member=member)
    for member in newcomers[2:5]:
        circle_add_member(circle=personas.other_circle, member=member)
    circle_create(program=program, name="East", members=newcomers[5:10], lead=newcomers[5])
    circle_create(program=program, name="West", members=newcomers[10:], lead=newcomers[10])
    return program


def _leads(program: Program) -> set[int]:
    return set(program.circles.exclude(lead=None).values_list("lead_id", flat=True))


@pytest.mark.parametrize("budget", [1, 2, 4, 7])
def test_a_preview_keeps_the_budget_leads_in_place_and_changes_nothing(lopsided, budget):
    before = _placed(lopsided)
    preview = formation_rebalance_preview(program=lopsided, budget=budget)
    assert 1 <= preview.moved <= budget
    assert preview.objective_after > preview.objective_before
    movers = {move.member.pk for step in preview.steps for move in step.moves}
    assert len(movers) <= budget
    assert not movers & _leads(lopsided)
    assert preview.kept == 4  # the four leads
    for step in preview.steps:
        assert step.gain > 0
        for move in step.moves:
            assert move.origin != move.target
    assert preview.steps[-1].cumulative == pytest.approx(preview.share)
    assert 0 < preview.share <= 1
    assert {f.feature for f in preview.figures} >= {"Department", "Years of experience"}
    department = next(f for f in preview.figures if f.feature == "Department")
    assert department.deviation_after < department.deviation_before
    assert _placed(lopsided) == before
    assert [(c.member.pk, c.origin.pk, c.target.pk) for c in preview.changes] == list(preview.moves)
    seen: set[int] = set()
    for step in preview.steps:
        assert [m.again for m in step.moves] == [m.member.pk in seen for m in step.moves]
        seen |= {m.member.pk for m in step.moves}


def test_leads_may_move_only_when_allowed(lopsided):
    kept = formation_rebalance_preview(program=lopsided, budget=19)
    assert not {m.member.pk for s in kept.steps for m in s.moves} & _leads(lopsided)
    allowed = formation_rebalance_preview(program=lopsided, budget=19, allow_leads=True)
    assert allowed.kept == 0
    assert allowed.objective_after >= kept.objective_after - 1e-9


def test_people_pinned_in_the_last_published_proposal_stay(lopsided, personas, start):
    # Everyone is in a circle, so this proposal moves nobody; it carries a pin when published.
    run = start(lopsided)
    before = _placed(lopsided)
    movers = {
        m.member.pk
        for s in formation_rebalance_preview(program=lopsided, budget=19).steps
        for m in s.moves
    }
    pinned = next(iter(movers))
    services.formation_pin(run=run, member_id=pinned, pinned=True)
    services.formation_publish(run=run, by=None)
    assert _placed(lopsided) == before
    preview = formation_rebalance_preview(program=lopsided, budget=19)
    assert pinned not in {m.member.pk for s in preview.steps for m in s.moves}
    assert preview.kept == 5


def test_applying_moves_the_memberships_with_dates(lopsided):
    before = _placed(lopsided)
    preview = formation_rebalance_preview(program=lopsided, budget=4)
    done = formation_rebalance_apply(program=lopsided, token=preview.token)
    after = _placed(lopsided)
    assert len(done) == preview.moved
    for member_pk, origin_pk, target_pk in preview.moves:
        assert before[member_pk] == origin_pk
        assert after[member_pk] == target_pk
        left = CircleMembership.objects.get(
            member_id=member_pk, circle_id=origin_pk, left_on__isnull=False
        )
        assert left.left_on == timezone.localdate()
    unmoved = set(before) - {m[0] for m in preview.moves}
    assert all(after[p] == before[p] for p in unmoved)
    assert len(after) == len(before)
    # The same preview cannot be applied twice: the circles changed.
    with pytest.raises(DomainError, match="changed since this preview"):
        formation_rebalance_apply(program=lopsided, token=preview.token)


@pytest.mark.parametrize("change", ["leave", "join", "lead"])
def test_a_stale_preview_is_refused_and_nothing_moves(lopsided, personas, change):
    preview = formation_rebalance_preview(program=lopsided, budget=4)
    east = Circle.objects.get(program=lopsided, name="East")
    if change == "leave":
        circle_remove_member(circle=personas.circle, member=personas.members["member"])
    elif change == "join":
        newcomer = newcomers_enrol(lopsided, 1, first=40)[0]
        circle_add_member(circle=east, member=newcomer)
    else:
        east.lead = None
        east.save(update_fields=["lead"])
    before = _placed(lopsided)
    with pytest.raises(DomainError) as caught:
        formation_rebalance_apply(program=lopsided, token=preview.token)
    assert caught.value.message == STALE
    assert _placed(lopsided) == before


def test_a_forged_or_foreign_preview_is_refused(lopsided, personas):
    preview = formation_rebalance_preview(program=lopsided, budget=4)
    before = _placed(lopsided)
    with pytest.raises(DomainError, match="could not be read"):
        formation_rebalance_apply(program=lopsided, token=preview.token[:-2] + "xx")
    other = personas.members["coordinator"]
    elsewhere = program_create(
        organization=lopsided.organization,
        name="Elsewhere",
        purpose="x",
        sponsor=other,
        coordinators=[other],
        start_date=lopsided.start_date,
    )
    with pytest.raises(DomainError, match="another program"):
        formation_rebalance_apply(program=elsewhere, token=preview.token)
    assert _placed(lopsided) == before


def _signed(program: Program, moves: list[list[int]], *, allow_leads: bool) -> str:
    """A plan signed as a preview would be, for the circles as they are now."""
    found = _situation(program=program, allow_leads=allow_leads)
    data = {
        "program": program.pk,
        "budget": len(moves),
        "allow_leads": allow_leads,
        "fingerprint": found.fingerprint,
        "moves": moves,
    }
    return signing.dumps(data, salt=SALT)


def test_a_signed_plan_that_breaks_a_rule_now_is_refused(lopsided, personas):
    north, south = personas.circle, personas.other_circle
    lead = personas.members["lead"]
    before = _placed(lopsided)
    move = [[lead.pk, north.pk, south.pk]]
    kept = _signed(lopsided, move, allow_leads=False)
    with pytest.raises(DomainError, match="pinned or leads a circle"):
        formation_rebalance_apply(program=lopsided, token=kept)
    # North has 4, the smallest size allowed: one more leaving breaks the size rule.
    allowed = _signed(lopsided, move, allow_leads=True)
    with pytest.raises(DomainError, match="would now break a rule"):
        formation_rebalance_apply(program=lopsided, token=allowed)
    assert _placed(lopsided) == before


def test_a_lead_allowed_to_move_leaves_their_circle_without_a_lead(client, lopsided, personas):
    east, south = (Circle.objects.get(program=lopsided, name=n) for n in ("East", "South"))
    lead = east.lead
    assert lead is not None
    token = _signed(lopsided, [[lead.pk, east.pk, south.pk]], allow_leads=True)
    client.force_login(personas.coordinator)
    response = client.post(
        _apply(lopsided), {"token": token, "budget": 1, "allow_leads": "on"}, follow=True
    )
    assert "Moved 1 person. East needs a new lead." in response.content.decode()
    east.refresh_from_db()
    assert east.lead is None
    assert _placed(lopsided)[lead.pk] == south.pk


def test_the_budget_runs_from_one_to_everyone(lopsided):
    with pytest.raises(DomainError, match="from 1 to 19") as caught:
        formation_rebalance_preview(program=lopsided, budget=0)
    assert caught.value.field == "budget"
    with pytest.raises(DomainError, match="from 1 to 19"):
        formation_rebalance_preview(program=lopsided, budget=20)


def test_circles_that_mirror_each_other_have_nothing_to_gain():
    program = ProgramFactory.create()
    profiles = [("Sales", 2), ("Support", 5), ("Finance", 9), ("Operations", 14), ("Sales", 20)]
    for name in ("Amber", "Birch"):
        people = [
            MemberFactory.create(
                organization=program.organization, department=d, years_experience=y
            )
            for d, y in profiles
        ]
        circle_create(program=program, name=name, members=people)
    before = _placed(program)
    preview = formation_rebalance_preview(program=program, budget=4)
    assert preview.steps == ()
    assert preview.moves == ()
    assert preview.message.startswith("Nothing to gain")
    assert preview.share == 0
    assert _placed(program) == before


# --- the page -------------------------------------------------------------------------------


def _page(program: Program) -> str:
    return reverse("circles:formation_rebalance", args=[program.pk])


def _apply(program: Program) -> str:
    return reverse("circles:formation_rebalance_apply", args=[program.pk])


@pytest.mark.parametrize("who", ["sponsor", "lead", "member", "outsider"])
def test_only_coordinators_and_admins_reach_rebalancing(client, personas, lopsided, who):
    preview = formation_rebalance_preview(program=lopsided, budget=4)
    before = _placed(lopsided)
    client.force_login(getattr(personas, who))
    assert client.get(_page(lopsided)).status_code == 404
    assert client.get(_page(lopsided), {"budget": 4}).status_code == 404
    response = client.post(_apply(lopsided), {"token": preview.token, "budget": 4})
    assert response.status_code == 404
    assert _placed(lopsided) == before


@pytest.mark.parametrize("who", ["coordinator", "admin"])
def test_a_coordinator_previews_and_applies(client, personas, lopsided, who):
    client.force_login(getattr(personas, who))
    start_page = client.get(reverse("circles:formation_start", args=[lopsided.pk]))
    assert _page(lopsided) in start_page.content.decode()
    form = client.get(_page(lopsided))
    assert form.status_code == 200
    assert "Apply these moves" not in form.content.decode()
    page = client.get(_page(lopsided), {"budget": 3})
    html = page.content.decode()
    preview = page.context["preview"]
    assert 1 <= preview.moved <= 3
    for step in preview.steps:
        for move in step.moves:
            assert (
                f"<strong>{move.member.name}</strong>: {move.origin.name} → {move.target.name}"
                in html
            )
    assert "Apply these moves" in html
    assert "Balance per criterion, before and after" in html
    response = client.post(_apply(lopsided), {"token": preview.token, "budget": 3}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("programs:detail", args=[lopsided.pk])
    assert f"Moved {preview.moved} people." in response.content.decode()
    placed = _placed(lopsided)
    assert all(placed[m] == target for m, _, target in preview.moves)


def test_the_page_refuses_a_stale_preview_and_offers_it_again(client, personas, lopsided):
    client.force_login(personas.coordinator)
    preview = client.get(_page(lopsided), {"budget": 4, "allow_leads": "on"}).context["preview"]
    circle_remove_member(circle=personas.circle, member=personas.members["member"])
    before = _placed(lopsided)
    response = client.post(
        _apply(lopsided), {"token": preview.token, "budget": 4, "allow_leads": "on"}, follow=True
    )
    assert response.redirect_chain[-1][0] == _page(lopsided) + "?budget=4&allow_leads=on"
    html = response.content.decode()
    assert "The circles changed since this preview" in html
    assert "Apply these moves" in html  # a fresh preview of the circles as they are now
    assert _placed(lopsided) == before


def test_bad_budget_is_shown_next_to_the_field(client, personas, lopsided):
    client.force_login(personas.coordinator)
    for bad in ["0", "99", "four"]:
        page = client.get(_page(lopsided), {"budget": bad})
        assert page.status_code == 200
        assert page.context["preview"] is None
        assert page.context["form"].errors["budget"]


def test_the_preview_page_queries_do_not_grow_with_the_program(client, personas, lopsided):
    client.force_login(personas.coordinator)
    client.get(_page(lopsided), {"budget": 4})  # warm caches (sessions, permissions)
    with CaptureQueriesContext(connection) as small:
        client.get(_page(lopsided), {"budget": 4})
    west = Circle.objects.get(program=lopsided, name="West")
    circle_create(program=lopsided, name="Far", members=newcomers_enrol(lopsided, 6, first=50))
    for member in newcomers_enrol(lopsided, 2, first=60):
        circle_add_member(circle=west, member=member)
    with CaptureQueriesContext(connection) as large:
        client.get(_page(lopsided), {"budget": 4})
    assert len(large.captured_queries) == len(small.captured_queries)
