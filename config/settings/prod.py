"""Production settings: PostgreSQL by DATABASE_URL, secrets from the environment, refusing defaults."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403

DEBUG = False
if not os.environ.get("SECRET_KEY") or SECRET_KEY.startswith("dev-insecure"):  # noqa: F405
    raise ImproperlyConfigured("SECRET_KEY must be set in the environment for production.")
for _name in ("FIELD_ENCRYPTION_KEY", "BLIND_INDEX_KEY"):
    if not os.environ.get(_name):
        raise ImproperlyConfigured(f"{_name} must be set in the environment for production.")
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)  # noqa: F405
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
