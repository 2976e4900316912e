"""The orientation pages through the test client: creation, duplicates, the page and its
timeline, the actions, closed orientations, another antenne, query counts."""

import html
import re
from datetime import date, timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from stages.dates import date_longue
from stages.models import Cadre, Orientation, Personne, Prescripteur, Role, Statut
from stages.services import Saisie, echeance_prolonger, orientation_modifier, orientation_sortir
from tests.factories import (
    creer_orientation,
    creer_personne,
    creer_prescripteur,
    creer_utilisateur,
    dans_l_antenne,
)
from tests.stages.test_orientation_formulaires import erreur_affichee, saisie_creation

HTMX = {"HX-Request": "true"}
URL_NOUVELLE = reverse("stages:orientation_nouvelle")


@pytest.fixture
def prescripteur(antenne):
    return creer_prescripteur(antenne, nom="Parquet de Perpignan")


@pytest.fixture
def orientation(antenne, prescripteur):
    personne = creer_personne(antenne, nom="Durand", prenom="Éloïse", sexe="F")
    return creer_orientation(antenne, personne=personne, prescripteur=prescripteur,
                             reference="PV-1", date_decision=date(2026, 8, 20))


def url(nom: str, orientation: Orientation) -> str:
    return reverse(f"stages:{nom}", kwargs={"orientation_id": orientation.pk})


def messages_de(reponse) -> list[str]:
    return [str(m) for m in get_messages(reponse.wsgi_request)]


def page(client, orientation) -> str:
    return client.get(url("orientation", orientation)).content.decode()


# --- Creation --------------------------------------------------------------------------------

def test_creation_echeance_par_defaut_decision_plus_six_mois(client_secretariat, prescripteur):
    reponse = client_secretariat.post(URL_NOUVELLE, saisie_creation(prescripteur))

    orientation = Orientation.objects.get()
    assert reponse.status_code == 302
    assert reponse.url == url("orientation", orientation)
    assert orientation.echeance == orientation.echeance_initiale == date(2027, 3, 1)
    assert orientation.personne.telephone == "+33612345678"
    assert orientation.antenne == prescripteur.antenne
    assert messages_de(reponse) == [
        "Orientation de MARTIN Léo enregistrée, échéance le lundi 1er mars 2027."
    ]


def test_creation_peine_de_stage_compte_depuis_la_condamnation_definitive(
    client_secretariat, prescripteur
):
    client_secretariat.post(URL_NOUVELLE, saisie_creation(
        prescripteur, cadre=Cadre.PEINE, date_decision="2026-06-01", date_definitive="2026-06-15",
    ))
    assert Orientation.objects.get().echeance == date(2026, 12, 15)


def test_creation_volontaire_sans_prescripteur_et_echeance_saisie_gardee(
    client_secretariat, prescripteur
):
    client_secretariat.post(URL_NOUVELLE, saisie_creation(
        prescripteur, cadre=Cadre.VOLONTAIRE, prescripteur="", date_decision="",
        echeance="2027-01-31",
    ))
    orientation = Orientation.objects.get()
    assert orientation.prescripteur is None and orientation.echeance == date(2027, 1, 31)


def test_double_envoi_du_meme_formulaire_cree_une_seule_orientation(
    client_secretariat, prescripteur
):
    saisie = saisie_creation(prescripteur)
    premiere = client_secretariat.post(URL_NOUVELLE, saisie)
    seconde = client_secretariat.post(URL_NOUVELLE, saisie)

    assert Orientation.objects.count() == Personne.objects.count() == 1
    assert seconde.status_code == 302 and seconde.url == premiere.url
    assert messages_de(seconde)[-1] == (
        "Cette orientation était déjà enregistrée : elle n'a pas été créée une seconde fois."
    )
    # Another form (a new key) for the same person is a second orientation when it is another
    # one (see tests/stages/test_aller_retour.py for the same one typed again).
    client_secretariat.post(URL_NOUVELLE, saisie_creation(
        prescripteur, personne_existante=Personne.objects.get().pk, reference="PQ-2",
    ))
    assert Orientation.objects.count() == 2


def test_double_envoi_en_htmx_redirige_le_navigateur(client_secretariat, prescripteur):
    reponse = client_secretariat.post(URL_NOUVELLE, saisie_creation(prescripteur), headers=HTMX)
    assert reponse.status_code == 200
    assert reponse["HX-Redirect"] == url("orientation", Orientation.objects.get())


# --- Possible duplicates -------------------------------------------------------------------

@pytest.fixture
def eloise(antenne):
    return creer_personne(antenne, nom="DURAND", prenom="Éloïse", sexe="F",
                          date_naissance=date(1990, 2, 3), telephone="+33600000001")


def test_fragment_doublons_accents_et_casse_ignores(client_secretariat, eloise):
    reponse = client_secretariat.get(reverse("stages:doublons"), {
        "nom": "durand", "prenom": "eloise", "date_naissance": "1990-02-03",
    }, headers=HTMX)

    contenu = reponse.content.decode()
    assert reponse.status_code == 200
    assert "<html" not in contenu
    assert "Reprendre cette personne" in contenu and "DURAND Éloïse" in contenu
    assert f'name="personne_existante" id="doublon-{eloise.pk}" value="{eloise.pk}"' in contenu
    assert 'value="nouvelle"' in contenu


def test_fragment_doublons_vide_si_identite_incomplete_ou_differente(client_secretariat, eloise):
    for identite in ({"nom": "durand", "prenom": "eloise"},
                     {"nom": "durand", "prenom": "eloise", "date_naissance": "1990-02-04"}):
        reponse = client_secretariat.get(reverse("stages:doublons"), identite, headers=HTMX)
        assert "Reprendre cette personne" not in reponse.content.decode()


@pytest.mark.parametrize(("connue", "saisie", "doublon"), [
    (("Lætitia", "Cœur"), ("Laetitia", "COEUR"), True),
    (("Jean", "d’Artagnan"), ("jean", "D'ARTAGNAN"), True),
    (("Андрей", "Иванов"), ("андрей", "ИВАНОВ"), True),
    (("Андрей", "Иванов"), ("Мария", "Петрова"), False),  # no longer both reduced to ''
])
def test_doublons_lettres_liees_apostrophes_et_autres_ecritures(
    client_secretariat, antenne, connue, saisie, doublon
):
    creer_personne(antenne, prenom=connue[0], nom=connue[1], date_naissance=date(1990, 2, 3))
    reponse = client_secretariat.get(reverse("stages:doublons"), {
        "prenom": saisie[0], "nom": saisie[1], "date_naissance": "1990-02-03",
    }, headers=HTMX)
    assert ("Reprendre cette personne" in reponse.content.decode()) is doublon


def test_doublon_jamais_fusionne_en_silence(client_secretariat, prescripteur, eloise):
    saisie = saisie_creation(prescripteur, nom="Durand", prenom="eloise",
                             date_naissance="1990-02-03", sexe="F")

    reponse = client_secretariat.post(URL_NOUVELLE, saisie)

    assert reponse.status_code == 200
    assert "déjà connue" in erreur_affichee(reponse, "personne_existante")
    assert "Reprendre cette personne" in reponse.content.decode()
    assert Orientation.objects.count() == 0 and Personne.objects.count() == 1


def test_doublon_repris_la_fiche_existante_est_utilisee_telle_quelle(
    client_secretariat, prescripteur, eloise
):
    saisie = saisie_creation(prescripteur, nom="Durand", prenom="eloise",
                             date_naissance="1990-02-03", sexe="", telephone="0699999999",
                             personne_existante=eloise.pk)

    reponse = client_secretariat.post(URL_NOUVELLE, saisie)

    assert reponse.status_code == 302
    assert Orientation.objects.get().personne == eloise
    eloise.refresh_from_db()
    assert eloise.telephone == "+33600000001" and eloise.prenom == "Éloïse"
    assert Personne.objects.count() == 1


def test_doublon_ecarte_explicitement_cree_une_seconde_fiche(
    client_secretariat, prescripteur, eloise
):
    client_secretariat.post(URL_NOUVELLE, saisie_creation(
        prescripteur, nom="Durand", prenom="Eloise", date_naissance="1990-02-03",
        sexe="F", personne_existante="nouvelle",
    ))
    assert Personne.objects.count() == 2
    assert Orientation.objects.get().personne != eloise


def test_personne_d_une_autre_antenne_jamais_proposee_ni_reprise(
    client_secretariat, prescripteur, autre_antenne
):
    ailleurs = creer_personne(autre_antenne, nom="Durand", prenom="Éloïse",
                              date_naissance=date(1990, 2, 3))
    identite = {"nom": "Durand", "prenom": "Éloïse", "date_naissance": "1990-02-03"}

    fragment = client_secretariat.get(reverse("stages:doublons"), identite, headers=HTMX)
    reprise = client_secretariat.post(URL_NOUVELLE, saisie_creation(
        prescripteur, personne_existante=ailleurs.pk, **identite,
    ))

    assert "Reprendre" not in fragment.content.decode()
    assert reprise.status_code == 200
    assert "pas connue de votre antenne" in erreur_affichee(reprise, "personne_existante")
    assert Orientation.objects.count() == 0 and Personne.objects.count() == 1


# --- The page and its timeline -------------------------------------------------------------

def test_page_personne_orientation_echeance_et_historique_d_import(client_secretariat, orientation):
    contenu = page(client_secretariat, orientation)

    assert "DURAND Éloïse" in contenu and "06 12 34 56 78" in contenu
    assert "Alternative aux poursuites (CPP 41-1)" in contenu and "Parquet de Perpignan" in contenu
    assert "samedi 20 février 2027" in contenu  # échéance: decision + 6 months
    etat = orientation.etat_echeance(timezone.localdate())
    assert f'badge--{etat}">Échéance : {etat.label.lower()}' in contenu
    assert "Prolongée" not in contenu
    # Made by a factory, without a request: nobody to name.
    assert "système / import" in contenu and "Orientation : création" in contenu


def test_historique_apres_modification_qui_quand_avant_apres(
    client_secretariat, secretariat, orientation, prescripteur
):
    secretariat.first_name, secretariat.last_name = "Sophie", "Garcia"
    secretariat.save()
    saisie = saisie_creation(
        prescripteur, nom="Durand", prenom="Éloïse", sexe="F", date_naissance="1980-01-01",
        telephone="06 98 76 54 32", reference="PV-2", type_stage="femmes",
        date_orientation="2026-09-01", date_decision="2026-08-20",
    )

    reponse = client_secretariat.post(url("orientation_modifier", orientation), saisie)

    assert reponse.status_code == 302
    assert messages_de(reponse) == ["Modifications enregistrées."]
    contenu = page(client_secretariat, orientation)
    historique = contenu.split('id="titre-historique"', 1)[1]
    assert "Sophie Garcia" in historique
    assert f"{date_longue(timezone.localdate())} à " in historique
    for champ, avant, apres in [
        ("Référence du dossier", "PV-1", "PV-2"),
        ("Type de stage requis", "Mixte", "Non mixte (femmes)"),
        ("Téléphone", "06 12 34 56 78", "06 98 76 54 32"),
    ]:
        assert re.search(
            rf"<strong>{re.escape(champ)}</strong> :\s*<span class=\"visuellement-cache\">avant</span>"
            rf" {re.escape(avant)}\s*<span aria-hidden=\"true\">→</span>"
            rf"<span class=\"visuellement-cache\">, après</span> {re.escape(apres)}", historique,
        ), champ
    assert "Motif : Modification" in historique


def _modifier(client, orientation, prescripteur, **champs):
    """POST the edit form with the saved values, but `champs`."""
    personne = orientation.personne
    saisie = saisie_creation(
        prescripteur, nom=personne.nom, prenom=personne.prenom, sexe=personne.sexe,
        date_naissance=personne.date_naissance.isoformat(), telephone="06 12 34 56 78",
        reference=orientation.reference, date_orientation=orientation.date_orientation.isoformat(),
        date_decision=orientation.date_decision.isoformat(),
    )
    return client.post(url("orientation_modifier", orientation), saisie | champs)


def test_modifier_ne_change_pas_l_echeance_ni_n_ecrit_d_historique_vide(
    client_secretariat, orientation, prescripteur
):
    _modifier(client_secretariat, orientation, prescripteur, echeance="2030-01-01")

    orientation.refresh_from_db()
    assert orientation.echeance == date(2027, 2, 20)
    assert orientation.history.count() == 1 and orientation.personne.history.count() == 1


def test_modifier_garde_une_prolongation_faite_entre_temps_par_une_collegue(orientation):
    """The edit form was opened before a colleague extended the deadline: only the fields
    changed in the form are applied, on the fresh row."""
    ouverte_avant = Orientation.objects.get(pk=orientation.pk)
    echeance_prolonger(orientation=orientation, nouvelle_echeance=date(2027, 6, 30),
                       motif="Report", accord="Parquet")

    orientation_modifier(
        orientation=ouverte_avant, champs_personne={},
        champs_orientation={"reference": Saisie(vue="PV-1", nouvelle="PV-2")},
    )

    orientation.refresh_from_db()
    assert (orientation.reference, orientation.echeance) == ("PV-2", date(2027, 6, 30))
    assert orientation.accord_prolongation == "Parquet"


def test_modifier_une_saisie_impossible_reste_sur_le_formulaire(
    client_secretariat, orientation, prescripteur
):
    saisie = saisie_creation(prescripteur, date_orientation="2026-09-01",
                             date_decision="2026-09-02")
    reponse = client_secretariat.post(url("orientation_modifier", orientation), saisie)

    assert reponse.status_code == 200
    assert "postérieure à la date d'orientation" in erreur_affichee(reponse, "date_decision")
    orientation.refresh_from_db()
    assert orientation.reference == "PV-1" and orientation.history.count() == 1


def test_modifier_la_personne_seule_historise_qui_et_quoi_sans_toucher_l_orientation(
    client_secretariat, secretariat, orientation, prescripteur
):
    reponse = _modifier(client_secretariat, orientation, prescripteur, telephone="0590 12 34 56")

    assert reponse.status_code == 302
    personne = orientation.personne
    modification = personne.history.first()
    assert (modification.history_type, modification.history_user) == ("~", secretariat)
    assert [(c.field, c.old, c.new) for c in modification.diff_against(modification.prev_record).changes] == [
        ("telephone", "+33612345678", "+590590123456")
    ]
    assert orientation.history.count() == 1


def test_corriger_la_date_de_decision_fait_suivre_l_echeance_du_delai(
    client_secretariat, orientation, prescripteur
):
    # Saved with a typo: decided on 20/08/2026, due on 20/02/2027; really decided on 31/08.
    reponse = _modifier(client_secretariat, orientation, prescripteur, date_decision="2026-08-31")

    assert reponse.status_code == 302
    assert messages_de(reponse) == [
        "Modifications enregistrées. L'échéance suit la date corrigée (délai de l'antenne) : "
        "dimanche 28 février 2027."
    ]
    orientation.refresh_from_db()
    assert orientation.echeance == orientation.echeance_initiale == date(2027, 2, 28)
    assert not orientation.est_prolongee
    assert orientation.history.first().prev_record.echeance == date(2027, 2, 20)


@pytest.mark.parametrize("echeance_initiale", [date(2027, 5, 31), date(2027, 2, 20)])
def test_corriger_la_decision_garde_une_echeance_saisie_ou_prolongee(
    client_secretariat, orientation, prescripteur, echeance_initiale
):
    # Typed at creation (31/05/2027, the prescripteur's own delay), or prolonged to it.
    Orientation.objects.filter(pk=orientation.pk).update(
        echeance=date(2027, 5, 31), echeance_initiale=echeance_initiale
    )

    reponse = _modifier(client_secretariat, orientation, prescripteur, date_decision="2026-08-31")

    assert messages_de(reponse) == ["Modifications enregistrées."]
    orientation.refresh_from_db()
    assert (orientation.date_decision, orientation.echeance) == (date(2026, 8, 31), date(2027, 5, 31))
    assert orientation.echeance_initiale == echeance_initiale


def test_corriger_la_decision_apres_une_echeance_prolongee_est_refuse_sans_erreur_serveur(
    client_secretariat, orientation, prescripteur
):
    # Decision typed in 2025 instead of 2026, échéance then prolonged once (still past).
    Orientation.objects.filter(pk=orientation.pk).update(
        date_orientation=date(2026, 11, 1), date_decision=date(2025, 10, 15),
        echeance_initiale=date(2026, 4, 15), echeance=date(2026, 6, 30),
    )
    orientation.refresh_from_db()

    reponse = _modifier(client_secretariat, orientation, prescripteur, date_decision="2026-10-15")

    assert reponse.status_code == 200
    alerte = reponse.content.decode().split('role="alert"', 1)[1].split("</div>", 1)[0]
    assert "L'échéance ne peut pas précéder la date de la décision." in html.unescape(alerte)
    orientation.refresh_from_db()
    assert orientation.date_decision == date(2025, 10, 15)


def test_urgence_sur_une_orientation_reprise_incomplete_sans_erreur_serveur(
    client_secretariat, orientation
):
    # Data of an old spreadsheet: a judicial cadre without its prescripteur.
    Orientation.objects.filter(pk=orientation.pk).update(prescripteur=None)

    reponse = client_secretariat.post(url("orientation_urgence", orientation),
                                      {
        "antenne_formulaire": orientation.antenne_id, "urgent": "on", "motif_urgence": "Réorientation"})

    assert reponse.status_code == 200
    assert "Indiquez le prescripteur de cette mesure judiciaire." in reponse.content.decode()
    orientation.refresh_from_db()
    assert not orientation.urgent


def test_prolonger_avec_accord_visible_dans_l_historique(client_secretariat, orientation):
    reponse = client_secretariat.post(url("orientation_prolonger", orientation), {
        "antenne_formulaire": orientation.antenne_id,
        "nouvelle_echeance": "2027-06-30", "motif": "Deux reports demandés",
        "accord": "Mme Roux, parquet, courriel du 20/11/2026",
    })

    assert reponse.status_code == 302
    assert messages_de(reponse) == ["Échéance prolongée avec l'accord du prescripteur."]
    orientation.refresh_from_db()
    assert orientation.echeance == date(2027, 6, 30) and orientation.est_prolongee
    contenu = page(client_secretariat, orientation)
    assert "Prolongée" in contenu and "accord : Mme Roux, parquet, courriel du 20/11/2026" in contenu
    historique = contenu.split('id="titre-historique"', 1)[1]
    assert "Motif : Échéance prolongée : Deux reports demandés" in historique
    assert re.search(r"<strong>Échéance</strong> :.*?20/02/2027.*?→.*?30/06/2027", historique, re.S)
    assert re.search(r"<strong>Accord de prolongation</strong> :.*?—.*?Mme Roux", historique, re.S)


def test_prolonger_refuse_une_date_anterieure(client_secretariat, orientation):
    reponse = client_secretariat.post(url("orientation_prolonger", orientation), {
        "antenne_formulaire": orientation.antenne_id,
        "nouvelle_echeance": "2027-01-01", "motif": "Report", "accord": "Parquet",
    })

    assert reponse.status_code == 200
    assert "doit être postérieure à l'actuelle (20/02/2027)" in erreur_affichee(
        reponse, "nouvelle_echeance", "prolongation"
    )
    orientation.refresh_from_db()
    assert orientation.echeance == date(2027, 2, 20) and orientation.history.count() == 1


def test_prolonger_en_htmx_erreurs_dans_le_fragment_seul(client_secretariat, orientation):
    reponse = client_secretariat.post(url("orientation_prolonger", orientation),
                                      dans_l_antenne(orientation.antenne), headers=HTMX)

    contenu = reponse.content.decode()
    assert reponse.status_code == 200
    assert "<html" not in contenu and 'id="titre-historique"' not in contenu
    for champ in ("nouvelle_echeance", "motif", "accord"):
        assert "obligatoire" in erreur_affichee(reponse, champ, "prolongation")


def test_action_en_get_ouvre_son_formulaire_sur_la_page(client_secretariat, orientation):
    contenu = client_secretariat.get(url("orientation_prolonger", orientation)).content.decode()
    assert re.search(r'<details class="action" open>\s*<summary>Prolonger', contenu)


def test_urgence_motif_exige_puis_enregistree(client_secretariat, orientation):
    refus = client_secretariat.post(url("orientation_urgence", orientation), {
        "antenne_formulaire": orientation.antenne_id, "urgent": "on"})
    assert "motif de l'urgence" in erreur_affichee(refus, "motif_urgence", "urgence")

    client_secretariat.post(url("orientation_urgence", orientation),
                            {
        "antenne_formulaire": orientation.antenne_id, "urgent": "on", "motif_urgence": "Urgence du parquet"})

    orientation.refresh_from_db()
    assert orientation.urgent and orientation.motif_urgence == "Urgence du parquet"
    assert "Motif : Urgence : Urgence du parquet" in page(client_secretariat, orientation)


def test_un_long_motif_d_urgence_est_garde_entier(client_secretariat, orientation):
    motif = "Réorientation après deux absences excusées " * 4  # beyond history's 100 characters
    reponse = client_secretariat.post(url("orientation_urgence", orientation),
                                      {
        "antenne_formulaire": orientation.antenne_id, "urgent": "on", "motif_urgence": motif.strip()})
    assert reponse.status_code == 302
    orientation.refresh_from_db()
    assert orientation.motif_urgence == motif.strip()


# --- Leaving the list ----------------------------------------------------------------------

@pytest.mark.parametrize(("donnees", "champ", "message"), [
    ({"statut": "annulee", "confirmation": "on"}, "motif", "obligatoire"),
    ({"statut": "annulee", "motif": "Accord du parquet"}, "confirmation", "Je confirme"),
    ({"statut": "transferee", "motif": "Déménagement", "confirmation": "on"}, "destination",
     "destination"),
])
def test_sortie_exige_motif_confirmation_et_destination(
    client_secretariat, orientation, donnees, champ, message
):
    reponse = client_secretariat.post(url("orientation_sortir", orientation),
                                      donnees | dans_l_antenne(orientation.antenne))

    assert reponse.status_code == 200
    assert message in erreur_affichee(reponse, champ, "sortie")
    orientation.refresh_from_db()
    assert orientation.statut == Statut.EN_ATTENTE


@pytest.mark.parametrize(("donnees", "statut", "sortie"), [
    ({"statut": "annulee", "motif": "Accord du parquet du 12/11"}, Statut.ANNULEE,
     ("Accord du parquet du 12/11", "")),
    ({"statut": "transferee", "destination": "Hérault (34)", "motif": "Déménagement"},
     Statut.TRANSFEREE, ("Déménagement", "Hérault (34)")),
])
def test_sortie_quitte_la_liste_mais_la_fiche_reste(
    client_secretariat, orientation, donnees, statut, sortie
):
    liste = reverse("stages:liste_attente")
    assert "DURAND Éloïse" in client_secretariat.get(liste).content.decode()

    reponse = client_secretariat.post(url("orientation_sortir", orientation),
                                      donnees | {"confirmation": "on"} | dans_l_antenne(orientation.antenne))

    assert reponse.status_code == 302
    orientation.refresh_from_db()
    assert orientation.statut == statut
    assert (orientation.motif_sortie, orientation.destination) == sortie
    assert "DURAND Éloïse" not in client_secretariat.get(liste).content.decode()
    filtree = client_secretariat.get(liste, {"statut": statut}).content.decode()
    assert "DURAND Éloïse" in filtree
    fiche = client_secretariat.get(url("orientation", orientation))
    assert fiche.status_code == 200
    assert "ne figure plus dans la liste d'attente" in fiche.content.decode()


ACTIONS_VALIDES = [
    ("orientation_urgence", {"urgent": "on", "motif_urgence": "Réorientation"}),
    ("orientation_prolonger", {"nouvelle_echeance": "2028-01-01", "motif": "x", "accord": "y"}),
    ("orientation_sortir", {"statut": "transferee", "destination": "Gard", "motif": "x",
                            "confirmation": "on"}),
]


@pytest.mark.parametrize(("nom", "donnees"), ACTIONS_VALIDES)
@pytest.mark.parametrize("entetes", [{}, HTMX], ids=["page", "htmx"])
def test_orientation_sortie_refuse_toute_action_en_francais(
    client_secretariat, orientation, nom, donnees, entetes
):
    orientation_sortir(orientation=orientation, statut=Statut.ANNULEE, motif="Accord du parquet")
    historique = orientation.history.count()

    reponse = client_secretariat.post(url(nom, orientation), donnees | dans_l_antenne(orientation.antenne),
                                      headers=entetes)

    assert reponse.status_code in (200, 302)
    assert messages_de(reponse) == [
        "Cette orientation est « annulée » : elle ne peut plus être modifiée."
    ]
    orientation.refresh_from_db()
    assert orientation.statut == Statut.ANNULEE and orientation.history.count() == historique


def test_orientation_sortie_refuse_la_modification_et_n_affiche_plus_d_action(
    client_secretariat, orientation, prescripteur
):
    orientation_sortir(orientation=orientation, statut=Statut.TRANSFEREE, motif="Déménagement",
                       destination="Gard (30)")
    reponse = client_secretariat.post(url("orientation_modifier", orientation), saisie_creation(
        prescripteur, date_orientation="2026-09-01", date_decision="2026-08-20",
        reference="PV-99",
    ))

    assert reponse.status_code == 302
    assert messages_de(reponse) == [
        "Cette orientation est « transférée » : elle ne peut plus être modifiée."
    ]
    orientation.refresh_from_db()
    assert orientation.reference == "PV-1"
    contenu = page(client_secretariat, orientation)
    assert "Rouvrir" in contenu and "Modifier la personne" not in contenu
    assert "vers Gard (30) (Déménagement)" in contenu


# --- Quick add of a prescripteur -----------------------------------------------------------

def test_prescripteur_rapide_en_htmx_revient_selectionne_dans_la_liste(
    client_secretariat, secretariat, antenne
):
    fragment = client_secretariat.get(reverse("stages:prescripteur_nouveau"), headers=HTMX)
    assert 'form="form-prescripteur"' in fragment.content.decode()

    reponse = client_secretariat.post(reverse("stages:prescripteur_nouveau"), {
        **dans_l_antenne(antenne),
        "prescripteur-nom": "SPIP de Perpignan", "prescripteur-type": "spip",
    }, headers=HTMX)

    nouveau = Prescripteur.objects.get(nom="SPIP de Perpignan")
    contenu = reponse.content.decode()
    assert nouveau.antenne == antenne and nouveau.actif
    assert reponse["HX-Retarget"] == "#champ-prescripteur"
    assert f'<option value="{nouveau.pk}" selected>SPIP de Perpignan</option>' in contenu
    assert "ajouté et sélectionné" in contenu
    creation = nouveau.history.get()
    assert (creation.history_type, creation.history_user, creation.history_change_reason) == (
        "+", secretariat, "Création"
    )


def test_prescripteur_rapide_sans_js_revient_au_formulaire_preselectionne(client_secretariat, antenne):
    reponse = client_secretariat.post(reverse("stages:prescripteur_nouveau"), {
        **dans_l_antenne(antenne),
        "prescripteur-nom": "JAP de Perpignan", "prescripteur-type": "jap",
        "suivant": URL_NOUVELLE,
    })

    nouveau = Prescripteur.objects.get(nom="JAP de Perpignan")
    assert reponse.status_code == 302
    assert reponse.url == f"{URL_NOUVELLE}?prescripteur={nouveau.pk}"
    formulaire = client_secretariat.get(reponse.url).content.decode()
    assert f'<option value="{nouveau.pk}" selected>' in formulaire


def test_prescripteur_rapide_refuse_un_doublon_et_une_adresse_de_retour_externe(
    client_secretariat, prescripteur, antenne
):
    doublon = client_secretariat.post(reverse("stages:prescripteur_nouveau"), {
        **dans_l_antenne(antenne),
        "prescripteur-nom": prescripteur.nom, "prescripteur-type": "parquet",
        "suivant": "https://exemple.invalid/",
    })
    assert doublon.status_code == 200
    assert "existe déjà" in doublon.content.decode()
    assert Prescripteur.objects.count() == 1

    ailleurs = client_secretariat.post(reverse("stages:prescripteur_nouveau"), {
        **dans_l_antenne(antenne),
        "prescripteur-nom": "Autre", "prescripteur-type": "jaf",
        "suivant": "https://exemple.invalid/",
    })
    assert ailleurs.url.startswith(URL_NOUVELLE)


# --- Another antenne, query counts ---------------------------------------------------------

VUES_D_UNE_ORIENTATION = ["orientation", "orientation_modifier", "orientation_urgence",
                          "orientation_prolonger", "orientation_corriger_echeance",
                          "orientation_sortir", "orientation_rouvrir"]


@pytest.mark.parametrize("nom", VUES_D_UNE_ORIENTATION)
def test_autre_antenne_recoit_404_partout(client, autre_antenne, orientation, nom):
    client.force_login(creer_utilisateur(Role.SECRETARIAT, autre_antenne))
    for entetes in ({}, HTMX):
        assert client.get(url(nom, orientation), headers=entetes).status_code == 404
        # A form of their own antenne (the hidden field says so), aimed at antenne A's.
        assert client.post(url(nom, orientation), ACTIONS_VALIDES[0][1] | dans_l_antenne(autre_antenne),
                           headers=entetes).status_code == 404
    orientation.refresh_from_db()
    assert not orientation.urgent


@pytest.mark.parametrize("nom", [*VUES_D_UNE_ORIENTATION, "orientation_nouvelle", "doublons",
                                 "prescripteur_nouveau"])
def test_animateur_sans_droit_sur_la_liste_recoit_403(client, antenne, orientation, nom):
    client.force_login(creer_utilisateur(Role.ANIMATEUR, antenne))
    chemin = reverse(f"stages:{nom}", kwargs={"orientation_id": orientation.pk}
                     if nom in VUES_D_UNE_ORIENTATION else {})
    assert client.get(chemin).status_code == 403


def _historique_de(orientation: Orientation, enregistrements: int, antenne) -> None:
    """Creation, then a change of prescripteur (whose names the timeline reads), then
    extensions up to the number of history records asked for."""
    if enregistrements > 1:
        orientation.prescripteur = creer_prescripteur(antenne)
        orientation.save()
    for numero in range(enregistrements - 2):
        echeance_prolonger(orientation=orientation,
                           nouvelle_echeance=orientation.echeance + timedelta(days=1 + numero),
                           motif=f"Report {numero}", accord="Parquet")
    assert orientation.history.count() == enregistrements


@pytest.mark.parametrize("nombre", [1, 200])
def test_page_nombre_de_requetes_borne(
    client_secretariat, orientation, prescripteur, antenne, nombre,
    django_assert_max_num_queries,
):
    """`nombre` history records, and as many other orientations of the same person."""
    _historique_de(orientation, nombre, antenne)
    for _ in range(nombre):
        creer_orientation(antenne, personne=orientation.personne, prescripteur=prescripteur)

    # The budget's 12, plus 2 that are the test's savepoint around the session save; the
    # consultation traced is one of them, the convocations' part of the timeline another, the
    # convocations' section another, and the notices' section (convocations.views.avis) another.
    with django_assert_max_num_queries(15):
        reponse = client_secretariat.get(url("orientation", orientation))

    # One event per record of the orientation, plus the creation of the person.
    contenu = reponse.content.decode()
    assert contenu.count('class="chronologie__evenement"') == nombre + 1
    assert contenu.count("orientée le") == nombre


@pytest.mark.parametrize("nombre", [1, 200])
@pytest.mark.parametrize(("nom", "de_l_orientation", "htmx", "maximum"), [
    ("orientation_nouvelle", False, False, 7), ("orientation_modifier", True, False, 9),
    ("orientation_prolonger", True, True, 7), ("orientation_urgence", True, True, 7),
    ("orientation_sortir", True, True, 8),  # the antennes a transfer may go to
    ("prescripteur_nouveau", False, True, 6),
    ("doublons", False, True, 8),
])
def test_formulaires_et_fragments_nombre_de_requetes_borne(
    client_secretariat, orientation, antenne, nombre, nom, de_l_orientation, htmx, maximum,
    django_assert_max_num_queries,
):
    """`nombre` prescripteurs in the form's list, and as many namesakes of the person."""
    for n in range(nombre):
        creer_prescripteur(antenne, nom=f"Prescripteur {n:03}")
        creer_personne(antenne, nom="Durand", prenom="Éloïse", sexe="F",
                       date_naissance=orientation.personne.date_naissance)
    adresse = reverse(f"stages:{nom}", args=[orientation.pk] if de_l_orientation else [])
    identite = {"nom": "durand", "prenom": "eloise",
                "date_naissance": orientation.personne.date_naissance.isoformat()}

    with django_assert_max_num_queries(maximum):
        reponse = client_secretariat.get(
            adresse, identite if nom == "doublons" else {},
            headers=HTMX if htmx else {},
        )

    assert reponse.status_code == 200
    contenu = reponse.content.decode()
    if nom in ("orientation_nouvelle", "orientation_modifier"):
        assert contenu.count(">Prescripteur ") == nombre
    if nom == "doublons":
        assert contenu.count("Reprendre cette personne") == nombre + 1


@pytest.mark.parametrize("nombre", [1, 200])
def test_page_nombre_exact_de_requetes(
    client_secretariat, orientation, prescripteur, antenne, nombre, django_assert_num_queries,
):
    """The person's other orientations are read by the person: one query, however many."""
    for _ in range(nombre):
        creer_orientation(antenne, personne=orientation.personne, prescripteur=prescripteur)
    client_secretariat.get(url("orientation", orientation))  # the session renewed once

    with django_assert_num_queries(12):  # 9, the convocations' timeline and section, the notices
        reponse = client_secretariat.get(url("orientation", orientation))

    assert reponse.content.decode().count("orientée le") == nombre
