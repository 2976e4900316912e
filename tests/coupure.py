"""A TCP relay to PostgreSQL that a test can cut and restore: the database "goes down" for
the processes that talk to it through the relay (open connections dropped, new ones
refused), without stopping the server the other tests share."""

import socket
import threading
from contextlib import suppress


class Relais:
    def __init__(self, cible: tuple[str, int]):
        self.cible = cible
        self.ecoute = socket.create_server(("127.0.0.1", 0))
        self.port = self.ecoute.getsockname()[1]
        self.ouvert = threading.Event()
        self.ouvert.set()
        self._verrou = threading.Lock()
        self._connexions: list[socket.socket] = []
        threading.Thread(target=self._accepter, daemon=True).start()

    def couper(self) -> None:
        """Every open connection dropped; new ones closed as soon as accepted."""
        self.ouvert.clear()
        with self._verrou:
            for connexion in self._connexions:
                with suppress(OSError):
                    connexion.shutdown(socket.SHUT_RDWR)
                connexion.close()
            self._connexions.clear()

    def retablir(self) -> None:
        self.ouvert.set()

    def fermer(self) -> None:
        self.couper()
        self.ecoute.close()

    def _accepter(self) -> None:
        while True:
            try:
                client, _ = self.ecoute.accept()
            except OSError:
                return  # closed
            if not self.ouvert.is_set():
                client.close()
                continue
            try:
                serveur = socket.create_connection(self.cible, timeout=5)
            except OSError:
                client.close()
                continue
            with self._verrou:
                self._connexions += [client, serveur]
            for de, vers in ((client, serveur), (serveur, client)):
                threading.Thread(target=self._copier, args=(de, vers), daemon=True).start()

    @staticmethod
    def _copier(de: socket.socket, vers: socket.socket) -> None:
        with suppress(OSError):
            while donnees := de.recv(65536):
                vers.sendall(donnees)
        for bout in (de, vers):
            with suppress(OSError):
                bout.shutdown(socket.SHUT_RDWR)
