from datetime import date

import pytest
from django.core.exceptions import ValidationError

from stages.identite import memes_personnes
from stages.models import Cadre, Orientation, Personne, Statut
from stages.services import (
    echeance_prolonger,
    orientation_creer,
    orientation_marquer_urgente,
    orientation_sortir,
)
from tests.factories import creer_orientation, creer_personne, creer_prescripteur


def _nouvelle(antenne, **champs):
    personne = Personne(antenne=antenne, nom="Martin", prenom="Léo", sexe="M",
                        date_naissance=date(1985, 6, 1), telephone="0612345678")
    valeurs = {"cadre": Cadre.ALTERNATIVE, "prescripteur": creer_prescripteur(antenne),
               "date_orientation": date(2026, 9, 10), "date_decision": date(2026, 9, 1)}
    return personne, Orientation(**(valeurs | champs))


def test_creer_calcule_l_echeance_et_garde_l_initiale(antenne):
    personne, orientation = _nouvelle(antenne)
    orientation, creee = orientation_creer(personne=personne, orientation=orientation)
    assert creee
    orientation.refresh_from_db()
    assert orientation.echeance == orientation.echeance_initiale == date(2027, 3, 1)
    assert orientation.antenne == antenne
    assert orientation.personne.telephone == "+33612345678"
    assert orientation.history.get().history_change_reason == "Création"


def test_double_envoi_cree_une_seule_orientation(antenne):
    for _ in range(2):
        personne, orientation = _nouvelle(antenne)
        resultat, _creee = orientation_creer(
            personne=personne, orientation=orientation, cle_creation="formulaire-123"
        )
    assert Orientation.objects.count() == 1
    assert Personne.objects.count() == 1
    assert resultat.cle_creation == "formulaire-123"


def test_rien_n_est_enregistre_si_l_orientation_est_invalide(antenne):
    personne, orientation = _nouvelle(antenne, date_decision=date(2026, 12, 1))
    with pytest.raises(ValidationError):
        orientation_creer(personne=personne, orientation=orientation)
    assert Personne.objects.count() == 0


def test_doublons_ignorent_accents_et_casse_dans_l_antenne(antenne, autre_antenne):
    naissance = date(1990, 2, 3)
    trouvee = creer_personne(antenne, nom="DURAND", prenom="Éloïse", date_naissance=naissance)
    creer_personne(autre_antenne, nom="Durand", prenom="Eloise", date_naissance=naissance)
    creer_personne(antenne, nom="Durand", prenom="Eloise", date_naissance=date(1990, 2, 4))
    assert list(memes_personnes(
        antenne=antenne, nom="durand", prenom="eloise", date_naissance=naissance
    )) == [trouvee]


def test_prolonger_exige_une_date_plus_tardive_et_garde_l_accord(antenne):
    orientation = creer_orientation(antenne)
    with pytest.raises(ValidationError):
        echeance_prolonger(orientation=orientation, nouvelle_echeance=orientation.echeance,
                           motif="report", accord="Parquet")
    nouvelle = date(2027, 6, 30)
    echeance_prolonger(orientation=orientation, nouvelle_echeance=nouvelle,
                       motif="Deux reports", accord="Mme X, parquet, le 20/11/2026")
    orientation.refresh_from_db()
    assert orientation.echeance == nouvelle and orientation.est_prolongee
    derniere = orientation.history.first()
    assert derniere.history_change_reason == "Échéance prolongée : Deux reports"
    assert derniere.accord_prolongation == "Mme X, parquet, le 20/11/2026"


def test_urgence_puis_levee(antenne):
    orientation = creer_orientation(antenne)
    orientation_marquer_urgente(orientation=orientation, urgent=True, motif="Réorientation")
    orientation.refresh_from_db()
    assert orientation.urgent and orientation.motif_urgence == "Réorientation"
    orientation_marquer_urgente(orientation=orientation, urgent=False)
    orientation.refresh_from_db()
    assert not orientation.urgent and orientation.motif_urgence == ""


def test_une_orientation_sortie_ne_se_modifie_plus(antenne):
    orientation = creer_orientation(antenne)
    orientation_sortir(orientation=orientation, statut=Statut.ANNULEE,
                       motif="Accord du parquet du 12/11")
    orientation.refresh_from_db()
    assert orientation.statut == Statut.ANNULEE
    with pytest.raises(ValidationError, match="annulée"):
        orientation_marquer_urgente(orientation=orientation, urgent=True, motif="x")
    assert Orientation.objects.filter(pk=orientation.pk).exists()
