"""The stages screens: who sees what (staff of the antenne, the animateur of a stage, other
antennes), the forms and their French errors, never a 500, pinned query counts."""

import copy
from datetime import date, time, timedelta

import pytest
from django.contrib.messages import get_messages
from django.db.models import Value
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from commun import encarts
from stages.models import Role, Seance, Stage, StatutStage
from stages.planning import stage_annuler, stage_modifier
from tests.factories import creer_antenne, creer_stage, creer_utilisateur, dans_l_antenne

HTMX = {"HX-Request": "true"}
LUNDI = date(2027, 1, 11)


def url(nom: str, *args) -> str:
    return reverse(f"stages:{nom}", args=args)


def messages_de(reponse) -> list[str]:
    return [str(m) for m in get_messages(reponse.wsgi_request)]


@pytest.fixture
def stage(antenne):
    return creer_stage(antenne, jours=(LUNDI, LUNDI + timedelta(days=1)), lieu="Salle Arago")


@pytest.fixture
def animateur(antenne):
    return creer_utilisateur(Role.ANIMATEUR, antenne, first_name="Antoine", last_name="Roux")


@pytest.fixture
def client_animateur(client, animateur):
    client.force_login(animateur)
    return client


def formulaire_stage(antenne, seances: list[dict], **champs) -> dict:
    donnees = {
        "creer": "1", "lieu": "Maison des associations", "type_stage": "mixte", "places": "12",
        "surreservation": "3", "tarif": "", "adresse_lieu": "", "acces_lieu": "",
        "justification_duree": "", **dans_l_antenne(antenne), **formset(seances, initiales=len(seances)),
    }
    return donnees | champs


def formset(seances: list[dict], initiales: int = 0) -> dict:
    donnees = {"seances-TOTAL_FORMS": str(len(seances)), "seances-INITIAL_FORMS": str(initiales),
               "seances-MIN_NUM_FORMS": "0", "seances-MAX_NUM_FORMS": "60"}
    for n, seance in enumerate(seances):
        valeurs = {"date": "11/01/2027", "debut": "09:00", "fin": "16:30", "pauses_minutes": "90",
                   "module": "", "id": ""} | seance
        donnees |= {f"seances-{n}-{cle}": valeur for cle, valeur in valeurs.items()}
    return donnees


# --- The list ---------------------------------------------------------------------------------

def test_liste_a_venir_et_passes_de_l_antenne_seulement(client_secretariat, antenne, autre_antenne,
                                                         monkeypatch):
    monkeypatch.setitem(encarts._ANNOTATIONS, "stages", [])  # as if no app counted convocations
    aujourd_hui = timezone.localdate()
    a_venir = creer_stage(antenne, jours=(aujourd_hui + timedelta(days=20),), lieu="Salle à venir")
    passe = creer_stage(antenne, jours=(aujourd_hui - timedelta(days=20),), lieu="Salle passée")
    creer_stage(autre_antenne, jours=(aujourd_hui + timedelta(days=20),), lieu="Salle de Mende")

    reponse = client_secretariat.get(url("stages"))

    assert reponse.status_code == 200
    assert [s.pk for s in reponse.context["a_venir"]] == [a_venir.pk]
    assert [s.pk for s in reponse.context["passes"]] == [passe.pk]
    contenu = reponse.content.decode()
    assert "Salle à venir" in contenu and "Salle passée" in contenu and "Mende" not in contenu
    assert 'href="/stages/nouveau/"' in contenu
    assert "<td class=\"nombre\">—</td>" in contenu


def test_liste_montre_les_comptes_des_apps_du_dessus(client_secretariat, antenne, stage, monkeypatch):
    monkeypatch.setitem(encarts._ANNOTATIONS, "stages", [
        lambda qs: qs.annotate(nb_convoques=Value(14), nb_confirmes=Value(9))])

    contenu = client_secretariat.get(url("stages")).content.decode()

    assert '<td class="nombre">14</td>' in contenu and '<td class="nombre">9</td>' in contenu
    assert "12 <span" in contenu  # places, then the over-booking


@pytest.mark.parametrize("nombre", [1, 50])
def test_liste_nombre_de_requetes_borne(client_secretariat, antenne, nombre, django_assert_max_num_queries):
    aujourd_hui = timezone.localdate()
    for n in range(nombre):
        creer_stage(antenne, jours=(aujourd_hui + timedelta(days=n + 1),))
        creer_stage(antenne, jours=(aujourd_hui - timedelta(days=n + 1),))

    # 2 of them: the test's savepoint around the session save.
    with django_assert_max_num_queries(9):
        reponse = client_secretariat.get(url("stages"))

    assert len(reponse.context["a_venir"]) == nombre
    assert len(reponse.context["passes"]) == min(nombre, 20)


def test_liste_des_passes_par_page_en_htmx(client_secretariat, antenne):
    for n in range(25):
        creer_stage(antenne, jours=(date(2020, 1, 1) + timedelta(days=n),))

    reponse = client_secretariat.get(url("stages"), {"page": 2}, headers=HTMX)

    contenu = reponse.content.decode()
    assert "<html" not in contenu and "Page 2 sur 2" in contenu
    assert contenu.count("/stages/") >= 5


def test_l_animateur_ne_voit_que_ses_stages(client_animateur, antenne, animateur, stage):
    autre = creer_stage(antenne, jours=(LUNDI,), lieu="Salle de l'autre équipe")
    stage.animateurs.add(animateur.membres.get())

    reponse = client_animateur.get(url("stages"))

    assert [s.pk for s in reponse.context["a_venir"]] == [stage.pk]
    contenu = reponse.content.decode()
    assert "Salle de l'autre équipe" not in contenu and "/stages/nouveau/" not in contenu
    assert client_animateur.get(url("stage", autre.pk)).status_code == 404


def test_la_coordination_n_ouvre_pas_les_stages(client, antenne, stage):
    client.force_login(creer_utilisateur(Role.COORDINATION))

    assert client.get(url("stages")).status_code == 403
    assert client.get(url("stage", stage.pk)).status_code == 403


# --- The stage page ---------------------------------------------------------------------------

def test_page_du_stage(client_secretariat, antenne, stage, animateur):
    stage.animateurs.add(animateur.membres.get())
    Seance.objects.create(stage=stage, date=date(2027, 1, 17), debut=time(9), fin=time(12))

    reponse = client_secretariat.get(url("stage", stage.pk))

    contenu = reponse.content.decode()
    assert "Salle Arago" in contenu and "Antoine Roux" in contenu
    assert "Tarif du stage : 200,00\u00a0€ (tarif de l'antenne)." in contenu
    assert "12 places + 3 en sur-réservation : 15 convocations au plus" in contenu
    assert "lundi 11 janvier 2027" in contenu
    assert "La séance du 17/01/2027 tombe un dimanche." in contenu
    assert contenu.count('class="badge badge--proche">Dimanche') == 1
    assert "Modifier les séances" in contenu and "Annuler le stage" in contenu


def test_page_du_stage_montre_la_journee_justifiee(client_secretariat, antenne):
    stage = creer_stage(antenne, jours=(LUNDI,), justification_duree="Usage local : 2 fois 7 heures")
    Seance.objects.filter(stage=stage).update(pauses_minutes=60)

    contenu = client_secretariat.get(url("stage", stage.pk)).content.decode()

    assert "Le 11/01/2027 compte 7 h de formation effective" in contenu
    assert "Usage local : 2 fois 7 heures" in contenu and "Plus de 6 h ce jour" in contenu


@pytest.mark.parametrize("page", ["stage", "stage_seances"])
def test_pages_du_stage_avec_les_encarts_des_apps_du_dessus(client_secretariat, stage, settings, tmp_path,
                                                           monkeypatch, page):
    (tmp_path / "encart_essai.html").write_text(
        "<section>Encart {{ message }} — {{ stage.lieu }}</section>")
    settings.TEMPLATES = copy.deepcopy(settings.TEMPLATES)
    settings.TEMPLATES[0]["DIRS"] = [*settings.TEMPLATES[0]["DIRS"], tmp_path]
    monkeypatch.setitem(encarts._ENCARTS, page, [
        encarts.Encart("encart_essai.html",
                       lambda request, objet: {"message": f"du stage {objet.pk}", "stage": objet})])

    contenu = client_secretariat.get(url(page, stage.pk)).content.decode()

    assert f"<section>Encart du stage {stage.pk} — Salle Arago</section>" in contenu


@pytest.mark.parametrize("nombre", [1, 20])
def test_page_du_stage_nombre_de_requetes_borne(client_secretariat, antenne, nombre,
                                                django_assert_max_num_queries):
    stage = creer_stage(antenne, jours=[LUNDI + timedelta(days=n) for n in range(nombre)])
    for _ in range(3):
        stage.animateurs.add(creer_utilisateur(Role.ANIMATEUR, antenne).membres.get())
    for n in range(nombre):  # as many records in its history
        stage_modifier(stage=stage, champs={"lieu": f"Salle {n}"}, motif=f"Changement {n}")

    # 12 of the page's own, the budget (the sections of convocations and of sending
    # included), 2 of the test's savepoint.
    with django_assert_max_num_queries(14):
        reponse = client_secretariat.get(url("stage", stage.pk))

    assert len(reponse.context["lignes"]) == nombre
    assert len(reponse.context["historique"]) == nombre + 1


def test_l_animateur_du_stage_le_lit_sans_pouvoir_le_modifier(client_animateur, animateur, antenne, stage):
    stage.animateurs.add(animateur.membres.get())
    avant = list(Seance.objects.values())

    contenu = client_animateur.get(url("stage", stage.pk)).content.decode()

    assert "Salle Arago" in contenu and "Modifier les séances" not in contenu
    for nom in ("stage_modifier", "stage_seances", "stage_annuler"):
        assert client_animateur.get(url(nom, stage.pk)).status_code == 403
        assert client_animateur.post(url(nom, stage.pk), {"motif": "x", **dans_l_antenne(antenne)}
                                     ).status_code == 403
    assert client_animateur.get(url("stage_nouveau")).status_code == 403
    assert list(Seance.objects.values()) == avant
    assert Stage.objects.get(pk=stage.pk).statut == StatutStage.PLANIFIE


@pytest.mark.parametrize("nom", ["stage", "stage_modifier", "stage_seances", "stage_annuler"])
def test_le_stage_d_une_autre_antenne_est_introuvable(client_secretariat, autre_antenne, nom):
    ailleurs = creer_stage(autre_antenne, jours=(LUNDI,))

    assert client_secretariat.get(url(nom, ailleurs.pk)).status_code == 404


# --- A new stage from its format --------------------------------------------------------------

def test_preparer_les_seances_d_apres_le_format(client_secretariat, antenne, stage):
    reponse = client_secretariat.post(url("stage_nouveau"), {
        "preparer": "1", "premier_jour": "08/02/2027", "format_stage": "2_jours_non_consecutifs",
        "lieu": "Salle tapée", **dans_l_antenne(antenne),
    })

    assert reponse.status_code == 200
    contenu = reponse.content.decode()
    assert 'value="08/02/2027"' in contenu and 'value="15/02/2027"' in contenu
    assert 'value="Salle tapée"' in contenu  # what was typed comes back
    assert "erreur" not in contenu.split('<main')[1].replace("erreurs-htmx", "")
    assert not Stage.objects.exclude(pk=stage.pk).exists()


def test_preparer_en_htmx_ne_renvoie_que_les_seances(client_secretariat, antenne):
    reponse = client_secretariat.post(url("stage_nouveau"), {
        "preparer": "1", "premier_jour": "11/01/2027", "format_stage": "4_demi_journees",
        **dans_l_antenne(antenne),
    }, headers=HTMX)

    contenu = reponse.content.decode()
    assert "<html" not in contenu and 'name="lieu"' not in contenu
    assert contenu.count("<legend>Séance ") == 4
    assert 'value="12/01/2027"' in contenu


def test_la_page_propose_le_format_de_l_antenne_et_son_dernier_lieu(client_secretariat, antenne, stage):
    antenne.format_stage = "7_hebdomadaires"
    antenne.save()

    reponse = client_secretariat.get(url("stage_nouveau"))

    contenu = reponse.content.decode()
    assert 'value="7_hebdomadaires" id="id_format_stage_3" required checked' in contenu
    assert 'value="Salle Arago"' in contenu
    premier = reponse.context["preparation"]["premier_jour"].initial
    assert premier.weekday() == 0 and premier >= timezone.localdate() + timedelta(weeks=4)


def test_creer_le_stage(client_secretariat, antenne, animateur):
    membre = animateur.membres.get()
    reponse = client_secretariat.post(url("stage_nouveau"), formulaire_stage(
        antenne, [{}, {"date": "12/01/2027"}], animateurs=[str(membre.pk)]))

    stage = Stage.objects.get()
    assert reponse.status_code == 302 and reponse["Location"] == url("stage", stage.pk)
    assert (stage.premier_jour, stage.dernier_jour, stage.places) == (LUNDI, date(2027, 1, 12), 12)
    assert list(stage.animateurs.all()) == [membre]
    assert "créé" in messages_de(reponse)[0]


def test_creer_le_stage_en_htmx_redirige(client_secretariat, antenne):
    reponse = client_secretariat.post(url("stage_nouveau"), formulaire_stage(antenne, [{}]), headers=HTMX)

    assert reponse.status_code == 200 and reponse["HX-Redirect"] == url("stage", Stage.objects.get().pk)


@pytest.mark.parametrize(("seances", "champs", "message"), [
    ([{"fin": "08:00", "pauses_minutes": "0"}], {}, "La fin de la séance doit être après son début."),
    ([{"fin": "12:00", "pauses_minutes": "0"}, {"debut": "11:00", "pauses_minutes": "0"}], {},
     "Cette séance chevauche celle du 11/01/2027 de 09:00 à 12:00."),
    ([{"pauses_minutes": "0"}], {}, "Plus de 6 heures de formation effective dans la journée le 11/01/2027"),
    ([{"date": "31/02/2027"}], {}, "Le 31 février n&#x27;existe pas."),
    ([{"debut": "9h"}], {}, "Saisissez une heure valide."),
    ([{}], {"lieu": ""}, "Ce champ est obligatoire."),
    ([{}], {"places": "0"}, "supérieure ou égale à 1"),
    ([{}], {"tarif": "500"}, "inférieure ou égale à 450"),
    ([], {}, "Un stage compte au moins une séance"),
])
def test_erreurs_en_francais_a_cote_des_champs(client_secretariat, antenne, seances, champs, message):
    reponse = client_secretariat.post(url("stage_nouveau"), formulaire_stage(antenne, seances, **champs))

    assert reponse.status_code == 200
    assert message in reponse.content.decode()
    assert not Stage.objects.exists()


def test_plus_de_six_heures_avec_justification(client_secretariat, antenne):
    client_secretariat.post(url("stage_nouveau"), formulaire_stage(
        antenne, [{"pauses_minutes": "0"}], justification_duree="Usage local : 2 fois 7 heures"))

    assert Stage.objects.get().justification_duree == "Usage local : 2 fois 7 heures"


@pytest.mark.parametrize("donnees", [
    {}, {"creer": "1"}, {"preparer": "1"},
    {"preparer": "1", "premier_jour": "99/99/9999", "format_stage": "x"},
    {"creer": "1", "seances-TOTAL_FORMS": "abc"}, {"creer": "1", "seances-TOTAL_FORMS": "2",
                                                   "seances-INITIAL_FORMS": "2", "animateurs": "999999"},
])
def test_saisies_absurdes_jamais_de_500(client_secretariat, antenne, donnees):
    reponse = client_secretariat.post(url("stage_nouveau"), {**dans_l_antenne(antenne), **donnees})

    assert reponse.status_code == 200
    assert not Stage.objects.exists()


def test_formulaire_sans_antenne_refuse(client_secretariat, antenne):
    donnees = formulaire_stage(antenne, [{}])
    del donnees["antenne_formulaire"]

    assert client_secretariat.post(url("stage_nouveau"), donnees).status_code == 403
    assert not Stage.objects.exists()


# --- Edit, séances, cancellation --------------------------------------------------------------

def test_modifier_le_stage(client_secretariat, antenne, stage):
    donnees = {"lieu": "Salle du conseil", "type_stage": "femmes", "places": "10", "surreservation": "2",
               "tarif": "150", **dans_l_antenne(antenne)}

    reponse = client_secretariat.post(url("stage_modifier", stage.pk), donnees)

    stage.refresh_from_db()
    assert reponse.status_code == 302
    assert (stage.lieu, stage.type_stage, stage.capacite, str(stage.tarif)) == (
        "Salle du conseil", "femmes", 12, "150.00")


def test_modifier_le_stage_erreur_a_cote_du_champ(client_secretariat, antenne, stage):
    reponse = client_secretariat.post(url("stage_modifier", stage.pk), {
        "lieu": "", "type_stage": "mixte", "places": "40", "surreservation": "0", **dans_l_antenne(antenne)})

    contenu = reponse.content.decode()
    assert reponse.status_code == 200 and "inférieure ou égale à 30" in contenu
    assert "Salle Arago" in contenu  # the saved stage in the page's title, not what was typed
    stage.refresh_from_db()
    assert stage.places == 12


def test_modifier_les_seances(client_secretariat, antenne, stage):
    premiere, seconde = stage.seances.all()
    page = client_secretariat.get(url("stage_seances", stage.pk)).content.decode()
    assert f'name="seances-0-id" value="{premiere.pk}"' in page

    reponse = client_secretariat.post(url("stage_seances", stage.pk), {
        **dans_l_antenne(antenne), "justification_duree": "",
        **formset([{"id": str(premiere.pk), "date": "18/01/2027"},
                   {"id": str(seconde.pk), "date": "12/01/2027", "DELETE": "on"},
                   {"date": "19/01/2027", "module": "Le Parent"}], initiales=2),
    })

    assert reponse.status_code == 302
    stage.refresh_from_db()
    assert list(stage.seances.values_list("date", "module")) == [
        (date(2027, 1, 18), ""), (date(2027, 1, 19), "Le Parent")]
    assert stage.premier_jour == date(2027, 1, 18)


def test_modifier_les_seances_erreur_sur_la_bonne_ligne(client_secretariat, antenne, stage):
    premiere, seconde = stage.seances.all()

    reponse = client_secretariat.post(url("stage_seances", stage.pk), {
        **dans_l_antenne(antenne), "justification_duree": "",
        **formset([{"id": str(premiere.pk)}, {"id": str(seconde.pk), "date": "11/01/2027", "debut": "10:00"}],
                  initiales=2),
    })

    formulaires = reponse.context["seances"].forms
    assert formulaires[0].errors == {}
    assert formulaires[1].errors == {
        "debut": ["Cette séance chevauche celle du 11/01/2027 de 09:00 à 16:30."]}
    assert list(stage.seances.values_list("date", flat=True)) == [LUNDI, LUNDI + timedelta(days=1)]


def test_annuler_avec_confirmation_et_motif(client_secretariat, antenne, stage):
    confirmation = client_secretariat.get(url("stage_annuler", stage.pk)).content.decode()
    assert "Confirmer l'annulation" in confirmation and "rien n'est supprimé" in confirmation

    sans_motif = client_secretariat.post(url("stage_annuler", stage.pk),
                                         {"motif": " ", **dans_l_antenne(antenne)})
    assert "Indiquez le motif de l&#x27;annulation." in sans_motif.content.decode()
    assert Stage.objects.get(pk=stage.pk).statut == StatutStage.PLANIFIE

    reponse = client_secretariat.post(url("stage_annuler", stage.pk),
                                      {"motif": "Salle inondée", **dans_l_antenne(antenne)})

    assert reponse.status_code == 302
    stage.refresh_from_db()
    assert (stage.statut, stage.motif_annulation) == (StatutStage.ANNULE, "Salle inondée")
    page = client_secretariat.get(url("stage", stage.pk)).content.decode()
    assert "Stage annulé : Salle inondée" in page and "Modifier les séances" not in page
    assert "Motif : Annulé : Salle inondée" in page  # the history
    assert "<strong>Statut</strong> :" in page


@pytest.mark.parametrize("nom", ["stage_modifier", "stage_seances", "stage_annuler"])
def test_un_stage_annule_ne_se_modifie_plus(client_secretariat, antenne, stage, nom):
    stage_annuler(stage=stage, motif="Salle inondée")

    reponse = client_secretariat.post(url(nom, stage.pk), {"motif": "x", "lieu": "Ailleurs",
                                                           **dans_l_antenne(antenne)})

    assert reponse.status_code == 302 and reponse["Location"] == url("stage", stage.pk)
    assert messages_de(reponse) == ["Ce stage est annulé : il ne se modifie plus."]
    assert Stage.objects.get(pk=stage.pk).lieu == "Salle Arago"


# --- The month ------------------------------------------------------------------------------

def test_le_mois_jour_par_jour(client_secretariat, antenne, autre_antenne):
    creer_stage(antenne, jours=(date(2026, 12, 24), date(2026, 12, 25)), lieu="Salle de Noël")
    creer_stage(autre_antenne, jours=(date(2026, 12, 24),), lieu="Salle de Mende")
    creer_stage(antenne, jours=(date(2027, 1, 4),), lieu="Salle de janvier")

    reponse = client_secretariat.get(url("stages_mois", 2026, 12))

    contenu = reponse.content.decode()
    assert "Séances de décembre 2026" in contenu
    assert "jeudi 24 décembre 2026" in contenu and "Jour férié (Noël)" in contenu
    assert contenu.count("Salle de Noël") == 2
    assert "Mende" not in contenu and "Salle de janvier" not in contenu
    assert url("stages_mois", 2026, 11) in contenu and url("stages_mois", 2027, 1) in contenu


def test_le_mois_vide_et_en_htmx(client_secretariat):
    reponse = client_secretariat.get(url("stages_mois", 2031, 1), headers=HTMX)

    contenu = reponse.content.decode()
    assert "<html" not in contenu and "Aucune séance ce mois-ci." in contenu
    assert url("stages_mois", 2030, 12) in contenu


@pytest.mark.parametrize(("annee", "mois"), [(2026, 13), (2026, 0), (1899, 12), (2101, 1)])
def test_un_mois_qui_n_existe_pas(client_secretariat, annee, mois):
    assert client_secretariat.get(f"/stages/mois/{annee}/{mois}/").status_code == 404


# --- The animateur's home -------------------------------------------------------------------

def test_l_accueil_de_l_animateur_liste_ses_prochaines_seances(client_animateur, animateur, antenne):
    aujourd_hui = timezone.localdate()
    membre = animateur.membres.get()
    sien = creer_stage(antenne, jours=(aujourd_hui + timedelta(days=3),), lieu="Salle Arago")
    passe = creer_stage(antenne, jours=(aujourd_hui - timedelta(days=3),), lieu="Salle passée")
    annule = creer_stage(antenne, jours=(aujourd_hui + timedelta(days=4),), lieu="Salle annulée")
    for stage in (sien, passe, annule):
        stage.animateurs.add(membre)
    stage_annuler(stage=annule, motif="Salle indisponible")
    creer_stage(antenne, jours=(aujourd_hui + timedelta(days=3),), lieu="Salle d'un autre")
    creer_antenne()

    contenu = client_animateur.get(url("accueil")).content.decode()

    assert "Vos prochaines séances" in contenu and "Salle Arago" in contenu
    assert "Salle passée" not in contenu and "Salle annulée" not in contenu
    assert "Salle d&#x27;un autre" not in contenu


# --- Random input -----------------------------------------------------------------------------

TEXTE = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=12)


def _ou_aleatoire(valide: str):
    return st.one_of(st.just(valide), TEXTE)


SEANCE = st.fixed_dictionaries({
    "id": _ou_aleatoire(""), "date": _ou_aleatoire("11/01/2027"), "debut": _ou_aleatoire("09:00"),
    "fin": _ou_aleatoire("12:00"), "pauses_minutes": _ou_aleatoire("0"), "module": TEXTE,
    "DELETE": st.sampled_from(["", "on"]),
})


@hypothesis_settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(seances=st.lists(SEANCE, max_size=4), initiales=st.integers(0, 4),
       justification=TEXTE, places=_ou_aleatoire("12"))
def test_seances_aleatoires_jamais_de_500_ni_d_enregistrement_partiel(
    client_secretariat, antenne, stage, seances, initiales, justification, places
):
    """A new stage and an edit of the séances, with random séances: saved whole or not at all."""
    avant = list(Seance.objects.order_by("pk").values())
    nouveau = formulaire_stage(antenne, seances, justification_duree=justification, places=places)
    nouveau["seances-INITIAL_FORMS"] = str(min(initiales, len(seances)))

    cree = client_secretariat.post(url("stage_nouveau"), nouveau)
    modifie = client_secretariat.post(url("stage_seances", stage.pk), {
        **nouveau, **formset(seances, initiales=min(initiales, len(seances)))})

    assert cree.status_code in (200, 302) and modifie.status_code in (200, 302)
    if cree.status_code == 200:
        assert Stage.objects.count() == 1
    if modifie.status_code == 200:
        assert list(Seance.objects.filter(stage=stage).order_by("pk").values()) == [
            s for s in avant if s["stage_id"] == stage.pk]
    Stage.objects.exclude(pk=stage.pk).delete()
