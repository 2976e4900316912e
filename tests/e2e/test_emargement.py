"""A whole 2-day stage marked on a tablet (800×1280, touch) by its animateur, with every
present person signing with a finger; on the second day the network drops: three marks are
made offline, kept on the tablet (« non synchronisé (3) »), and sent when it comes back,
recorded once each with the time they were made."""

from datetime import time, timedelta

from django.utils import timezone
from playwright.sync_api import expect

from convocations.models import ActionTablette, Convocation, Presence, StatutConvocation
from stages.models import Membre, Role, Seance, Stage
from tests.commun.lecture import texte_poppler
from tests.e2e.conftest import violations_graves
from tests.factories import (
    creer_antenne,
    creer_convocation,
    creer_orientation,
    creer_personne,
    creer_stage,
    creer_utilisateur,
)

NOMS = ["Durand", "Martin", "Petit", "Robert"]


def _signer(page, ligne):
    """Opens the pad from the person's row, draws a stroke with the finger, saves it."""
    ligne.get_by_role("button", name="Faire signer").tap()
    pad = page.get_by_role("dialog")
    expect(pad).to_be_visible()
    boite = pad.locator("canvas").bounding_box()
    x, y = boite["x"], boite["y"] + boite["height"] / 2
    page.mouse.move(x + 20, y)
    page.mouse.down()
    for i in range(1, 12):
        page.mouse.move(x + 20 + i * 25, y + (18 if i % 2 else -18))
    page.mouse.up()
    pad.get_by_role("button", name="Enregistrer la signature").tap()
    expect(pad).to_be_hidden()
    expect(ligne.locator(".presence__signature")).to_contain_text("Signé à")


def _marquer_la_seance(page, lignes, *, signer=True):
    for ligne in lignes:
        ligne.get_by_role("button", name="Présent·e", exact=True).tap()
        expect(ligne.locator(".presence__etat")).to_contain_text("Présent·e")
    if signer:
        for ligne in lignes:
            _signer(page, ligne)


def test_un_stage_de_deux_jours_emarge_sur_tablette_avec_un_episode_hors_ligne(transactional_db, browser,
                                                                              live_server):
    antenne = creer_antenne(nom="Antenne de Perpignan")
    animateur = creer_utilisateur(Role.ANIMATEUR, antenne, username="alain", first_name="Alain")
    aujourd_hui = timezone.localdate()
    hier = aujourd_hui - timedelta(days=1)
    stage = creer_stage(antenne, jours=(), lieu="Salle Arago")
    Stage.objects.filter(pk=stage.pk).update(premier_jour=hier, dernier_jour=aujourd_hui)
    stage.animateurs.add(Membre.objects.get(user=animateur))
    jour1 = Seance.objects.create(stage=stage, date=hier, debut=time(9), fin=time(17), pauses_minutes=60)
    jour2 = Seance.objects.create(stage=stage, date=aujourd_hui, debut=time(0, 0), fin=time(23, 59))
    convocations = [
        creer_convocation(creer_orientation(antenne, personne=creer_personne(antenne, nom=nom)), stage)
        for nom in NOMS
    ]

    contexte = browser.new_context(viewport={"width": 800, "height": 1280}, has_touch=True,
                                   locale="fr-FR", timezone_id="Europe/Paris")
    page = contexte.new_page()
    erreurs_js = []
    page.on("pageerror", lambda erreur: erreurs_js.append(str(erreur)))
    page.goto(f"{live_server.url}/connexion/")
    page.get_by_label("Nom d’utilisateur").fill("alain")
    page.get_by_label("Mot de passe").fill("mot-de-passe-long-1")
    page.get_by_role("button", name="Se connecter").tap()
    expect(page.get_by_role("link", name="Mes séances du jour")).to_be_visible()

    # Day 1, from the stage page: everybody present, everybody signs (an empty pad first).
    page.goto(f"{live_server.url}/convocations/seances/{jour1.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Séance du")
    lignes = [page.locator(f"#personne-{c.pk}") for c in convocations]
    expect(page.locator("#synchronisation")).to_have_text("Tout est synchronisé")
    _marquer_la_seance(page, lignes[:1], signer=False)
    lignes[0].get_by_role("button", name="Faire signer").tap()
    pad = page.get_by_role("dialog")
    pad.get_by_role("button", name="Enregistrer la signature").tap()
    expect(pad.get_by_role("alert")).to_contain_text("La signature est vide")
    pad.get_by_role("button", name="Annuler").tap()
    expect(pad).to_be_hidden()
    _marquer_la_seance(page, lignes[1:], signer=False)
    for ligne in lignes:
        _signer(page, ligne)
    assert violations_graves(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 800

    # Day 2, from « Mes séances du jour »; the network drops for three marks.
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Mes séances du jour").tap()
    page.get_by_role("link", name="Salle Arago").tap()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Séance du")
    page.evaluate("window.pasRechargee = true")
    contexte.set_offline(True)
    for ligne in lignes[:3]:
        ligne.get_by_role("button", name="Présent·e", exact=True).tap()
        expect(ligne.locator(".presence__etat")).to_contain_text("Présent·e — non synchronisé")
    expect(page.locator("#synchronisation")).to_contain_text("non synchronisé (3)")
    page.wait_for_timeout(1200)  # the marks are older than the network's return
    assert not Presence.objects.filter(seance=jour2).exists()
    retour = timezone.now()
    contexte.set_offline(False)
    expect(page.locator("#synchronisation")).to_have_text("Tout est synchronisé", timeout=15000)
    expect(page.get_by_role("heading", name="Présences (3 / 4 marquées)")).to_be_visible()

    actions = list(ActionTablette.objects.filter(seance=jour2).order_by("faite_le"))
    assert len(actions) == 3 and all(a.hors_ligne and a.appliquee for a in actions)
    marques = {p.convocation_id: p for p in Presence.objects.filter(seance=jour2)}
    assert set(marques) == {c.pk for c in convocations[:3]}
    for a in actions:
        assert marques[a.convocation_id].marque_le == a.faite_le < retour <= a.recue_le
        assert marques[a.convocation_id].marque_par == animateur

    # Back online: the last person, then the signatures of the day; the stage is effectué.
    _marquer_la_seance(page, lignes[3:], signer=False)
    for ligne in lignes:
        _signer(page, ligne)
    assert page.evaluate("window.pasRechargee === true"), "chaque action doit passer sans recharger"
    assert Presence.objects.filter(seance=jour2).count() == 4
    assert ActionTablette.objects.filter(seance=jour2, nature="marque").count() == 4
    assert set(Convocation.objects.values_list("statut", flat=True)) == {StatutConvocation.EFFECTUEE}
    assert Presence.objects.exclude(signature="").count() == 8

    pdf = page.request.get(f"{live_server.url}/convocations/seances/{jour2.pk}/emargement.pdf").body()
    texte = " ".join(texte_poppler(pdf).split())
    assert texte.count("Signé à") == 4 and all(nom.upper() in texte for nom in NOMS)
    assert erreurs_js == []
    contexte.close()
