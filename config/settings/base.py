"""Settings shared by every environment; dev, test and production adjust them."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent.parent

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # its widget templates, for FORM_RENDERER below
    "django_htmx",
    "django_q",
    "axes",
    "simple_history",
    "commun",
    "stages",
    "convocations",
    "paiements",
    "questionnaires",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "stages.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "stages.middleware.PasDeCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "stages.access.AccesMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, so that a locked-out login is answered before the view runs.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
            ],
            "builtins": ["stages.templatetags.affichage"],
        },
    },
]

# Widgets rendered by the project's engine: templates/django/forms/ overrides Django's own.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# SQLite (a file in the project, WAL) unless DATABASE_URL names another database.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=60,
        # A kept connection is checked before reuse: after a PostgreSQL restart the next
        # request reconnects instead of failing on the dead one.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        # Writers take the lock at BEGIN: the web server and the worker never deadlock.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "connexion"
LOGIN_REDIRECT_URL = "stages:accueil"
LOGOUT_REDIRECT_URL = "connexion"

# Sessions end after 30 minutes without a request: stages.middleware.SessionMiddleware
# pushes the expiry back at most once a minute rather than writing on every request.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie

# Login throttling: 5 failures for one username from one address lock that pair for
# 15 minutes; the real user elsewhere is never locked out, and the lock lifts by itself.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/verrouille.html"
# Attempts during a lockout are refused without being counted: they never extend it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# The address is the client's, read behind the trusted proxies (none in development).
AXES_CLIENT_IP_CALLABLE = "stages.proxy.adresse_du_client"
PROXIES_DE_CONFIANCE = 0

LANGUAGE_CODE = "fr-fr"
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"

# An import's previewed file waits here for its confirmation: private (0700, judicial data),
# the same folder for the site and the worker. Production reads it from the environment.
IMPORTS_DIR = BASE_DIR / "prive" / "imports"
# The issued attestations' PDF (convocations.Attestation): private too, never under a public
# URL; served only by an authorised view. Production reads it from the environment.
ATTESTATIONS_DIR = BASE_DIR / "prive" / "attestations"
# Uploads too big for memory go to FILE_UPLOAD_TEMP_DIR; a full disk there is answered on the
# page, not by a 500 (stages.imports.apercus.ReceptionSurDisque).
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "stages.imports.apercus.ReceptionSurDisque",
]
# A preview nobody confirmed is deleted by the scheduled purge once this old.
IMPORTS_APERCUS_CONSERVATION = timedelta(hours=2)

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Strict CSP: no inline script or style anywhere; htmx is served from our own static files.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# django-q2 on the ORM broker: no Redis on a one-antenne install. retry > timeout.
Q_CLUSTER = {
    "name": "stages",
    "orm": "default",
    "workers": 2,
    "timeout": 120,
    "retry": 180,
    "max_attempts": 3,
    "catch_up": False,
    "label": "Tâches de fond",
}
# Several workers on several machines (a whole CPCA or the network on one installation):
# REDIS_URL=redis://host:6379/0 switches django-q2 to its Redis broker (docs/deploiement.md).
if REDIS_URL := os.environ.get("REDIS_URL"):
    Q_CLUSTER = {**{cle: valeur for cle, valeur in Q_CLUSTER.items() if cle != "orm"}, "redis": REDIS_URL}

# Reminders by SMS: the backend that hands a text to a provider (convocations.sms). The
# default writes it to the log; README.md says how to add a provider.
SMS_BACKEND = "convocations.sms.JournalSMS"

MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = "stages@cpca.invalid"

# The demo command refuses to run unless a settings module allows it.
DEMO_AUTORISEE = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    # The worker says when it starts and what it runs.
    "loggers": {"django-q": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}
