"""The JSON API (django-ninja): one NinjaAPI, a router per domain, one error shape.

Every endpoint needs a personal API token (`Authorization: Bearer <secret>`) or a signed-in
browser session (writes then need the CSRF token, as /api/docs sends). Errors always look like
`{"detail": "...", "code": "..."}`; lists are paginated as `{"items": [...], "count": N}`.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest
from ninja import NinjaAPI, Router

from roundtable.api.auth import ApiTokenAuth, SessionAuth
from roundtable.api.errors import JsonParser, register_error_handlers
from roundtable.api.routers import (
    circles,
    commitments,
    formation,
    ideas,
    insights,
    leadership,
    me,
    meetings,
    members,
    programs,
    schedules,
)

api = NinjaAPI(
    title="Roundtable API",
    version="1",
    description=(
        "Members, programs, circles, their meetings, their open critique (challenges, ideas, "
        "critiques, decisions), their commitments (requests, dates, completion, escalations), "
        "working agreements, recognition and a lead's own notes, seen with the same permissions "
        "as in the app. Authenticate with a personal API token (`Authorization: Bearer <secret>`) "
        "or, "
        "here in the browser, with your signed-in session. Errors are `{detail, code}`; lists are "
        "`{items, count}` with `?page=` and `?page_size=` (at most 100)."
    ),
    urls_namespace="api",
    # The token comes first: a request that sends one is judged by it alone.
    auth=[ApiTokenAuth(), SessionAuth()],
    parser=JsonParser(),
)
register_error_handlers(api)

# Each router spells out its full paths so a URL can be found by searching for it.
api.add_router("/", me.router)
api.add_router("/", members.router)
api.add_router("/", programs.router)
api.add_router("/", circles.router)
api.add_router("/", formation.router)
api.add_router("/", schedules.router)
api.add_router("/", meetings.router)
api.add_router("/", ideas.router)
api.add_router("/", commitments.router)
api.add_router("/", leadership.router)
api.add_router("/", insights.router)


# Last, so it only catches what no router matched: a mistyped URL still gets the JSON error body
# rather than the site's HTML 404 page.
unknown = Router()


@unknown.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:rest}", auth=None, include_in_schema=False
)
def unknown_endpoint(request: HttpRequest, rest: str) -> None:
    raise Http404("No such API endpoint.")


api.add_router("/", unknown)
