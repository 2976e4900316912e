"""A real SMTP server on this machine (aiosmtpd) for the tests of sending: Django's SMTP
backend talks to it as to the antenne's server, and the test reads back what it received.

Use the `serveur_smtp` fixture (import it into a conftest.py): the mail settings point to it
for the test; `.messages` are the received messages parsed (email.message.EmailMessage),
`.refuser(adresse)` makes the server answer 550 for that recipient, `.arreter()` and
`.demarrer()` take it down and up again on the same port.
"""

import socket
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller


class _Gestionnaire:
    def __init__(self):
        self.recus: list[tuple[list[str], bytes]] = []
        self.refuses: set[str] = set()
        self._verrou = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 (aiosmtpd's hook)
        if address.lower() in self.refuses:
            return "550 5.1.1 Adresse inconnue"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook)
        with self._verrou:
            self.recus.append((list(envelope.rcpt_tos), envelope.original_content or envelope.content))
        return "250 Message accepted for delivery"


def _port_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServeurSMTP:
    def __init__(self):
        self.gestionnaire = _Gestionnaire()
        self.port = _port_libre()
        self._controleur: Controller | None = None

    def demarrer(self) -> None:
        self._controleur = Controller(self.gestionnaire, hostname="127.0.0.1", port=self.port)
        self._controleur.start()

    def arreter(self) -> None:
        if self._controleur is not None:
            self._controleur.stop()
            self._controleur = None

    def refuser(self, adresse: str) -> None:
        self.gestionnaire.refuses.add(adresse.lower())

    @property
    def messages(self) -> list[EmailMessage]:
        return [message_from_bytes(brut, policy=policy.default) for _d, brut in self.gestionnaire.recus]

    @property
    def destinataires(self) -> list[list[str]]:
        return [destinataires for destinataires, _b in self.gestionnaire.recus]

    def reglages(self) -> dict:
        return {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                            "OPTIONS": {"host": "127.0.0.1", "port": self.port, "timeout": 5}}}


@pytest.fixture
def serveur_smtp(settings):
    serveur = ServeurSMTP()
    serveur.demarrer()
    settings.MAILERS = serveur.reglages()
    try:
        yield serveur
    finally:
        serveur.arreter()
