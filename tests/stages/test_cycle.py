"""The life of one orientation: a mistyped échéance, a closure undone, a transfer within the
network, a form sent from the wrong antenne, the top of its page."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from stages.models import Orientation, Personne, Role, Statut
from stages.selectors import rangs_liste_attente
from stages.services import echeance_corriger, orientation_rouvrir, orientation_sortir
from tests.factories import (
    creer_orientation,
    creer_personne,
    creer_prescripteur,
    creer_utilisateur,
    dans_l_antenne,
)
from tests.stages.test_orientation_formulaires import erreur_affichee, saisie_creation
from tests.stages.test_orientation_vues import messages_de, page, url


@pytest.fixture
def orientation(antenne):
    personne = creer_personne(antenne, nom="Durand", prenom="Éloïse", sexe="F",
                              date_naissance=date(1990, 2, 3))
    return creer_orientation(antenne, personne=personne, reference="PV-1")


# --- 1. A mistyped échéance ------------------------------------------------------------------

def test_creation_echeance_a_plus_de_24_mois_refusee_sauf_justifiee(client_secretariat, antenne):
    prescripteur = creer_prescripteur(antenne)
    refus = client_secretariat.post(reverse("stages:orientation_nouvelle"),
                                    saisie_creation(prescripteur, echeance="2072-05-20"))
    assert "à plus de 24 mois du 01/09/2026" in erreur_affichee(refus, "echeance")
    assert Orientation.objects.count() == 0

    client_secretariat.post(reverse("stages:orientation_nouvelle"), saisie_creation(
        prescripteur, echeance="2029-05-20", justification_echeance="Délai fixé par le JAP",
    ))
    assert Orientation.objects.get().echeance == date(2029, 5, 20)


def test_prolongation_a_2099_refusee_sauf_justifiee(client_secretariat, orientation):
    donnees = {"nouvelle_echeance": "2099-01-01", "motif": "Report", "accord": "Parquet"}
    refus = client_secretariat.post(url("orientation_prolonger", orientation),
                                    donnees | dans_l_antenne(orientation.antenne))
    assert "à plus de 24 mois" in erreur_affichee(refus, "nouvelle_echeance", "prolongation")
    orientation.refresh_from_db()
    assert orientation.echeance == date(2027, 2, 20)


def test_corriger_l_echeance_la_baisse_avec_motif_dans_l_historique(
    client_secretariat, secretariat, orientation
):
    Orientation.objects.filter(pk=orientation.pk).update(
        echeance=date(2072, 2, 20), echeance_initiale=date(2072, 2, 20))
    sans_motif = client_secretariat.post(url("orientation_corriger_echeance", orientation), {
        "nouvelle_echeance": "2027-02-20", **dans_l_antenne(orientation.antenne)})
    assert "obligatoire" in erreur_affichee(sans_motif, "motif", "correction")

    reponse = client_secretariat.post(url("orientation_corriger_echeance", orientation), {
        "nouvelle_echeance": "2027-02-20", "motif": "Année mal saisie",
        **dans_l_antenne(orientation.antenne)})

    assert reponse.status_code == 302
    orientation.refresh_from_db()
    assert orientation.echeance == orientation.echeance_initiale == date(2027, 2, 20)
    dernier = orientation.history.first()
    assert (dernier.history_user, dernier.history_change_reason) == (
        secretariat, "Échéance corrigée : Année mal saisie")
    assert dernier.echeance == date(2027, 2, 20)


def test_un_appel_de_service_en_l_an_9999_est_refuse_sans_planter(orientation):
    with pytest.raises(ValidationError) as refus:
        echeance_corriger(orientation=orientation, nouvelle_echeance=date(9999, 12, 31), motif="x")
    assert "entre 1900 et 2100" in str(refus.value)
    orientation.date_decision = date(9999, 12, 1)
    with pytest.raises(ValidationError):
        orientation.full_clean()


# --- 2. A closure undone ---------------------------------------------------------------------

def test_annulation_par_erreur_rouverte_a_son_rang_d_origine(client_secretariat, antenne, orientation):
    for jours in (1, 30):  # one before, one after
        creer_orientation(antenne, date_orientation=orientation.date_orientation + timedelta(days=jours - 15))
    rang = rangs_liste_attente(antenne)[orientation.pk]
    orientation_sortir(orientation=orientation, statut=Statut.ANNULEE, motif="Erreur de fiche")
    assert orientation.pk not in rangs_liste_attente(antenne)

    sans_motif = client_secretariat.post(url("orientation_rouvrir", orientation),
                                         {"confirmation": "on", **dans_l_antenne(antenne)})
    assert "obligatoire" in erreur_affichee(sans_motif, "motif", "reouverture")
    reponse = client_secretariat.post(url("orientation_rouvrir", orientation), {
        "motif": "Annulée par erreur", "confirmation": "on", **dans_l_antenne(antenne)})

    assert reponse.status_code == 302
    orientation.refresh_from_db()
    assert orientation.statut == Statut.EN_ATTENTE and orientation.motif_sortie == ""
    assert rangs_liste_attente(antenne)[orientation.pk] == rang
    assert orientation.history.first().history_change_reason == "Rouverte : Annulée par erreur"
    assert "Motif : Rouverte : Annulée par erreur" in page(client_secretariat, orientation)


def test_une_orientation_ouverte_ne_se_rouvre_pas(orientation):
    with pytest.raises(ValidationError, match="seule une orientation transférée ou annulée"):
        orientation_rouvrir(orientation=orientation, motif="x")


# --- 3. A transfer within the network --------------------------------------------------------

def test_transfert_hors_reseau_exige_une_destination(orientation):
    with pytest.raises(ValidationError) as refus:
        orientation_sortir(orientation=orientation, statut=Statut.TRANSFEREE, motif="Déménagement")
    assert "destination" in refus.value.message_dict


def test_transfert_vers_une_antenne_du_reseau(client, client_secretariat, antenne, autre_antenne,
                                              orientation):
    deja_la = creer_personne(autre_antenne, nom="DURAND", prenom="Eloise",
                             date_naissance=date(1990, 2, 3))
    reponse = client_secretariat.post(url("orientation_sortir", orientation), {
        "statut": "transferee", "antenne_destination": autre_antenne.pk, "motif": "Déménagement",
        "confirmation": "on", **dans_l_antenne(antenne)})
    assert reponse.status_code == 302

    orientation.refresh_from_db()
    recue = Orientation.objects.get(antenne=autre_antenne)
    assert (orientation.statut, orientation.antenne_destination) == (Statut.TRANSFEREE, autre_antenne)
    assert recue.statut == Statut.EN_ATTENTE and recue.origine == orientation
    assert recue.personne == deja_la  # the same person there, reused
    assert (recue.date_orientation, recue.echeance) == (orientation.date_orientation, orientation.echeance)
    assert recue.prescripteur.antenne == autre_antenne
    assert recue.prescripteur.nom == orientation.prescripteur.nom
    assert orientation.history.first().history_change_reason == (
        f"Transférée vers {autre_antenne.nom} : Déménagement")
    assert recue.history.get().history_change_reason == (
        f"Transférée depuis {antenne.nom} : Déménagement")

    client.force_login(creer_utilisateur(Role.SECRETARIAT, autre_antenne))
    liste = client.get(reverse("stages:liste_attente")).content.decode()
    assert "DURAND Eloise" in liste and f"transférée depuis {antenne.nom}" in liste
    fiche = client.get(url("orientation", recue)).content.decode()
    assert f"Transférée depuis l'antenne {antenne.nom}" in fiche

    # A wrong transfer undone: the received orientation is cancelled in the other antenne.
    orientation_rouvrir(orientation=orientation, motif="Mauvaise personne")
    recue.refresh_from_db()
    assert recue.statut == Statut.ANNULEE
    assert recue.history.first().history_change_reason.startswith("Transfert annulé par")


def test_transfert_copie_la_personne_inconnue_de_l_antenne(antenne, autre_antenne, orientation):
    orientation_sortir(orientation=orientation, statut=Statut.TRANSFEREE, motif="x",
                       antenne_destination=autre_antenne)
    copie = Personne.objects.get(antenne=autre_antenne)
    assert (copie.nom, copie.prenom, copie.date_naissance) == ("Durand", "Éloïse", date(1990, 2, 3))
    assert copie.mots.count() == 2 and copie.history.count() == 1


# --- 4. A form sent from the wrong antenne -----------------------------------------------------

@pytest.fixture
def deux_antennes(client, antenne, autre_antenne):
    user = creer_utilisateur(Role.SECRETARIAT, antenne)
    from stages.models import Membre

    Membre.objects.create(user=user, antenne=autre_antenne, role=Role.SECRETARIAT)
    client.force_login(user)
    client.post(reverse("stages:changer_antenne"), {"antenne": autre_antenne.pk})  # the other tab
    return client


@pytest.mark.parametrize("htmx", [False, True])
def test_formulaire_ouvert_dans_a_envoye_apres_passage_a_b_refuse(
    deux_antennes, antenne, autre_antenne, htmx
):
    prescripteur_b = creer_prescripteur(autre_antenne)
    saisie = saisie_creation(prescripteur_b) | dans_l_antenne(antenne)  # opened in A
    reponse = deux_antennes.post(reverse("stages:orientation_nouvelle"), saisie,
                                 headers={"HX-Request": "true"} if htmx else {})
    ajout = deux_antennes.post(reverse("stages:prescripteur_nouveau"), {
        "prescripteur-nom": "SPIP", "prescripteur-type": "spip", **dans_l_antenne(antenne)})

    assert reponse.status_code in (200, 302) and ajout.status_code == 302
    assert Orientation.objects.count() == 0
    assert not autre_antenne.prescripteurs.filter(nom="SPIP").exists()
    assert f"ouvert dans l'antenne « {antenne.nom} »" in messages_de(ajout)[-1]


def test_formulaire_sans_antenne_refuse(client_secretariat, antenne):
    saisie = saisie_creation(creer_prescripteur(antenne))
    del saisie["antenne_formulaire"]
    assert client_secretariat.post(reverse("stages:orientation_nouvelle"), saisie).status_code == 403
    assert Orientation.objects.count() == 0


def test_chaque_formulaire_porte_son_antenne(client_secretariat, antenne, orientation):
    champ = f'name="antenne_formulaire" value="{antenne.pk}"'
    assert page(client_secretariat, orientation).count(champ) == 4
    assert champ in client_secretariat.get(reverse("stages:orientation_nouvelle")).content.decode()


# --- 6. The top of the page ----------------------------------------------------------------------

def test_la_fiche_montre_rang_et_jours_restants(client_secretariat, antenne, orientation):
    creer_orientation(antenne, date_orientation=orientation.date_orientation - timedelta(days=3))
    contenu = page(client_secretariat, orientation)
    reste = (orientation.echeance - timezone.localdate()).days
    assert "<dt>Rang dans la liste d'attente</dt><dd>2</dd>" in contenu
    assert f"<dt>Jours avant l'échéance</dt><dd>{reste}</dd>" in contenu
    assert 'class="badge badge--' in contenu and "Échéance :" in contenu


def test_une_orientation_fermee_ne_dit_plus_urgente_ni_dans_les_delais(client_secretariat, orientation):
    Orientation.objects.filter(pk=orientation.pk).update(
        urgent=True, motif_urgence="Parquet", echeance=timezone.localdate() + timedelta(days=200))
    ouverte = page(client_secretariat, orientation)
    assert ">Urgente<" in ouverte and "Échéance : dans les délais" in ouverte

    orientation.refresh_from_db()
    orientation_sortir(orientation=orientation, statut=Statut.ANNULEE, motif="Accord du parquet")
    fermee = page(client_secretariat, orientation)
    assert ">Urgente<" not in fermee and "dans les délais" not in fermee
    assert "Rang dans la liste" not in fermee
