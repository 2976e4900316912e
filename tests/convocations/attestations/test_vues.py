"""The attestations' pages through the test client: issue (once, or refused in French),
download the very bytes issued (the antenne's staff only), correct, print, send the whole
stage, the post list, the entretien bilan, the sections of the stage and orientation pages."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from convocations.models import Attestation, Entretien, LotEnvoi, NatureEntretien, ReglageAttestations
from convocations.services.attestations import (
    attestation_emettre,
    attestation_envoyer,
    attestation_lire,
    dossier,
)
from stages.models import Role, Statut
from tests.convocations.attestations.conftest import EMISE, convoquer, marquer
from tests.factories import creer_antenne, creer_utilisateur, dans_l_antenne


def _emettre(client, convocation, **entetes):
    return client.post(reverse("convocations:attestation_emettre", args=[convocation.pk]),
                       dans_l_antenne(convocation.stage.antenne), **entetes)


def _fiche(client, convocation) -> str:
    return client.get(reverse("stages:orientation", args=[convocation.orientation_id])).content.decode()


def test_emettre_par_la_page_puis_le_double_clic_ne_fait_rien(client_secretariat, effectuee):
    page = reverse("convocations:stage_attestations", args=[effectuee.stage_id])
    assert "Émettre l'attestation" in client_secretariat.get(page).content.decode()

    reponse = _emettre(client_secretariat, effectuee)
    assert reponse.status_code == 302 and reponse["Location"] == page
    assert _emettre(client_secretariat, effectuee).status_code == 302

    attestation = Attestation.objects.get()
    texte = client_secretariat.get(page).content.decode()
    assert f"Attestation n° {attestation.numero} émise pour LEFÈVRE Gaëlle" in texte
    assert f"L&#x27;attestation n° {attestation.numero} était déjà émise." in texte
    assert f"n° {attestation.numero} (PDF)" in texte


def test_htmx_redirige_la_page_entiere(client_secretariat, effectuee):
    reponse = _emettre(client_secretariat, effectuee, headers={"HX-Request": "true"})
    assert reponse.status_code == 200 and reponse["HX-Redirect"].endswith("/attestations/")


def test_refus_en_francais_pour_qui_n_a_pas_tout_suivi(client_secretariat, stage):
    absente = marquer(convoquer(stage), ("present", "absent"))

    reponse = _emettre(client_secretariat, absente)

    texte = client_secretariat.get(reponse["Location"]).content.decode()
    assert "Attestation impossible pour LEFÈVRE Gaëlle" in texte and "absent·e" in texte
    assert not Attestation.objects.exists()


def test_le_pdf_servi_est_celui_emis_a_chaque_telechargement(client_secretariat, effectuee):
    attestation, _ = attestation_emettre(convocation=effectuee, maintenant=EMISE)
    adresse = reverse("convocations:attestation_pdf", args=[attestation.pk])

    premiere, seconde = client_secretariat.get(adresse), client_secretariat.get(adresse)

    assert premiere["Content-Type"] == "application/pdf"
    assert premiere.content == seconde.content == attestation_lire(attestation)
    assert f'filename="attestation-{attestation.numero}.pdf"' in premiere["Content-Disposition"]


@pytest.mark.parametrize("role", [Role.SECRETARIAT, Role.RESPONSABLE, Role.ANIMATEUR])
def test_une_autre_antenne_ou_l_animateur_n_obtient_rien(client, effectuee, role):
    attestation, _ = attestation_emettre(convocation=effectuee, maintenant=EMISE)
    autre = creer_antenne(code="mende", nom="Antenne de Mende", departement="48")
    antenne = effectuee.stage.antenne if role == Role.ANIMATEUR else autre
    client.force_login(creer_utilisateur(role, antenne))

    reponse = client.get(reverse("convocations:attestation_pdf", args=[attestation.pk]))

    assert reponse.status_code in (403, 404)
    assert b"%PDF" not in reponse.content


def test_corriger_par_la_page(client_secretariat, effectuee):
    attestation, _ = attestation_emettre(convocation=effectuee, maintenant=EMISE)
    adresse = reverse("convocations:attestation_corriger", args=[attestation.pk])
    assert "annule et remplace" in client_secretariat.get(adresse).content.decode()

    vide = client_secretariat.post(adresse, {"motif": "", **dans_l_antenne(effectuee.stage.antenne)})
    assert vide.status_code == 200 and "Indiquez le motif de la correction." in vide.content.decode()
    reponse = client_secretariat.post(adresse, {"motif": "Date de naissance erronée",
                                                **dans_l_antenne(effectuee.stage.antenne)})

    assert reponse.status_code == 302
    nouvelle = Attestation.objects.get(annulee_le__isnull=True)
    assert nouvelle.remplace_id == attestation.pk and nouvelle.rang == 2
    assert "annule et remplace" in client_secretariat.get(reponse["Location"]).content.decode()


def test_imprimer_les_attestations_du_stage(client_secretariat, stage):
    for i in range(2):
        marquer(convoquer(stage, nom=f"Présente{i}"))
    marquer(convoquer(stage, nom="Absente"), ("absent", "absent"))

    reponse = client_secretariat.post(reverse("convocations:stage_attestations_imprimer", args=[stage.pk]),
                                      dans_l_antenne(stage.antenne))

    assert reponse["Content-Type"] == "application/pdf"
    assert len(PdfReader(io.BytesIO(reponse.content)).pages) == 2
    assert Attestation.objects.filter(remise_le__isnull=False).count() == 2


def test_imprimer_avec_un_fichier_disparu_le_dit_sans_erreur(client_secretariat, stage):
    marquer(convoquer(stage, nom="Présente"))
    url = reverse("convocations:stage_attestations_imprimer", args=[stage.pk])
    client_secretariat.post(url, dans_l_antenne(stage.antenne))
    (dossier() / Attestation.objects.get().fichier).unlink()

    reponse = client_secretariat.post(url, dans_l_antenne(stage.antenne), follow=True)

    assert reponse.status_code == 200
    assert "est introuvable. Prévenez l&#x27;administrateur" in reponse.content.decode()


def test_envoyer_tout_le_stage_suit_la_barre_de_progression(client_secretariat, effectuee, serveur_smtp,
                                                           django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client_secretariat.post(
            reverse("convocations:stage_attestations_envoyer", args=[effectuee.stage_id]),
            dans_l_antenne(effectuee.stage.antenne))

    lot = LotEnvoi.objects.get()
    assert reponse["Location"] == reverse("convocations:lot_suivi", args=[lot.pk])
    suivi = client_secretariat.get(reponse["Location"]).content.decode()
    assert "Envoi des attestations" in suivi and "1 attestation envoyée par courriel" in suivi
    assert len(serveur_smtp.messages) == 1
    effectuee.orientation.refresh_from_db()
    assert effectuee.orientation.statut == Statut.TERMINEE
    # The convocations' section of the stage page does not take it for its own batch.
    page = client_secretariat.get(reverse("stages:stage", args=[effectuee.stage_id])).content.decode()
    assert "Dernier envoi : 1 attestation" not in page
    assert reverse("convocations:stage_attestations", args=[effectuee.stage_id]) in page


def test_liste_a_envoyer_par_courrier_puis_postee(client_secretariat, stage):
    convocation = marquer(convoquer(stage, email_prescripteur="",
                                    adresse_prescripteur="1 place\n66000 Perpignan"))
    attestation, _ = attestation_emettre(convocation=convocation, maintenant=EMISE)
    envoi, _ = attestation_envoyer(attestation)
    liste = reverse("convocations:attestations_courrier")
    assert f"Attestation de stage n° {attestation.numero}" in client_secretariat.get(liste).content.decode()
    pdf = client_secretariat.get(reverse("convocations:attestations_courrier_pdf"))
    assert len(PdfReader(io.BytesIO(pdf.content)).pages) == 2  # the cover letter, the attestation

    reponse = client_secretariat.post(reverse("convocations:attestation_postee", args=[envoi.pk]),
                                      dans_l_antenne(stage.antenne))

    page = client_secretariat.get(reponse["Location"]).content.decode()
    assert "postée, l&#x27;orientation est terminée" in page
    convocation.orientation.refresh_from_db()
    assert convocation.orientation.statut == Statut.TERMINEE


def test_entretien_bilan_la_ou_l_antenne_en_fait_un(client_secretariat, effectuee, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: EMISE.date())
    adresse = reverse("convocations:entretien_bilan", args=[effectuee.pk])
    donnees = {"date": "2026-12-15", "mode": "presentiel", "note": "Souhaite un suivi",
               **dans_l_antenne(effectuee.stage.antenne)}
    refus = client_secretariat.post(adresse, donnees)
    assert "ne fait pas d&#x27;entretien bilan" in client_secretariat.get(refus["Location"]).content.decode()
    ReglageAttestations.objects.create(antenne=effectuee.stage.antenne, entretien_bilan=True)

    trop_tot = client_secretariat.post(adresse, donnees | {"date": "2026-12-14"})
    assert trop_tot.status_code == 200 and "après le stage" in trop_tot.content.decode()
    assert client_secretariat.post(adresse, donnees).status_code == 302

    bilan = Entretien.objects.get(nature=NatureEntretien.BILAN)
    assert bilan.fait_par.username == "sophie" and bilan.note == "Souhaite un suivi"
    fiche = _fiche(client_secretariat, effectuee)
    assert "Entretien bilan" in fiche
    assert "15/12/2026, en personne : personne jointe — Souhaite un suivi" in fiche


def test_la_fiche_orientation_montre_l_attestation(client_secretariat, effectuee):
    attestation, _ = attestation_emettre(convocation=effectuee, maintenant=EMISE)

    fiche = _fiche(client_secretariat, effectuee)

    assert f"attestation n° {attestation.numero}</a>, émise le 15/12/2026" in fiche
    assert f"Attestation de stage n° {attestation.numero}" in fiche  # the timeline
    assert f"Attestation n° {attestation.numero} émise" in fiche


@pytest.mark.parametrize("nombre", [1, 15])
def test_la_page_des_attestations_en_requetes_constantes(client_secretariat, stage, nombre,
                                                         django_assert_num_queries):
    for i in range(nombre):
        attestation_emettre(convocation=marquer(convoquer(stage, nom=f"N{i}")), maintenant=EMISE)
    page = reverse("convocations:stage_attestations", args=[stage.pk])
    client_secretariat.get(page)
    with django_assert_num_queries(8):
        assert client_secretariat.get(page).status_code == 200


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ident=st.one_of(st.none(), st.integers(-3, 2**40), st.text(max_size=6)),
       antenne=st.one_of(st.none(), st.text(max_size=8)), htmx=st.booleans(),
       methode=st.sampled_from(["get", "post"]))
def test_jamais_de_500_en_emettant(client_secretariat, effectuee, ident, antenne, htmx, methode):
    """Any convocation id, form or method: an attestation, a French refusal or a 404, never a 500."""
    if ident is None:
        adresse = reverse("convocations:attestation_emettre", args=[effectuee.pk])
    else:
        adresse = f"/convocations/{ident}/attestation/emettre/"
    donnees = dans_l_antenne(effectuee.stage.antenne) if antenne is None else {"antenne": antenne}
    entetes = {"HX-Request": "true"} if htmx else {}
    reponse = getattr(client_secretariat, methode)(adresse, donnees, headers=entetes)
    assert reponse.status_code in (200, 302, 400, 403, 404)
    assert Attestation.objects.filter(convocation=effectuee).count() <= 1
