"""Convocations side by side with their baselines, in the same run: the letter (ours against
bare reportlab drawing the same lines, and against WeasyPrint rendering the same letter from
HTML when it is installed), a stage's 15 letters as one PDF, convoking 15 people (letters,
ICS, outbox rows), and 15 e-mails sent by a real worker (`manage.py qcluster`) to a local SMTP
server, end to end.

    .venv/bin/python manage.py bench      (section « Convocations » of docs/benchmarks.md)
"""

import io
import os
import signal
import statistics
import subprocess
import time
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape

from django.conf import settings
from django.db import connection
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from commun.documents import BLOC_ADRESSE_MM, MARGE_GAUCHE, POLICE, POLICE_GRAS, enregistrer_polices
from commun.models import Envoi
from convocations import documents, envois
from convocations.models import Convocation, LotEnvoi
from stages.models import Antenne, Stage
from tests.processus import commande, environnement

CODE_ANTENNE = "bench-convocations"
NOMBRE = 15


@dataclass(frozen=True)
class Ligne:
    libelle: str
    ours_ms: float
    base_libelle: str = ""
    base_ms: float | None = None
    budget: str = ""

    @property
    def rapport(self) -> str:
        if not self.base_ms:
            return "—"
        return f"{self.ours_ms / self.base_ms:.2f}".replace(".", ",") + "×"


def preparer(*, aujourd_hui: date) -> Stage:
    """A stage of 15 open convocations in an antenne of its own (made once, reused)."""
    from tests.convocations.envoi import convoquer
    from tests.factories import creer_antenne, creer_stage

    antenne = Antenne.objects.filter(code=CODE_ANTENNE).first() or creer_antenne(
        code=CODE_ANTENNE,
        nom="Antenne bench convocations",
        departement="66",
        telephone="04 68 00 00 00",
        email="bench@cpca.invalid",
        signataire="Marie Durand",
        adresse="12 rue des Œillets\n66000 Perpignan",
    )
    stage = Stage.objects.filter(antenne=antenne).first()
    if stage is None:
        debut = aujourd_hui + timedelta(days=30)
        stage = creer_stage(
            antenne, jours=(debut, debut + timedelta(days=1)), acces_lieu="Bus 2, arrêt « Cœur »"
        )
        for i in range(NOMBRE):
            convoquer(stage, nom=f"Œuvray{i:02d}", prenom="Gaëlle", email=f"p{i}@exemple.invalid")
    return stage


def _convocations(stage: Stage) -> list[Convocation]:
    return list(envois.convocations_ouvertes(stage))


def _oublier_envois(stage: Stage) -> None:
    Envoi.objects.filter(pk__in=envois.envois_du_stage(stage).values("pk")).delete()
    LotEnvoi.objects.filter(stage=stage).delete()


def _lignes_de_la_lettre(convocation, seances, modele, aujourd_hui) -> list[tuple[str, str]]:
    """The letter's text as (font, line) wrapped at the text width: what bare reportlab draws."""
    largeur = A4[0] - 2 * MARGE_GAUCHE
    v = documents.valeurs(convocation, seances)
    textes = [f"Le {documents.date_longue(aujourd_hui)}", documents.OBJET]
    textes += [documents.horaire_seance(s) for s in seances]
    textes += [f"Lieu : {convocation.stage.lieu}", convocation.stage.acces_lieu]
    for champ in ("introduction", "paiement", "a_apporter", "absence", "report", "contact", "formule"):
        textes.append(getattr(modele, champ).format_map(v))
    lignes = []
    for texte in textes:
        for paragraphe in texte.split("\n"):
            lignes += [(POLICE, ligne) for ligne in simpleSplit(paragraphe, POLICE, 10, largeur)]
    return lignes


def _reportlab_nu(pages: list[tuple[list[str], list[str], list[tuple[str, str]]]]) -> bytes:
    tampon = io.BytesIO()
    canevas = Canvas(tampon, pagesize=A4)
    hauteur = A4[1]
    for entete, adresse, lignes in pages:
        y = hauteur - 15 * mm
        canevas.setFont(POLICE_GRAS, 12)
        canevas.drawString(MARGE_GAUCHE, y, entete[0])
        canevas.setFont(POLICE, 9)
        for ligne in entete[1:]:
            y -= 11.5
            canevas.drawString(MARGE_GAUCHE, y, ligne)
        canevas.setFont(POLICE, 10.5)
        y = hauteur - BLOC_ADRESSE_MM[1] * mm - 10
        for ligne in adresse:
            canevas.drawString(BLOC_ADRESSE_MM[0] * mm, y, ligne)
            y -= 13
        y = hauteur - 100 * mm
        for police, ligne in lignes:
            canevas.setFont(police, 10)
            canevas.drawString(MARGE_GAUCHE, y, ligne)
            y -= 13.5
        canevas.setFont(POLICE, 8)
        canevas.drawCentredString(A4[0] / 2, 10 * mm, "Page 1 sur 1")
        canevas.showPage()
    canevas.save()
    return tampon.getvalue()


def _platypus_nu(convocations, seances, modele, aujourd_hui) -> bytes:
    """reportlab's own SimpleDocTemplate with the same paragraphs (its layout, not our page
    template: letterhead and address as plain paragraphs, no per-letter numbering)."""
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer

    style = documents.styles()
    elements = []
    for rang, convocation in enumerate(convocations):
        if rang:
            elements.append(PageBreak())
        entete = documents.entete_de(convocation.stage.antenne)
        elements += [
            Paragraph(documents.echapper(t), style["entete"])
            for t in [entete.nom, *entete.adresse, entete.telephone, entete.courriel]
        ]
        elements.append(Spacer(1, 20 * mm))
        elements += [
            Paragraph(documents.echapper(t), style["adresse"]) for t in documents.lignes_adresse(convocation)
        ]
        elements.append(Spacer(1, 15 * mm))
        elements += documents.elements_lettre(convocation, seances, modele, aujourd_hui)

    def numero(canevas, _document):
        canevas.setFont(POLICE, 8)
        canevas.drawCentredString(A4[0] / 2, 10 * mm, "Page 1 sur 1")

    tampon = io.BytesIO()
    SimpleDocTemplate(
        tampon, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=15 * mm, bottomMargin=15 * mm
    ).build(elements, onFirstPage=numero, onLaterPages=numero)
    return tampon.getvalue()


def _html(convocation, seances, modele, aujourd_hui) -> str:
    """The same letter as a Django team would write it for WeasyPrint."""
    antenne = convocation.stage.antenne
    v = documents.valeurs(convocation, seances)
    paragraphes = "".join(
        f"<p>{escape(getattr(modele, c).format_map(v))}</p>".replace("\n", "<br>")
        for c in ("paiement", "a_apporter", "absence", "report", "contact", "formule")
    )
    police = settings.BASE_DIR / "commun" / "polices" / "DejaVuSans.ttf"
    adresse_antenne = "<br>".join(escape(x) for x in antenne.adresse.splitlines())
    destinataire = "<br>".join(escape(x) for x in documents.lignes_adresse(convocation))
    seances_html = "".join(f"<li>{escape(documents.horaire_seance(s))}</li>" for s in seances)
    stage = convocation.stage
    return f"""<!doctype html><html lang="fr"><head><meta charset="utf-8"><style>
@font-face {{ font-family: DejaVu; src: url("file://{police}"); }}
@page {{ size: A4; margin: 20mm;
  @bottom-center {{ content: "Page " counter(page) " sur " counter(pages); }} }}
body {{ font-family: DejaVu; font-size: 10pt; line-height: 1.35; }}
.entete {{ position: absolute; top: -8mm; left: 0; width: 75mm; font-size: 9pt; }}
.adresse {{ position: absolute; top: 35mm; left: 90mm; width: 85mm; height: 33mm;
  font-size: 10.5pt; }}
.corps {{ margin-top: 80mm; }} .objet {{ font-weight: bold; }}
</style></head><body>
<div class="entete"><b>{escape(antenne.nom)}</b><br>{adresse_antenne}
<br>{escape(antenne.telephone)}<br>{escape(antenne.email)}</div>
<div class="adresse">{destinataire}</div>
<div class="corps"><p>Le {escape(documents.date_longue(aujourd_hui))}</p>
<p class="objet">{escape(documents.OBJET)}</p>
<p>{escape(modele.introduction.format_map(v))}</p>
<ul>{seances_html}</ul>
<p><b>Lieu :</b> {escape(stage.lieu)}</p><p><b>Accès :</b> {escape(stage.acces_lieu)}</p>
{paragraphes}<p style="margin-left: 95mm">{escape(antenne.signataire)}</p></div></body></html>"""


def _cote_a_cote(fonctions: dict, fois: int) -> dict:
    """Medians of interleaved runs: the machine's noise hits each alike."""
    for fonction in fonctions.values():
        fonction()
    durees = {nom: [] for nom in fonctions}
    for _ in range(fois):
        for nom, fonction in fonctions.items():
            debut = time.perf_counter()
            fonction()
            durees[nom].append((time.perf_counter() - debut) * 1000)
    return {nom: statistics.median(liste) for nom, liste in durees.items()}


def mesurer_documents(stage: Stage, *, aujourd_hui: date, fois: int = 20) -> list[Ligne]:
    enregistrer_polices()
    convocations = _convocations(stage)
    seances = list(stage.seances.all())
    modele = documents.modele_de(stage.antenne)
    une = convocations[0]
    entete = documents.entete_de(stage.antenne)
    entete_lignes = [entete.nom, *entete.adresse, entete.telephone, entete.courriel]
    pages = [
        (entete_lignes, documents.lignes_adresse(c), _lignes_de_la_lettre(c, seances, modele, aujourd_hui))
        for c in convocations
    ]

    def lettre():
        return documents.lettre_convocation(une, seances=seances, modele=modele, aujourd_hui=aujourd_hui)

    def quinze():
        return documents.lettres_stage(convocations, stage=stage, aujourd_hui=aujourd_hui)

    medianes = _cote_a_cote(
        {
            "lettre": lettre,
            "nu": lambda: _reportlab_nu(pages[:1]),
            "platypus": lambda: _platypus_nu(convocations[:1], seances, modele, aujourd_hui),
            "quinze": quinze,
            "quinze_nu": lambda: _reportlab_nu(pages),
            "quinze_platypus": lambda: _platypus_nu(convocations, seances, modele, aujourd_hui),
        },
        fois,
    )
    n = len(convocations)
    lignes = [
        Ligne(
            "Une lettre de convocation",
            medianes["lettre"],
            "reportlab nu : drawString des mêmes lignes",
            medianes["nu"],
            "≤ 1,5×",
        ),
        Ligne(
            "Une lettre de convocation",
            medianes["lettre"],
            "reportlab nu : platypus, mêmes paragraphes",
            medianes["platypus"],
            "≤ 1,5×",
        ),
        Ligne(
            f"Les {n} lettres d'un stage en un PDF",
            medianes["quinze"],
            "reportlab nu : drawString des mêmes pages",
            medianes["quinze_nu"],
            "≤ 1,5×",
        ),
        Ligne(
            f"Les {n} lettres d'un stage en un PDF",
            medianes["quinze"],
            "reportlab nu : platypus, mêmes paragraphes",
            medianes["quinze_platypus"],
            "≤ 1,5×",
        ),
    ]
    try:
        from weasyprint import HTML
    except ImportError:
        lignes.append(Ligne("WeasyPrint : non installé (pip install weasyprint)", 0))
    else:
        html = _html(une, seances, modele, aujourd_hui)
        medianes = _cote_a_cote(
            {"weasy": lambda: HTML(string=html).write_pdf(), "lettre": lettre}, max(3, fois // 4)
        )
        lignes.append(
            Ligne(
                "WeasyPrint, la même lettre depuis HTML",
                medianes["weasy"],
                "notre lettre (même exécution)",
                medianes["lettre"],
                "notre lettre ≥ 8× plus rapide",
            )
        )
    return lignes


def mesurer_convoquer(stage: Stage, *, fois: int = 5) -> Ligne:
    """Preparing the 15 messages: letters, ICS, outbox rows and their attachments."""
    convocations = _convocations(stage)
    seances, modele = list(stage.seances.all()), documents.modele_de(stage.antenne)

    def convoquer():
        _oublier_envois(stage)
        for convocation in convocations:
            envois.convocation_preparer(convocation, seances=seances, modele=modele)

    mediane = _cote_a_cote({"convoquer": convoquer}, fois)["convoquer"]
    _oublier_envois(stage)
    return Ligne(
        f"Convoquer {len(convocations)} personnes (lettres, ICS, lignes d'envoi)",
        mediane,
        budget="≤ 1 000 ms",
    )


def mesurer_worker(stage: Stage) -> Ligne:
    """15 e-mails by a real `manage.py qcluster` (ORM broker, or Redis if REDIS_URL) to a
    local SMTP server: from the task enqueued to the batch finished."""
    from django_q.tasks import async_task, result

    from tests.smtp import ServeurSMTP

    if connection.vendor == "sqlite" and connection.settings_dict["NAME"] == ":memory:":
        return Ligne("15 courriels par le worker : base en mémoire, non mesurable", 0)
    _oublier_envois(stage)
    from django_q.models import OrmQ

    OrmQ.objects.all().delete()  # the bench database's queue: nothing left from an earlier run
    serveur = ServeurSMTP()
    serveur.demarrer()
    env = environnement(
        DJANGO_SETTINGS_MODULE="tests.reglages_worker",
        SMTP_PORT=str(serveur.port),
        DATABASE_URL=os.environ.get("DATABASE_URL", ""),
    )
    # The worker's log, to see why it stays silent: BENCH_JOURNAL_WORKER=/tmp/worker.log.
    journal = open(os.environ.get("BENCH_JOURNAL_WORKER", os.devnull), "w")  # noqa: SIM115 (closed below)
    worker = subprocess.Popen(  # noqa: S603 (our own manage.py)
        commande("qcluster"),
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=journal,
        start_new_session=True,
    )
    try:
        # Worker up: a trivial task comes back.
        essai, fin = async_task("math.factorial", 5, sync=False), time.monotonic() + 60
        while result(essai) is None:
            if time.monotonic() > fin:
                return Ligne("15 courriels par le worker : worker muet en 60 s", 0)
            time.sleep(0.05)
        lot = LotEnvoi.objects.create(stage=stage, total=len(_convocations(stage)))
        debut = time.perf_counter()
        async_task("convocations.tasks.lot_envoyer", lot.pk, sync=False)
        while not LotEnvoi.objects.filter(pk=lot.pk, etat=LotEnvoi.Etat.TERMINE).exists():
            if time.perf_counter() - debut > 120:
                return Ligne("15 courriels par le worker : pas fini en 120 s", 0)
            time.sleep(0.02)
        duree = (time.perf_counter() - debut) * 1000
        recus = len(serveur.messages)
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
        journal.close()
        serveur.arreter()
    _oublier_envois(stage)
    return Ligne(
        f"{recus} courriels par le worker au serveur SMTP local, de bout en bout", duree, budget="≤ 5 000 ms"
    )


def mesurer_tout(*, aujourd_hui: date, fois: int = 20, worker: bool = True) -> list[Ligne]:
    stage = preparer(aujourd_hui=aujourd_hui)
    lignes = mesurer_documents(stage, aujourd_hui=aujourd_hui, fois=fois)
    lignes.append(mesurer_convoquer(stage, fois=max(2, fois // 4)))
    if worker:
        lignes.append(mesurer_worker(stage))
    return lignes


def _ms(valeur: float | None) -> str:
    return "—" if not valeur else f"{valeur:,.1f}".replace(",", " ").replace(".", ",")


def tableau_markdown(lignes: list[Ligne]) -> str:
    rangs = ["| Mesure | ms (médiane) | Référence | ms | rapport | budget |", "|---|---:|---|---:|---:|---|"]
    rangs += [
        f"| {ligne.libelle} | {_ms(ligne.ours_ms)} | {ligne.base_libelle} | {_ms(ligne.base_ms)} | "
        f"{ligne.rapport} | {ligne.budget} |"
        for ligne in lignes
    ]
    return "\n".join(rangs)
