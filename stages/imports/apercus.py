"""The uploaded bytes of an import preview, kept until staff confirm it.

They wait in a private folder (`settings.IMPORTS_DIR`, 0700) under a random name kept in
the user's session: the confirmation imports exactly the previewed file and never reads a
path sent by the browser. A preview left unconfirmed is deleted at logout, at the user's
next upload, and by the scheduled `purger_apercus` after `IMPORTS_APERCUS_CONSERVATION`.
"""

import errno
import logging
import os
import re
import secrets
import time
from pathlib import Path

from django.conf import settings
from django.core.files.uploadhandler import SkipFile, TemporaryFileUploadHandler

journal = logging.getLogger(__name__)

# The session's entry for its waiting import: {"jeton", "antenne", "utilisateur", "nom", ...}.
CLE_SESSION = "import_orientations"
# A file being written: never read as a preview, deleted by the purge if left behind.
SUFFIXE_PARTIEL = ".partiel"
_JETON = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32)
MORCEAU = 1 << 20

PLEIN = ("L'espace disque du serveur est plein : rien n'a été importé. "
         "Prévenez l'administrateur puis réessayez.")
INTERDIT = ("Le serveur n'a pas le droit d'écrire dans le dossier des imports : rien n'a été "
            "importé. Prévenez l'administrateur puis réessayez.")
IMPOSSIBLE = ("Le serveur n'a pas pu enregistrer le fichier : rien n'a été importé. "
              "Prévenez l'administrateur puis réessayez.")
_MESSAGES = {
    errno.ENOSPC: PLEIN, errno.EDQUOT: PLEIN,
    errno.EACCES: INTERDIT, errno.EPERM: INTERDIT, errno.EROFS: INTERDIT,
}


class EcritureImpossible(Exception):
    """The preview could not be kept; `str()` is the French message for the file field."""


def _message(erreur: OSError) -> str:
    return _MESSAGES.get(erreur.errno, IMPOSSIBLE)


def dossier() -> Path:
    chemin = Path(settings.IMPORTS_DIR)
    chemin.mkdir(parents=True, exist_ok=True, mode=0o700)
    return chemin


def _ecrire(fd: int, contenu: bytes) -> None:
    vue = memoryview(contenu)
    while vue:
        vue = vue[os.write(fd, vue[:MORCEAU]):]


def garder(contenu: bytes) -> str:
    """Keep the bytes under a new token (returned). All or nothing: written to a temporary
    name in the same folder, then renamed; on failure nothing is left and
    `EcritureImpossible` says why."""
    jeton = secrets.token_urlsafe(32)
    partiel = None
    try:
        chemin = dossier() / jeton
        partiel = chemin.with_name(chemin.name + SUFFIXE_PARTIEL)
        fd = os.open(partiel, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            _ecrire(fd, contenu)
            # A full disk may only be reported when the data reaches it.
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(partiel, chemin)
    except OSError as erreur:
        if partiel is not None:
            partiel.unlink(missing_ok=True)
        journal.error("Aperçu d'import non enregistré dans %s : %s", settings.IMPORTS_DIR, erreur)
        raise EcritureImpossible(_message(erreur)) from erreur
    return jeton


def _chemin(jeton: str) -> Path | None:
    # The token comes from the session, never from the browser; checked all the same.
    return Path(settings.IMPORTS_DIR) / jeton if _JETON.fullmatch(jeton or "") else None


def lire(jeton: str) -> bytes | None:
    """The kept bytes, or None if they are gone (purged, confirmed, unreadable)."""
    chemin = _chemin(jeton)
    if chemin is None:
        return None
    try:
        return chemin.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as erreur:
        journal.error("Aperçu d'import illisible (%s) : %s", chemin, erreur)
        return None


def oublier(jeton: str) -> None:
    chemin = _chemin(jeton)
    if chemin is not None:
        chemin.unlink(missing_ok=True)


def oublier_celui_de_la_session(session) -> None:
    """Forget the session's waiting import, if any, and delete its file."""
    en_attente = session.pop(CLE_SESSION, None)
    if en_attente:
        oublier(en_attente["jeton"])


def purger(*, conservation_secondes: float | None = None) -> int:
    """Delete the kept files (and leftover partial ones) older than the delay; how many."""
    if conservation_secondes is None:
        conservation_secondes = settings.IMPORTS_APERCUS_CONSERVATION.total_seconds()
    limite = time.time() - conservation_secondes
    supprimes = 0
    try:
        anciens = list(Path(settings.IMPORTS_DIR).iterdir())
    except FileNotFoundError:
        return 0
    except OSError as erreur:  # never a reason to refuse an upload: said in the log
        journal.error("Purge des aperçus d'import impossible : %s", erreur)
        return 0
    for ancien in anciens:
        try:
            if ancien.stat().st_mtime < limite:
                ancien.unlink()
                supprimes += 1
        except FileNotFoundError:
            pass  # confirmed or purged meanwhile
        except OSError as erreur:
            journal.error("Aperçu d'import non supprimé (%s) : %s", ancien, erreur)
    return supprimes


def purger_apercus() -> int:
    """The scheduled task (stages.planification): previews nobody confirmed."""
    supprimes = purger()
    if supprimes:
        journal.info("%d aperçu(s) d'import abandonné(s) supprimé(s).", supprimes)
    return supprimes


# --- Receiving the upload ----------------------------------------------------------------

_ECHEC_DE_RECEPTION = "_reception_impossible"


class ReceptionSurDisque(TemporaryFileUploadHandler):
    """Django's handler for uploads too big for memory (settings.FILE_UPLOAD_HANDLERS), except
    that a failed write to FILE_UPLOAD_TEMP_DIR (disk full...) skips the file, which the
    parser then deletes, and leaves the French reason on the request: the page says it
    next to the field instead of a 500 raised while the request is read."""

    def new_file(self, *args, **kwargs):
        try:
            super().new_file(*args, **kwargs)
        except OSError as erreur:
            self._echec(erreur)

    def receive_data_chunk(self, raw_data, start):
        try:
            return super().receive_data_chunk(raw_data, start)
        except OSError as erreur:
            self._echec(erreur)

    def _echec(self, erreur: OSError):
        journal.error("Envoi non reçu dans %s : %s", settings.FILE_UPLOAD_TEMP_DIR, erreur)
        if self.request is not None:
            setattr(self.request, _ECHEC_DE_RECEPTION, _message(erreur))
        raise SkipFile from erreur


def echec_de_reception(request) -> str | None:
    """Why the uploaded file could not be received (ReceptionSurDisque), if it could not."""
    request.FILES  # noqa: B018 (reads the request if not done yet)
    return getattr(request, _ECHEC_DE_RECEPTION, None)
