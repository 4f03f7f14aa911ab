"""The anonymous author's capability: a signed cookie in their browser, good for 24 hours from
writing. Another browser, another person, a tampered or expired cookie: refused, nothing
changed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from roundtable.core.anonymity import CAPABILITY_COOKIE, capabilities_read
from roundtable.ideas.models import Critique
from roundtable.ideas.tests.helpers import OTHER_REASON, REASON, idea_make, make_anonymous

pytestmark = pytest.mark.usefixtures("frozen_clock")


@pytest.fixture
def written(client, personas, challenge):
    """An anonymous critique the member wrote from `client`; the named idea it critiques."""
    idea = idea_make(challenge, personas.circle, personas.members["lead"])
    make_anonymous(personas.circle)
    client.force_login(personas.member)
    response = client.post(
        reverse("ideas:critique_add", args=[idea.pk]), {"stance": "concern", "reasoning": REASON}
    )
    assert response.status_code == 302
    cookie = response.cookies[CAPABILITY_COOKIE]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/"
    return idea, Critique.objects.get()


def _edit(client, idea, critique):
    return client.post(
        reverse("ideas:critique_edit", args=[idea.pk, critique.pk]),
        {"stance": "concern", "reasoning": OTHER_REASON},
        follow=True,
    )


def _unchanged(critique) -> bool:
    critique.refresh_from_db()
    return critique.reasoning == REASON and not critique.withdrawn


def test_the_author_edits_from_their_browser_within_24_hours(client, written, frozen_clock):
    idea, critique = written
    page = client.get(reverse("ideas:idea_detail", args=[idea.pk])).content.decode()
    assert "you can change it until 2 Mar, 10:17 UTC from this browser" in page
    frozen_clock.shift(dt.timedelta(hours=23, minutes=59))
    assert "Critique updated" in _edit(client, idea, critique).content.decode()
    critique.refresh_from_db()
    assert critique.reasoning == OTHER_REASON


def test_after_24_hours_the_capability_has_lapsed(client, written, frozen_clock):
    idea, critique = written
    frozen_clock.shift(dt.timedelta(hours=24, seconds=1))
    response = _edit(client, idea, critique)
    assert "Only its author can change this" in response.content.decode()
    withdrawn = client.post(reverse("ideas:critique_withdraw", args=[idea.pk, critique.pk]))
    assert withdrawn.status_code == 302
    assert _unchanged(critique)


def test_another_person_or_another_browser_cannot_edit(written, personas):
    idea, critique = written
    for user in (personas.lead, personas.member):  # the author too, from another browser
        other = Client()
        other.force_login(user)
        assert "Only its author" in _edit(other, idea, critique).content.decode()
        other.post(reverse("ideas:critique_withdraw", args=[idea.pk, critique.pk]))
    assert _unchanged(critique)


@pytest.mark.parametrize("tamper", ["token", "signature", "timestamp", "garbage"])
def test_a_tampered_capability_is_refused(client, written, tamper):
    idea, critique = written
    value = client.cookies[CAPABILITY_COOKIE].value
    body, timestamp, signature = value.rsplit(":", 2)
    key, token = body.split("~")
    tampered = {
        "token": f"{key}~{token[:-2]}xx:{timestamp}:{signature}",
        "signature": f"{body}:{timestamp}:{signature[:-2]}xx",
        "timestamp": f"{body}:{timestamp[:-1]}0:{signature}",
        "garbage": "not-a-capability",
    }[tamper]
    client.cookies[CAPABILITY_COOKIE] = tampered
    assert capabilities_read(tampered) == {}
    assert "Only its author" in _edit(client, idea, critique).content.decode()
    assert _unchanged(critique)


def test_a_capability_for_one_critique_does_not_open_another(client, written, personas):
    idea, critique = written
    other_client = Client()
    other_client.force_login(personas.lead)
    other_client.post(
        reverse("ideas:critique_add", args=[idea.pk]),
        {"stance": "strength", "reasoning": OTHER_REASON},
    )
    theirs = Critique.objects.get(reasoning=OTHER_REASON)
    value = client.cookies[CAPABILITY_COOKIE].value
    # The member's signed entry, relabelled with the other critique's id, breaks the signature.
    client.cookies[CAPABILITY_COOKIE] = value.replace(str(critique.pk), str(theirs.pk))
    response = client.post(
        reverse("ideas:critique_edit", args=[idea.pk, theirs.pk]),
        {"stance": "strength", "reasoning": REASON},
        follow=True,
    )
    assert "Only its author" in response.content.decode()
    theirs.refresh_from_db()
    assert theirs.reasoning == OTHER_REASON
