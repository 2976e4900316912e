"""Two staff members editing the same orientation from forms opened at the same time: each
one's change is kept, and a change of the same field is refused, never silently lost."""

from datetime import date
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from stages.models import Orientation, Role
from stages.services import Saisie, orientation_modifier
from tests.factories import creer_orientation, creer_personne, creer_prescripteur, creer_utilisateur
from tests.stages.test_orientation_formulaires import erreur_affichee


class _Formulaire(HTMLParser):
    """What a browser would send for the page's main form: inputs, selects, textareas."""

    def __init__(self):
        super().__init__()
        self.valeurs, self._select, self._textarea, self._dans_le_formulaire = {}, None, None, False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("method") == "post" and "action" not in a:
            self._dans_le_formulaire = True
        if not self._dans_le_formulaire:
            return
        if tag == "input" and a.get("type") not in ("radio", "submit"):
            if a.get("type") != "checkbox" or "checked" in a:
                self.valeurs[a["name"]] = a.get("value") or ("on" if a.get("type") == "checkbox" else "")
        elif tag == "select":
            self._select = a["name"]
            self.valeurs[self._select] = ""
        elif tag == "option" and self._select and "selected" in a:
            self.valeurs[self._select] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a["name"]
            self.valeurs[self._textarea] = ""

    def handle_data(self, data):
        if self._textarea:
            self.valeurs[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._dans_le_formulaire = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":  # HTML drops the line break right after <textarea>
            self.valeurs[self._textarea] = self.valeurs[self._textarea].removeprefix("\n")
            self._textarea = None


def valeurs_envoyees(reponse) -> dict:
    parseur = _Formulaire()
    parseur.feed(reponse.content.decode())
    return parseur.valeurs


def formulaire_ouvert(client, orientation) -> dict:
    return valeurs_envoyees(client.get(url_modifier(orientation)))


def url_modifier(orientation):
    return reverse("stages:orientation_modifier", kwargs={"orientation_id": orientation.pk})


@pytest.fixture
def orientation(antenne):
    personne = creer_personne(antenne, nom="Durand", prenom="Éloïse", sexe="F",
                              telephone="+33612345678")
    return creer_orientation(antenne, personne=personne, prescripteur=creer_prescripteur(antenne),
                             reference="PV-1", observations="Première ligne\nSeconde ligne")


@pytest.fixture
def collegue(antenne):
    """A second secretary of the same antenne, with her own session."""
    autre = Client()
    autre.force_login(creer_utilisateur(Role.SECRETARIAT, antenne, username="collegue"))
    return autre


def test_le_formulaire_porte_les_valeurs_vues(client_secretariat, orientation):
    valeurs = formulaire_ouvert(client_secretariat, orientation)

    assert valeurs["initial-reference"] == valeurs["reference"] == "PV-1"
    assert valeurs["initial-telephone"] == "06 12 34 56 78"
    assert valeurs["initial-observations"] == "Première ligne\nSeconde ligne"


def test_un_numero_retape_autrement_n_est_pas_une_modification(client_secretariat, orientation):
    valeurs = formulaire_ouvert(client_secretariat, orientation)

    reponse = client_secretariat.post(url_modifier(orientation), valeurs | {"telephone": "+33 6 12345678"})

    assert reponse.status_code == 302
    assert orientation.personne.history.count() == 1  # nothing written


def test_un_numero_invalide_est_refuse_a_cote_du_champ(client_secretariat, orientation):
    valeurs = formulaire_ouvert(client_secretariat, orientation)

    reponse = client_secretariat.post(url_modifier(orientation), valeurs | {"telephone": "06 12"})

    assert erreur_affichee(reponse, "telephone").startswith("Numéro de téléphone invalide")
    orientation.personne.refresh_from_db()
    assert orientation.personne.telephone == "+33612345678"


def test_deux_modifications_de_champs_differents_sont_gardees(
    client_secretariat, collegue, orientation
):
    mien, sien = formulaire_ouvert(client_secretariat, orientation), formulaire_ouvert(collegue, orientation)

    assert collegue.post(url_modifier(orientation), sien | {"telephone": "06 98 76 54 32"}).status_code == 302
    # As a browser sends a textarea: line breaks as CRLF, the saved text has LF.
    reponse = client_secretariat.post(url_modifier(orientation), mien | {
        "reference": "PV-2", "observations": "Première ligne\r\nSeconde ligne, complétée",
        "initial-observations": mien["initial-observations"].replace("\n", "\r\n"),
    })

    assert reponse.status_code == 302
    orientation.refresh_from_db()
    assert orientation.reference == "PV-2"
    assert orientation.observations == "Première ligne\r\nSeconde ligne, complétée"
    assert orientation.personne.telephone == "+33698765432"  # not put back to the value I saw


def test_meme_champ_modifie_par_deux_refuse_au_second_sans_rien_enregistrer(
    client_secretariat, collegue, orientation
):
    mien, sien = formulaire_ouvert(client_secretariat, orientation), formulaire_ouvert(collegue, orientation)
    collegue.post(url_modifier(orientation), sien | {"reference": "PV-COLLEGUE"})

    reponse = client_secretariat.post(
        url_modifier(orientation), mien | {"reference": "PV-MOI", "email": "eloise@example.fr"}
    )

    assert reponse.status_code == 200
    assert erreur_affichee(reponse, "reference") == (
        "Modifié entre-temps par un collègue : la valeur enregistrée est maintenant "
        "« PV-COLLEGUE ». Vérifiez, puis enregistrez à nouveau pour garder la vôtre."
    )
    orientation.refresh_from_db()
    assert orientation.reference == "PV-COLLEGUE"
    assert orientation.personne.email == ""  # nothing half saved
    assert orientation.history.count() == 2 and orientation.personne.history.count() == 1

    # The form shown again now carries the saved value: sending it keeps mine, knowingly.
    renvoyees = valeurs_envoyees(reponse)
    assert renvoyees["reference"] == "PV-MOI"
    assert renvoyees["initial-reference"] == "PV-COLLEGUE"
    assert client_secretariat.post(url_modifier(orientation), renvoyees).status_code == 302
    orientation.refresh_from_db()
    assert orientation.reference == "PV-MOI" and orientation.personne.email == "eloise@example.fr"


def test_meme_valeur_saisie_par_les_deux_n_est_pas_un_conflit(
    client_secretariat, collegue, orientation
):
    mien, sien = formulaire_ouvert(client_secretariat, orientation), formulaire_ouvert(collegue, orientation)
    collegue.post(url_modifier(orientation), sien | {"reference": "PV-2", "telephone": "0698765432"})

    reponse = client_secretariat.post(
        url_modifier(orientation), mien | {"reference": "PV-2", "telephone": "06 98 76 54 32"}
    )

    assert reponse.status_code == 302
    orientation.refresh_from_db()
    assert orientation.reference == "PV-2" and orientation.personne.telephone == "+33698765432"


def test_conflit_sur_le_prescripteur_nomme_le_prescripteur_enregistre(
    client_secretariat, collegue, antenne, orientation
):
    autre = creer_prescripteur(antenne, nom="SPIP de Perpignan")
    troisieme = creer_prescripteur(antenne, nom="JAP de Perpignan")
    mien, sien = formulaire_ouvert(client_secretariat, orientation), formulaire_ouvert(collegue, orientation)
    collegue.post(url_modifier(orientation), sien | {"prescripteur": str(autre.pk)})

    reponse = client_secretariat.post(url_modifier(orientation), mien | {"prescripteur": str(troisieme.pk)})

    assert "maintenant « SPIP de Perpignan »" in erreur_affichee(reponse, "prescripteur")
    orientation.refresh_from_db()
    assert orientation.prescripteur == autre


def test_un_conflit_sur_la_personne_bloque_aussi_l_orientation(orientation):
    """The service checks every field of both rows before writing either."""
    ouverte_avant = Orientation.objects.get(pk=orientation.pk)
    orientation_modifier(orientation=orientation, champs_orientation={},
                         champs_personne={"nom": Saisie(vue="Durand", nouvelle="Dupont")})

    with pytest.raises(Exception) as refus:
        orientation_modifier(
            orientation=ouverte_avant,
            champs_orientation={"reference": Saisie(vue="PV-1", nouvelle="PV-9")},
            champs_personne={"nom": Saisie(vue="Durand", nouvelle="Durant")},
        )

    assert list(refus.value.error_dict) == ["nom"]
    orientation.refresh_from_db()
    assert (orientation.reference, orientation.personne.nom) == ("PV-1", "Dupont")


def test_date_vue_comparee_a_la_date_enregistree(orientation):
    orientation_modifier(
        orientation=orientation, champs_personne={},
        champs_orientation={"date_orientation": Saisie(vue=orientation.date_orientation,
                                                       nouvelle=date(2026, 9, 2))},
    )
    orientation.refresh_from_db()
    assert orientation.date_orientation == date(2026, 9, 2)
