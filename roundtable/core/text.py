"""What counts as acceptable text from a person or a client: no control characters (tab, newline
and carriage return aside), NFC-normalised, and, where text is required, something visible.

The character classes are written once, as regex classes that read the same in Python and in
ECMAScript (the JSON Schema `pattern` dialect), so the API's schema can state the same rule."""

from __future__ import annotations

import re
import unicodedata

# C0 and C1 control characters, except tab (09), newline (0a) and carriage return (0d). NUL among
# them: PostgreSQL refuses it in text, and no person means to type it.
CONTROL_CHARS = r"\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f"

# Characters that show nothing: every control character, Unicode whitespace, format characters
# (zero-width spaces and joiners, direction marks, the byte-order mark, soft hyphen), variation
# selectors and the "filler" letters that render blank. Only the Basic Multilingual Plane.
INVISIBLE_CHARS = (
    r"\u0000-\u0020\u007f-\u00a0\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u115f\u1160"
    r"\u1680\u17b4\u17b5\u180b-\u180f\u2000-\u200f\u2028-\u202f\u205f-\u206f\u2800\u3000"
    r"\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb"
)

# The same rules as patterns (search semantics, as JSON Schema applies them).
NO_CONTROL_PATTERN = f"^[^{CONTROL_CHARS}]*$"
VISIBLE_PATTERN = f"^[^{CONTROL_CHARS}]*[^{INVISIBLE_CHARS}][^{CONTROL_CHARS}]*$"

_CONTROL = re.compile(f"[{CONTROL_CHARS}]")
_VISIBLE = re.compile(f"[^{INVISIBLE_CHARS}]")


def text_clean(value: str, *, required: bool = False) -> str:
    """`value` in Unicode NFC; ValueError when it holds a control character, or when it is
    `required` and shows nothing (empty, or only spaces and zero-width characters)."""
    control = _CONTROL.search(value)
    if control:
        raise ValueError(
            f"must not contain control characters (found U+{ord(control.group()):04X} "
            f"at position {control.start()})"
        )
    if required and not _VISIBLE.search(value):
        raise ValueError("must not be blank (spaces and invisible characters do not count)")
    return unicodedata.normalize("NFC", value)
