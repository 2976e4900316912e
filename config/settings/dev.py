"""Local settings for `make run`: SQLite, debug, demo data allowed."""

from .base import *  # noqa: F403

DEBUG = True
SECRET_KEY = "dev-only-not-secret-3b1f0f5e9c8a4d7e"  # noqa: S105
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
DEMO_AUTORISEE = True
