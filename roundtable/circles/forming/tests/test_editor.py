"""The proposal editor never breaks: moves, pins and "form the rest again" on a new program
keep the circles distinct, and the Checks a coordinator sees are what publishing enforces."""

from __future__ import annotations

from collections import Counter

import pytest
from django.urls import reverse
from django.utils.html import escape

from roundtable.circles.forming import services
from roundtable.circles.forming.tests.conftest import newcomers_enrol
from roundtable.circles.models import CircleMembership, FormationRun
from roundtable.core.errors import DomainError
from roundtable.testing.factories import ProgramFactory

pytestmark = pytest.mark.django_db
Status = FormationRun.Status


def test_pinning_a_moved_person_and_forming_the_rest_again_keeps_circles_distinct(
    start, django_capture_on_commit_callbacks
):
    # The report of issue 17: a new program of 19, no shared slot, a person moved to Circle 1
    # and pinned there, then "Form the rest again".
    program = ProgramFactory.create()
    people = newcomers_enrol(program, 19)
    boss, report = people[0], people[1]
    report.manager = boss
    report.save()
    run = start(program)
    assert run.status == Status.READY, run.problems
    assert [c["name"] for c in run.proposal["circles"]] == [f"Circle {i}" for i in (1, 2, 3, 4)]
    first = run.proposal["circles"][0]
    sam = next(p for p, key in run.assignment.items() if key != first["key"])
    run = services.formation_move(run=run, member_id=int(sam), circle_key=first["key"])
    run = services.formation_pin(run=run, member_id=int(sam), pinned=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.formation_rerun(run=run)
    run.refresh_from_db()
    assert run.status == Status.READY, run.problems

    circles = run.proposal["circles"]
    keys = [c["key"] for c in circles]
    names = [c["name"] for c in circles]
    assert len(set(keys)) == len(keys) == 4, keys
    assert len(set(names)) == len(names) == 4, names
    assert run.assignment[sam] == first["key"]
    sizes = Counter(run.assignment.values())
    assert sorted(sizes) == sorted(keys)
    assert all(4 <= sizes[key] <= 6 for key in keys), sizes
    assert sorted(p for c in circles for p in c["members"]) == sorted(run.assignment)
    assert services.formation_check(run=run).problems == []

    circles_made = services.formation_publish(run=run, by=None)
    assert len(circles_made) == 4
    assert CircleMembership.objects.filter(circle__program=program).count() == 19


def test_checks_name_a_broken_proposal_and_publishing_refuses_for_those_reasons(
    client, personas, start
):
    # A proposal in the shape the old bug stored: two circles keyed new-1, the last one's
    # people merged into it, Circle 4 with nobody.
    program = ProgramFactory.create(organization=personas.organization)
    program.coordinators.add(personas.members["coordinator"])
    newcomers_enrol(program, 19)
    run = start(program)
    circles = run.proposal["circles"]
    merged = circles[1]["key"]
    circles[1]["key"], circles[1]["name"] = circles[0]["key"], circles[0]["name"]
    run.assignment = {
        p: (circles[0]["key"] if key == merged else key) for p, key in run.assignment.items()
    }
    FormationRun.objects.filter(pk=run.pk).update(proposal=run.proposal, assignment=run.assignment)
    run.refresh_from_db()

    checks = services.formation_check(run=run)
    assert checks.problems[:2] == [
        f"2 circles share the key {circles[0]['key']}.",
        "2 circles are named Circle 1.",
    ]
    assert any("outside 4-6" in problem for problem in checks.problems)
    assert checks.lines[0].ok is False

    client.force_login(personas.coordinator)
    page = client.get(reverse("circles:formation_run", args=[program.pk, run.pk])).content.decode()
    for problem in checks.problems:
        assert escape(problem) in page
    assert "disabled>Publish" in page

    with pytest.raises(DomainError) as refused:
        services.formation_publish(run=run, by=None)
    run.refresh_from_db()
    assert str(refused.value) == "Fix these first: " + " ".join(
        services.formation_check(run=run).problems
    )
    assert not CircleMembership.objects.filter(circle__program=program).exists()


def test_checks_find_people_listed_twice_or_placed_nowhere_and_empty_circles():
    circles = [
        {"key": "new-1", "name": "Circle 1", "members": ["1", "2", "3"]},
        {"key": "new-2", "name": "Circle 2", "members": ["3", "4"]},
        {"key": "new-3", "name": "Circle 3", "members": []},
    ]
    run = FormationRun(
        settings={"size_min": 2, "size_max": 3},
        proposal={"circles": circles, "issues": [], "constraints": {}},
        assignment={"1": "new-1", "2": "new-1", "3": "new-2", "4": "new-2", "5": "new-9"},
    )
    problems = services.formation_check(run=run).problems
    assert problems == [
        "1 person is listed in two circles.",
        "1 person is placed in no proposed circle.",
        "The circles listed differ from where people are placed; reload.",
        "Circle 3 has 0 people, outside 2-3.",
    ]
