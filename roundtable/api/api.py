"""The JSON API (django-ninja): one NinjaAPI, a router per domain, one error shape."""

from __future__ import annotations

from ninja import NinjaAPI

api = NinjaAPI(
    title="Roundtable API",
    version="1",
    description="Members, programs and circles, seen with the same permissions as in the app.",
    urls_namespace="api",
)
