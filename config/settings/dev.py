"""Development settings: the embedded SQLite database under var/ and generated dev keys."""

from .base import *  # noqa: F403
from .keys import ensure_dev_keys

DEBUG = True
ensure_dev_keys(globals())
