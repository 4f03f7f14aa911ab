"""Account reads: invitations and API tokens come only through getters that ask the policy."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from roundtable.accounts import selectors
from roundtable.accounts.services import api_token_create, invitation_create
from roundtable.orgs.services import organization_create


@pytest.fixture
def invitation(personas):
    return invitation_create(
        organization=personas.organization, email="new@example.org", invited_by=personas.admin
    )


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("admin", True),
        ("coordinator", True),
        ("sponsor", False),
        ("lead", False),
        ("member", False),
        ("outsider", False),
    ],
)
def test_invitations_are_for_those_who_may_invite(personas, invitation, persona, allowed):
    def get():
        return selectors.invitation_get_for_user(
            user=personas.user(persona), organization=personas.organization, pk=invitation.pk
        )

    if allowed:
        assert get() == invitation
    else:
        with pytest.raises(Http404):
            get()


def test_an_invitation_is_found_only_under_its_own_organisation(personas, invitation):
    elsewhere = organization_create(name="Elsewhere")
    with pytest.raises(Http404):
        selectors.invitation_get_for_user(
            user=personas.admin, organization=elsewhere, pk=invitation.pk
        )


def test_invitation_list_is_the_organisations_newest_first(personas, invitation):
    newer = invitation_create(
        organization=personas.organization, email="newer@example.org", invited_by=personas.admin
    )
    assert list(selectors.invitation_list(organization=personas.organization)) == [
        newer,
        invitation,
    ]


def test_tokens_are_their_owners_only(personas):
    token, _secret = api_token_create(user=personas.member, name="Mine")
    assert selectors.api_token_get_for_user(user=personas.member, pk=token.pk) == token
    assert list(selectors.api_token_list(user=personas.member)) == [token]
    assert list(selectors.api_token_list(user=personas.admin)) == []
    for user in (personas.admin, personas.outsider, AnonymousUser()):
        with pytest.raises(Http404):
            selectors.api_token_get_for_user(user=user, pk=token.pk)
