"""Every page, every persona: who gets the page, who gets a 404 (the outsider always does)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from roundtable.testing.personas import PERSONA_NAMES, Personas

ALL = set(PERSONA_NAMES)
INSIDERS = ALL - {"outsider"}
MANAGERS = {"admin", "coordinator"}


def _pages(p: Personas) -> list[tuple[str, str, set[str]]]:
    """(label, url, personas who get a 200); everyone else gets a 404 (or a redirect if noted)."""
    org = p.organization.slug
    return [
        ("home", reverse("home:home"), ALL),
        ("program list", reverse("programs:list"), ALL),
        ("profile", reverse("orgs:profile"), ALL),
        ("api tokens", reverse("accounts:api_tokens"), ALL),
        ("program detail", reverse("programs:detail", args=[p.program.pk]), INSIDERS),
        ("program edit", reverse("programs:edit", args=[p.program.pk]), MANAGERS),
        ("program create", reverse("programs:create") + f"?org={org}", MANAGERS),
        ("circle create", reverse("circles:create", args=[p.program.pk]), MANAGERS),
        ("circle detail", reverse("circles:detail", args=[p.circle.pk]), INSIDERS),
        (
            "other circle detail",
            reverse("circles:detail", args=[p.other_circle.pk]),
            {"admin", "coordinator", "sponsor"},
        ),
        ("circle edit", reverse("circles:edit", args=[p.circle.pk]), MANAGERS | {"lead"}),
        ("directory", reverse("orgs:directory", args=[org]), INSIDERS),
        (
            "member detail",
            reverse("orgs:member_detail", args=[p.members["member"].pk]),
            INSIDERS,
        ),
        ("invitations", reverse("accounts:invitation_list", args=[org]), MANAGERS),
    ]


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_every_page_for_every_persona(client, personas, persona):
    client.force_login(personas.user(persona))
    for label, url, allowed in _pages(personas):
        response = client.get(url)
        expected = 200 if persona in allowed else 404
        assert response.status_code == expected, f"{persona} on {label} ({url})"


def test_anonymous_is_sent_to_sign_in(client, personas):
    for label, url, _allowed in _pages(personas):
        response = client.get(url)
        assert response.status_code == 302, label
        assert response.url.startswith(reverse("accounts:login")), label


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_member_edit_page(client, personas, persona):
    """Admins edit anyone; a member editing themself is sent to their profile; others 404."""
    client.force_login(personas.user(persona))
    url = reverse("orgs:member_edit", args=[personas.members["member"].pk])
    response = client.get(url)
    if persona == "admin":
        assert response.status_code == 200
    elif persona == "member":
        assert response.status_code == 302
        assert response.url == reverse("orgs:profile")
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_changing_circle_membership_is_for_coordinators_and_admins(client, personas, persona):
    client.force_login(personas.user(persona))
    newcomer = personas.members["sponsor"]
    response = client.post(
        reverse("circles:add_member", args=[personas.circle.pk]), {"member": newcomer.pk}
    )
    joined = personas.circle.memberships.filter(member=newcomer, left_on__isnull=True).exists()
    if persona in MANAGERS:
        assert response.status_code == 302
        assert joined
    else:
        assert response.status_code == 404
        assert not joined


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_enrolment_is_for_coordinators_and_admins(client, personas, persona):
    client.force_login(personas.user(persona))
    admin_member = personas.members["admin"]
    response = client.post(
        reverse("programs:enrol", args=[personas.program.pk]), {"members": [admin_member.pk]}
    )
    enrolled = personas.program.enrolments.filter(member=admin_member).exists()
    assert enrolled == (persona in MANAGERS)
    assert response.status_code == (302 if persona in MANAGERS else 404)


def _posts(p: Personas) -> list[tuple[str, str, dict[str, object], set[str]]]:
    """(label, url, data, personas allowed); the rest get a 404 and nothing changes."""
    member = p.members["member"]
    return [
        (
            "program edit",
            reverse("programs:edit", args=[p.program.pk]),
            {"name": ""},
            MANAGERS,
        ),
        (
            "withdraw",
            reverse("programs:withdraw", args=[p.program.pk, member.pk]),
            {},
            MANAGERS,
        ),
        (
            "remove member",
            reverse("circles:remove_member", args=[p.circle.pk, member.pk]),
            {},
            MANAGERS,
        ),
        (
            "circle edit",
            reverse("circles:edit", args=[p.circle.pk]),
            {"name": ""},
            MANAGERS | {"lead"},
        ),
        (
            "circle create",
            reverse("circles:create", args=[p.program.pk]),
            {"name": ""},
            MANAGERS,
        ),
        (
            "invite",
            reverse("accounts:invitation_list", args=[p.organization.slug]),
            {"email": ""},
            MANAGERS,
        ),
        # Last: a lead who steps down loses the lead's rights.
        (
            "set lead",
            reverse("circles:lead", args=[p.circle.pk]),
            {"lead": ""},
            MANAGERS | {"lead"},
        ),
    ]


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_every_change_for_every_persona(client, personas, persona):
    client.force_login(personas.user(persona))
    for label, url, data, allowed in _posts(personas):
        response = client.post(url, data)
        if persona in allowed:
            assert response.status_code in {200, 302}, f"{persona} on {label}"
        else:
            assert response.status_code == 404, f"{persona} on {label}"
    personas.circle.refresh_from_db()
    still_in = personas.circle.memberships.filter(
        member=personas.members["member"], left_on__isnull=True
    ).exists()
    assert still_in == (persona not in MANAGERS)
    assert (personas.circle.lead is None) == (persona in MANAGERS | {"lead"})
