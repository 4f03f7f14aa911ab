"""The one pagination envelope of list endpoints: ?page=N&page_size=M gives {"items": [...],
"count": total}. Pages start at 1; page_size defaults to 25 and is capped at 100."""

from __future__ import annotations

from typing import Any

from ninja.pagination import PageNumberPagination

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100


class Pagination(PageNumberPagination):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("page_size", DEFAULT_PAGE_SIZE)
        kwargs.setdefault("max_page_size", MAX_PAGE_SIZE)
        super().__init__(**kwargs)
