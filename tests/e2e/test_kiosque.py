"""The satisfaction questionnaire's kiosk on a tablet (800×1280, touch): the animateur opens
it for the stage of the day, three participants answer in turn, Back, a refresh and a typed
staff URL show nothing of the staff or of an earlier answer, a fourth answer is refused; the
animateur leaves with the password, and the results show the right counts and one SVG chart
per question. axe-core finds no serious or critical violation on the kiosk and the results."""

import re
from datetime import date, time

from django.utils import timezone
from playwright.sync_api import expect

from convocations.models import Presence, StatutPresence
from questionnaires.models import Reponse, Valeur
from stages.models import Membre, Role, Seance
from tests.e2e.conftest import violations_graves
from tests.factories import (
    creer_antenne,
    creer_convocation,
    creer_orientation,
    creer_personne,
    creer_stage,
    creer_utilisateur,
)
from tests.questionnaires.aides import repondre

MOT_DE_PASSE = "mot-de-passe-long-1"
# What a leak would show: the animateur's name, the stage's place, a participant's name.
INTERDITS = ["Alain", "Salle Arago", "Durand"]


def _rien_de_personnel(page):
    texte = page.locator("body").inner_text()
    assert [mot for mot in INTERDITS if mot in texte] == [], page.url
    assert page.locator("input:checked").count() == 0, page.url
    assert page.locator("textarea").evaluate_all("zones => zones.map(z => z.value).join('')") == ""


def _connecter(page, url, identifiant):
    page.goto(f"{url}/connexion/")
    page.get_by_label("Nom d’utilisateur").fill(identifiant)
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Se connecter").tap()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()


def _repondre(page, choix: dict[str, str | list[str]]):
    for question, options in choix.items():
        groupe = page.get_by_role("group", name=re.compile(re.escape(question)))
        for option in [options] if isinstance(options, str) else options:
            groupe.get_by_text(option, exact=True).tap()
    page.get_by_role("button", name="Valider").tap()
    expect(page.get_by_role("heading", name="Merci !")).to_be_visible()


def _nombre(section, reponse: str) -> str:
    """The figure of `reponse` in the table under a question's chart."""
    entete = section.page.get_by_role("rowheader", name=reponse, exact=True)
    ligne = section.get_by_role("row").filter(has=entete)
    return ligne.get_by_role("cell").first.inner_text()


ANIMEES = "Les séances étaient-elles animées et vivantes ?"
MODULE = "Quel module avez-vous préféré ?"
VISION = "Pensez-vous avoir modifié votre vision des violences intrafamiliales ?"


def test_kiosque_sur_tablette_trois_reponses_puis_resultats(transactional_db, browser, live_server):
    antenne = creer_antenne(nom="Antenne de Perpignan")
    animateur = creer_utilisateur(Role.ANIMATEUR, antenne, username="alain", first_name="Alain")
    creer_utilisateur(Role.RESPONSABLE, antenne, username="rachel")
    aujourd_hui = timezone.localdate()
    stage = creer_stage(antenne, jours=(), lieu="Salle Arago")
    seance = Seance.objects.create(stage=stage, date=aujourd_hui, debut=time(0, 0), fin=time(23, 59))
    stage.animateurs.add(Membre.objects.get(user=animateur))
    for nom in ("Durand", "Martin", "Petit"):
        convocation = creer_convocation(creer_orientation(antenne, personne=creer_personne(antenne, nom=nom)),
                                        stage)
        Presence.objects.create(convocation=convocation, seance=seance, statut=StatutPresence.PRESENT,
                                marque_le=timezone.now(), marque_par=animateur)
    # An earlier stage of the period: four answers, pooled with today's in the period.
    repondre(creer_stage(antenne, jours=(date(aujourd_hui.year, 1, 1),)), animateur,
             [{0: ["Plutôt pas d'accord"], 4: ["Oui"]}] * 4, jour=date(aujourd_hui.year, 1, 1))

    contexte = browser.new_context(viewport={"width": 800, "height": 1280}, has_touch=True,
                                   locale="fr-FR", timezone_id="Europe/Paris")
    page = contexte.new_page()
    _connecter(page, live_server.url, "alain")
    page.get_by_role("link", name="Mes séances du jour").tap()
    page.get_by_role("link", name="Questionnaire de satisfaction (kiosque)").tap()
    page.get_by_role("link", name=re.compile("Salle Arago")).tap()
    expect(page.get_by_label("Personnes présentes")).to_have_value("3")  # from the attendance
    page.get_by_role("button", name="Ouvrir le kiosque").tap()

    expect(page.get_by_role("heading", level=1)).to_have_text("Questionnaire de satisfaction")
    _rien_de_personnel(page)
    assert violations_graves(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 800
    option = page.get_by_text("Tout à fait d'accord", exact=True).first.locator("xpath=..")
    assert option.bounding_box()["height"] >= 44  # a finger's target

    _repondre(page, {ANIMEES: "Tout à fait d'accord", MODULE: ["Cadre de loi", "Le Parent"], VISION: "Oui"})
    assert violations_graves(page) == []
    page.get_by_role("link", name="Personne suivante").tap()
    _rien_de_personnel(page)
    _repondre(page, {ANIMEES: "Plutôt d'accord", VISION: "Non"})
    # Back from the thank-you screen: a fresh, empty questionnaire.
    page.go_back()
    expect(page.get_by_role("button", name="Valider")).to_be_visible()
    _rien_de_personnel(page)
    _repondre(page, {ANIMEES: "Tout à fait d'accord", MODULE: "Le Parent"})
    page.get_by_role("link", name="Personne suivante").tap()

    # A fourth answer beyond the three present is refused.
    expect(page.get_by_text("Les 3 réponses attendues ont été reçues")).to_be_visible()
    expect(page.get_by_role("button", name="Valider")).to_have_count(0)
    assert Reponse.objects.filter(stage=stage).count() == 3
    # Refresh, the whole history, a typed staff URL: nothing of the staff or of an answer.
    page.reload()
    _rien_de_personnel(page)
    for _ in range(12):
        page.go_back()
        page.wait_for_load_state()
        _rien_de_personnel(page)
    for adresse in (f"/stages/{stage.pk}/", f"/convocations/seances/{seance.pk}/",
                    "/questionnaires/resultats/"):
        page.goto(f"{live_server.url}{adresse}")
        assert "/connexion/" in page.url
        _rien_de_personnel(page)
    assert Reponse.objects.filter(stage=stage).count() == 3

    # Leaving needs the password; the animateur lands on the stage's results.
    page.goto(f"{live_server.url}/questionnaires/kiosque/")
    page.get_by_role("link", name="Quitter le kiosque (personnel)").tap()
    page.get_by_label("Mot de passe du personnel").fill("pas-le-bon-mot-de-passe")
    page.get_by_role("button", name="Quitter le kiosque").tap()
    expect(page.get_by_text("Mot de passe incorrect.")).to_be_visible()
    page.get_by_label("Mot de passe du personnel").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Quitter le kiosque").tap()
    expect(page.get_by_text("Kiosque fermé : 3 réponse(s) reçue(s)")).to_be_visible()
    expect(page.locator(".resultats__total")).to_have_text("3 réponses pour 3 personnes présentes.")
    expect(page.locator("svg.graphique")).to_have_count(0)  # fewer than 5: pooled only
    assert violations_graves(page) == []

    # The period's results (the responsable): 7 answers, an SVG chart per question.
    page.get_by_role("button", name="Se déconnecter").tap()
    expect(page.get_by_role("button", name="Se déconnecter")).to_have_count(0)
    _connecter(page, live_server.url, "rachel")
    menu = page.get_by_role("navigation", name="Navigation principale")
    menu.get_by_role("link", name="Questionnaires").tap()
    expect(page.locator(".resultats__total")).to_have_text("7 réponses pour 7 personnes présentes.")
    graphiques = page.locator("svg.graphique")
    expect(graphiques).to_have_count(6)  # one per question
    premiere = page.get_by_role("region", name=ANIMEES)
    expect(premiere.get_by_role("img", name=ANIMEES)).to_be_visible()
    assert _nombre(premiere, "Tout à fait d'accord") == "2"
    assert _nombre(premiere, "Plutôt d'accord") == "1"
    assert _nombre(premiere, "Plutôt pas d'accord") == "4"
    assert _nombre(page.get_by_role("region", name=MODULE), "Le Parent") == "2"
    assert _nombre(page.get_by_role("region", name=VISION), "Oui") == "5"
    assert _nombre(page.get_by_role("region", name=VISION), "Non renseigné") == "1"
    assert violations_graves(page) == []
    assert Valeur.objects.filter(stage=stage, valeur="Le Parent").count() == 2
    contexte.close()


def test_inactivite_et_remerciement_ramenent_au_debut(transactional_db, browser, live_server):
    """Two idle minutes drop the unfinished answer; the thank-you screen goes back to the start
    by itself (the browser's clock is driven by the test)."""
    antenne = creer_antenne(nom="Antenne de Perpignan")
    creer_utilisateur(Role.ANIMATEUR, antenne, username="alain", first_name="Alain")
    stage = creer_stage(antenne, jours=(), lieu="Salle Arago")
    Seance.objects.create(stage=stage, date=timezone.localdate(), debut=time(0, 0), fin=time(23, 59))
    stage.animateurs.add(Membre.objects.get(user__username="alain"))
    contexte = browser.new_context(viewport={"width": 800, "height": 1280}, has_touch=True, locale="fr-FR")
    page = contexte.new_page()
    page.clock.install()
    _connecter(page, live_server.url, "alain")
    page.goto(f"{live_server.url}/questionnaires/stages/{stage.pk}/kiosque/")
    page.get_by_label("Personnes présentes").fill("2")
    page.get_by_role("button", name="Ouvrir le kiosque").tap()

    page.get_by_text("Plutôt d'accord", exact=True).first.tap()
    page.clock.run_for("01:50")
    page.get_by_text("Oui", exact=True).first.tap()  # a touch: the two minutes start again
    page.clock.run_for("01:50")
    assert page.locator("input:checked").count() == 2
    page.clock.run_for("00:15")
    expect(page.locator("input:checked")).to_have_count(0)
    expect(page.get_by_role("button", name="Valider")).to_be_visible()

    page.get_by_role("button", name="Valider").tap()
    expect(page.get_by_role("heading", name="Merci !")).to_be_visible()
    page.clock.run_for("00:07")
    expect(page.get_by_role("button", name="Valider")).to_be_visible()
    assert Reponse.objects.count() == 1
    contexte.close()
