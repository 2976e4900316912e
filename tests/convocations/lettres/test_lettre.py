"""The convocation letter, read back as the person (and the postman) would."""

from datetime import date

import pytest
from django.urls import reverse
from pypdf import PdfReader

from commun.documents import FENETRE_MM
from convocations import documents
from convocations.models import ModeleLettre
from stages.models import Cadre
from tests.commun.lecture import mots, texte_poppler, texte_pypdf
from tests.convocations.envoi import convoquer
from tests.factories import creer_utilisateur, dans_l_antenne

# reportlab draws a non-breaking space as a space: the read-back sees spaces, and the
# non-breaking part shows as "9 h 30" or "1 200,00 €" never split over two lines.
NBSP = " "


def lettre(convocation, **options):
    return documents.lettre_convocation(convocation, aujourd_hui=date(2026, 11, 16), **options)


def test_la_lettre_dit_tout_ce_qu_il_faut_savoir(convocation):
    pdf = lettre(convocation)
    texte = texte_poppler(pdf)

    assert len(PdfReader(__import__("io").BytesIO(pdf)).pages) == 1
    assert "Antenne de Perpignan" in texte and "12 rue des Œillets" in texte
    assert "Madame Gaëlle LEFÈVRE" in texte and "66000 PERPIGNAN" in texte
    assert "Le lundi 16 novembre 2026" in texte
    assert (
        "Objet : Convocation au stage de responsabilisation pour la prévention et la lutte contre les "
        "violences au sein du couple et sexistes"
    ) in " ".join(texte.split())
    assert "Parquet de Perpignan" in texte and "PR-2026-0042" in texte
    assert f"Lundi 14 décembre 2026 de 9{NBSP}h{NBSP}30 à 17{NBSP}h" in texte
    assert f"Mardi 15 décembre 2026 de 9{NBSP}h à 17{NBSP}h" in texte
    assert "Maison des associations" in texte and "2 rue de la Paix" in texte
    assert "« Cœur de ville »" in texte
    # The sum due, what is paid, and how to pay (paiements).
    ligne = " ".join(texte.split())
    assert f"420,00{NBSP}€ (déjà payé : 0,00{NBSP}€ ; reste à payer : 420,00{NBSP}€)" in ligne
    assert "Par chèque à l'ordre de l'antenne" in ligne
    assert "pièce d'identité" in texte
    assert "signalée à Parquet de Perpignan" in texte
    assert "demandez un report" in texte and "04 68 00 00 00" in texte
    assert "Marie Durand" in texte
    # pypdf reads the same characters (the font's ToUnicode map is right).
    assert "Œillets" in texte_pypdf(pdf) and "€" in texte_pypdf(pdf)


def test_rien_de_la_justice_ne_se_voit_par_la_fenetre(convocation):
    gauche, haut, largeur, hauteur = FENETRE_MM
    dans_la_fenetre = [m.texte for m in mots(lettre(convocation)) if m.touche(gauche, haut, largeur, hauteur)]

    assert dans_la_fenetre == [
        "Madame",
        "Gaëlle",
        "LEFÈVRE",
        "3",
        "avenue",
        "de",
        "la",
        "Gare",
        "Résidence",
        "les",
        "Pins",
        "66000",
        "PERPIGNAN",
    ]
    objet = next(m for m in mots(lettre(convocation)) if m.texte == "Objet")
    assert objet.haut > haut + hauteur


@pytest.mark.parametrize("cadre", [Cadre.VOLONTAIRE, Cadre.ALTERNATIVE])
def test_gratuit_pour_un_volontaire_ou_un_tarif_nul(stage, cadre):
    if cadre == Cadre.ALTERNATIVE:
        stage.tarif = 0
        stage.save()
    texte = texte_poppler(lettre(convoquer(stage, cadre=cadre)))

    assert "Ce stage est gratuit pour vous." in texte
    assert "€" not in texte


def test_le_texte_de_l_antenne_et_ses_variables(convocation):
    ModeleLettre.objects.create(
        antenne=convocation.stage.antenne,
        **(
            documents.TEXTES_PAR_DEFAUT
            | {
                "contact": "Rendez-vous le {premiere_seance} à {heure_debut}, "
                "{prenom} <b>{nom}</b> & {{accolade}}.",
            }
        ),
    )
    convocation.stage.antenne.refresh_from_db()
    texte = texte_poppler(lettre(convocation))

    assert (
        f"Rendez-vous le lundi 14 décembre 2026 à 9{NBSP}h{NBSP}30, Gaëlle <b>Lefèvre</b> & {{accolade}}."
        in texte
    )


def test_formats_francais_avec_espaces_insecables():
    from datetime import time

    assert documents.heure(time(9, 30)) == "9\u00a0h\u00a030"
    assert documents.heure(time(17)) == "17\u00a0h"
    assert documents.montant(1200) == "1\u00a0200,00\u00a0€"
    assert documents.montant(0) == "0,00\u00a0€"


def test_variable_inconnue_refusee():
    with pytest.raises(Exception, match=r"Variable inconnue : \{date_stage\}"):
        documents.verifier_texte("Le {date_stage}")
    with pytest.raises(Exception, match="Accolade mal fermée"):
        documents.verifier_texte("Le {prenom")
    documents.verifier_texte("Le {premiere_seance}, {{ok}}")


def test_les_lettres_d_un_stage_en_un_pdf(stage):
    convocations = [convoquer(stage, nom=f"Œuvray{i}") for i in range(3)]
    pdf = documents.lettres_stage(convocations, stage=stage, aujourd_hui=date(2026, 11, 16))

    pages = PdfReader(__import__("io").BytesIO(pdf)).pages
    assert len(pages) == 3
    assert [f"ŒUVRAY{i}" in page.extract_text() for i, page in enumerate(pages)] == [True] * 3
    # Each letter numbered on its own, its address in its own window.
    assert ["Page 1 sur 1" in page.extract_text() for page in pages] == [True] * 3
    assert [m.texte for m in mots(pdf, page=2) if m.texte.startswith("ŒUVRAY")] == ["ŒUVRAY1"]


def test_ecran_du_texte_erreur_a_cote_du_champ_puis_apercu_et_enregistrement(client_secretariat, antenne):
    adresse = reverse("convocations:lettre_modele")
    assert client_secretariat.get(adresse).status_code == 200
    donnees = documents.TEXTES_PAR_DEFAUT | dans_l_antenne(antenne)

    reponse = client_secretariat.post(adresse, donnees | {"report": "Appelez le {numero}."})
    assert reponse.status_code == 200
    assert "Variable inconnue : {numero}" in reponse.content.decode()
    assert not ModeleLettre.objects.exists()

    apercu = client_secretariat.post(adresse, donnees | {"contact": "Appelez {antenne}.", "apercu": "1"})
    assert apercu["Content-Type"] == "application/pdf"
    assert "Appelez Antenne de Perpignan." in texte_poppler(apercu.content)
    assert not ModeleLettre.objects.exists()

    reponse = client_secretariat.post(adresse, donnees | {"contact": "Appelez {antenne}."})
    assert reponse.status_code == 302
    modele = ModeleLettre.objects.get(antenne=antenne)
    assert modele.contact == "Appelez {antenne}."
    assert modele.history.count() == 1


def test_l_animateur_ne_modifie_pas_le_texte(client, antenne):
    client.force_login(creer_utilisateur("animateur", antenne))
    assert client.get(reverse("convocations:lettre_modele")).status_code == 403
