"""Settings for the test suite (SQLite in memory unless DATABASE_URL is set)."""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import Q_CLUSTER

DEBUG = False
SECRET_KEY = "test-only-not-secret-9d2c4e7a1b6f"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
DEMO_AUTORISEE = True
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
Q_CLUSTER = {**Q_CLUSTER, "sync": True}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# On SQLite, a test database in a file rather than in memory: the browser tests' live server
# answers from several threads, which would otherwise share one connection and fail when two
# htmx requests overlap ("bad parameter or other API misuse").
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "test.sqlite3")}  # noqa: F405

# The attestations issued by tests outside tests/convocations/attestations (whose conftest
# gives each test a folder of its own) go to the system's temporary folder, not the project's.
ATTESTATIONS_DIR = Path(tempfile.gettempdir()) / f"stages-tests-{os.getuid()}" / "attestations"
