"""The anonymity helpers (core/anonymity.py): receipts that recognise a second answer without
naming anyone, and keys that say nothing about when a row was written."""

from __future__ import annotations

from django.test import override_settings

from roundtable.core.anonymity import RANDOM_ID_LIMIT, random_id, receipt_digest


def test_a_receipt_recognises_the_same_member_in_the_same_scope_only():
    digest = receipt_digest("meeting-feedback:7", 42)
    assert digest == receipt_digest("meeting-feedback:7", 42)
    assert len(digest) == 64
    assert int(digest, 16) >= 0  # hex
    others = {receipt_digest("meeting-feedback:7", 43), receipt_digest("meeting-feedback:8", 42),
              receipt_digest("critique:7", 42)}  # fmt: skip
    assert digest not in others
    assert len(others) == 3


def test_a_receipt_cannot_be_recomputed_without_the_secret_key():
    digest = receipt_digest("meeting-feedback:7", 42)
    with override_settings(SECRET_KEY="another-secret-key-of-enough-length-0123456789"):
        assert receipt_digest("meeting-feedback:7", 42) != digest


def test_random_ids_are_positive_and_follow_no_order():
    ids = [random_id() for _ in range(200)]
    assert all(0 < i < RANDOM_ID_LIMIT for i in ids)
    assert len(set(ids)) == 200
    assert ids != sorted(ids)
