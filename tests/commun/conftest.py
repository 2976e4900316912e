from tests.smtp import serveur_smtp  # noqa: F401 (fixture)
