"""Meeting notes from Markdown to HTML, sanitised: what a member types can never run in another's
browser."""

from __future__ import annotations

import markdown
import nh3

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "blockquote", "code", "pre", "h3", "h4",
    "a", "hr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip


def notes_render(text: str) -> str:
    """Markdown to safe HTML: scripts, event handlers and javascript: links are dropped."""
    html = markdown.markdown(text, extensions=["extra", "sane_lists"])
    return nh3.clean(html, tags=ALLOWED_TAGS, link_rel="noopener noreferrer nofollow")
