"""Sessions written only when needed, and never at the cost of a committed response; pages
with personal data kept out of every cache."""

import logging
import time

from django.contrib.sessions.exceptions import SessionInterrupted
from django.contrib.sessions.middleware import SessionMiddleware as SessionMiddlewareDeDjango
from django.db import DatabaseError
from django.utils.cache import add_never_cache_headers

journal = logging.getLogger(__name__)

# When the session's idle expiry was last pushed back (seconds since the epoch).
CLE_RENOUVELLEMENT = "_renouvelee"
RENOUVELER_APRES = 60


class SessionMiddleware(SessionMiddlewareDeDjango):
    """Django's, with two changes.

    The 30-minute idle expiry is pushed back at most once a minute instead of writing the
    session on every request (SESSION_SAVE_EVERY_REQUEST): on SQLite each write needs the
    database's single write lock, which a long import may hold.

    A session that cannot be saved after the view (database locked or down, session
    deleted meanwhile) is logged, and the view's response is kept: the change it reports
    is committed, and answering an error would invite staff to do it again.
    """

    def process_response(self, request, response):
        session = getattr(request, "session", None)
        if session is not None and session.accessed and not session.is_empty():
            maintenant = int(time.time())
            if maintenant - session.get(CLE_RENOUVELLEMENT, 0) >= RENOUVELER_APRES:
                session[CLE_RENOUVELLEMENT] = maintenant
        try:
            return super().process_response(request, response)
        except (SessionInterrupted, DatabaseError):
            journal.exception("Session non enregistrée après %s %s ; réponse gardée",
                              request.method, request.path)
            return response


class PasDeCacheMiddleware:
    """Every page or fragment shown to a logged-in user may hold personal data: no browser
    or proxy keeps a copy (Cache-Control: no-store), as exports already did."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated:
            add_never_cache_headers(response)
        return response
