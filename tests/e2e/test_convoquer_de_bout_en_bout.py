"""Issue 17 end to end in the browser: plan a 2-day stage, ask for the proposal (with its
deadline flag), convoke, send; the local SMTP server's messages read back (PDF and ICS);
sending again sends nothing new; a report puts the person back at their rank and sends the
calendar cancellation."""

import re
from datetime import timedelta
from io import BytesIO

from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect
from pypdf import PdfReader

from stages.models import Orientation, Role, Stage, Statut
from tests.e2e.conftest import violations_graves
from tests.factories import creer_antenne, creer_orientation, creer_personne, creer_stage, creer_utilisateur

MOIS = ["", "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
        "octobre", "novembre", "décembre"]


def _pieces(message) -> dict[str, bytes]:
    return {partie.get_filename(): partie.get_content() for partie in message.iter_attachments()}


def test_planifier_convoquer_envoyer_puis_reporter(transactional_db, serveur_smtp, connecter, live_server,
                                                   page):
    aujourd_hui = timezone.localdate()
    antenne = creer_antenne(nom="Antenne de Perpignan", departement="66",
                            adresse="12 rue de l'Argenterie\n66000 Perpignan", telephone="04 68 00 00 00")
    # The antenne's next stage, well after the one planned here: its end is the deadline flag's.
    creer_stage(antenne, jours=(aujourd_hui + timedelta(days=120), aujourd_hui + timedelta(days=121)),
                lieu="Maison des associations")
    adresse = "3 avenue de la Gare\n66000 Perpignan"
    premiere = creer_orientation(antenne, personne=creer_personne(
        antenne, nom="Aubert", prenom="Léa", sexe="F", email="lea@exemple.invalid", adresse=adresse),
        date_orientation=aujourd_hui - timedelta(days=40), echeance=aujourd_hui + timedelta(days=300))
    derniere_chance = creer_orientation(antenne, personne=creer_personne(
        antenne, nom="Berger", prenom="Noé", email="noe@exemple.invalid", adresse=adresse),
        date_orientation=aujourd_hui - timedelta(days=30), echeance=aujourd_hui + timedelta(days=70))
    creer_utilisateur(Role.SECRETARIAT, antenne, username="sophie", password="mot-de-passe-long-1")
    page.set_viewport_size({"width": 800, "height": 1280})
    connecter("sophie", "mot-de-passe-long-1")

    # Plan: the antenne's usual 2 consecutive days, in two clicks.
    avant = set(Stage.objects.values_list("pk", flat=True))
    page.goto(f"{live_server.url}/stages/nouveau/")
    page.get_by_role("button", name="Préparer les séances").click()
    expect(page.locator("fieldset.seance-saisie legend", has_text=re.compile(r"^Séance \d"))).to_have_count(2)
    page.get_by_role("textbox", name="Lieu", exact=True).fill("Salle des Œillets")
    page.get_by_role("button", name="Créer le stage").click()
    expect(page.get_by_role("status")).to_contain_text("créé")
    stage = Stage.objects.exclude(pk__in=avant).get()
    seances = list(stage.seances.all())
    assert len(seances) == 2

    # The proposal, in waiting-list order, with the deadline flag.
    page.get_by_role("link", name="Proposer des convocations").click()
    ligne = page.locator("tr", has_text="BERGER Noé")
    expect(ligne.locator(".badge", has_text="Dernière chance")).to_be_visible()
    assert violations_graves(page) == []
    page.get_by_role("button", name="Convoquer les personnes cochées").click()
    expect(page.get_by_role("status")).to_contain_text("2 convocations créées")

    # Send: through the worker, a progress page, one e-mail each.
    page.goto(f"{live_server.url}{reverse('stages:stage', args=[stage.pk])}")
    page.get_by_role("button", name="Envoyer les convocations").click()
    expect(page.get_by_role("heading", name="Envoi terminé")).to_be_visible()
    assert sorted(serveur_smtp.destinataires) == [["lea@exemple.invalid"], ["noe@exemple.invalid"]]
    message = next(m for m in serveur_smtp.messages if m["To"] == "lea@exemple.invalid")
    assert "Convocation" in message["Subject"]
    pieces = _pieces(message)
    pdf = next(contenu for nom, contenu in pieces.items() if nom.endswith(".pdf"))
    texte = " ".join(p.extract_text() for p in PdfReader(BytesIO(pdf)).pages).replace("\u202f", " ")
    for seance in seances:
        assert f"{seance.date.day} {MOIS[seance.date.month]} {seance.date.year}" in texte
    assert "Salle des Œillets" in texte and "200,00 €" in texte
    ics = Calendar.from_ical(next(contenu for nom, contenu in pieces.items() if nom.endswith(".ics")))
    evenements = ics.walk("VEVENT")
    assert [e.decoded("DTSTART").date() for e in evenements] == [s.date for s in seances]
    for evenement, seance in zip(evenements, seances, strict=True):
        debut = evenement.decoded("DTSTART")
        assert str(debut.tzinfo) == "Europe/Paris" and debut.time() == seance.debut
        assert evenement.walk("VALARM")

    # Sending again (a second click, the task run again) sends nothing new.
    page.goto(f"{live_server.url}{reverse('stages:stage', args=[stage.pk])}")
    page.get_by_role("button", name="Envoyer les convocations").click()
    expect(page.get_by_role("heading", name="Envoi terminé")).to_be_visible()
    assert len(serveur_smtp.messages) == 2

    # A report: back on the waiting list at the original rank, the calendar cancelled.
    convocation = premiere.convocations.get()
    page.goto(f"{live_server.url}{reverse('convocations:reporter', args=[convocation.pk])}")
    page.get_by_label("Motif").fill("Hospitalisation prévue ces jours-là")
    page.get_by_role("button", name="Enregistrer le report").click()
    expect(page.get_by_role("status")).to_contain_text("Report enregistré")
    premiere = Orientation.objects.get(pk=premiere.pk)
    assert (premiere.statut, premiere.nb_reports) == (Statut.EN_ATTENTE, 1)
    annulation = serveur_smtp.messages[-1]
    assert annulation["To"] == "lea@exemple.invalid" and len(serveur_smtp.messages) == 3
    ics = next(contenu for nom, contenu in _pieces(annulation).items() if nom.endswith(".ics"))
    assert Calendar.from_ical(ics)["METHOD"] == "CANCEL"
    page.goto(f"{live_server.url}{reverse('stages:liste_attente')}")
    expect(page.locator("tbody tr").first).to_contain_text("AUBERT Léa")
    assert Orientation.objects.get(pk=derniere_chance.pk).statut == Statut.CONVOQUEE
