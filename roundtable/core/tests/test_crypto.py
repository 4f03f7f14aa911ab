"""Encryption at rest: what the database holds is a token, what the code reads is the text, and
rotation moves every row to the new key without losing a word."""

from __future__ import annotations

import io

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from roundtable.core.crypto import decrypt, encrypt
from roundtable.leadership.models import Reflection
from roundtable.testing.personas import Personas

pytestmark = pytest.mark.django_db


def _raw(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT goals FROM leadership_reflection WHERE id = %s", [pk])
        return str(cursor.fetchone()[0])


def test_the_database_holds_a_token_and_the_model_reads_the_text(personas: Personas):
    circle, lead = personas.circle, personas.members["lead"]
    reflection = Reflection.objects.create(
        author=lead, circle=circle, written_on="2026-12-01", goals="Be the lead who listens"
    )
    raw = _raw(reflection.pk)
    assert "listens" not in raw
    assert decrypt(raw) == "Be the lead who listens"
    assert Reflection.objects.get(pk=reflection.pk).goals == "Be the lead who listens"


def test_an_encrypted_field_cannot_be_searched():
    with pytest.raises(TypeError, match="encrypted field"):
        Reflection.objects.filter(**{"goals__icontains": "listens"}).exists()


def test_rotation_moves_rows_to_the_new_key_and_the_old_key_can_then_go(personas, settings):
    circle, lead = personas.circle, personas.members["lead"]
    old = settings.ENCRYPTION_KEYS[0]
    reflection = Reflection.objects.create(
        author=lead, circle=circle, written_on="2026-12-01", goals="Ask before telling"
    )
    new = Fernet.generate_key().decode()
    settings.ENCRYPTION_KEYS = [new, old]
    call_command("rotate_encryption_keys", stdout=io.StringIO())
    settings.ENCRYPTION_KEYS = [new]
    assert Reflection.objects.get(pk=reflection.pk).goals == "Ask before telling"
    settings.ENCRYPTION_KEYS = [old]
    with pytest.raises(ImproperlyConfigured, match="rotate_encryption_keys"):
        Reflection.objects.get(pk=reflection.pk)


def test_without_a_key_nothing_is_written_in_clear(settings):
    settings.ENCRYPTION_KEYS = []
    with pytest.raises(ImproperlyConfigured, match="ENCRYPTION_KEYS"):
        encrypt("anything")


def test_the_deploy_check_names_a_missing_key(settings):
    from roundtable.core.checks import encryption_keys_check

    settings.ENCRYPTION_KEYS = []
    assert [e.id for e in encryption_keys_check()] == ["roundtable.E001"]
    settings.ENCRYPTION_KEYS = ["not-a-key"]
    assert [e.id for e in encryption_keys_check()] == ["roundtable.E001"]
