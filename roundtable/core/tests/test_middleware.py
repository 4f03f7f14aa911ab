"""Signed-in pages stay out of every cache (`Cache-Control: private, no-store`); anonymous pages
and static files keep theirs."""

from __future__ import annotations

import pytest
from django.urls import reverse

from roundtable.testing.personas import PERSONA_NAMES


def _directives(response) -> set[str]:
    return {part.strip() for part in response.headers.get("Cache-Control", "").split(",")}


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_signed_in_pages_are_private_and_not_stored(client, personas, persona):
    client.force_login(personas.user(persona))
    for url in (reverse("home:home"), reverse("accounts:api_tokens")):
        response = client.get(url)
        assert response.status_code == 200
        assert {"private", "no-store"} <= _directives(response)


def test_a_page_someone_may_not_see_is_not_stored_either(client, personas):
    client.force_login(personas.outsider)
    response = client.get(reverse("circles:detail", args=[personas.circle.pk]))
    assert response.status_code == 404
    assert {"private", "no-store"} <= _directives(response)


def test_anonymous_pages_and_static_files_are_left_alone(client, personas):
    # (the sign-in page itself is never cached: Django marks it so)
    assert "no-store" not in _directives(client.get(reverse("accounts:password_reset")))
    client.force_login(personas.member)
    response = client.get("/static/css/roundtable.css")
    assert response.status_code == 200
    assert "no-store" not in _directives(response)
