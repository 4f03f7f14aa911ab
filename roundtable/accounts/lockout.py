"""Who a sign-in attempt is, for django-axes' lockout: the person's email however it is spelled,
and the client's address, read from the proxy's X-Forwarded-For only when the proxy is trusted."""

from __future__ import annotations

import ipaddress
import unicodedata
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.http import HttpRequest

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def email_normalise(email: str) -> str:
    """One spelling per address: `SPONSOR@…`, `\u017fponsor@…` (long s) and `sponsor@\uff4e…`
    (full-width n) are `sponsor@…`.

    NFKC folds compatibility characters (full-width letters, ligatures), casefold() folds case
    beyond ASCII; NFKC again because case folding can leave a string that is not NFKC.
    """
    folded = unicodedata.normalize("NFKC", email.strip()).casefold()
    return unicodedata.normalize("NFKC", folded)


def lockout_username(request: HttpRequest, credentials: Mapping[str, Any] | None) -> str:
    """AXES_USERNAME_CALLABLE: the normalised email, from the credentials or the posted form
    (the admin's sign-in form included), so that every spelling counts against one person."""
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        value = credentials.get(field)
    else:
        value = getattr(request, "data", request.POST).get(field)
    return email_normalise(value) if isinstance(value, str) else ""


def trusted_proxy_networks(proxies: list[str]) -> list[IPNetwork]:
    """TRUSTED_PROXIES as networks: each entry an address (`10.0.0.5`) or a range (`10.0.0.0/8`);
    the settings refuse anything else at start."""
    return [ipaddress.ip_network(proxy, strict=False) for proxy in proxies]


def _is_trusted(address: str, trusted: list[IPNetwork]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in trusted)


def client_address(request: HttpRequest) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: the address of whoever is signing in.

    Without TRUSTED_PROXIES it is the connection's address; X-Forwarded-For is then anyone's to
    forge and is ignored. When the connection comes from a trusted proxy, the header is walked
    from the right (each proxy appends the address it received from) past the trusted proxies:
    the first other address is the client. Entries left of it may be forged by the client and are
    never read.
    """
    remote: str | None = request.META.get("REMOTE_ADDR")
    trusted = trusted_proxy_networks(settings.TRUSTED_PROXIES)
    if not trusted or remote is None or not _is_trusted(remote, trusted):
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    nearest = remote
    for hop in reversed([hop for hop in hops if hop]):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            # Not an address: the proxy did not write it. The last proxy is all we know.
            return nearest
        if not _is_trusted(hop, trusted):
            return hop
        nearest = hop
    return nearest
