"""The notices' pages: a message after each action, the stored PDF, the letters to post;
bad input never a 500 and nothing half saved (hypothesis)."""

import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from commun.models import Envoi
from convocations.models import Avis, NatureAvis
from convocations.services.avis import accord_demander
from stages.models import Orientation, Statut
from tests.factories import creer_orientation, creer_prescripteur, dans_l_antenne

TEXTE = st.text(max_size=300)
DATE = st.one_of(TEXTE, st.dates().map(lambda d: d.strftime("%d/%m/%Y")))


def _messages(reponse) -> list[str]:
    return [str(m) for m in reponse.wsgi_request._messages]


def test_la_fiche_propose_les_avis_et_les_liste(client_secretariat, orientation):
    accord_demander(orientation=orientation, nouvelle_echeance=orientation.echeance + timedelta(days=60))
    texte = client_secretariat.get(reverse("stages:orientation", args=[orientation.pk])).content.decode()
    assert "Avis et courriers" in texte and "Demande d&#x27;accord de prolongation" in texte
    assert reverse("convocations:avis_retour", args=[orientation.pk]) in texte
    assert reverse("convocations:avis_accord", args=[Avis.objects.get().pk]) in texte


def test_demander_puis_enregistrer_l_accord_par_les_pages(client_secretariat, antenne, orientation):
    nouvelle = orientation.echeance + timedelta(days=75)
    adresse = reverse("convocations:avis_demande_accord", args=[orientation.pk])
    assert client_secretariat.get(adresse).status_code == 200
    donnees = {"nouvelle_echeance": nouvelle.strftime("%d/%m/%Y")} | dans_l_antenne(antenne)
    reponse = client_secretariat.post(adresse, donnees, follow=True)
    assert "Demande d'accord de prolongation envoyé par courriel à parquet@justice.invalid" in " ".join(
        _messages(reponse))
    client_secretariat.post(adresse, donnees)  # the double click
    avis = Avis.objects.get()
    pdf = client_secretariat.get(reverse("convocations:avis_pdf", args=[avis.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content == bytes(avis.envoi.pieces.get().contenu)

    accord = reverse("convocations:avis_accord", args=[avis.pk])
    saisie = {"accord": "", "recu_le": "31/02/2026"} | dans_l_antenne(antenne)
    reponse = client_secretariat.post(accord, saisie)
    assert reponse.status_code == 200 and "Ce champ est obligatoire" in reponse.content.decode()
    reponse = client_secretariat.post(accord, {"accord": "Mme Martin, courriel", "recu_le": ""}
                                      | dans_l_antenne(antenne), follow=True)
    orientation.refresh_from_db()
    assert orientation.echeance == nouvelle
    assert any("Accord enregistré : échéance prolongée" in m for m in _messages(reponse))


def test_retour_demande_une_confirmation_puis_clot(client_secretariat, antenne, orientation):
    adresse = reverse("convocations:avis_retour", args=[orientation.pk])
    reponse = client_secretariat.post(adresse, {"motif": "refus"} | dans_l_antenne(antenne))
    assert "Cochez « Je confirme »" in reponse.content.decode() and not Avis.objects.exists()
    client_secretariat.post(adresse, {"motif": "refus", "confirmation": "on"} | dans_l_antenne(antenne))
    orientation.refresh_from_db()
    assert orientation.statut == Statut.RETOURNEE and Avis.objects.get().nature == NatureAvis.RETOUR


def test_un_refus_sur_un_champ_que_le_formulaire_ne_montre_pas_s_affiche_en_haut(
    client_secretariat, antenne, orientation,
):
    """The retour runs the orientation's own checks: an old row they now refuse (a date
    définitive in the future) is said on top of the form, not a 500."""
    Orientation.objects.filter(pk=orientation.pk).update(date_definitive=date(2099, 1, 1))
    reponse = client_secretariat.post(reverse("convocations:avis_retour", args=[orientation.pk]),
                                      {"motif": "refus", "confirmation": "on"} | dans_l_antenne(antenne))

    assert reponse.status_code == 200
    assert "définitive dans le futur" in reponse.content.decode()
    orientation.refresh_from_db()
    assert orientation.statut != Statut.RETOURNEE and not Avis.objects.exists()


def test_les_avis_a_poster_s_impriment_ensemble(client_secretariat, antenne):
    sans_adresse = creer_prescripteur(antenne, email="", adresse="1 rue Haute\n66000 Perpignan")
    for _ in range(2):
        orientation = creer_orientation(antenne, prescripteur=sans_adresse)
        client_secretariat.post(reverse("convocations:avis_non_realisation", args=[orientation.pk]),
                                {"motif": "injoignable"} | dans_l_antenne(antenne))
    assert Envoi.objects.filter(statut="a_poster").count() == 2
    reponse = client_secretariat.get(reverse("convocations:avis_a_poster"))
    assert len(PdfReader(io.BytesIO(reponse.content)).pages) == 2


@pytest.fixture
def cible(antenne, prescripteur):
    return creer_orientation(antenne, prescripteur=prescripteur)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(action=st.sampled_from(["avis_non_realisation", "avis_demande_accord", "avis_retour"]),
       saisie=st.dictionaries(st.sampled_from(["motif", "precisions", "nouvelle_echeance", "confirmation"]),
                              st.one_of(TEXTE, DATE, st.sampled_from(["absences", "refus", "on"]))))
def test_avis_saisie_aleatoire(client_secretariat, antenne, cible, action, saisie):
    statut = Orientation.objects.get(pk=cible.pk).statut
    avant = Avis.objects.count()
    reponse = client_secretariat.post(reverse(f"convocations:{action}", args=[cible.pk]),
                                      saisie | dans_l_antenne(antenne))
    assert reponse.status_code in (200, 302)
    orientation = Orientation.objects.get(pk=cible.pk)
    nouveaux = Avis.objects.count() - avant
    assert nouveaux in (0, 1)
    assert Envoi.objects.filter(nature__startswith="avis-").count() == Avis.objects.count()
    if orientation.statut != statut:  # only a retour sent closes it
        assert orientation.statut == Statut.RETOURNEE and nouveaux == 1
        # Reopened for the next example, its retour forgotten.
        Orientation.objects.filter(pk=cible.pk).update(statut=Statut.EN_ATTENTE)
        retours = Avis.objects.filter(nature=NatureAvis.RETOUR)
        envois = list(retours.values_list("envoi_id", flat=True))
        retours.delete()
        Envoi.objects.filter(pk__in=envois).delete()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(saisie=st.dictionaries(st.sampled_from(["accord", "recu_le", "nouvelle_echeance"]), DATE))
def test_accord_saisie_aleatoire(client_secretariat, antenne, cible, saisie):
    avis = Avis.objects.filter(orientation=cible).first() or accord_demander(
        orientation=cible, nouvelle_echeance=cible.echeance + timedelta(days=30))[0]
    reponse = client_secretariat.post(reverse("convocations:avis_accord", args=[avis.pk]),
                                      saisie | dans_l_antenne(antenne))
    assert reponse.status_code in (200, 302)
    avis.refresh_from_db()
    orientation = Orientation.objects.get(pk=cible.pk)
    assert orientation.est_prolongee == (avis.accord_le is not None)
