"""1 000 attestations de stage side by side with bare reportlab drawing the same pages, in the
same run: the worker's batch (`lot_attestations_executer`, what `manage.py qcluster` runs:
number under lock, content, PDF, private file, rows), our rendering alone, and reportlab
without our page template (drawString of the same lines; platypus with the same paragraphs).

    .venv/bin/python manage.py bench      (section « Attestations » of docs/benchmarks.md)
"""

import io
import tempfile
import time
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db import transaction
from django.test import override_settings
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate

from commun.documents import MARGE_GAUCHE, POLICE, POLICE_GRAS, enregistrer_polices, styles
from convocations.attestations import TITRE_LEGAL, ContenuAttestation, attestation_pdf, duree, elements
from convocations.models import (
    Attestation,
    CompteurAttestation,
    Convocation,
    LotEnvoi,
    Presence,
    StatutConvocation,
    StatutPresence,
)
from convocations.services.attestations import contenu_enregistre, lot_attestations_executer
from stages.dates import date_longue
from stages.models import Antenne, Cadre, Orientation, Personne, Seance, Stage, Statut
from tests.perf.convocations import Ligne

CODE_ANTENNE = "bench-attestations"
NOMBRE = 1_000


def preparer() -> Stage:
    """A stage whose 1 000 people attended both séances, in an antenne of its own (made once)."""
    from tests.factories import creer_antenne, creer_stage

    antenne = Antenne.objects.filter(code=CODE_ANTENNE).first() or creer_antenne(
        code=CODE_ANTENNE, nom="Antenne bench attestations", departement="66", signataire="Marie Durand",
        adresse="12 rue des Œillets\n66000 Perpignan", telephone="04 68 00 00 00")
    stage = Stage.objects.filter(antenne=antenne).first()
    if stage is not None and stage.convocations.count() == NOMBRE:
        return stage
    stage = stage or creer_stage(antenne, jours=(date(2026, 3, 2), date(2026, 3, 3)))
    with transaction.atomic():
        personnes = Personne.objects.bulk_create(
            Personne(antenne=antenne, nom=f"Œuvray{i:04d}", prenom="Gaëlle", sexe="F",
                     date_naissance=date(1980 + i % 20, 1 + i % 12, 1 + i % 28),
                     nom_normalise=f"oeuvray{i:04d}", prenom_normalise="gaelle") for i in range(NOMBRE))
        orientations = Orientation.objects.bulk_create(
            Orientation(antenne=antenne, personne=p, cadre=Cadre.VOLONTAIRE,
                        date_orientation=date(2026, 1, 5), echeance_initiale=date(2026, 7, 5),
                        echeance=date(2026, 7, 5), reference=f"BA-{i}", statut=Statut.STAGE_EFFECTUE)
            for i, p in enumerate(personnes))
        convocations = Convocation.objects.bulk_create(
            Convocation(orientation=o, stage=stage, statut=StatutConvocation.EFFECTUEE) for o in orientations)
        marque = datetime(2026, 3, 3, 18, tzinfo=ZoneInfo("Europe/Paris"))
        Presence.objects.bulk_create(
            Presence(convocation=c, seance=s, statut=StatutPresence.PRESENT, marque_le=marque)
            for c in convocations for s in Seance.objects.filter(stage=stage))
    return stage


def _oublier(stage: Stage) -> None:
    Attestation.history.filter(convocation__stage=stage).delete()
    Attestation.objects.filter(convocation__stage=stage).delete()
    CompteurAttestation.objects.filter(antenne=stage.antenne).delete()
    LotEnvoi.objects.filter(stage=stage).delete()
    Orientation.objects.filter(convocations__stage=stage).update(statut=Statut.STAGE_EFFECTUE)


def _lignes(contenu: ContenuAttestation) -> list[tuple[str, str]]:
    """The attestation's text as (font, line) wrapped at the text width: what bare reportlab draws."""
    largeur = A4[0] - 2 * MARGE_GAUCHE
    textes = [(POLICE_GRAS, f"Attestation de stage n° {contenu.numero}"), (POLICE_GRAS, TITRE_LEGAL),
              (POLICE, f"Je soussigné·e, {contenu.signataire}, pour {contenu.antenne}, atteste que :"),
              (POLICE, f"Nom : {contenu.nom.upper()}"), (POLICE, f"Prénom : {contenu.prenom}"),
              (POLICE, f"Date de naissance : {date_longue(contenu.date_naissance)}")]
    textes += [(POLICE, f"{date_longue(s.jour)} de {s.debut:%H:%M} à {s.fin:%H:%M} : {duree(s.minutes)}")
               for s in contenu.seances]
    textes += [(POLICE_GRAS, f"Total : {duree(contenu.minutes_totales)}"),
               (POLICE, f"Lieu du stage : {contenu.lieu}"),
               (POLICE, f"Référence du dossier : {contenu.reference}"),
               (POLICE, f"Attestation émise le {date_longue(contenu.emise_le)}"),
               (POLICE, f"Empreinte SHA-256 : {contenu.empreinte}"), (POLICE, contenu.signataire)]
    return [(police, ligne) for police, texte in textes for ligne in simpleSplit(texte, police, 10, largeur)]


def _reportlab_nu(contenu: ContenuAttestation, entete: list[str], lignes: list[tuple[str, str]]) -> bytes:
    tampon = io.BytesIO()
    canevas = Canvas(tampon, pagesize=A4)
    y = A4[1] - 15 * mm
    canevas.setFont(POLICE_GRAS, 12)
    canevas.drawString(MARGE_GAUCHE, y, entete[0])
    canevas.setFont(POLICE, 9)
    for ligne in entete[1:]:
        y -= 11.5
        canevas.drawString(MARGE_GAUCHE, y, ligne)
    y = A4[1] - 60 * mm
    for police, ligne in lignes:
        canevas.setFont(police, 10)
        canevas.drawString(MARGE_GAUCHE, y, ligne)
        y -= 13.5
    canevas.setFont(POLICE, 8)
    canevas.drawCentredString(A4[0] / 2, 10 * mm, "Page 1 sur 1")
    canevas.showPage()
    canevas.save()
    return tampon.getvalue()


def _platypus_nu(contenu: ContenuAttestation) -> bytes:
    """reportlab's own SimpleDocTemplate with the same flowables (its layout, not our page
    template: the letterhead as plain paragraphs)."""
    style = styles()
    tete = [Paragraph(t, style["entete"]) for t in (contenu.antenne, *contenu.antenne_adresse)]
    tampon = io.BytesIO()
    SimpleDocTemplate(tampon, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=15 * mm,
                      bottomMargin=15 * mm).build([*tete, *elements(contenu)])
    return tampon.getvalue()


def _chrono(fonction) -> float:
    debut = time.perf_counter()
    fonction()
    return (time.perf_counter() - debut) * 1000


def mesurer_tout() -> list[Ligne]:
    enregistrer_polices()
    stage = preparer()
    with tempfile.TemporaryDirectory() as dossier, override_settings(ATTESTATIONS_DIR=dossier):
        _oublier(stage)
        lot = LotEnvoi.objects.create(stage=stage, nature=LotEnvoi.Nature.ATTESTATIONS, total=NOMBRE)
        worker = _chrono(lambda: lot_attestations_executer(lot.pk))
        contenus = [contenu_enregistre(a) for a in Attestation.objects.filter(convocation__stage=stage)]
        assert len(contenus) == NOMBRE, f"{len(contenus)} attestations émises sur {NOMBRE}"
        entete = [contenus[0].antenne, *contenus[0].antenne_adresse, contenus[0].antenne_telephone]
        pages = [(c, _lignes(c)) for c in contenus]
        # Interleaved in blocks of 100: the machine's noise hits each alike.
        rendu = nu = platypus = 0.0
        for debut in range(0, NOMBRE, 100):
            bloc = pages[debut:debut + 100]
            rendu += _chrono(lambda b=bloc: [attestation_pdf(c) for c, _l in b])
            nu += _chrono(lambda b=bloc: [_reportlab_nu(c, entete, lignes) for c, lignes in b])
            platypus += _chrono(lambda b=bloc: [_platypus_nu(c) for c, _l in b])
        _oublier(stage)
    n = f"{NOMBRE:,}".replace(",", "\u202f")
    return [
        Ligne(f"{n} attestations émises par le lot du worker (numéro, PDF, fichier, lignes)", worker,
              "reportlab nu : drawString des mêmes pages", nu, "≤ 1,5×"),
        Ligne(f"{n} attestations émises par le lot du worker (numéro, PDF, fichier, lignes)", worker,
              "reportlab nu : platypus, mêmes paragraphes", platypus, "≤ 1,5×"),
        Ligne(f"{n} attestations : notre rendu seul", rendu, "reportlab nu : drawString des mêmes pages", nu,
              "≤ 1,5×"),
        Ligne(f"{n} attestations : notre rendu seul", rendu, "reportlab nu : platypus, mêmes paragraphes",
              platypus, "≤ 1,5×"),
    ]

