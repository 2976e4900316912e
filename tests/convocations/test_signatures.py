"""Signatures on the tablet: drawn with a finger, stored as SVG (written by us from the
strokes) with their time; an empty pad refused; the feuille d'émargement PDF draws them."""
# ruff: noqa: F811 (the fixtures of tests.convocations.emargement, taken as arguments)

import io
import json
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from convocations.models import Presence, StatutPresence
from convocations.services.presences import presence_marquer, presence_signer
from convocations.signatures import SIGNATURE_VIDE, svg, traits_du_svg, traits_valides
from stages.models import StatutStage
from tests.commun.lecture import texte_poppler
from tests.convocations.emargement import (  # noqa: F401 (fixtures)
    HX,
    TRAITS,
    animateur,
    convocation,
    convoquer,
    marquer,
    seance,
    signature,
    stage_passe,
    synchroniser,
)


def test_les_traits_deviennent_un_svg_que_nous_ecrivons_et_relisons():
    traits = traits_valides(json.dumps(TRAITS))
    dessin = svg(traits)
    assert dessin.startswith('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 600 200"')
    assert dessin.count("<path ") == 2 and "<script" not in dessin
    assert traits_du_svg(dessin) == [[tuple(p) for p in t] for t in TRAITS]


@pytest.mark.parametrize("texte", ["", "[]", "[[]]", "[[[1,2]]]", "[[[1,2],[3,4]],[[5,6]]]"])
def test_un_pad_vide_ou_un_simple_tap_est_refuse(texte):
    with pytest.raises(ValidationError) as refus:
        traits_valides(texte)
    assert refus.value.message_dict["signature"] == [SIGNATURE_VIDE]


@pytest.mark.parametrize("texte", ["{", '{"a": 1}', "[1]", '[["x"]]', "[[[1,2,3]]]", "[[[true,1]]]",
                                   "[" * 5000, "[[[Infinity,1],[2,2],[3,3],[4,4],[5,5]]]",
                                   "[[[1e999,1],[2,2],[3,3],[4,4],[5,5]]]", "[[[NaN,1]]]"])
def test_des_traits_illisibles_sont_refuses_en_francais(texte):
    with pytest.raises(ValidationError) as refus:
        traits_valides(texte)
    assert "signature" in refus.value.message_dict


def test_les_points_hors_du_cadre_y_sont_ramenes():
    traits = traits_valides(json.dumps([[[-50, 900], [700, -3], [10.6, 20.4], [1, 1], [2, 2]]]))
    assert traits == [[(0, 200), (600, 0), (11, 20), (1, 1), (2, 2)]]


def test_la_signature_est_gardee_en_svg_avec_son_heure_et_son_historique(animateur, seance, convocation):
    presence_marquer(seance=seance, convocation=convocation, statut=StatutPresence.PRESENT, par=animateur)
    faite_le = timezone.now() - timedelta(minutes=3)
    presence_signer(seance=seance, convocation=convocation, traits=json.dumps(TRAITS), par=animateur,
                    faite_le=faite_le)
    presence = Presence.objects.get()
    assert presence.signature.startswith("<svg") and presence.signee_le == faite_le
    assert presence.history.first().history_change_reason.startswith("Signature recueillie à")
    assert presence.history.count() == 2  # the mark, then the signature


def test_on_ne_signe_pas_sans_etre_marque_present(animateur, seance, convocation):
    with pytest.raises(ValidationError, match="marquez d'abord sa présence"):
        presence_signer(seance=seance, convocation=convocation, traits=json.dumps(TRAITS), par=animateur)
    presence_marquer(seance=seance, convocation=convocation, statut=StatutPresence.ABSENT, par=animateur)
    with pytest.raises(ValidationError, match="marquez d'abord sa présence"):
        presence_signer(seance=seance, convocation=convocation, traits=json.dumps(TRAITS), par=animateur)
    assert Presence.objects.get().signature == ""


def test_un_stage_clos_ne_recueille_plus_de_signature(animateur, seance, convocation):
    presence_marquer(seance=seance, convocation=convocation, statut=StatutPresence.PRESENT, par=animateur)
    type(seance.stage).objects.filter(pk=seance.stage_id).update(statut=StatutStage.CLOS)
    seance.stage.refresh_from_db()
    with pytest.raises(ValidationError, match="clos"):
        presence_signer(seance=seance, convocation=convocation, traits=json.dumps(TRAITS), par=animateur)


def test_la_page_propose_de_faire_signer_les_presents(client, antenne, animateur, seance, convocation):
    absent = convoquer(antenne, seance.stage, nom="Martin")[0]
    client.force_login(animateur)
    marquer(client, seance, convocation, "present", HX)
    marquer(client, seance, absent, "absent", HX)
    page = client.get(reverse("convocations:seance", args=[seance.pk])).content.decode()
    assert f'data-signer="{convocation.pk}"' in page and f'data-signer="{absent.pk}"' not in page
    assert "Signature à recueillir" in page and "Signatures : 0 / 1" in page
    assert 'id="pad-signature"' in page and "js/emargement" in page
    assert "<script>" not in page and 'style="' not in page  # strict CSP: nothing inline
    assert synchroniser(client, seance, [signature(convocation)])[0]["etat"] == "enregistree"
    page = client.get(reverse("convocations:seance", args=[seance.pk])).content.decode()
    assert "Signé à" in page and "Signatures : 1 / 1" in page and "Signer à nouveau" in page


def test_un_pad_vide_envoye_est_refuse_avec_son_message(client, animateur, seance, convocation):
    client.force_login(animateur)
    marquer(client, seance, convocation, "present", HX)
    resultat = synchroniser(client, seance, [signature(convocation, traits=[])])[0]
    assert resultat["etat"] == "refusee" and SIGNATURE_VIDE in resultat["message"]
    assert Presence.objects.get().signature == ""


def test_la_feuille_montre_les_signatures_recueillies_et_des_cases_vides(client, antenne, animateur, seance,
                                                                         convocation):
    sans = convoquer(antenne, seance.stage, nom="Martin", prenom="Noël")[0]
    client.force_login(animateur)
    marquer(client, seance, convocation, "present", HX)
    marquer(client, seance, sans, "present", HX)
    vide = client.get(reverse("convocations:feuille", args=[seance.pk])).content
    synchroniser(client, seance, [signature(convocation)])
    reponse = client.get(reverse("convocations:feuille", args=[seance.pk]))
    texte = " ".join(texte_poppler(reponse.content).split())
    heure = timezone.localtime(Presence.objects.get(convocation=convocation).signee_le)
    assert f"Signé à {heure:%H:%M}" in texte and texte.count("Signé à") == 1  # Martin: an empty box
    contenu = PdfReader(io.BytesIO(reponse.content)).pages[0].get_contents().get_data()
    vide_contenu = PdfReader(io.BytesIO(vide)).pages[0].get_contents().get_data()
    # The strokes are drawn as lines in the page: one more "l" operator per point but the first.
    lignes_en_plus = contenu.count(b" l\n") + contenu.count(b" l ") - (
        vide_contenu.count(b" l\n") + vide_contenu.count(b" l "))
    assert lignes_en_plus >= sum(len(t) - 1 for t in TRAITS)
