"""What every document of an antenne starts with (letters, receipts, attestations)."""

from commun.documents import EnTete
from stages.models import Antenne


def entete_de(antenne: Antenne) -> EnTete:
    return EnTete(
        nom=antenne.nom,
        adresse=[ligne for ligne in antenne.adresse.splitlines() if ligne.strip()],
        telephone=f"Tél. {antenne.telephone}" if antenne.telephone else "",
        courriel=antenne.email,
    )
