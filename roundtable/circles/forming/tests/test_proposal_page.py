"""A big proposal stays usable (`forming.views` with `selectors.formation_proposal_page`):
circles in pages of 24, cards or compact rows, a search that opens on the person's circle,
and as many queries at 1,000 people as at 50."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from roundtable.circles.forming.selectors import PROPOSAL_PAGE_SIZE
from roundtable.circles.forming.tests.conftest import newcomers_enrol
from roundtable.testing.queries import queries_for

pytestmark = pytest.mark.django_db


def _cards(html: str) -> list[str]:
    return re.findall(r'<article class="proposed-circle[^"]*" id="circle-([^"]+)"', html)


def _page_urls(program, run):
    base = reverse("circles:formation_run", args=[program.pk, run.pk])
    return [base, f"{base}?q=a", f"{base}?view=compact&page=2", f"{base}?q=zz&view=compact"]


def test_the_proposal_page_takes_as_many_queries_at_1000_people_as_at_50(
    client, personas, program, start
):
    client.force_login(personas.coordinator)
    newcomers_enrol(program, 33, first=14)  # 50 people with the personas' three
    small = start(program)
    assert len(small.assignment) == 50
    counts = [queries_for(client, url) for url in _page_urls(program, small)]

    newcomers_enrol(program, 950, first=47)
    big = start(program)
    assert big.status == "ready", big.problems
    assert len(big.assignment) == 1000
    assert [queries_for(client, url) for url in _page_urls(program, big)] == counts

    html = client.get(_page_urls(program, big)[0]).content.decode()
    circles = big.proposal["circles"]
    assert _cards(html) == [c["key"] for c in circles[:PROPOSAL_PAGE_SIZE]]
    pages = -(-len(circles) // PROPOSAL_PAGE_SIZE)
    assert f'aria-label="Page {pages} of {pages}"' in html
    assert f"{len(circles)} circles · 1000 people" in html
    # Moving: the people shown on this page, to any circle.
    mover = re.search(r'<select name="member" id="move-member".*?</select>', html, re.S)
    target = re.search(r'<select name="circle" id="move-circle".*?</select>', html, re.S)
    assert mover is not None
    assert target is not None
    on_page = sum(len(c["members"]) for c in circles[:PROPOSAL_PAGE_SIZE])
    assert mover.group(0).count("<option") == on_page
    assert target.group(0).count("<option") == len(circles)


def test_a_search_opens_the_page_of_the_persons_circle_and_marks_them(
    client, personas, program, start
):
    people = newcomers_enrol(program, 200, first=14)
    run = start(program)
    circles = run.proposal["circles"]
    assert len(circles) > PROPOSAL_PAGE_SIZE
    last = circles[-1]
    person = next(m for m in people if str(m.pk) in last["members"])
    person.user.full_name = "Sam Okoro"
    person.user.save()
    client.force_login(personas.coordinator)
    url = reverse("circles:formation_run", args=[program.pk, run.pk])

    html = client.get(url, {"q": "okoro"}).content.decode()
    page = (len(circles) - 1) // PROPOSAL_PAGE_SIZE + 1
    assert last["key"] in _cards(html)
    assert f'<article class="proposed-circle found" id="circle-{last["key"]}"' in html
    assert "<mark>Sam Okoro</mark>" in html
    assert f"Sam Okoro</a> in <strong>{last['name']}</strong>" in html
    assert f'aria-current="page">{page}<' in html
    # The htmx search answers the proposal fragment, which the page swaps in.
    fragment = client.get(url, {"q": "okoro"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment
    assert 'id="proposal-circles"' in fragment
    assert "<mark>Sam Okoro</mark>" in fragment
    # Nobody matches: said, and the first page is shown.
    html = client.get(url, {"q": "nobody-by-this-name"}).content.decode()
    assert "No one in this proposal matches “nobody-by-this-name”." in html
    assert _cards(html) == [c["key"] for c in circles[:PROPOSAL_PAGE_SIZE]]


def test_compact_rows_list_members_and_page_links_keep_the_search_and_the_view(
    client, personas, program, start
):
    newcomers_enrol(program, 200, first=14)
    run = start(program)
    circles = run.proposal["circles"]
    client.force_login(personas.coordinator)
    url = reverse("circles:formation_run", args=[program.pk, run.pk])
    html = client.get(url, {"view": "compact", "q": "e", "page": 2}).content.decode()
    assert _cards(html) == []
    rows = re.findall(r'<tr id="circle-([^"]+)"', html)
    assert rows == [c["key"] for c in circles[PROPOSAL_PAGE_SIZE : 2 * PROPOSAL_PAGE_SIZE]]
    row = html.split(f'<tr id="circle-{rows[0]}"')[1].split("</tr>")[0]
    assert f'<td data-label="People">{len(circles[PROPOSAL_PAGE_SIZE]["members"])}</td>' in row
    assert circles[PROPOSAL_PAGE_SIZE]["why"] in row
    # Each member listed with a button to pin them there (the same endpoint as the cards').
    members = circles[PROPOSAL_PAGE_SIZE]["members"]
    assert row.count("<li>") == len(members)
    for member in members:
        pin = reverse("circles:formation_pin", args=[program.pk, run.pk, int(member)])
        assert f'action="{pin}?q=e&amp;view=compact&amp;page=2"' in row
        assert f'id="pin-{member}"' in row
    assert '?q=e&amp;view=compact&amp;page=1"' in html
    # A move from the compact page comes back to the same page, search and view.
    person = circles[PROPOSAL_PAGE_SIZE]["members"][0]
    move = reverse("circles:formation_move", args=[program.pk, run.pk])
    assert f'action="{move}?q=e&amp;view=compact&amp;page=2"' in html
    response = client.post(
        f"{move}?q=e&view=compact&page=2", {"member": person, "circle": circles[0]["key"]}
    )
    assert response.url == f"{url}?q=e&view=compact&page=2"


def test_a_person_is_pinned_and_unpinned_from_the_compact_rows(client, personas, program, start):
    run = start(program)
    client.force_login(personas.coordinator)
    person = run.proposal["circles"][1]["members"][0]
    pin = reverse("circles:formation_pin", args=[program.pk, run.pk, int(person)])
    button = re.compile(rf'<button type="submit" id="pin-{person}"[^>]*aria-pressed="(\w+)"')
    html = client.get(
        reverse("circles:formation_run", args=[program.pk, run.pk]), {"view": "compact"}
    )
    assert button.findall(html.content.decode()) == ["false"]
    # Pinned through htmx: the fragment comes back as compact rows, the button pressed.
    fragment = client.post(
        f"{pin}?view=compact&page=1", {"pin": "1"}, headers={"HX-Request": "true"}
    ).content.decode()
    run.refresh_from_db()
    assert run.pinned == [int(person)]
    assert '<table class="proposal-compact">' in fragment
    assert button.findall(fragment) == ["true"]
    fragment = client.post(
        f"{pin}?view=compact&page=1", {"pin": "0"}, headers={"HX-Request": "true"}
    ).content.decode()
    run.refresh_from_db()
    assert run.pinned == []
    assert button.findall(fragment) == ["false"]


@pytest.mark.parametrize(
    ("query", "cards"),
    [("page=abc", slice(0, 24)), ("page=999", slice(24, 48)), ("view=sideways", slice(0, 24))],
)
def test_unreadable_page_input_falls_back(client, personas, program, start, query, cards):
    newcomers_enrol(program, 180, first=14)
    run = start(program)
    assert len(run.proposal["circles"]) <= 48
    client.force_login(personas.coordinator)
    url = reverse("circles:formation_run", args=[program.pk, run.pk])
    response = client.get(f"{url}?{query}")
    assert response.status_code == 200
    assert _cards(response.content.decode()) == [c["key"] for c in run.proposal["circles"][cards]]


@pytest.mark.parametrize("who", ["sponsor", "lead", "member", "outsider"])
def test_search_and_pages_are_for_coordinators_only(client, personas, program, start, who):
    run = start(program)
    client.force_login(getattr(personas, who))
    url = reverse("circles:formation_run", args=[program.pk, run.pk])
    for query in ({"q": "a"}, {"view": "compact", "page": 2}):
        assert client.get(url, query).status_code == 404
        assert client.get(url, query, HTTP_HX_REQUEST="true").status_code == 404
