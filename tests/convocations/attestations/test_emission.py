"""Issuing an attestation: the PDF read back (identity, séances, hours, number, hash), the
numbering without gaps, the refusal that says what is missing, the correction."""

import hashlib
import io
import stat
from datetime import datetime

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from convocations.models import Attestation
from convocations.services.attestations import (
    AttestationAlteree,
    attestation_corriger,
    attestation_emettre,
    attestation_lire,
    dossier,
)
from tests.commun.lecture import texte_poppler
from tests.convocations.attestations.conftest import EMISE, PARIS, convoquer, marquer
from tests.factories import creer_antenne, creer_paiement, creer_stage, creer_tarif


def texte_pdf(contenu: bytes) -> str:
    """pdftotext's reading (poppler), spaces normalised (non-breaking ones included)."""
    return " ".join(texte_poppler(contenu, "-layout").replace("\u00a0", " ").split())


def test_le_pdf_relu_porte_identite_seances_heures_numero_et_empreinte(effectuee):
    attestation, cree = attestation_emettre(convocation=effectuee, maintenant=EMISE)

    assert cree and attestation.numero == "2026-PER-0001"
    pdf = attestation_lire(attestation)
    texte = texte_pdf(pdf)
    assert "Attestation de stage n° 2026-PER-0001" in texte
    assert "violences au sein du couple et sexistes" in texte
    assert "Nom : LEFÈVRE" in texte and "Prénom : Gaëlle" in texte
    assert "Date de naissance : samedi 9 mars 1985" in texte
    assert "Lundi 14 décembre 2026" in texte and "Mardi 15 décembre 2026" in texte
    assert texte.count("de 9 h à 17 h") == 2
    assert "Total 12 h" in texte  # 2 × (8 h less 2 h of breaks)
    assert "Parquet de Perpignan" in texte and "Référence du dossier : PR-2026-0042" in texte
    assert "Lieu du stage : Maison des associations, 2 rue de la Paix, 66000 Perpignan" in texte
    assert "émise le mardi 15 décembre 2026" in texte
    assert "Marie Durand" in texte
    assert f"Empreinte SHA-256 : {attestation.empreinte}" in texte
    # pypdf reads the same (the number in the document's title too).
    lecteur = PdfReader(io.BytesIO(pdf))
    assert lecteur.metadata.title == "Attestation de stage n° 2026-PER-0001"
    assert attestation.empreinte in "".join(p.extract_text() for p in lecteur.pages).replace("\n", "")
    assert attestation.sha256 == hashlib.sha256(pdf).hexdigest()
    assert attestation.heures == 12


def test_stocke_en_prive_et_relu_a_l_identique(effectuee, dossier_attestations):
    attestation, _ = attestation_emettre(convocation=effectuee, maintenant=EMISE)

    chemin = dossier() / attestation.fichier
    assert chemin.is_relative_to(dossier_attestations)
    assert stat.S_IMODE(chemin.stat().st_mode) == 0o600
    assert stat.S_IMODE(chemin.parent.stat().st_mode) == 0o700
    assert attestation_lire(attestation) == attestation_lire(attestation) == chemin.read_bytes()
    # Asked again: the same attestation, not re-rendered.
    encore, cree = attestation_emettre(convocation=effectuee, maintenant=EMISE)
    assert (encore.pk, cree) == (attestation.pk, False)
    assert attestation_lire(encore) == chemin.read_bytes()


def test_un_fichier_altere_est_refuse(effectuee):
    attestation, _ = attestation_emettre(convocation=effectuee, maintenant=EMISE)
    chemin = dossier() / attestation.fichier
    chemin.write_bytes(chemin.read_bytes() + b"%")

    with pytest.raises(AttestationAlteree, match="altéré"):
        attestation_lire(attestation)


def test_numeros_par_antenne_et_par_annee_sans_trou(stage, antenne):
    autre = creer_antenne(code="mende", nom="Antenne de Mende", departement="48")
    stage_mende = creer_stage(autre)
    numeros = [attestation_emettre(convocation=marquer(convoquer(stage, nom=f"Nom{i}")),
                                   maintenant=EMISE)[0].numero for i in range(3)]
    mende = attestation_emettre(convocation=marquer(convoquer(stage_mende)), maintenant=EMISE)[0]
    janvier = attestation_emettre(convocation=marquer(convoquer(stage, nom="Janvier")),
                                  maintenant=datetime(2027, 1, 4, 9, tzinfo=PARIS))[0]

    assert numeros == ["2026-PER-0001", "2026-PER-0002", "2026-PER-0003"]
    assert mende.numero == "2026-MEN-0001"
    assert janvier.numero == "2027-PER-0001"


def test_refus_qui_dit_ce_qui_manque(stage):
    absente = marquer(convoquer(stage), ("present", "absent"))
    en_retard = marquer(convoquer(stage, nom="Retard"), ("present", "retard"), minutes=40)
    pas_finie = convoquer(stage, nom="Encours")

    with pytest.raises(ValidationError) as refus:
        attestation_emettre(convocation=absente)
    assert ("toutes les séances doivent avoir été suivies. Manque : séance du mardi 15 décembre 2026 "
            "(9\u00a0h–17\u00a0h) : absent·e") in refus.value.messages[0]
    with pytest.raises(ValidationError, match="en retard \\(40 min\\), au-delà des 15 minutes tolérées"):
        attestation_emettre(convocation=en_retard)
    with pytest.raises(ValidationError, match="pas encore marquée"):
        attestation_emettre(convocation=pas_finie)
    assert Attestation.objects.count() == 0
    # A refusal takes no number: the next one issued is still the first.
    ok = marquer(convoquer(stage, nom="Présente"))
    assert attestation_emettre(convocation=ok)[0].rang == 1


def test_l_attestation_attend_le_paiement_complet_quand_l_antenne_le_veut(stage):
    convocation = marquer(convoquer(stage))
    creer_tarif(stage.antenne, attestation_attend_paiement=True)

    with pytest.raises(ValidationError) as refus:
        attestation_emettre(convocation=convocation)
    assert "il reste 200,00\u00a0€ à payer" in refus.value.messages[0]
    creer_paiement(convocation.orientation, "200")
    assert attestation_emettre(convocation=convocation)[1] is True


def test_retard_dans_la_tolerance_compte_comme_present(stage):
    convocation = marquer(convoquer(stage), ("retard", "present"), minutes=10)

    attestation, _ = attestation_emettre(convocation=convocation, maintenant=EMISE)
    assert attestation.numero.endswith("-0001")


def test_correction_nouveau_numero_qui_annule_l_ancien(effectuee):
    premiere, _ = attestation_emettre(convocation=effectuee, maintenant=EMISE)
    personne = effectuee.orientation.personne
    personne.prenom = "Gaëlle-Marie"
    personne.save()

    with pytest.raises(ValidationError, match="motif"):
        attestation_corriger(attestation=premiere, motif="  ")
    seconde = attestation_corriger(attestation=premiere, motif="Prénom mal orthographié", maintenant=EMISE)

    premiere.refresh_from_db()
    assert premiere.est_annulee and premiere.motif_annulation == "Prénom mal orthographié"
    assert seconde.numero == "2026-PER-0002" and seconde.remplace == premiere
    texte = texte_pdf(attestation_lire(seconde))
    assert "Prénom : Gaëlle-Marie" in texte
    assert "annule et remplace l'attestation n° 2026-PER-0001 (Prénom mal orthographié)" in texte
    # Both kept, the first one's bytes unchanged.
    assert "Prénom : Gaëlle " in texte_pdf(attestation_lire(premiere)) + " "
    assert Attestation.objects.count() == 2
    with pytest.raises(ValidationError, match="déjà annulée et remplacée par le n° 2026-PER-0002"):
        attestation_corriger(attestation=premiere, motif="encore")
    # Asking for the attestation now gives the valid one.
    assert attestation_emettre(convocation=effectuee)[0] == seconde
    assert [h.history_change_reason for h in premiere.history.order_by("history_id")] == [
        "Attestation n° 2026-PER-0001 émise", "Attestation annulée : Prénom mal orthographié"]
