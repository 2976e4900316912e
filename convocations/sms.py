"""SMS through a pluggable backend (setting SMS_BACKEND, a dotted path to a class with
`envoyer(numero, texte)`). No provider is wired: the default writes the text to the log.
README.md ("Rappels par SMS") says how to add one."""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

LONGUEUR_MAX = 320  # two SMS segments of 160 GSM characters


class JournalSMS:
    """Writes each SMS to the log (logger convocations.sms) instead of sending it."""

    def envoyer(self, numero: str, texte: str) -> None:
        logger.info("SMS pour %s : %s", numero, texte)


def sms_envoyer(*, numero: str, texte: str) -> None:
    import_string(settings.SMS_BACKEND)().envoyer(numero, texte[:LONGUEUR_MAX])
