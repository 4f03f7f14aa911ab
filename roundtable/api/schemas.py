"""Small output schemas shared by several routers: references to an organisation or a member."""

from __future__ import annotations

from ninja import Schema


class OrganizationRef(Schema):
    slug: str
    name: str


class MemberRef(Schema):
    """A member named in another object (a sponsor, a lead); `id` is the member id."""

    id: int
    name: str
