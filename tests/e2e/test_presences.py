"""Émargement on a tablet (800×1280, touch): the animateur opens today's séance from « Mes
séances du jour » and marks three people with a tap each; every mark is saved at once."""

from datetime import time

from django.utils import timezone
from playwright.sync_api import expect

from convocations.models import Presence
from stages.models import Membre, Role, Seance, Stage
from tests.e2e.conftest import violations_graves
from tests.factories import (
    creer_antenne,
    creer_convocation,
    creer_orientation,
    creer_personne,
    creer_stage,
    creer_utilisateur,
)


def test_l_animateur_marque_trois_personnes_sur_tablette(transactional_db, browser, live_server):
    antenne = creer_antenne(nom="Antenne de Perpignan")
    animateur = creer_utilisateur(Role.ANIMATEUR, antenne, username="alain", first_name="Alain")
    aujourd_hui = timezone.localdate()
    stage = creer_stage(antenne, jours=(), lieu="Salle Arago")
    Stage.objects.filter(pk=stage.pk).update(premier_jour=aujourd_hui, dernier_jour=aujourd_hui)
    stage.animateurs.add(Membre.objects.get(user=animateur))
    seance = Seance.objects.create(stage=stage, date=aujourd_hui, debut=time(0, 0), fin=time(23, 59))
    noms = ["Durand", "Martin", "Petit"]
    convocations = [
        creer_convocation(creer_orientation(antenne, personne=creer_personne(antenne, nom=nom)), stage)
        for nom in noms
    ]

    contexte = browser.new_context(viewport={"width": 800, "height": 1280}, has_touch=True,
                                   locale="fr-FR", timezone_id="Europe/Paris")
    page = contexte.new_page()
    page.goto(f"{live_server.url}/connexion/")
    page.get_by_label("Nom d’utilisateur").fill("alain")
    page.get_by_label("Mot de passe").fill("mot-de-passe-long-1")
    page.get_by_role("button", name="Se connecter").tap()
    page.get_by_role("link", name="Mes séances du jour").tap()
    page.get_by_role("link", name="Salle Arago").tap()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Séance du")
    assert violations_graves(page) == []

    page.evaluate("window.pasRechargee = true")  # gone if a tap reloaded the page (no htmx)
    lignes = [page.locator(f"#personne-{c.pk}") for c in convocations]
    bouton = lignes[0].get_by_role("button", name="Présent·e", exact=True)
    boite = bouton.bounding_box()
    assert boite["height"] >= 44 and boite["width"] >= 44  # a finger's target
    bouton.tap()
    expect(lignes[0].locator(".presence__etat")).to_contain_text("Présent·e")
    lignes[1].get_by_label("Minutes (retard ou départ)").fill("10")
    lignes[1].get_by_role("button", name="En retard", exact=True).tap()
    expect(lignes[1].locator(".presence__etat")).to_contain_text("En retard (10 min)")
    lignes[2].get_by_role("button", name="Absent·e", exact=True).tap()
    expect(lignes[2].locator(".presence__etat")).to_contain_text("Absent·e")
    expect(page.get_by_role("heading", name="Présences (3 / 3 marquées)")).to_be_visible()
    assert page.evaluate("window.pasRechargee === true"), "chaque marque doit passer par htmx"
    assert page.evaluate("document.documentElement.scrollWidth") <= 800  # no sideways scrolling

    marques = {p.convocation_id: (p.statut, p.minutes, p.marque_par_id) for p in Presence.objects.all()}
    assert marques == {
        convocations[0].pk: ("present", 0, animateur.pk),
        convocations[1].pk: ("retard", 10, animateur.pk),
        convocations[2].pk: ("absent", 0, animateur.pk),
    }
    assert seance.presences.count() == 3
    contexte.close()
