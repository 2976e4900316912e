"""Running the same action from several threads released at the same instant, each with its
own database connection (PostgreSQL: SQLite serialises every writer)."""

import threading

from django.db import connections


def en_meme_temps(action, fois: int = 2) -> tuple[list, list[Exception]]:
    """Results and errors of `action()` run `fois` times at once."""
    depart = threading.Barrier(fois)
    resultats, erreurs = [], []

    def executer():
        try:
            depart.wait()
            resultats.append(action())
        except Exception as erreur:  # noqa: BLE001 (returned to the test, which asserts on it)
            erreurs.append(erreur)
        finally:
            connections.close_all()

    fils = [threading.Thread(target=executer) for _ in range(fois)]
    for f in fils:
        f.start()
    for f in fils:
        f.join()
    return resultats, erreurs
