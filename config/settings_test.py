"""Test settings: fast hashing, in-memory mail, tasks run inline."""

import os

os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-use-000000")
# A fixed Fernet key for tests only (32 bytes of "t", base64).
os.environ.setdefault("ENCRYPTION_KEYS", "dHR0dHR0dHR0dHR0dHR0dHR0dHR0dHR0dHR0dHR0dHQ=")

from config.settings import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
AXES_FAILURE_LIMIT = 5
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Tests compute every figure afresh (no cache between tests, whose ids repeat); the figures
# cache is tested on its own with a cache of its own (insights/tests/test_figures_cache.py).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
FORMATION_ROUNDS = 3  # formation in tests: a fixed number of search rounds, not seconds
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    # A test database need not survive a power cut: commits do not wait for the disk.
    _test_options = DATABASES["default"].setdefault("OPTIONS", {})  # noqa: F405
    _test_options["options"] = f"{_test_options.get('options', '')} -c synchronous_commit=off"
