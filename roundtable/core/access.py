"""The one access path: every `<entity>_get_for_user` getter, parents and children alike, fetches
through `object_get_or_404` and asks the permission policy; an action the policy refuses on an
object the person may see goes through `permission_require`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import Http404

from roundtable.core.errors import PermissionDenied

M = TypeVar("M", bound=Model)


def object_get_or_404(
    queryset: QuerySet[M],
    *,
    can: Callable[[M], bool] | None = None,
    message: str = "Not found.",
    **lookup: Any,
) -> M:
    """The object matching `lookup` in `queryset`, or Http404 when there is none or when `can`
    says no: someone who may not see an object cannot tell it from one that does not exist."""
    obj = queryset.filter(**lookup).first()
    if obj is None or (can is not None and not can(obj)):
        raise Http404(message)
    return obj


def permission_require(allowed: bool, message: str) -> None:
    """Refuse an action on an object the person may see (a 403 in the API, a message on a page)."""
    if not allowed:
        raise PermissionDenied(message)
