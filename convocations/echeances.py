"""The échéances dashboard, the antenne staff's home: what needs action, as a list of
sections (SECTIONS). A section is a title, a sentence saying what to do, and the query of its
orientations; adding one (the attestations to send, say) is one line in SECTIONS.

The daily digest (`recapitulatif_quotidien`, a django-q2 job in stages.planification) e-mails
each antenne's staff the lines that are new since the last digest: each line is told once
(`Signalement`), whatever the number of runs.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, QuerySet, Window
from django.utils import timezone

from commun.models import Envoi
from convocations.models import STATUTS_OUVERTS as CONVOCATIONS_OUVERTES
from convocations.models import Avis, Convocation, NatureAvis, Signalement
from stages.access import DROITS, Droit
from stages.dates import date_courte, date_longue
from stages.models import (
    JOURS_CRITIQUE,
    JOURS_PROCHE,
    Antenne,
    EtatEcheance,
    Membre,
    Orientation,
    Statut,
    filtre_etat_echeance,
)
from stages.templatetags.affichage import compte

# Who receives the digest: the staff who manage the waiting list.
ROLES_DESTINATAIRES = [role for role, droits in DROITS.items() if Droit.LISTE_ATTENTE in droits]
LIGNES_ENCART, LIGNES_PAGE = 10, 50


def _accord_en_attente() -> Exists:
    """An accord asked for the échéance the orientation has now: once the échéance moves (the
    accord recorded, or a prolongation from the orientation's page), the request is over."""
    return Exists(Avis.objects.filter(orientation=OuterRef("pk"), nature=NatureAvis.DEMANDE_ACCORD,
                                      accord_le__isnull=True, echeance_actuelle=OuterRef("echeance")))


def _convoquee_a_temps() -> Exists:
    """An open convocation to a stage that ends by the échéance."""
    return Exists(Convocation.objects.filter(orientation=OuterRef("pk"), statut__in=CONVOCATIONS_OUVERTES,
                                             stage__dernier_jour__lte=OuterRef("echeance")))


def _a_convoquer(antenne: Antenne) -> QuerySet[Orientation]:
    """Waiting or convoked orientations without a convocation in time nor an accord asked."""
    return (Orientation.objects.filter(antenne=antenne, statut__in=[Statut.EN_ATTENTE, Statut.CONVOQUEE])
            .exclude(_convoquee_a_temps()).exclude(_accord_en_attente()))


def par_etat(etat: EtatEcheance) -> Callable[[Antenne, date], QuerySet[Orientation]]:
    """The orientations to convoke whose échéance is in `etat` (`filtre_etat_echeance`)."""
    return lambda antenne, aujourd_hui: _a_convoquer(antenne).filter(filtre_etat_echeance(etat, aujourd_hui))


def en_attente_d_accord(antenne: Antenne, aujourd_hui: date) -> QuerySet[Orientation]:
    return (Orientation.objects.filter(antenne=antenne, statut__in=[Statut.EN_ATTENTE, Statut.CONVOQUEE])
            .filter(_accord_en_attente()))


def a_retourner(antenne: Antenne, aujourd_hui: date) -> QuerySet[Orientation]:
    return Orientation.objects.filter(antenne=antenne, statut=Statut.A_RETOURNER)


@dataclass(frozen=True)
class Section:
    code: str
    titre: str
    aide: str  # what to do, in one sentence
    orientations: Callable[[Antenne, date], QuerySet[Orientation]]
    badge: str = "info"
    # The waiting list's filters that show the same people (and more: those already convoked
    # in time), for a section longer than the page.
    liste: str = ""


SECTIONS: list[Section] = [
    Section("depassee", "Échéance dépassée",
            "Sans convocation à un stage avant l'échéance : demandez l'accord du prescripteur, ou "
            "retournez-lui le dossier.", par_etat(EtatEcheance.DEPASSEE), "depassee", "echeance=depassee"),
    Section("critique", f"Échéance critique (≤ {JOURS_CRITIQUE} jours)",
            "À convoquer en priorité à un stage qui finit avant l'échéance, ou demandez l'accord du "
            "prescripteur.", par_etat(EtatEcheance.CRITIQUE), "critique", "echeance=critique"),
    Section("proche", f"Échéance proche (≤ {JOURS_PROCHE} jours)",
            "À convoquer à un stage qui finit avant l'échéance.", par_etat(EtatEcheance.PROCHE), "proche",
            "echeance=proche"),
    Section("accord", "En attente d'un accord",
            "Demande d'accord envoyée : enregistrez l'accord quand il arrive (l'échéance sera prolongée), "
            "relancez le prescripteur sinon.", en_attente_d_accord),
    Section("a_retourner", "À retourner au prescripteur",
            "Absences répétées : envoyez le retour au prescripteur, qui décide des suites.", a_retourner,
            "neutre", "statut=a_retourner"),
]


@dataclass
class Bloc:
    section: Section
    total: int
    lignes: list[Orientation] = field(default_factory=list)

    @property
    def reste(self) -> int:
        return self.total - len(self.lignes)


def tableau(antenne: Antenne, aujourd_hui: date, *, lignes: int = LIGNES_ENCART) -> list[Bloc]:
    """Each section's first `lignes` orientations (closest échéance first) and its count: one
    query per section on the orientations alone (the count is a window over the whole section,
    computed before the LIMIT), then one for the people and prescripteurs of the lines shown,
    whatever the number of orientations."""
    premieres = {
        section.code: list(section.orientations(antenne, aujourd_hui).order_by("echeance", "pk")
                           .annotate(total_section=Window(Count("pk")))
                           .values_list("pk", "total_section")[:lignes])
        for section in SECTIONS
    }
    ids = {pk for rangees in premieres.values() for pk, _total in rangees}
    orientations = (Orientation.objects.select_related("personne", "prescripteur").in_bulk(ids)
                    if ids else {})
    return [Bloc(section, premieres[section.code][0][1] if premieres[section.code] else 0,
                 [orientations[pk] for pk, _total in premieres[section.code]])
            for section in SECTIONS]


# --- The daily digest ------------------------------------------------------------------


def cle_de_ligne(section: Section, orientation_id: int, echeance: date) -> str:
    """A line of the dashboard, as the digest remembers it: an orientation that moves on to
    another section (proche -> critique) or whose échéance changes is new again."""
    return f"{section.code}:{orientation_id}:{echeance:%Y-%m-%d}"


def nouvelles_lignes(antenne: Antenne, aujourd_hui: date) -> list[tuple[Section, list[tuple]]]:
    """The lines of each section not told yet: (section, [(key, orientation pk, personne, échéance)])."""
    par_section = [
        (section, [(cle_de_ligne(section, pk, echeance), pk, f"{prenom} {nom.upper()}", echeance)
                   for pk, prenom, nom, echeance in section.orientations(antenne, aujourd_hui)
                   .order_by("echeance", "pk").values_list("pk", "personne__prenom", "personne__nom",
                                                           "echeance")])
        for section in SECTIONS
    ]
    cles = [ligne[0] for _section, lignes in par_section for ligne in lignes]
    deja = set(Signalement.objects.filter(antenne=antenne, cle__in=cles).values_list("cle", flat=True))
    return [(section, nouvelles) for section, lignes in par_section
            if (nouvelles := [ligne for ligne in lignes if ligne[0] not in deja])]


def _corps(antenne: Antenne, nouvelles, aujourd_hui: date) -> str:
    total = sum(len(lignes) for _s, lignes in nouvelles)
    textes = [f"Bonjour,\n\nNouveau à traiter pour {antenne.nom} ce {date_longue(aujourd_hui)} "
              f"({compte(total, 'ligne')}) :"]
    for section, lignes in nouvelles:
        textes.append(f"{section.titre} — {section.aide}")
        textes += [f"- {personne}, échéance du {date_courte(echeance)}"
                   for _c, _pk, personne, echeance in lignes[:LIGNES_PAGE]]
        if len(lignes) > LIGNES_PAGE:
            textes.append(f"- … et {compte(len(lignes) - LIGNES_PAGE, 'autre')}")
    textes.append("Le détail est dans le tableau des échéances, sur la page d'accueil de l'application.\n\n"
                  "Ce message ne reprend que ce qui est nouveau depuis le précédent.")
    return "\n\n".join(textes)


def recapitulatif_antenne(antenne: Antenne, aujourd_hui: date) -> list[Envoi]:
    """The digest of one antenne, to each staff member with an e-mail address, when something
    is new; the lines are then remembered as told. The same new lines give the same messages
    (the key hashes them): a second run at once sends nothing more."""
    from convocations import tasks

    adresses = sorted(set(Membre.objects.filter(antenne=antenne, role__in=ROLES_DESTINATAIRES,
                                                user__is_active=True)
                          .exclude(user__email="").values_list("user__email", flat=True)))
    if not adresses:  # nobody to tell: the lines stay new until someone has an address
        return []
    nouvelles = nouvelles_lignes(antenne, aujourd_hui)
    if not nouvelles:
        return []
    cles = sorted(cle for _s, lignes in nouvelles for cle, *_reste in lignes)
    empreinte = hashlib.sha256("\n".join(cles).encode()).hexdigest()[:20]
    corps = _corps(antenne, nouvelles, aujourd_hui)
    with transaction.atomic():
        envois = [
            Envoi.objects.preparer(cle=f"recapitulatif:{antenne.pk}:{empreinte}:{courriel}",
                                   nature="recapitulatif", destinataire=courriel,
                                   sujet=f"Échéances à traiter — {antenne.nom}", corps=corps)[0]
            for courriel in adresses
        ]
        Signalement.objects.bulk_create([Signalement(antenne=antenne, cle=cle, signale_le=aujourd_hui)
                                         for cle in cles], ignore_conflicts=True)
        ids = [envoi.pk for envoi in envois]
        transaction.on_commit(lambda: tasks.envois_mettre_en_file(ids))
    return envois


def recapitulatif_quotidien() -> int:
    """The daily job: every antenne's digest; the number of messages prepared."""
    aujourd_hui = timezone.localdate()
    return sum(len(recapitulatif_antenne(antenne, aujourd_hui)) for antenne in Antenne.objects.order_by("pk"))
