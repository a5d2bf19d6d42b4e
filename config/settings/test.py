"""Test settings: fixed keys, fast hashing, immediate tasks unless a test asks for the worker."""

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-secret-key"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
FIELD_ENCRYPTION_KEY = "dGVzdC1rZXktdGVzdC1rZXktdGVzdC1rZXktdGVzdC0="
BLIND_INDEX_KEY = "test-blind-index-key"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The org tree the generic view tests (core.testing.views) run in: named here so core imports no app.
TESTING_TREE_FACTORY = "orgs.tests.factories.make_tree"
