"""Privacy that holds: what the lead writes in their toolkit (a reflection, a note on a peer, a
support plan) shows to its author alone. Every page of the site, every API endpoint, the admin
site (for a superuser too), the raw database, the notices and the emails are searched for its
distinctive words, as every other persona and as the next lead."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib import admin
from django.core import mail
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from roundtable.accounts.models import User
from roundtable.circles.services import circle_add_member, circle_set_lead
from roundtable.leadership.models import ReflectionCadence, SupportPlan
from roundtable.leadership.services.peer_notes import peer_note_save
from roundtable.leadership.services.reflections import reflection_write, reflections_prompt_due
from roundtable.leadership.services.support_plans import (
    support_plan_create,
    support_reviews_remind,
)
from roundtable.notifications.digest import notice_digests_plan
from roundtable.notifications.models import Notice
from roundtable.notifications.services import notifications_send_due
from roundtable.orgs.models import Member
from roundtable.testing.anonymity import Author, clues_in, every_row
from roundtable.testing.api import bearer
from roundtable.testing.factories import MemberFactory

REFLECTION_WORD = "Quokkadrift"
NOTE_WORD = "Zanzibarite"
PLAN_WORD = "Marmaladeon"
WORDS = (REFLECTION_WORD, NOTE_WORD, PLAN_WORD)
OTHERS = ("admin", "coordinator", "sponsor", "member", "peer", "outsider")


def _routes(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern


def _site_urls(ids: dict[str, Any]) -> list[str]:
    """Every GET-able page and API endpoint of the site, its parameters filled with the objects
    the toolkit writes about (the circle, the peer, the plan, the organisation). Admin pages are
    searched separately; routes needing a token, a uuid or an unrelated id are left out."""
    urls = []
    for route, _pattern in _routes(get_resolver().url_patterns):
        if route.startswith("admin/") or "(?" in route or "<path:" in route:
            continue
        url, ok = route, True
        for match in re.finditer(r"<(?:(\w+):)?(\w+)>", route):
            value = _value_for(route, match.group(2), ids)
            if value is None:
                ok = False
                break
            url = url.replace(match.group(0), str(value), 1)
        if ok:
            urls.append("/" + url.lstrip("^").rstrip("$"))
    return sorted(set(urls))


def _value_for(route: str, name: str, ids: dict[str, Any]) -> Any:
    if name in ("circle_pk", "circle_id"):
        return ids["circle"]
    if name in ("member_pk", "member_id"):
        return ids["member"]
    if name in ("program_pk", "program_id"):
        return ids["program"]
    if name == "org_slug":
        return ids["org_slug"]
    if name == "pk":
        for prefix, key in (
            ("circles/", "circle"),
            ("members/", "member"),
            ("programs/", "program"),
        ):
            if route.startswith(prefix) and route.count("<") == 1:
                return ids[key]
        if "/plans/" in route:
            return ids["plan"]
    return None


def _assert_nowhere(text: str, where: str) -> None:
    found = [word for word in WORDS if word in text]
    assert not found, f"{found} in {where}"


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _crawl(client: Client, urls: list[str], who: str) -> int:
    """GET every url; returns how many answered 200."""
    ok = 0
    for url in urls:
        response = client.get(url)
        body = (
            b"".join(response.streaming_content)  # type: ignore[attr-defined]
            if response.streaming
            else response.content
        )
        _assert_nowhere(body.decode(errors="replace"), f"{url} as {who}")
        ok += response.status_code == 200
    return ok


@pytest.fixture
def written(personas) -> dict[str, Any]:
    """The lead's reflection, note and plan, each with a distinctive word; a reminder due for
    each today."""
    circle, lead, member = personas.circle, personas.members["lead"], personas.members["member"]
    reflection_write(circle=circle, author=lead, leader=f"A {REFLECTION_WORD} leader",
                     goals=f"Goals {REFLECTION_WORD}", outcomes="")  # fmt: skip
    note = peer_note_save(circle=circle, author=lead, peer=member, goals=f"Promotion {NOTE_WORD}",
                          needs=NOTE_WORD, load=NOTE_WORD, support=NOTE_WORD)  # fmt: skip
    plan = support_plan_create(circle=circle, author=lead, peer=member, approach="stretch",
                               next_step=f"Offer the {PLAN_WORD} trial",
                               review_on=timezone.localdate())  # fmt: skip
    ReflectionCadence.objects.create(author=lead, circle=circle, every_weeks=2,
                                     next_prompt_on=timezone.localdate())  # fmt: skip
    return {
        "circle": circle.pk,
        "member": member.pk,
        "program": personas.program.pk,
        "org_slug": personas.organization.slug,
        "plan": plan.pk,
        "note": note.pk,
    }


def _users(personas) -> dict[str, User]:
    users = {name: personas.user(name) for name in OTHERS if name != "peer"}
    users["peer"] = Member.objects.get(user__email="peer@example.org").user
    return users


def test_the_author_sees_their_words_so_the_search_below_can_fail(personas, written):
    urls = _site_urls(written)
    lead = _client(personas.lead)
    pages = "".join(lead.get(url).content.decode() for url in urls if "/lead/" in url)
    assert all(word in pages for word in WORDS)


def _pages_and_api(urls: list[str]) -> tuple[list[str], list[str]]:
    api = [url for url in urls if url.startswith("/api/")]
    return [url for url in urls if url not in api], api


@pytest.mark.parametrize("name", OTHERS)
def test_no_other_persona_finds_the_words_on_any_page_or_api_endpoint(personas, written, name):
    pages, api = _pages_and_api(_site_urls(written))
    assert "/circles/{circle}/lead/toolkit/".format(**written) in pages
    assert "/api/circles/{circle}/members".format(**written) in api
    user = _users(personas)[name]
    assert _crawl(_client(user), pages, name) > 0
    assert _crawl(bearer(user), api, f"{name} with their API token") > 0


def test_the_next_lead_starts_blank_and_the_former_lead_reads_only(personas, written):
    newcomer = MemberFactory.create(organization=personas.organization)
    circle_add_member(circle=personas.circle, member=newcomer)
    circle_set_lead(circle=personas.circle, lead=newcomer)
    pages, api = _pages_and_api(_site_urls(written))
    new_lead = _client(newcomer.user)
    assert new_lead.get("/circles/{circle}/lead/toolkit/".format(**written)).status_code == 200
    assert _crawl(new_lead, pages, "the new lead") > 0
    assert _crawl(bearer(newcomer.user), api, "the new lead with their API token") > 0

    former = _client(personas.lead)
    page = former.get("/lead/notes/circles/{circle}/".format(**written)).content.decode()
    assert all(word in page for word in WORDS)
    for url in (
        "/circles/{circle}/lead/reflections/",
        "/circles/{circle}/lead/peers/{member}/note/",
        "/circles/{circle}/lead/peers/{member}/plans/new/",
        "/circles/{circle}/lead/peers/{member}/plans/{plan}/",
        "/circles/{circle}/lead/peers/{member}/plans/{plan}/close/",
    ):
        response = former.post(url.format(**written), {"leader": "x", "goals": "x"})
        assert response.status_code == 404, url
    assert SupportPlan.objects.get().closed_on is None


def test_the_admin_site_shows_none_of_it_even_to_a_superuser(personas, written):
    superuser = User.objects.create_superuser("root@example.org", "pw-not-used-here")
    staff_admin = personas.user("admin")
    admin_urls = ["/admin/", "/admin/leadership/"]
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        admin_urls.append(f"/admin/{meta.app_label}/{meta.model_name}/")
        first = model_admin.get_queryset(_request(superuser)).first()
        if first is not None:
            admin_urls.append(f"/admin/{meta.app_label}/{meta.model_name}/{first.pk}/change/")
    root = _client(superuser)
    assert root.get("/admin/").status_code == 200  # the superuser does get in
    assert root.get("/admin/leadership/").status_code == 404
    assert _crawl(root, admin_urls, "a superuser") > 3
    _crawl(_client(staff_admin), admin_urls, "the organisation's admin")


def _request(user: User) -> Any:
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def test_the_raw_database_holds_none_of_the_words_in_clear(personas, written):
    author = Author(session_key="-", moment=timezone.now(), more_clues=WORDS)
    rows = {table: list(counter.elements()) for table, counter in every_row().items()}
    leaks = {(table, value) for table, value, clue in clues_in(rows, author) if
             any(word in clue for word in WORDS)}  # fmt: skip
    assert leaks == set()
    plan_rows = rows["leadership_supportplan"]
    assert plan_rows
    assert not any("stretch" in str(value) for row in plan_rows for value in row)


def test_reminders_notices_and_emails_say_none_of_it(personas, written, settings):
    now = timezone.now()
    assert reflections_prompt_due(now=now) == 1
    assert support_reviews_remind(now=now) == 1
    notices = list(Notice.objects.all())
    assert len(notices) >= 2
    for notice in notices:
        shown = f"{notice.title} {notice.body} {notice.url} {notice.key}"
        _assert_nowhere(shown, f"notice {notice.kind}")
        assert "Member Persona" not in shown
    mail.outbox.clear()
    assert notice_digests_plan(now=now) >= 1
    notifications_send_due(now=now + dt.timedelta(days=2))
    assert mail.outbox, "the digest email was sent: the check below can fail"
    for message in mail.outbox:
        texts = [str(message.subject), str(message.body)]
        texts += [str(content) for content, _type in getattr(message, "alternatives", [])]
        _assert_nowhere(" ".join(texts), f"email to {message.to}")
