"""The trace of reads of personal data (RGPD art. 10: access to records is traced): who
opened which orientation, listed, searched or exported the list, was shown known persons,
and when; one row per request; nobody can change it."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from stages.models import Consultation
from tests.factories import (
    creer_orientation,
    creer_personne,
    creer_prescripteur,
    creer_utilisateur,
    dans_l_antenne,
)


def traces():
    return list(Consultation.objects.order_by("id").values_list(
        "user__username", "antenne__code", "orientation_id", "objet", "detail"
    ))


@pytest.fixture
def orientation(antenne):
    return creer_orientation(antenne, reference="PV-77")


def test_ouvrir_la_fiche_et_le_formulaire_de_modification_est_trace(
    client_secretariat, orientation
):
    client_secretariat.get(reverse("stages:orientation", args=[orientation.pk]))
    client_secretariat.get(reverse("stages:orientation_modifier", args=[orientation.pk]))
    # An action's form alone (htmx) shows nothing more of the person: not traced again.
    client_secretariat.get(reverse("stages:orientation_prolonger", args=[orientation.pk]),
                           headers={"HX-Request": "true"})

    assert traces() == [
        ("sophie", "perpignan", orientation.pk, Consultation.Objet.FICHE, ""),
        ("sophie", "perpignan", orientation.pk, Consultation.Objet.MODIFICATION, ""),
    ]
    assert Consultation.objects.first().quand is not None


@pytest.mark.parametrize(("vue", "format_"), [("export_liste_csv", "CSV"), ("export_liste_xlsx", "XLSX")])
def test_un_export_est_trace_avec_ses_filtres(client_secretariat, orientation, vue, format_):
    client_secretariat.get(reverse(f"stages:{vue}"), {"statut": "tous", "q": "nom"})

    assert traces() == [
        ("sophie", "perpignan", None, Consultation.Objet.EXPORT,
         f"{format_} ; filtres : q=nom&statut=tous"),
    ]


def test_un_export_rembourre_ne_cache_pas_ses_filtres(client_secretariat, orientation):
    """Unknown parameters are left out of the trace: they cannot push the filters out."""
    client_secretariat.get(f"{reverse('stages:export_liste_csv')}?{'x=' + 'a' * 400}&q=Martin&statut=tous")

    assert traces()[0][4] == "CSV ; filtres : q=Martin&statut=tous"


def test_la_liste_et_la_recherche_sont_tracees_une_fois_par_requete(client_secretariat, orientation):
    client_secretariat.get(reverse("stages:liste_attente"))
    client_secretariat.get(reverse("stages:liste_attente"), {"q": "Dur", "cadre": "41-1", "page": "2",
                                                      "rembourrage": "z" * 500},
                           headers={"HX-Request": "true"})

    assert traces() == [
        ("sophie", "perpignan", None, Consultation.Objet.LISTE, "filtres : aucun"),
        ("sophie", "perpignan", None, Consultation.Objet.LISTE,
         "filtres : q=Dur&cadre=41-1&page=2"),
    ]


def test_le_fragment_des_doublons_est_trace_quand_il_montre_des_personnes(
    client_secretariat, antenne
):
    creer_personne(antenne, nom="Durand", prenom="Éloïse", date_naissance=date(1980, 1, 1))
    adresse = reverse("stages:doublons")

    client_secretariat.get(adresse, {"nom": "durand", "prenom": "eloise",
                                     "date_naissance": "1980-01-01"}, headers={"HX-Request": "true"})
    client_secretariat.get(adresse, {"nom": "inconnu", "prenom": "eloise",
                                     "date_naissance": "1980-01-01"}, headers={"HX-Request": "true"})

    assert traces() == [
        ("sophie", "perpignan", None, Consultation.Objet.DOUBLONS,
         "Nom : durand ; Prénom : eloise ; Date de naissance : 1980-01-01"),
    ]


def test_le_formulaire_de_modification_reaffiche_par_un_post_est_trace(
    client_secretariat, orientation
):
    """Refused (a required field emptied), the form comes back with every saved value."""
    reponse = client_secretariat.post(reverse("stages:orientation_modifier", args=[orientation.pk]),
                                      {"nom": ""} | dans_l_antenne(orientation.antenne))

    assert reponse.status_code == 200
    assert orientation.personne.prenom in reponse.content.decode()
    assert traces() == [
        ("sophie", "perpignan", orientation.pk, Consultation.Objet.MODIFICATION, ""),
    ]


def test_rien_n_est_trace_pour_qui_n_a_pas_acces(client, orientation, autre_antenne):
    client.force_login(creer_utilisateur(antenne=autre_antenne))

    assert client.get(reverse("stages:orientation", args=[orientation.pk])).status_code == 404
    assert traces() == []


def test_la_trace_se_lit_dans_l_administration_sans_pouvoir_la_changer(
    client, client_secretariat, orientation
):
    client_secretariat.get(reverse("stages:orientation", args=[orientation.pk]))
    trace = Consultation.objects.get()
    client.force_login(get_user_model().objects.create_superuser("dpo", "dpo@cpca.invalid", "x" * 12))

    liste = client.get(reverse("admin:stages_consultation_changelist"))
    assert liste.status_code == 200 and "Fiche de l&#x27;orientation" in liste.content.decode()
    assert client.get(reverse("admin:stages_consultation_add")).status_code == 403
    assert client.post(reverse("admin:stages_consultation_delete", args=[trace.pk]),
                       {"post": "yes"}).status_code == 403
    assert client.post(reverse("admin:stages_consultation_change", args=[trace.pk]),
                       {"detail": "effacé"}).status_code == 403
    assert Consultation.objects.get() == trace and trace.detail == ""


def test_le_formulaire_de_creation_qui_propose_des_personnes_connues_est_trace(
    client_secretariat, antenne
):
    from tests.stages.test_orientation_formulaires import saisie_creation

    creer_personne(antenne, nom="Martin", prenom="Léo", date_naissance=date(1985, 6, 1))

    reponse = client_secretariat.post(reverse("stages:orientation_nouvelle"),
                                      saisie_creation(creer_prescripteur(antenne)))

    assert reponse.status_code == 200 and reponse.context["doublons"]
    assert traces() == [
        ("sophie", "perpignan", None, Consultation.Objet.DOUBLONS,
         "Nom : Martin ; Prénom : Léo ; Date de naissance : 1985-06-01"),
    ]
