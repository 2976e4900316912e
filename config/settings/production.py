"""Production: everything secret or site-specific comes from the environment.

Required: SECRET_KEY, ALLOWED_HOSTS (comma-separated), DATABASE_URL, EMAIL_HOST,
DEFAULT_FROM_EMAIL, IMPORTS_DIR (absolute path). Optional: FILE_UPLOAD_TEMP_DIR (IMPORTS_DIR's
sibling `tmp`), EMAIL_PORT (587), EMAIL_HOST_USER, EMAIL_HOST_PASSWORD,
EMAIL_USE_TLS (1), ADMINS (comma-separated addresses told of server errors),
PROXIES_DE_CONFIANCE (1: the one nginx of docs/deploiement.md in front of gunicorn).
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import MIDDLEWARE


def _requis(nom: str) -> str:
    valeur = os.environ.get(nom, "").strip()
    if not valeur:
        raise ImproperlyConfigured(f"La variable d'environnement {nom} est obligatoire en production.")
    return valeur


def _dossier(nom: str, defaut: str = "") -> Path:
    valeur = os.environ.get(nom, "").strip() or defaut or _requis(nom)
    if not Path(valeur).is_absolute():
        raise ImproperlyConfigured(
            f"La variable d'environnement {nom} doit être un chemin absolu, pas « {valeur} »."
        )
    return Path(valeur)


def _entier(nom: str, defaut: str, minimum: int, maximum: int, quoi: str) -> int:
    valeur = os.environ.get(nom, defaut).strip()
    if not valeur.isdigit() or not minimum <= int(valeur) <= maximum:
        raise ImproperlyConfigured(
            f"La variable d'environnement {nom} doit être {quoi} ({minimum} à {maximum}), "
            f"pas « {valeur} »."
        )
    return int(valeur)


DEBUG = False
# whitenoise serves the collected static files right after the security middleware.
MIDDLEWARE = [MIDDLEWARE[0], "whitenoise.middleware.WhiteNoiseMiddleware", *MIDDLEWARE[1:]]
DEMO_AUTORISEE = False
SECRET_KEY = _requis("SECRET_KEY")
ALLOWED_HOSTS = [h.strip() for h in _requis("ALLOWED_HOSTS").split(",") if h.strip()]
# base.py has already read DATABASE_URL (with its SQLite options): here it must be set.
_requis("DATABASE_URL")

MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": _requis("EMAIL_HOST"),
            "port": _entier("EMAIL_PORT", "587", 1, 65535, "un numéro de port"),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": os.environ.get("EMAIL_USE_TLS", "1") == "1",
            # A hung server never holds an outbox row (commun.envois) for long.
            "timeout": 30,
        },
    }
}
DEFAULT_FROM_EMAIL = _requis("DEFAULT_FROM_EMAIL")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Who receives the report of a server error (500), by e-mail: addresses separated by commas.
ADMINS = [a.strip() for a in os.environ.get("ADMINS", "").split(",") if a.strip()]

# How many proxies in front append to X-Forwarded-For (stages.proxy.adresse_du_client).
PROXIES_DE_CONFIANCE = _entier("PROXIES_DE_CONFIANCE", "1", 0, 5, "un nombre de proxys")

# Private folders (0700, checked by `check --deploy`), the site's and the worker's: the import
# previews, and beside them the uploads being received (Django does not create this one).
IMPORTS_DIR = _dossier("IMPORTS_DIR")
FILE_UPLOAD_TEMP_DIR = str(_dossier("FILE_UPLOAD_TEMP_DIR", str(IMPORTS_DIR.parent / "tmp")))
# The issued attestations (legal documents, kept): beside the imports unless set.
ATTESTATIONS_DIR = _dossier("ATTESTATIONS_DIR", str(IMPORTS_DIR.parent / "attestations"))

SECURE_SSL_REDIRECT = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
