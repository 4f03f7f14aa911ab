"""Circle formation pages (`forming.views`): who reaches them, the proposal a coordinator sees,
moves and pins by htmx, publish; query counts that do not grow with the program."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from roundtable.circles.forming import pairs
from roundtable.circles.forming.criteria import CRITERIA
from roundtable.circles.forming.tests.conftest import newcomers_enrol
from roundtable.circles.models import CircleMembership, FormationRun
from roundtable.orgs.models import AvailabilitySlot
from roundtable.testing.charts import chart_in
from roundtable.testing.factories import EnrolmentFactory, MemberFactory, ProgramFactory

pytestmark = pytest.mark.django_db
Status = FormationRun.Status


def _urls(program, run, rule, member_pk):
    return {
        "get": [
            reverse("circles:formation_start", args=[program.pk]),
            reverse("circles:formation_run", args=[program.pk, run.pk]),
            reverse("circles:formation_progress", args=[program.pk, run.pk]),
        ],
        "post": [
            reverse("circles:formation_start", args=[program.pk]),
            reverse("circles:pair_rule_add", args=[program.pk]),
            reverse("circles:pair_rule_remove", args=[program.pk, rule.pk]),
            reverse("circles:formation_move", args=[program.pk, run.pk]),
            reverse("circles:formation_pin", args=[program.pk, run.pk, member_pk]),
            reverse("circles:formation_rerun", args=[program.pk, run.pk]),
            reverse("circles:formation_publish", args=[program.pk, run.pk]),
            reverse("circles:formation_discard", args=[program.pk, run.pk]),
        ],
    }


@pytest.mark.parametrize("who", ["sponsor", "lead", "member", "outsider"])
def test_only_coordinators_and_admins_reach_formation(client, personas, program, start, who):
    run = start(program)
    lead, member = personas.members["lead"], personas.members["member"]
    rule = pairs.pair_rule_add(program=program, first=lead, second=member, kind="apart")
    urls = _urls(program, run, rule, member.pk)
    client.force_login(getattr(personas, who))
    for url in urls["get"]:
        assert client.get(url).status_code == 404, url
    for url in urls["post"]:
        assert client.post(url, {"member": member.pk, "circle": "new-1"}).status_code == 404, url
    run.refresh_from_db()
    assert run.status == Status.READY
    assert program.pair_rules.count() == 1


@pytest.mark.parametrize("who", ["coordinator", "admin"])
def test_coordinators_and_admins_see_the_criteria(client, personas, program, who):
    client.force_login(getattr(personas, who))
    page = client.get(reverse("circles:formation_start", args=[program.pk]))
    assert page.status_code == 200
    assert b"Mix on" in page.content
    assert b"17 enrolled people" in page.content


def test_a_run_of_another_program_is_not_found(client, personas, program, start):
    run = start(program)
    other_program = ProgramFactory.create(organization=personas.organization)
    other_program.coordinators.add(personas.members["coordinator"])
    client.force_login(personas.coordinator)
    url = reverse("circles:formation_run", args=[other_program.pk, run.pk])
    assert client.get(url).status_code == 404


def test_coordinator_proposes_moves_pins_and_publishes_through_the_pages(
    client, personas, program, django_capture_on_commit_callbacks
):
    client.force_login(personas.coordinator)
    start = reverse("circles:formation_start", args=[program.pk])
    data = {
        "size_min": 4,
        "size_max": 6,
        "meeting_minutes": 60,
        "managers_apart": "on",
        **{f"weight_{c.name}": 1 for c in CRITERIA},
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(start, data)
    run = FormationRun.objects.get(program=program)
    assert run.created_by == personas.members["coordinator"]
    assert response.url == reverse("circles:formation_run", args=[program.pk, run.pk])
    page = client.get(response.url)
    assert b"Why this mix" in page.content
    assert b"Balance across circles" in page.content
    # The balance chart: each criterion's figures in its JSON and in the table behind it.
    balance = chart_in(page.content.decode(), "chart-formation-balance")
    stored = run.proposal["balance"]
    assert [row[0] for row in balance.rows] == [b["feature"] for b in stored]
    assert balance.values == {
        "Means differ (SD)": [b["mean_range"] for b in stored],
        "Spreads differ (SD)": [b["sd_range"] for b in stored],
        "Typical circle off the program mean (SD)": [b["mean_deviation"] for b in stored],
    }
    # The size-independent figure is the circle means' mean distance from the program mean.
    assert all(0 <= b["mean_deviation"] <= b["mean_range"] for b in stored)
    assert balance.columns["Spreads differ (SD)"] == [str(b["sd_range"]) for b in stored]
    assert balance.data["guides"] == [{"value": 0.5, "label": "0.5 SD"}]

    # After a move, the fragment's chart says the new balance.
    circles = sorted(run.proposal["circles"], key=lambda c: len(c["members"]))
    placed = {str(m.member_id) for m in CircleMembership.objects.filter(left_on__isnull=True)}
    person = next(p for p in circles[-1]["members"] if p not in placed)  # a newcomer,
    target = circles[0]  # from the biggest circle to the smallest
    fragment = client.post(
        reverse("circles:formation_move", args=[program.pk, run.pk]),
        {"member": person, "circle": target["key"]},
        HTTP_HX_REQUEST="true",
    )
    assert fragment.status_code == 200
    html = fragment.content.decode()
    name = personas.organization.members.get(pk=person).name
    target_card = html.split(f'id="circle-{target["key"]}"')[1].split("</article>")[0]
    run.refresh_from_db()
    moved = chart_in(html, "chart-formation-balance")
    assert moved.values["Means differ (SD)"] == [b["mean_range"] for b in run.proposal["balance"]]
    assert name in target_card
    assert f"{len(target['members']) + 1} people" in target_card

    pinned = client.post(
        reverse("circles:formation_pin", args=[program.pk, run.pk, person]),
        {"pin": "1"},
        HTTP_HX_REQUEST="true",
    )
    card = pinned.content.decode().split(f'id="circle-{target["key"]}"')[1]
    assert "Pinned: stays here" in card.split(name)[1].split("</li>")[0]
    run.refresh_from_db()
    assert run.pinned == [int(person)]

    response = client.post(reverse("circles:formation_publish", args=[program.pk, run.pk]))
    assert response.url == reverse("programs:detail", args=[program.pk])
    run.refresh_from_db()
    assert run.status == Status.PUBLISHED
    assert (
        CircleMembership.objects.get(member_id=person, left_on__isnull=True).circle.name
        == (target["name"])
    )
    page = client.get(response.url)
    assert f"Published {len(run.proposal['circles'])} circles." in page.content.decode()


def test_a_refused_move_is_said_in_the_fragment(client, personas, program, start):
    run = start(program)
    client.force_login(personas.coordinator)
    fragment = client.post(
        reverse("circles:formation_move", args=[program.pk, run.pk]),
        {"member": 999_999, "circle": "new-1"},
        HTTP_HX_REQUEST="true",
    )
    assert b"That person is not part of this proposal." in fragment.content


def test_moves_to_be_confirmed_are_listed_by_name(client, personas, program, start):
    lead, member = personas.members["lead"], personas.members["member"]
    pairs.pair_rule_add(program=program, first=lead, second=member, kind="apart")
    run = start(program, rebalance=True)
    (mover,) = set(run.proposal["moved"]) & {str(lead.pk), str(member.pk)}
    client.force_login(personas.coordinator)
    page = client.get(reverse("circles:formation_run", args=[program.pk, run.pk])).content
    name = personas.organization.members.get(pk=mover).name
    assert b"already in a circle would change circle" in page
    assert name.encode() in page.split(b"would change circle")[1].split(b"</p>")[0]
    assert b"I confirm these moves" in page
    response = client.post(reverse("circles:formation_publish", args=[program.pk, run.pk]))
    assert response.url == reverse("circles:formation_run", args=[program.pk, run.pk])
    run.refresh_from_db()
    assert run.status == Status.READY
    page = client.get(response.url)
    assert b"confirm those moves to publish" in page.content


def test_bad_form_input_is_shown_and_nothing_starts(client, personas, program):
    client.force_login(personas.coordinator)
    start = reverse("circles:formation_start", args=[program.pk])
    data = {"size_min": 6, "size_max": 4, "meeting_minutes": 60}
    data.update({f"weight_{c.name}": 0 for c in CRITERIA})
    page = client.post(start, data)
    assert page.status_code == 200
    assert b"cannot be smaller than the smallest" in page.content
    assert not FormationRun.objects.exists()


def test_pair_rules_are_added_and_removed_through_the_page(client, personas, program):
    lead, member = personas.members["lead"], personas.members["member"]
    client.force_login(personas.coordinator)
    response = client.post(
        reverse("circles:pair_rule_add", args=[program.pk]),
        {"kind": "apart", "first": lead.pk, "second": member.pk, "note": "friends"},
    )
    rule = program.pair_rules.get()
    page = client.get(response.url)
    assert f"Added: {rule}." in page.content.decode()
    again = client.post(
        reverse("circles:pair_rule_add", args=[program.pk]),
        {"kind": "together", "first": member.pk, "second": lead.pk},
    )
    assert b"already have a rule" in client.get(again.url).content
    client.post(reverse("circles:pair_rule_remove", args=[program.pk, rule.pk]))
    assert not program.pair_rules.exists()


def test_discarding_goes_back_to_the_criteria(client, personas, program, start):
    run = start(program)
    client.force_login(personas.coordinator)
    response = client.post(reverse("circles:formation_discard", args=[program.pk, run.pk]))
    assert response.url == reverse("circles:formation_start", args=[program.pk])
    assert b"Proposal discarded; no circle changed." in client.get(response.url).content
    run.refresh_from_db()
    assert run.status == Status.DISCARDED


def _queries(client, method, url, **extra):
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, **extra)
    assert response.status_code == 200
    return len(queries)


def test_the_run_page_and_the_fragment_do_not_query_per_person(client, personas, program, start):
    client.force_login(personas.coordinator)

    def measure():
        run = start(program)
        page = _queries(client, "get", reverse("circles:formation_run", args=[program.pk, run.pk]))
        person = next(p for p, key in run.assignment.items() if key.startswith("new"))
        target = next(
            c["key"] for c in run.proposal["circles"] if c["key"] != run.assignment[person]
        )
        move = reverse("circles:formation_move", args=[program.pk, run.pk])
        fragment = _queries(
            client, "post", move, data={"member": person, "circle": target}, HTTP_HX_REQUEST="true"
        )
        return page, fragment, len(run.proposal["circles"])

    small = measure()
    newcomers_enrol(program, 20, first=14)
    large = measure()
    assert large[2] > small[2]  # more people, more circles
    assert large[:2] == small[:2]


def test_current_circles_without_a_shared_slot_are_kept_and_said_so(client, personas, start):
    # North's lead and member share no slot, South's peer gave none; newcomers share Monday.
    for weekday, who in ((0, "lead"), (2, "member")):
        AvailabilitySlot.objects.create(
            member=personas.members[who],
            weekday=weekday,
            start_time=dt.time(9),
            end_time=dt.time(12),
        )
    program = personas.program
    for _ in range(6):
        member = MemberFactory.create(organization=personas.organization)
        EnrolmentFactory(program=program, member=member)
        AvailabilitySlot.objects.create(
            member=member, weekday=0, start_time=dt.time(9), end_time=dt.time(12)
        )
    run = start(program, use_availability=True, size_min=2, size_max=4)
    assert run.status == Status.READY, run.problems
    assert run.proposal["constraints"]["availability"]["kept_without_slot"] == 2  # North and South
    assert run.proposal["issues"] == []
    client.force_login(personas.coordinator)
    page = client.get(reverse("circles:formation_run", args=[program.pk, run.pk]))
    assert b"whose members already had none" in page.content
