"""What counts as a reason in a critique: a claim and why, not a bare verdict.

The rule, chosen to refuse verdicts and let short real arguments through: at least 6 words, 4
of them different words with a letter in them. Six words is the shortest claim-and-because
("Calls shorten because scripts answer upfront" is 6); a character count would let a padded
"no no no no no no no no" through and is unfair to short words. In Chinese and Japanese, which
do not space words, each character counts as a word. A bare "+1", "agree", "bad idea", "no" or
an emoji gets its own hint, pointing to endorsing for plain agreement."""

from __future__ import annotations

import re

from roundtable.core.errors import DomainError

MIN_WORDS = 6
MIN_DISTINCT_WORDS = 4

HINT = (
    "Give a reason: a claim and why, e.g. “This would cut call time because the script answers "
    "the usual questions up front.”"
)
VERDICT_HINT = (
    "That says where you stand, not why. {hint} To back an argument someone already made, "
    "endorse it instead."
)

_TOKENS = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|\w+")
_VERDICT = re.compile(
    r"^\W*(\+ ?1|-1|me too|same|agreed?|i agree|i disagree|disagree|yes|yeah|yep|no|nope|nah|"
    r"good idea|great idea|nice|love it|bad idea|terrible idea|terrible|awful|meh|lol|"
    r"this|exactly|true|false|wrong|right|ok|okay)(\W+(\+ ?1|!+|\.+))*\W*$",
    re.IGNORECASE,
)


def reasoning_check(text: str) -> None:
    """Refuse (DomainError on the "reasoning" field) text that is not a reason."""
    tokens = _TOKENS.findall(text)
    if _VERDICT.match(text) or not any(ch.isalpha() for ch in text):
        raise DomainError(VERDICT_HINT.format(hint=HINT), field="reasoning")
    distinct = {token.casefold() for token in tokens if any(ch.isalpha() for ch in token)}
    if len(tokens) < MIN_WORDS or len(distinct) < MIN_DISTINCT_WORDS:
        raise DomainError(
            f"That is too short to be a reason ({len(tokens)} word{'s' * (len(tokens) != 1)}; "
            f"at least {MIN_WORDS}). {HINT}",
            field="reasoning",
        )
