"""The one pagination envelope of list endpoints: ?page=N&page_size=M gives {"items": [...],
"count": total}. Pages start at 1 and stop at MAX_PAGE; page_size defaults to 25 and is capped
at 100 (a larger one is read as 100)."""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100
# A page past the data is an empty page; a page past this is a mistake (and its offset would
# overflow the database's integers), so it is a 422.
MAX_PAGE = 1_000_000


class Pagination(PageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=2**31 - 1)

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("page_size", DEFAULT_PAGE_SIZE)
        kwargs.setdefault("max_page_size", MAX_PAGE_SIZE)
        super().__init__(**kwargs)
