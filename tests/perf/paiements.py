"""The payments' bench (issue 19): a year of payments of every antenne of the bench base
(SommeDue, instalments, receipts, a few cancellations), the payments screens measured like
the other pages (p95 and pinned query counts), and one receipt against bare reportlab
drawing the same page, side by side."""

import io
import random
import statistics
import time
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import SimpleDocTemplate

from commun.documents import POLICE, POLICE_GRAS, enregistrer_polices
from paiements import documents
from paiements.models import (
    CompteurRecus,
    Mode,
    NatureRecu,
    Paiement,
    Recu,
    Regime,
    SommeDue,
)
from paiements.services import prefixe_de
from stages.models import Antenne, Orientation
from tests.perf import donnees, mesure

# About 14 000 people a year for a national network of 30 CPCA: ~470 per antenne.
PERSONNES_PAR_ANTENNE = 470
MODES = [Mode.CHEQUE, Mode.CHEQUE, Mode.ESPECES, Mode.VIREMENT, Mode.CARTE, Mode.MANDAT]

SCENARIOS = [
    mesure.Scenario("paiements-suivi", "Suivi des paiements de l'année (totaux, restes, remboursements)",
                    "paiements:suivi"),
    mesure.Scenario("paiements-suivi-mois", "Suivi d'un mois (fragment htmx)", "paiements:suivi",
                    {"du": "01/03/2026", "au": "31/03/2026"}, htmx=True),
    mesure.Scenario("paiements-orientation", "Paiements d'une orientation au hasard",
                    "paiements:orientation", objets={"orientation_id": Orientation}),
    # A page of `stages` measured in the same run: the machine's load shows on it too.
    mesure.Scenario("repere-fiche", "Repère : fiche d'une orientation (stages)", "stages:orientation",
                    objets={"orientation_id": Orientation}),
]


def volume() -> str:
    return (f"{donnees.milliers(Paiement.objects.count())} paiements, "
            f"{donnees.milliers(Recu.objects.count())} reçus, {donnees.milliers(SommeDue.objects.count())} "
            "sommes dues")


def preparer(*, aujourd_hui: date, par_antenne: int = PERSONNES_PAR_ANTENNE, graine: int = 2026,
             annoncer=print) -> None:
    """A year of payments for `par_antenne` orientations of each antenne (rebuilt if the
    count differs): 1 to 3 instalments each, 1 in 50 cancelled, receipts numbered in order."""
    antennes = list(Antenne.objects.order_by("pk"))
    attendu = len(antennes) * par_antenne
    if SommeDue.objects.count() == attendu:
        annoncer("Paiements de bench existants réutilisés.")
        return
    annoncer(f"Paiements : {len(antennes)} antennes × {par_antenne} personnes sur un an…")
    hasard = random.Random(graine)  # noqa: S311 (reproducible draws)
    with transaction.atomic():
        Recu.objects.all().delete()
        Paiement.objects.all().delete()
        SommeDue.objects.all().delete()
        CompteurRecus.objects.all().delete()
        for antenne in antennes:
            _une_antenne(antenne, par_antenne, aujourd_hui, hasard)


def _une_antenne(antenne: Antenne, nombre: int, aujourd_hui: date, hasard: random.Random) -> None:
    ids = list(Orientation.objects.filter(antenne=antenne).order_by("pk")
               .values_list("pk", flat=True)[:nombre])
    sommes, paiements = [], []
    for pk in ids:
        tirage = hasard.random()
        regime, du = ((Regime.GRATUIT, Decimal(0)) if tirage < 0.05 else
                      (Regime.REDUIT, Decimal(50)) if tirage < 0.25 else (Regime.STANDARD, Decimal(200)))
        sommes.append(SommeDue(orientation_id=pk, antenne=antenne, regime=regime, montant=du,
                               justification="Attestation CAF" if regime == Regime.REDUIT else "",
                               motif_gratuite="volontaire" if regime == Regime.GRATUIT else ""))
        if not du:
            continue
        debut = aujourd_hui - timedelta(days=hasard.randrange(20, 365))
        reste = du
        for rang in range(hasard.choice([1, 2, 2, 3])):
            part = reste if rang == 2 or hasard.random() < 0.4 else (du / 2).quantize(Decimal("0.01"))
            part = min(part, reste)
            if part <= 0:
                break
            mode = hasard.choice(MODES)
            cheque = mode == Mode.CHEQUE
            paiements.append(Paiement(
                antenne=antenne, orientation_id=pk, date=min(debut + timedelta(days=30 * rang), aujourd_hui),
                montant=part, mode=mode, numero_cheque=f"{hasard.randrange(10**6, 10**7)}" if cheque else "",
                banque="Banque du bench" if cheque else "", annule=hasard.random() < 0.02,
            ))
            reste -= part
    SommeDue.objects.bulk_create(sommes, batch_size=1000)
    paiements.sort(key=lambda p: p.date)
    Paiement.objects.bulk_create(paiements, batch_size=1000)
    prefixe, rangs, recus, payes = prefixe_de(antenne), {}, [], {}
    for p in paiements:
        for nature in (NatureRecu.PAIEMENT, NatureRecu.ANNULATION) if p.annule else (NatureRecu.PAIEMENT,):
            rangs[p.date.year] = rangs.get(p.date.year, 0) + 1
            if nature == NatureRecu.PAIEMENT:
                payes[p.orientation_id] = payes.get(p.orientation_id, Decimal(0)) + p.montant
            recus.append(Recu(antenne=antenne, annee=p.date.year, rang=rangs[p.date.year], prefixe=prefixe,
                              nature=nature, paiement=p, somme_due=Decimal(200),
                              total_paye=payes[p.orientation_id]))
    Recu.objects.bulk_create(recus, batch_size=1000)
    CompteurRecus.objects.bulk_create([CompteurRecus(antenne=antenne, annee=annee, dernier=dernier)
                                       for annee, dernier in rangs.items()])


# --- One receipt against bare reportlab -----------------------------------------------------

def _lignes_du_recu(recu: Recu) -> list[str]:
    """The texts of the receipt, as the document writes them (the same strings drawn bare)."""
    return [e.getPlainText() for e in documents.elements_recu(recu) if hasattr(e, "getPlainText")]


def _reportlab_nu(entete: list[str], lignes: list[str]) -> bytes:
    tampon = io.BytesIO()
    canevas = Canvas(tampon, pagesize=A4)
    y = A4[1] - 15 * mm
    canevas.setFont(POLICE_GRAS, 12)
    canevas.drawString(20 * mm, y, entete[0])
    canevas.setFont(POLICE, 9)
    for ligne in entete[1:]:
        y -= 11.5
        canevas.drawString(20 * mm, y, ligne)
    canevas.setFont(POLICE, 10)
    y = A4[1] - 65 * mm
    for ligne in lignes:
        canevas.drawString(20 * mm, y, ligne)
        y -= 13.5
    canevas.setFont(POLICE, 8)
    canevas.drawCentredString(A4[0] / 2, 10 * mm, "Page 1 sur 1")
    canevas.showPage()
    canevas.save()
    return tampon.getvalue()


def _platypus_nu(recu: Recu) -> bytes:
    """reportlab's own SimpleDocTemplate with the same paragraphs, without our page template."""
    tampon = io.BytesIO()

    def numero(canevas, _document):
        canevas.setFont(POLICE, 8)
        canevas.drawCentredString(A4[0] / 2, 10 * mm, "Page 1 sur 1")

    SimpleDocTemplate(tampon, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=15 * mm,
                      bottomMargin=15 * mm).build(documents.elements_recu(recu), onFirstPage=numero)
    return tampon.getvalue()


def mesurer_recu(*, fois: int = 50) -> dict[str, float]:
    """Medians (ms) of one receipt through `documents.recu_pdf` and bare reportlab drawing the
    same texts, interleaved (the machine's noise hits both alike)."""
    enregistrer_polices()
    recu = (Recu.objects.filter(nature=NatureRecu.PAIEMENT, paiement__mode=Mode.CHEQUE)
            .select_related("antenne", "paiement__orientation__personne").first())
    antenne = recu.antenne
    entete = [antenne.nom, *[ligne for ligne in antenne.adresse.splitlines() if ligne.strip()]]
    lignes = [ligne for ligne in _lignes_du_recu(recu) if ligne]
    fonctions = {"recu": lambda: documents.recu_pdf(recu),
                 "reportlab_nu": lambda: _reportlab_nu(entete, lignes),
                 "platypus_nu": lambda: _platypus_nu(recu)}
    durees = {nom: [] for nom in fonctions}
    for fonction in fonctions.values():
        fonction()
    for _ in range(fois):
        for nom, fonction in fonctions.items():
            debut = time.perf_counter()
            fonction()
            durees[nom].append((time.perf_counter() - debut) * 1000)
    return {nom: statistics.median(liste) for nom, liste in durees.items()}


def section(resultats, recu: dict[str, float], *, nb_requetes: int, antenne: Antenne) -> str:
    def rapport(base: str) -> str:
        valeur = recu["recu"] / recu[base]
        return f"{valeur:.2f}×".replace(".", ",") + (" OK" if valeur <= 1.5 else " KO")

    return "\n\n".join([
        mesure.section(titre="Paiements (issue 19)", donnees=(
            f"{volume()} sur {Antenne.objects.count()} antennes (un an, ~{PERSONNES_PAR_ANTENNE} "
            f"personnes par antenne) ; pages vues par le secrétariat de « {antenne.nom} »"),
            resultats=resultats, nb_requetes=nb_requetes),
        "Un reçu (`paiements.documents.recu_pdf` : en-tête, montant en chiffres et en lettres, solde, "
        "signataire, « Page 1 sur 1 ») face à reportlab nu pour la même page, côte à côte (50 exécutions "
        "alternées, médianes ; budget ≤ 1,5×) :",
        "\n".join([
            "| document | ms | référence | ms | rapport |", "|---|---:|---|---:|---:|",
            f"| un reçu | {mesure._nombre(recu['recu'])} | reportlab nu : drawString des mêmes textes | "
            f"{mesure._nombre(recu['reportlab_nu'])} | {rapport('reportlab_nu')} |",
            f"| un reçu | {mesure._nombre(recu['recu'])} | reportlab nu : platypus, mêmes paragraphes | "
            f"{mesure._nombre(recu['platypus_nu'])} | {rapport('platypus_nu')} |",
        ]),
    ])


