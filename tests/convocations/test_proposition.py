"""The core rule (`proposer_convocations`) and the confirmation (`convocations_creer`)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from convocations.models import Convocation, StatutConvocation
from convocations.services.proposition import Choix, convocations_creer, proposer_convocations
from stages.models import Cadre, Orientation, Sexe, Statut, StatutStage, TypeStage
from tests.convocations.conftest import AUJOURD_HUI
from tests.factories import (
    creer_antenne,
    creer_convocation,
    creer_orientation,
    creer_personne,
    creer_stage,
)


def _orientation(antenne, jour: int, **champs) -> Orientation:
    """Waiting since `jour` September 2026 (the rank key), échéance 20/02/2027 by default."""
    return creer_orientation(antenne, date_orientation=date(2026, 9, jour), **champs)


def _ids(candidats) -> list[int]:
    return [c.orientation.pk for c in candidats]


def test_propose_dans_l_ordre_de_la_liste_jusqu_a_la_capacite_moins_les_ouvertes(antenne, stage):
    deja = _orientation(antenne, 1)
    creer_convocation(deja, stage)
    a, b, c = _orientation(antenne, 3), _orientation(antenne, 2), _orientation(antenne, 4)
    urgente = _orientation(antenne, 20, urgent=True, motif_urgence="Réorientation")

    proposition = proposer_convocations(stage=stage, aujourd_hui=AUJOURD_HUI)

    assert proposition.places_libres == 2  # 2 places + 1 over-booking, one taken
    assert _ids(proposition.proposees) == [urgente.pk, b.pk]
    assert _ids(proposition.suivantes) == [a.pk, c.pk]
    assert [c.orientation.rang for c in proposition.proposees] == [1, 2]


def test_ni_autre_antenne_ni_hors_attente_ni_convocation_ouverte(antenne, stage):
    creer_orientation(creer_antenne(), date_orientation=date(2026, 9, 1))
    _orientation(antenne, 2, statut=Statut.ANNULEE)
    ouverte = _orientation(antenne, 3)
    Convocation.objects.create(orientation=ouverte, stage=creer_stage(antenne))  # inconsistent on purpose
    bonne = _orientation(antenne, 4)

    proposition = proposer_convocations(stage=stage, aujourd_hui=AUJOURD_HUI)

    assert _ids(proposition.proposees) == [bonne.pk]


def test_stage_mixte_sans_les_orientations_non_mixtes_et_stage_femmes_les_femmes(antenne, stage):
    non_mixte = _orientation(antenne, 1, type_stage=TypeStage.FEMMES,
                             personne=creer_personne(antenne, sexe=Sexe.FEMME))
    femme = _orientation(antenne, 2, personne=creer_personne(antenne, sexe=Sexe.FEMME))
    homme = _orientation(antenne, 3)
    femmes = creer_stage(antenne, type_stage=TypeStage.FEMMES)

    assert _ids(proposer_convocations(stage=stage, aujourd_hui=AUJOURD_HUI).proposees) == [femme.pk, homme.pk]
    assert _ids(proposer_convocations(stage=femmes, aujourd_hui=AUJOURD_HUI).proposees) == [
        non_mixte.pk, femme.pk]


def test_echeance_avant_la_fin_du_stage_listee_a_part_sauf_accord_a_demander(antenne, stage):
    trop_tard = _orientation(antenne, 1, echeance=date(2026, 12, 14))  # the stage ends on the 15th
    juste = _orientation(antenne, 2, echeance=date(2026, 12, 15))
    avec_accord = _orientation(antenne, 3, echeance=date(2026, 11, 1))
    ancienne = creer_stage(antenne, jours=(date(2026, 10, 5),))
    Convocation.objects.create(orientation=avec_accord, stage=ancienne, statut=StatutConvocation.REPORTEE,
                               accord_a_demander=True)

    proposition = proposer_convocations(stage=stage, aujourd_hui=AUJOURD_HUI)

    assert _ids(proposition.proposees) == [juste.pk, avec_accord.pk]
    assert [o.pk for o in proposition.hors_delais] == [trop_tard.pk]
    assert proposition.nb_hors_delais == 1


def test_derniere_chance_avant_le_stage_suivant_signalee_et_offerte_avant_son_rang(antenne, stage):
    creer_stage(antenne, jours=(date(2027, 1, 11), date(2027, 1, 12)))
    premiers = [_orientation(antenne, jour) for jour in (1, 2, 3)]
    presse = _orientation(antenne, 10, echeance=date(2027, 1, 11))  # before the next one ends
    loin = _orientation(antenne, 11)

    proposition = proposer_convocations(stage=stage, aujourd_hui=AUJOURD_HUI)

    assert _ids(proposition.proposees) == [o.pk for o in premiers]
    assert _ids(proposition.derniere_chance) == [presse.pk]
    assert proposition.derniere_chance[0].derniere_chance
    assert "Dernière chance avant l'échéance du 11/01/2027" in proposition.derniere_chance[0].motif_propose
    assert loin.pk in _ids(proposition.suivantes) and presse.pk not in _ids(proposition.suivantes)
    assert not any(c.derniere_chance for c in proposition.proposees)


def test_sans_stage_suivant_pas_de_derniere_chance(antenne, stage):
    _orientation(antenne, 1, echeance=date(2026, 12, 20))
    proposition = proposer_convocations(stage=stage, aujourd_hui=AUJOURD_HUI)
    assert proposition.prochain_stage is None and not proposition.proposees[0].derniere_chance


@pytest.mark.parametrize(("champs", "message"), [
    ({"statut": StatutStage.ANNULE}, "annulé"),
    ({"statut": StatutStage.CLOS}, "clos"),
    ({"jours": ()}, "pas encore de séance"),
    ({"jours": (date(2026, 11, 19), date(2026, 11, 26))}, "stage passé ou en cours"),
])
def test_stage_non_convocable_refuse_en_francais(antenne, champs, message):
    stage = creer_stage(antenne, **champs)
    _orientation(antenne, 1)
    with pytest.raises(ValidationError, match=message):
        proposer_convocations(stage=stage, aujourd_hui=AUJOURD_HUI)
    with pytest.raises(ValidationError, match=message):
        convocations_creer(stage=stage, choix=[Choix(Orientation.objects.get().pk)], aujourd_hui=AUJOURD_HUI)


# --- Confirmation ------------------------------------------------------------------------

def test_creer_convoque_dans_une_transaction_et_garde_le_motif(antenne, stage, secretariat):
    a, b = _orientation(antenne, 1), _orientation(antenne, 2)

    creees, nouvelles = convocations_creer(
        stage=stage, choix=[Choix(a.pk), Choix(b.pk)], aujourd_hui=AUJOURD_HUI, par=secretariat, cle="k1",
    )

    assert nouvelles and len(creees) == 2
    assert set(Orientation.objects.values_list("statut", flat=True)) == {Statut.CONVOQUEE}
    a.refresh_from_db()
    assert a.history.first().history_change_reason.startswith("Convoquée au Stage mixte du 14/12/2026")
    assert creees[0].cree_par == secretariat and creees[0].numero == 1


def test_meme_jeton_renvoye_ne_cree_rien_de_plus(antenne, stage):
    a = _orientation(antenne, 1)
    premier, _ = convocations_creer(stage=stage, choix=[Choix(a.pk)], aujourd_hui=AUJOURD_HUI, cle="k")
    second, nouvelles = convocations_creer(stage=stage, choix=[Choix(a.pk)], aujourd_hui=AUJOURD_HUI, cle="k")
    assert not nouvelles and second == premier and Convocation.objects.count() == 1


def test_hors_rang_seulement_avec_un_motif_garde_dans_l_historique(antenne, stage):
    [_orientation(antenne, jour) for jour in (1, 2, 3)]
    quatrieme = _orientation(antenne, 4)

    with pytest.raises(ValidationError, match="hors de son rang : indiquez un motif"):
        convocations_creer(stage=stage, choix=[Choix(quatrieme.pk)], aujourd_hui=AUJOURD_HUI)
    assert not Convocation.objects.exists()

    creees, _ = convocations_creer(stage=stage, choix=[Choix(quatrieme.pk, "Réorientation du parquet")],
                                   aujourd_hui=AUJOURD_HUI)
    assert creees[0].motif_hors_rang == "Réorientation du parquet"
    assert creees[0].history.first().history_change_reason == "Réorientation du parquet"
    quatrieme.refresh_from_db()
    assert "motif : Réorientation du parquet" in quatrieme.history.first().history_change_reason


def test_plus_que_la_capacite_refuse_et_rien_n_est_cree(antenne, stage):
    orientations = [_orientation(antenne, jour) for jour in (1, 2, 3, 4)]
    with pytest.raises(ValidationError, match="4 personnes cochées pour 3 places restantes"):
        convocations_creer(stage=stage, choix=[Choix(o.pk, "x") for o in orientations],
                           aujourd_hui=AUJOURD_HUI)
    assert not Convocation.objects.exists()
    assert set(Orientation.objects.values_list("statut", flat=True)) == {Statut.EN_ATTENTE}


def test_convoquer_deux_fois_refuse(antenne, stage):
    a = _orientation(antenne, 1)
    convocations_creer(stage=stage, choix=[Choix(a.pk)], aujourd_hui=AUJOURD_HUI)
    autre = creer_stage(antenne, jours=(date(2027, 1, 11),))
    with pytest.raises(ValidationError, match="déjà convoqué"):
        convocations_creer(stage=autre, choix=[Choix(a.pk, "essai")], aujourd_hui=AUJOURD_HUI)
    assert Convocation.objects.count() == 1


def test_type_de_stage_qui_ne_convient_pas_refuse_meme_avec_un_motif(antenne, stage):
    non_mixte = _orientation(antenne, 1, type_stage=TypeStage.FEMMES,
                             personne=creer_personne(antenne, sexe=Sexe.FEMME))
    homme = _orientation(antenne, 2)
    femmes = creer_stage(antenne, type_stage=TypeStage.FEMMES)
    with pytest.raises(ValidationError, match="demande un stage non mixte"):
        convocations_creer(stage=stage, choix=[Choix(non_mixte.pk, "motif")], aujourd_hui=AUJOURD_HUI)
    with pytest.raises(ValidationError, match="réservé aux femmes"):
        convocations_creer(stage=femmes, choix=[Choix(homme.pk, "motif")], aujourd_hui=AUJOURD_HUI)
    assert not Convocation.objects.exists()


def test_autre_antenne_refusee(antenne, stage):
    ailleurs = creer_orientation(creer_antenne(), date_orientation=date(2026, 9, 1))
    with pytest.raises(ValidationError, match="pas dans la liste d'attente de cette antenne"):
        convocations_creer(stage=stage, choix=[Choix(ailleurs.pk, "motif")], aujourd_hui=AUJOURD_HUI)


def test_echeance_avant_la_fin_du_stage_seulement_avec_un_motif(antenne, stage):
    trop_tard = _orientation(antenne, 1, echeance=date(2026, 12, 10))
    with pytest.raises(ValidationError, match="échéance du 10/12/2026 tombe avant la fin"):
        convocations_creer(stage=stage, choix=[Choix(trop_tard.pk)], aujourd_hui=AUJOURD_HUI)
    convocations_creer(stage=stage, choix=[Choix(trop_tard.pk, "Accord du parquet par courriel")],
                       aujourd_hui=AUJOURD_HUI)


def test_peine_sur_un_stage_de_plus_d_un_mois_seulement_avec_un_motif(antenne):
    long_ = creer_stage(antenne, jours=[date(2026, 12, 1), date(2026, 12, 8), date(2027, 1, 5)])
    peine = _orientation(antenne, 1, cadre=Cadre.PEINE, date_definitive=date(2026, 9, 1))

    proposition = proposer_convocations(stage=long_, aujourd_hui=AUJOURD_HUI)
    assert proposition.proposees[0].peine_trop_longue

    with pytest.raises(ValidationError, match="131-5-1"):
        convocations_creer(stage=long_, choix=[Choix(peine.pk)], aujourd_hui=AUJOURD_HUI)
    motif = "Format hebdomadaire accepté par le JAP"
    creees, _ = convocations_creer(stage=long_, choix=[Choix(peine.pk, motif)], aujourd_hui=AUJOURD_HUI)
    assert creees[0].motif_hors_rang.startswith("Format hebdomadaire")


def test_un_mois_pile_n_est_pas_trop_long_pour_une_peine(antenne):
    mois = creer_stage(antenne, jours=[date(2026, 12, 1), date(2026, 12, 31)])
    _orientation(antenne, 1, cadre=Cadre.PEINE, date_definitive=date(2026, 9, 1))
    assert not proposer_convocations(stage=mois, aujourd_hui=AUJOURD_HUI).proposees[0].peine_trop_longue


def test_deuxieme_convocation_numerotee(antenne, stage):
    a = _orientation(antenne, 1)
    Convocation.objects.create(orientation=a, stage=creer_stage(antenne, jours=(date(2026, 10, 5),)),
                               statut=StatutConvocation.REPORTEE)
    creees, _ = convocations_creer(stage=stage, choix=[Choix(a.pk)], aujourd_hui=AUJOURD_HUI)
    assert creees[0].numero == 2
