"""Settings of a real `manage.py qcluster` (and the shell commands beside it) in the
end-to-end sending tests and the bench: `make run`'s settings, mail to the local SMTP server
of SMTP_PORT, a queue of its own (Q_NOM) so that runs never pick each other's tasks. With
REDIS_URL set, base.py has already switched django-q2 to Redis."""

import os

from config.settings.dev import *  # noqa: F403
from config.settings.dev import Q_CLUSTER
from config.settings.test import SECRET_KEY  # noqa: F401 (tasks signed by a test-settings process: the bench)

DEBUG = False
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                       "OPTIONS": {"host": "127.0.0.1", "port": int(os.environ.get("SMTP_PORT", "25")),
                                   "timeout": 5}}}
Q_CLUSTER = {**Q_CLUSTER, "name": os.environ.get("Q_NOM", "stages"), "workers": 2, "poll": 0.1}
