"""The load scenario (`make charge`, docs/charge.md): the production settings as deployed,
with the admin changelist the waiting list is compared with (tests/charge/urls.py)."""

from .production import *  # noqa: F403

ROOT_URLCONF = "tests.charge.urls"
