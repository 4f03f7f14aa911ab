"""Error pages: a page someone may not see answers with the site's own 404 page, with DEBUG on
(the demo) as off (production). Signed-in pages are kept out of every cache."""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.views.defaults import page_not_found


class SiteNotFoundMiddleware:
    """Render templates/404.html for Http404 raised by a view (the permission-scoped getters).

    With DEBUG off Django does this by itself; with DEBUG on it would show its technical page,
    which tells a demo user nothing and lists every URL. Unknown addresses keep Django's own
    handling: the technical page is useful to a developer while DEBUG is on.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, Http404):
            return page_not_found(request, exception)
        return None


class SignedInNoStoreMiddleware:
    """`Cache-Control: private, no-store` on every page answered to someone signed in.

    A signed-in page shows someone's circles, notes and feedback: no shared proxy may keep it, and
    the browser may not keep it on disk for the next person at a shared computer (the back button
    after signing out). Anonymous pages keep their caching, and static files never reach this
    middleware: whitenoise answers them earlier in the chain.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response
