"""Rattrapage: on a stage over several weeks, a missed séance made up in the same module of
another stage of the antenne; the person is listed and marked there, the convocation waits for
it and is resolved with it; the orientation's attendance history shows both."""
# ruff: noqa: F811 (the fixtures of tests.convocations.emargement, taken as arguments)

from datetime import time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from convocations.models import Rattrapage, StatutConvocation
from convocations.services.presences import presence_marquer
from convocations.services.rattrapages import (
    choix_de_rattrapage,
    rattrapage_programmer,
    seances_de_rattrapage,
)
from stages.models import Membre, Role, Seance, Statut
from tests.convocations.emargement import HX, animateur, convoquer, marquer  # noqa: F401 (fixtures)
from tests.factories import creer_stage, creer_utilisateur, dans_l_antenne

MODULES = ["Égalité femmes-hommes", "Violences dans le couple", "Responsabilité pénale"]


def _stage_hebdomadaire(antenne, premier_jour, lieu):
    """Three weekly séances, one per module, all started."""
    stage = creer_stage(antenne, jours=(), lieu=lieu)
    for semaine, module in enumerate(MODULES):
        Seance.objects.create(stage=stage, date=premier_jour + timedelta(weeks=semaine), debut=time(9),
                              fin=time(12), module=module)
    return stage


@pytest.fixture
def stages(antenne, animateur):
    debut = timezone.localdate() - timedelta(weeks=3)
    principal = _stage_hebdomadaire(antenne, debut, "Salle Arago")
    autre = _stage_hebdomadaire(antenne, debut + timedelta(days=2), "Salle Vauban")
    principal.animateurs.add(Membre.objects.get(user=animateur))
    return principal, autre


@pytest.fixture
def convocation(antenne, stages):
    return convoquer(antenne, stages[0], nom="Durand", prenom="Éloïse")[0]


def _seances(stage):
    return list(stage.seances.all())


def _manquer_la_deuxieme(convocation, principal, par=None):
    s1, s2, _ = _seances(principal)
    presence_marquer(seance=s1, convocation=convocation, statut="present", par=par)
    presence_marquer(seance=s2, convocation=convocation, statut="absent", par=par)
    return s2


def test_la_seance_manquee_se_rattrape_dans_le_meme_module_et_le_stage_est_effectue(antenne, stages,
                                                                                     convocation):
    principal, autre = stages
    manquee = _manquer_la_deuxieme(convocation, principal)
    meme_module = _seances(autre)[1]
    assert seances_de_rattrapage(convocation, manquee) == [meme_module]
    rattrapage_programmer(convocation=convocation, seance_manquee=manquee, seance=meme_module)
    presence_marquer(seance=_seances(principal)[2], convocation=convocation, statut="present")
    convocation.refresh_from_db()
    assert convocation.statut == StatutConvocation.CONVOQUEE  # waits for the rattrapage's mark
    presence_marquer(seance=meme_module, convocation=convocation, statut="retard", minutes=5)
    convocation.refresh_from_db()
    convocation.orientation.refresh_from_db()
    assert convocation.statut == StatutConvocation.EFFECTUEE
    assert convocation.orientation.statut == Statut.STAGE_EFFECTUE


def test_l_attestation_d_un_stage_rattrape_liste_la_seance_de_rattrapage(antenne, stages, convocation):
    """Effectuée thanks to a rattrapage: the attestation is issued (not refused for the séance
    missed) and lists the séance where it was made up, with its date."""
    from convocations.services.attestations import attestation_emettre, contenu_enregistre

    principal, autre = stages
    manquee = _manquer_la_deuxieme(convocation, principal)
    rattrapee = _seances(autre)[1]
    rattrapage_programmer(convocation=convocation, seance_manquee=manquee, seance=rattrapee)
    presence_marquer(seance=_seances(principal)[2], convocation=convocation, statut="present")
    presence_marquer(seance=rattrapee, convocation=convocation, statut="present")

    attestation, _ = attestation_emettre(convocation=convocation)

    dates = [s.jour for s in contenu_enregistre(attestation).seances]
    assert dates == [_seances(principal)[0].date, rattrapee.date, _seances(principal)[2].date]


def test_un_rattrapage_manque_laisse_le_stage_suivi_en_partie(antenne, stages, convocation):
    principal, autre = stages
    manquee = _manquer_la_deuxieme(convocation, principal)
    rattrapage_programmer(convocation=convocation, seance_manquee=manquee, seance=_seances(autre)[1])
    presence_marquer(seance=_seances(principal)[2], convocation=convocation, statut="present")
    presence_marquer(seance=_seances(autre)[1], convocation=convocation, statut="absent")
    convocation.refresh_from_db()
    assert convocation.statut == StatutConvocation.PARTIELLE


def test_les_refus_du_rattrapage(antenne, autre_antenne, stages, convocation):
    principal, autre = stages
    suivie = _seances(principal)[0]
    manquee = _manquer_la_deuxieme(convocation, principal)
    with pytest.raises(ValidationError, match="même module"):  # another module
        rattrapage_programmer(convocation=convocation, seance_manquee=manquee, seance=_seances(autre)[0])
    with pytest.raises(ValidationError, match="rien à rattraper"):
        rattrapage_programmer(convocation=convocation, seance_manquee=suivie, seance=_seances(autre)[0])
    ailleurs = _stage_hebdomadaire(autre_antenne, manquee.date, "Ailleurs")
    with pytest.raises(ValidationError, match="même module"):  # another antenne's stage
        rattrapage_programmer(convocation=convocation, seance_manquee=manquee, seance=_seances(ailleurs)[1])
    with pytest.raises(ValidationError, match="stage de cette personne"):
        rattrapage_programmer(convocation=convocation, seance_manquee=_seances(autre)[1], seance=manquee)
    assert not Rattrapage.objects.exists()


def test_programme_deux_fois_un_seul_rattrapage_et_pas_apres_la_resolution(stages, convocation):
    principal, autre = stages
    manquee = _manquer_la_deuxieme(convocation, principal)
    for _ in range(2):
        rattrapage_programmer(convocation=convocation, seance_manquee=manquee, seance=_seances(autre)[1])
    assert Rattrapage.objects.count() == 1
    assert Rattrapage.objects.get().history.count() == 1
    autre_convocation = convoquer(convocation.stage.antenne, principal)[0]
    for seance in _seances(principal):
        presence_marquer(seance=seance, convocation=autre_convocation, statut="absent")
    with pytest.raises(ValidationError, match="ne se programme plus"):
        rattrapage_programmer(convocation=autre_convocation, seance_manquee=_seances(principal)[1],
                              seance=_seances(autre)[1])


def test_sans_module_le_meme_rang(antenne, convocation, stages):
    principal, _ = stages
    Seance.objects.filter(stage=principal).update(module="")
    jour = timezone.localdate() - timedelta(days=1)
    sans_module = creer_stage(antenne, jours=(jour - timedelta(days=1), jour), lieu="Sans module")
    convocation.refresh_from_db()
    manquee = _seances(principal)[1]
    assert seances_de_rattrapage(convocation, manquee) == [_seances(sans_module)[1]]


def test_la_personne_figure_sur_la_liste_de_la_seance_de_rattrapage(client, antenne, stages, convocation):
    principal, autre = stages
    manquee = _manquer_la_deuxieme(convocation, principal)
    seance = _seances(autre)[1]
    rattrapage_programmer(convocation=convocation, seance_manquee=manquee, seance=seance)
    animateur_autre = creer_utilisateur(Role.ANIMATEUR, antenne, username="vera")
    autre.animateurs.add(Membre.objects.get(user=animateur_autre))
    client.force_login(animateur_autre)
    page = client.get(reverse("convocations:seance", args=[seance.pk])).content.decode()
    assert "DURAND Éloïse" in page and "Rattrapage de la séance du" in page and "Salle Arago" in page
    fragment = marquer(client, seance, convocation, "present", HX).content.decode()
    assert "Présent·e" in fragment and seance.presences.get().convocation == convocation
    pdf = client.get(reverse("convocations:feuille", args=[seance.pk]))
    assert pdf.status_code == 200


def test_le_secretariat_programme_le_rattrapage_et_l_orientation_montre_les_deux(client, secretariat,
                                                                                 stages, convocation):
    principal, autre = stages
    manquee = _manquer_la_deuxieme(convocation, principal)
    cible = _seances(autre)[1]
    client.force_login(secretariat)
    adresse = reverse("convocations:rattrapage", args=[convocation.pk])
    page = client.get(adresse).content.decode()
    assert f'value="{manquee.pk}-{cible.pk}"' in page and "Salle Vauban" in page
    # The missed séance, and the one not marked yet (announced absence); never the attended one.
    assert [(m.pk, s.pk) for m, s in choix_de_rattrapage(convocation)] == [
        (manquee.pk, cible.pk), (_seances(principal)[2].pk, _seances(autre)[2].pk)]
    reponse = client.post(adresse, {"rattrapage": f"{manquee.pk}-{cible.pk}",
                                    **dans_l_antenne(convocation.stage.antenne)})
    assert reponse.status_code == 302
    assert "rattrapera la séance" in client.get(reponse["Location"]).content.decode()
    presence_marquer(seance=cible, convocation=convocation, statut="present")
    fiche = client.get(reverse("stages:orientation", args=[convocation.orientation_id])).content.decode()
    assert "Absent·e — rattrapage le" in fiche and "Salle Vauban) : Présent·e" in fiche


def test_un_choix_forge_est_refuse_en_francais(client, secretariat, stages, convocation):
    client.force_login(secretariat)
    reponse = client.post(reverse("convocations:rattrapage", args=[convocation.pk]),
                          {"rattrapage": "1-999999", **dans_l_antenne(convocation.stage.antenne)})
    assert reponse.status_code == 200 and "Choisissez une séance de rattrapage" in reponse.content.decode()
    assert not Rattrapage.objects.exists()


def test_l_animateur_ne_programme_pas_et_une_autre_antenne_recoit_une_404(client, animateur, autre_antenne,
                                                                          convocation):
    client.force_login(animateur)
    assert client.get(reverse("convocations:rattrapage", args=[convocation.pk])).status_code == 403
    client.force_login(creer_utilisateur(Role.SECRETARIAT, autre_antenne))
    assert client.get(reverse("convocations:rattrapage", args=[convocation.pk])).status_code == 404
