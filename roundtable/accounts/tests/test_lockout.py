"""The sign-in lockout counts the person, not the spelling, and the client, not the proxy: every
spelling of an email shares one count, and X-Forwarded-For is read only from a trusted proxy."""

from __future__ import annotations

import pytest
from django.test import RequestFactory, override_settings
from django.urls import reverse

from roundtable.accounts.lockout import client_address, email_normalise
from roundtable.testing.personas import PASSWORD

SPELLINGS = (
    "SPONSOR@example.org",
    "Sponsor@Example.ORG",
    "  sponsor@example.org  ",
    "\u017fponsor@example.org",  # LATIN SMALL LETTER LONG S: casefolds to "s"
    "sponsor@\uff45xample.org",  # FULLWIDTH LATIN SMALL LETTER E: NFKC gives "e"
    "SPONSOR@\uff25XAMPLE.ORG",  # FULLWIDTH CAPITAL E
)
PROXY = "10.0.0.1"
CLIENT = "203.0.113.5"
OTHER_CLIENT = "198.51.100.7"


def _sign_in(client, email: str, password: str, **headers: str):
    return client.post(
        reverse("accounts:login"), {"username": email, "password": password}, **headers
    )


def _signed_in(client) -> bool:
    return client.get(reverse("home:home")).status_code == 200


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_every_spelling_is_one_address(spelling):
    assert email_normalise(spelling) == "sponsor@example.org"


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_five_failures_lock_every_spelling_of_the_address(client, personas, spelling):
    for _ in range(5):
        _sign_in(client, "sponsor@example.org", "wrong")
    response = _sign_in(client, spelling, PASSWORD)
    assert response.status_code == 429
    assert not _signed_in(client)


def test_failures_spread_over_spellings_add_up(client, personas):
    for spelling in SPELLINGS[:5]:
        _sign_in(client, spelling, "wrong")
    assert _sign_in(client, "sponsor@example.org", PASSWORD).status_code == 429
    assert not _signed_in(client)


def test_the_admin_sign_in_shares_the_count(client, personas):
    for _ in range(5):
        _sign_in(client, "sponsor@example.org", "wrong")
    response = client.post(
        reverse("admin:login"), {"username": "SPONSOR@example.org", "password": PASSWORD}
    )
    assert response.status_code == 429


def test_a_variant_spelling_still_signs_in_before_the_limit(client, personas):
    for _ in range(4):
        _sign_in(client, "sponsor@example.org", "wrong")
    assert _sign_in(client, "\u017fPONSOR@example.org", PASSWORD).status_code == 302
    assert _signed_in(client)


# --- the client's address behind a proxy ----------------------------------------------------


def test_without_trusted_proxies_a_forged_header_buys_no_more_guesses(client, personas):
    for n in range(5):
        _sign_in(client, "lead@example.org", "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    response = _sign_in(client, "lead@example.org", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert response.status_code == 429


@override_settings(TRUSTED_PROXIES=[PROXY])
def test_behind_a_trusted_proxy_one_client_is_locked_not_everyone(client, personas):
    via_proxy = {"REMOTE_ADDR": PROXY}
    for _ in range(5):
        _sign_in(client, "lead@example.org", "wrong", HTTP_X_FORWARDED_FOR=CLIENT, **via_proxy)
    locked = _sign_in(
        client, "lead@example.org", PASSWORD, HTTP_X_FORWARDED_FOR=CLIENT, **via_proxy
    )
    assert locked.status_code == 429
    other = _sign_in(
        client, "lead@example.org", PASSWORD, HTTP_X_FORWARDED_FOR=OTHER_CLIENT, **via_proxy
    )
    assert other.status_code == 302


@override_settings(TRUSTED_PROXIES=[PROXY])
def test_behind_a_trusted_proxy_the_client_cannot_forge_its_own_entry(client, personas):
    for n in range(5):
        forged = f"192.0.2.{n}, {CLIENT}"  # the client's part, then what the proxy appended
        _sign_in(
            client, "lead@example.org", "wrong", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forged
        )
    response = _sign_in(
        client, "lead@example.org", PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=CLIENT
    )
    assert response.status_code == 429


def _address(remote: str, forwarded: str | None = None) -> str | None:
    request = RequestFactory().post("/", REMOTE_ADDR=remote)
    if forwarded is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(request)


def test_the_header_is_ignored_without_trusted_proxies():
    assert _address(PROXY, CLIENT) == PROXY


@override_settings(TRUSTED_PROXIES=["10.0.0.0/8"])
@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        (PROXY, CLIENT, CLIENT),
        (PROXY, f"{OTHER_CLIENT}, {CLIENT}", CLIENT),  # the left part is the client's to forge
        (PROXY, f"{CLIENT}, 10.0.0.7", CLIENT),  # two trusted proxies in a row
        (CLIENT, OTHER_CLIENT, CLIENT),  # not from a trusted proxy: the header is ignored
        (PROXY, None, PROXY),
        (PROXY, "not-an-address", PROXY),
        (PROXY, f"{CLIENT}, garbage, 10.0.0.7", "10.0.0.7"),
        (PROXY, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_the_client_is_the_first_untrusted_hop_from_the_right(remote, forwarded, expected):
    assert _address(remote, forwarded) == expected
