"""Documents read back as printed: pypdf and pdftotext see the French text, the escaped
markup, the address in the envelope window, the page numbers."""

import io

import pytest
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics

from commun.documents import (
    BLOC_ADRESSE_MM,
    FENETRE_MM,
    POLICE,
    POLICE_GRAS,
    EnTete,
    Signataire,
    assembler,
    construire_document,
    echapper,
    enregistrer_polices,
    paragraphe,
)
from tests.commun.lecture import mots, texte_poppler, texte_pypdf

FRANCAIS = "Élodie Œuvray, cœur, 180,50\u00a0€, « stage », à 12\u00a0h\u202f30 ; ça va\u202f?"
ENTETE = EnTete(nom="Association Exemple", adresse=["12 rue des Œillets", "66000 Perpignan"],
                telephone="04 68 00 00 00", courriel="contact@exemple.invalid")
ADRESSE = ["Mme Élodie Œuvray", "Résidence « Les Pins », bât. B", "3 avenue de la Gare", "66000 PERPIGNAN"]


def document(*textes, **options):
    options.setdefault("entete", ENTETE)
    return construire_document([paragraphe(t) for t in textes], **options)


def test_accents_euro_guillemets_oe_et_espaces_insecables_se_relisent():
    pdf = document(FRANCAIS)

    # reportlab draws a non-breaking space as a space (it only keeps the words together:
    # next test), so both readers see a plain space there.
    lu = FRANCAIS.replace("\u00a0", " ").replace("\u202f", " ")
    assert lu in texte_pypdf(pdf)
    assert lu in texte_poppler(pdf)
    # And every character is drawn with a glyph of the font, never the empty box.
    enregistrer_polices()
    for police in (POLICE, POLICE_GRAS):
        glyphes = pdfmetrics.getFont(police).face.charToGlyph
        assert not [c for c in FRANCAIS if ord(c) not in glyphes], police


def test_les_espaces_insecables_ne_coupent_pas_la_ligne():
    # Some of these paragraphs reach the end of a line inside "12 h 30": never cut there.
    pdf = document(*(("mot " * n) + "à 12\u00a0h\u202f30 précises" for n in range(20, 60)))

    lignes = [ligne.strip() for ligne in texte_poppler(pdf).splitlines()]
    assert sum("12 h 30" in ligne for ligne in lignes) == 40
    coupees = [li for li in lignes if li.endswith(("12", "12 h")) or li.startswith(("h 30", "30"))]
    assert not coupees


def test_le_texte_saisi_s_imprime_tel_quel():
    nom = "<b>Dupont & fils</b> &amp; &nbsp; <font size=40>x</font>"
    pdf = document(nom, destinataire=[nom, "1 rue <i>Basse</i>", "66000 PERPIGNAN"],
                   entete=EnTete(nom="Fondation <Lumière> & Cie"), signataire=Signataire("<Jean> & Co"))

    for texte in (" ".join(texte_pypdf(pdf).split()), " ".join(texte_poppler(pdf).split())):
        assert texte.count(nom) == 2
        assert "1 rue <i>Basse</i>" in texte
        assert "Fondation <Lumière> & Cie" in texte
        assert "<Jean> & Co" in texte


def test_echapper():
    assert echapper("<b>Dupont & fils</b>") == "&lt;b&gt;Dupont &amp; fils&lt;/b&gt;"
    assert echapper("a\x00b\x1bc\td") == "abc\td"  # control characters reportlab rejects
    assert echapper("ligne 1\nligne 2 & 3", sauts_de_ligne=True) == "ligne 1<br/>ligne 2 &amp; 3"
    assert echapper("ligne 1\r\nligne 2") == "ligne 1\r\nligne 2"
    assert echapper(180) == "180"
    assert echapper(None) == ""


def test_l_adresse_est_dans_la_fenetre_de_l_enveloppe_et_rien_d_autre():
    pdf = document("Objet : texte confidentiel", *["Corps de la lettre."] * 30,
                   destinataire=ADRESSE, signataire=Signataire("Marie Durand", "Directrice"))

    page = mots(pdf)
    dans_fenetre = [m for m in page if m.touche(*FENETRE_MM)]
    assert " ".join(m.texte for m in dans_fenetre) == " ".join(ADRESSE)
    assert all(m.dans(*BLOC_ADRESSE_MM) for m in dans_fenetre)
    # The letterhead too stays out of the window.
    assert [m for m in page if m.texte == "Œillets"][0].droite < FENETRE_MM[0]


def test_une_adresse_trop_longue_reste_dans_la_fenetre():
    longue = ["Monsieur Jean-Baptiste-Alexandre de La Rochefoucauld-Montmorency d'Aubigné",
              *["Bâtiment C, escalier 4, appartement 1204, résidence des Grands Chênes"] * 5,
              "66000 PERPIGNAN CEDEX"]
    page = mots(document("Corps.", destinataire=longue))

    adresse = [m for m in page if m.touche(*FENETRE_MM)]
    assert "CEDEX" in [m.texte for m in adresse]  # nothing cut off
    assert all(m.dans(*BLOC_ADRESSE_MM) for m in adresse)


def test_entete_signataire_et_numeros_de_page():
    pdf = document(*[f"Paragraphe numéro {i} du courrier." for i in range(50)],
                   destinataire=ADRESSE, signataire=Signataire("Marie Durand", "Directrice"),
                   titre="Courrier d'essai")

    lecteur = PdfReader(io.BytesIO(pdf))
    assert len(lecteur.pages) == 2
    assert lecteur.metadata.title == "Courrier d'essai"
    premiere, seconde = (page.extract_text() for page in lecteur.pages)
    assert "Page 1 sur 2" in premiere and "Page 2 sur 2" in seconde
    assert "Association Exemple" in premiere and "04 68 00 00 00" in premiere
    assert "Association Exemple" not in seconde  # the letterhead is on the first page only
    assert "Paragraphe numéro 49" in seconde and "Marie Durand\nDirectrice" in seconde
    assert "Page 1 sur 1" in texte_pypdf(document("Court."))


@pytest.mark.parametrize("destinataire", [(), ADRESSE])
def test_le_texte_ne_chevauche_ni_l_entete_ni_la_fenetre(destinataire):
    page = mots(document(*["Une ligne du corps."] * 40, destinataire=destinataire))
    corps = [m for m in page if m.texte == "corps."]
    assert corps and all(m.haut > FENETRE_MM[1] for m in corps)
    if destinataire:
        assert all(m.haut > FENETRE_MM[1] + FENETRE_MM[3] for m in corps)


def test_assembler_met_les_documents_bout_a_bout():
    un = document("Premier document.")
    deux = document(*[f"Second document, ligne {i}." for i in range(70)])

    lecteur = PdfReader(io.BytesIO(assembler([un, deux, un])))
    textes = [page.extract_text() for page in lecteur.pages]
    assert len(textes) == 4
    assert "Premier document." in textes[0] and "Premier document." in textes[3]
    assert "Second document, ligne 0." in textes[1] and "Page 2 sur 2" in textes[2]
    assert "Premier document." in texte_poppler(assembler([un]))
