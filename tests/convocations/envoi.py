"""A convocation that the letter, calendar and sending tests (and their bench) read back: a
person with an address (and an e-mail, if given), convoked to `stage`."""


from stages.models import Cadre, Prescripteur, Sexe
from tests.factories import (
    creer_convocation,
    creer_orientation,
    creer_personne,
    creer_prescripteur,
)


def convoquer(
    stage,
    *,
    email="",
    nom="Lefèvre",
    prenom="Gaëlle",
    sexe=Sexe.FEMME,
    cadre=Cadre.ALTERNATIVE,
    reference="PR-2026-0042",
):
    antenne = stage.antenne
    personne = creer_personne(
        antenne,
        nom=nom,
        prenom=prenom,
        sexe=sexe,
        email=email,
        adresse="3 avenue de la Gare\nRésidence les Pins\n66000 Perpignan",
    )
    champs = {"personne": personne, "cadre": cadre, "reference": reference}
    if cadre != Cadre.VOLONTAIRE:
        champs["prescripteur"] = Prescripteur.objects.filter(
            antenne=antenne, nom="Parquet de Perpignan"
        ).first() or creer_prescripteur(antenne, nom="Parquet de Perpignan")
    return creer_convocation(creer_orientation(antenne, **champs), stage)
