"""Non-trivial reads: dashboards and lists."""

from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date

from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, F, OuterRef, Q, QuerySet, Subquery, When, Window
from django.db.models.functions import Coalesce, RowNumber
from django.urls import reverse
from django.utils import timezone

from stages.dates import date_courte
from stages.models import (
    EN_IMPORT,
    Antenne,
    EtatEcheance,
    MotDuNom,
    Orientation,
    Prescripteur,
    Role,
    Statut,
    filtre_etat_echeance,
    mots_cherchables,
)


@dataclass(frozen=True)
class Indicateurs:
    antenne: Antenne
    nb_en_attente: int = 0
    nb_urgentes: int = 0
    nb_depassees: int = 0


def indicateurs_par_antenne(acces) -> list[Indicateurs]:
    """Waiting counts per antenne: every antenne for coordination, else the one in force."""
    antennes = Antenne.objects.order_by("nom")
    attente = Orientation.objects.filter(statut=Statut.EN_ATTENTE)
    if acces.role != Role.COORDINATION:
        antennes = antennes.filter(pk=acces.antenne.pk)
        attente = attente.filter(antenne=acces.antenne)
    # Grouped over the waiting orientations alone, read from the `orientation_attente_idx`
    # index only (hence counting a column of the index, not the id), rather than joined
    # from every antenne to all its orientations.
    comptes = {
        ligne.pop("antenne"): ligne
        for ligne in attente.values("antenne").annotate(
            nb_en_attente=Count("antenne"),
            nb_urgentes=Count("antenne", filter=Q(urgent=True)),
            nb_depassees=Count("antenne", filter=Q(echeance__lt=timezone.localdate())),
        ).order_by()
    }
    return [Indicateurs(antenne, **comptes.get(antenne.pk, {})) for antenne in antennes]


# --- Liste d'attente -------------------------------------------------------------------

TOUS_LES_STATUTS = "tous"
# The convocation order: urgent first, then by date of orientation (the rank key), then id.
# The list's default and the only source of the ranks.
ORDRE_LISTE = ("-urgent", "date_orientation", "id")
PAR_PAGE = 50
# Other orders the screen may be sorted by ("-nom": descending), for reading only: the
# ranks stay those of ORDRE_LISTE, which also breaks the ties.
TRIS = {
    "nom": ("personne__nom_normalise", "personne__prenom_normalise"),
    "orientation": ("date_orientation",),
    "echeance": ("echeance",),
    "prescripteur": ("prescripteur__nom",),
}


def ordre_de_tri(tri: str) -> tuple:
    """The order_by of `tri` (a key of TRIS, "-" first for descending; "" the convocation
    order). A volontaire, without prescripteur, comes last either way."""
    if not tri:
        return ORDRE_LISTE
    descendant, cle = tri.startswith("-"), tri.removeprefix("-")
    return (*(F(champ).desc(nulls_last=True) if descendant else F(champ).asc(nulls_last=True)
              for champ in TRIS[cle]), *ORDRE_LISTE)


@dataclass(frozen=True)
class FiltresListe:
    """What narrows the list; the default is the waiting list itself."""

    statut: str = Statut.EN_ATTENTE
    prescripteur_id: int | None = None
    cadre: str = ""
    sexe: str = ""
    echeance: str = ""
    urgent: bool = False
    recherche: str = ""
    tri: str = ""  # how the rows are shown, not which (see TRIS)

    def condition(self, antenne: Antenne, aujourd_hui: date) -> Q:
        condition = Q()
        if self.statut != TOUS_LES_STATUTS:
            condition &= Q(statut=self.statut)
        else:  # not the rows of an import still being written
            condition &= ~Q(statut=EN_IMPORT)
        if self.prescripteur_id:
            condition &= Q(prescripteur_id=self.prescripteur_id)
        if self.cadre:
            condition &= Q(cadre=self.cadre)
        if self.sexe:
            condition &= Q(personne__sexe=self.sexe)
        if self.echeance:
            condition &= filtre_etat_echeance(self.echeance, aujourd_hui)
        if self.urgent:
            condition &= Q(urgent=True)
        if self.recherche:
            condition &= recherche_orientations(antenne, self.recherche)
        return condition


def recherche_orientations(antenne: Antenne, texte: str) -> Q:
    """A text with a digit starts a file reference. Otherwise each word starts a word of the
    nom or of the prénom ('pierre' finds Jean-Pierre), accents and case ignored."""
    mots = mots_cherchables(texte)
    if not mots or any(caractere.isdigit() for caractere in texte):
        return Q(reference__istartswith=texte.strip())
    condition = Q()
    for mot in mots:
        # A range of the words' index; startswith keeps the exact rule whatever the collation.
        plage = Q(mot__gte=mot, mot__startswith=mot)
        if suivant := mot_suivant(mot):
            plage &= Q(mot__lt=suivant)
        condition &= Q(personne__in=MotDuNom.objects.filter(plage, antenne=antenne)
                       .values("personne"))
    return condition


def mot_suivant(mot: str) -> str:
    """The first word after every word starting with `mot` ('mar' -> 'mas', 'maz' -> 'mb'),
    '' when there is none ('zz'), or when `mot` is not ASCII ('андр'): collations order
    other scripts differently, so such a word is read up to the end of the index."""
    mot = mot.rstrip("z")
    if not mot or not mot.isascii():  # normalised: ASCII means a-z0-9
        return ""
    dernier = mot[-1]
    return mot[:-1] + ("a" if dernier == "9" else chr(ord(dernier) + 1))


def liste_attente(antenne: Antenne, filtres: FiltresListe, aujourd_hui: date) -> QuerySet:
    """The antenne's orientations matching `filtres`, in convocation order unless sorted."""
    return (
        Orientation.objects.filter(antenne=antenne)
        .filter(filtres.condition(antenne, aujourd_hui))
        .select_related("personne", "prescripteur")
        .order_by(*ordre_de_tri(filtres.tri))
    )


def totaux_liste_attente(antenne: Antenne, aujourd_hui: date) -> dict[str, int]:
    """The figures at the top of the list, whatever its filters.

    One query of four counts, each a range of `orientation_attente_idx` (statut, antenne,
    urgent, échéance) read from the index alone: the urgent ones and the deadlines read
    only their own entries (`urgent IN (0, 1)` lets the échéance range follow), not the
    whole waiting list as conditional counts over it would."""
    attente = Orientation.objects.filter(
        statut=Statut.EN_ATTENTE, antenne=antenne, urgent__in=[True, False]
    ).order_by().values("antenne")

    def compte(condition: Q) -> Coalesce:
        return Coalesce(Subquery(
            attente.filter(condition).annotate(n=Count("antenne")).values("n")
        ), 0)

    return Antenne.objects.filter(pk=antenne.pk).values(
        en_attente=compte(Q()), urgentes=compte(Q(urgent=True)),
        depassees=compte(filtre_etat_echeance(EtatEcheance.DEPASSEE, aujourd_hui)),
        critiques=compte(filtre_etat_echeance(EtatEcheance.CRITIQUE, aujourd_hui)),
    ).get()


def rangs_liste_attente(
    antenne: Antenne, parmi: Collection[int] | None = None
) -> dict[int, int]:
    """Rank (1, 2, ...) in the antenne's whole waiting list of each waiting orientation id,
    or of the ids `parmi` only: one window over the list, however the screen filters it."""
    attente = Orientation.objects.filter(antenne=antenne, statut=Statut.EN_ATTENTE)
    rang = Window(RowNumber(), order_by=ORDRE_LISTE)
    if parmi is None:
        return dict(attente.annotate(rang=rang).values_list("pk", "rang"))
    # The id test reads the row number, so Django applies it after the window (QUALIFY):
    # the numbers still count the whole list, not just these rows.
    return dict(
        attente.annotate(rang=Case(When(pk__in=parmi, then=rang)))
        .filter(rang__isnull=False)
        .values_list("pk", "rang")
    )


def rangs_des_orientations(
    antenne: Antenne, orientations: Collection[Orientation]
) -> dict[int, int]:
    """The same ranks as `rangs_liste_attente(antenne, parmi=...)` for a page's waiting
    orientations, read from the part of the waiting list they span rather than from all of
    it: the row numbers of the whole days from the first one's date to the last one's (a
    range of `orientation_rang_idx`), plus the count of those before that first day (a
    range count of the same index), in one query. A filtered page's rows are near one
    another in the list (the first 50 matches of a search, the urgent ones): the work
    follows the page, not the antenne's size."""
    en_attente = [o for o in orientations if o.statut == Statut.EN_ATTENTE]
    if not en_attente:
        return {}
    premiere = min(en_attente, key=lambda o: (not o.urgent, o.date_orientation, o.pk))
    derniere = max(en_attente, key=lambda o: (not o.urgent, o.date_orientation, o.pk))
    attente = Orientation.objects.filter(antenne=antenne, statut=Statut.EN_ATTENTE)
    if premiere.urgent == derniere.urgent:
        plage = Q(urgent=premiere.urgent, date_orientation__gte=premiere.date_orientation,
                  date_orientation__lte=derniere.date_orientation)
    else:  # from the urgent ones to the others
        plage = (Q(urgent=True, date_orientation__gte=premiere.date_orientation)
                 | Q(urgent=False, date_orientation__lte=derniere.date_orientation))
    devant = Q(urgent=premiere.urgent, date_orientation__lt=premiere.date_orientation)
    if not premiere.urgent:
        devant |= Q(urgent=True)
    avant = Coalesce(Subquery(
        attente.filter(devant).order_by().values("antenne").annotate(n=Count("antenne"))
        .values("n")
    ), 0)
    ids = [o.pk for o in en_attente]
    rang = Window(RowNumber(), order_by=ORDRE_LISTE)
    return {
        pk: avant_ + numero for pk, numero, avant_ in
        attente.filter(plage).annotate(rang=Case(When(pk__in=ids, then=rang)), avant=avant)
        .filter(rang__isnull=False).values_list("pk", "rang", "avant")
    }


def avec_rang(orientations: QuerySet) -> QuerySet:
    """Each orientation with `rang`, its rank in its antenne's waiting list were it waiting
    (1 + those before it in ORDRE_LISTE), read with the orientation itself: no query more."""
    devant = Orientation.objects.filter(
        Q(urgent__gt=OuterRef("urgent"))
        | Q(urgent=OuterRef("urgent"), date_orientation__lt=OuterRef("date_orientation"))
        | Q(urgent=OuterRef("urgent"), date_orientation=OuterRef("date_orientation"),
            pk__lt=OuterRef("pk")),
        antenne=OuterRef("antenne"), statut=Statut.EN_ATTENTE,
    ).order_by().values("antenne").annotate(n=Count("pk")).values("n")
    return orientations.annotate(rang=Coalesce(Subquery(devant[:1]), 0) + 1)


def autres_orientations_de_la_personne(orientation: Orientation) -> list[Orientation]:
    """The person's other orientations, latest first. Read by the person alone (its own
    index, a few rows whatever the antenne's size), then kept to the orientation's antenne
    (a person belongs to one antenne; the test keeps any other out all the same)."""
    return [
        autre for autre in Orientation.objects.filter(personne=orientation.personne_id)
        .exclude(pk=orientation.pk).select_related("prescripteur").order_by("-date_orientation")
        if autre.antenne_id == orientation.antenne_id
    ]


@dataclass(frozen=True)
class LigneListe:
    """A row of the waiting list as the screen shows it: plain values, labels and dates
    computed once here, so that the template reads one attribute per cell (resolving
    `o.personne.get_sexe_display` and the like was half of the page's time)."""

    pk: int
    url: str
    rang: int | None  # only waiting orientations have one
    personne: str
    urgent: bool
    motif_urgence: str
    transferee_depuis: str
    statut: str  # empty while waiting
    motif_sortie: str
    sexe: str
    non_mixte: bool
    prescripteur: str
    cadre: str
    orientee_le: str
    jours_attente: int
    etat_echeance: EtatEcheance
    echeance: str
    prolongee: bool
    nb_reports: int
    nb_absences: int


def lignes_liste_attente(
    orientations: Iterable[Orientation], rangs: Mapping[int, int], aujourd_hui: date
) -> Iterator[LigneListe]:
    """The rows of `orientations` (their persons, prescripteurs and origins selected)."""
    for o in orientations:
        en_attente = o.est_en_attente
        yield LigneListe(
            pk=o.pk, url=reverse("stages:orientation", args=[o.pk]), rang=rangs.get(o.pk),
            personne=str(o.personne), urgent=o.urgent, motif_urgence=o.motif_urgence,
            transferee_depuis=o.origine.antenne.nom if o.origine_id else "",
            statut="" if en_attente else o.get_statut_display(),
            motif_sortie="" if en_attente else o.motif_sortie,
            sexe=o.personne.get_sexe_display(), non_mixte=o.est_non_mixte,
            prescripteur=str(o.prescripteur) if o.prescripteur_id else "— (volontaire)",
            cadre=o.get_cadre_display(), orientee_le=date_courte(o.date_orientation),
            jours_attente=(aujourd_hui - o.date_orientation).days,
            etat_echeance=o.etat_echeance(aujourd_hui), echeance=date_courte(o.echeance),
            prolongee=o.est_prolongee, nb_reports=o.nb_reports, nb_absences=o.nb_absences,
        )


@dataclass(frozen=True)
class PageListe:
    page: Page
    lignes: list[LigneListe]
    totaux: dict[str, int]


def page_liste_attente(
    antenne: Antenne, filtres: FiltresListe, aujourd_hui: date, numero: str | None
) -> PageListe:
    """One page of the list (an invalid or out-of-range number gives the nearest page) and
    the antenne's totals."""
    totaux = totaux_liste_attente(antenne, aujourd_hui)
    orientations = liste_attente(antenne, filtres, aujourd_hui)
    # Paginate the ids, then fetch the page's rows: sorting narrow rows stays cheap when
    # the rank index does not give the order ("tous les statuts", 10 000 rows).
    paginator = Paginator(orientations.values_list("pk", flat=True), PAR_PAGE)
    liste_entiere = filtres == FiltresListe()
    if replace(filtres, tri="") == FiltresListe():
        paginator.count = totaux["en_attente"]  # already counted
    page = paginator.get_page(numero)
    de_la_page = list(
        Orientation.objects.filter(pk__in=page.object_list)
        .select_related("personne", "prescripteur", "origine__antenne")
        .order_by(*ordre_de_tri(filtres.tri))
    )
    en_attente = [o.pk for o in de_la_page if o.statut == Statut.EN_ATTENTE]
    if liste_entiere:  # the page is a slice of the waiting list: its ranks follow on
        rangs = {pk: page.start_index() + n for n, pk in enumerate(en_attente)}
    else:
        rangs = rangs_des_orientations(antenne, de_la_page)
    return PageListe(page, list(lignes_liste_attente(de_la_page, rangs, aujourd_hui)), totaux)


# --- Prescripteurs -----------------------------------------------------------------------


def prescripteurs_de_l_antenne(
    *, antenne: Antenne, recherche: str = "", type_: str = "", actifs: bool | None = None,
) -> list[Prescripteur]:
    """The antenne's prescripteurs with their number of orientations, by name. Each word
    searched starts a word of the name, accents and case ignored ('delegue proc' finds
    'Délégués du procureur'): an antenne has tens of prescripteurs, compared in memory."""
    prescripteurs = antenne.prescripteurs.all()
    if type_:
        prescripteurs = prescripteurs.filter(type=type_)
    if actifs is not None:
        prescripteurs = prescripteurs.filter(actif=actifs)
    cherches = mots_cherchables(recherche)
    return [
        prescripteur for prescripteur in prescripteurs.select_related("fusionne_dans")
        .annotate(nb_orientations=Count("orientations")).order_by("nom", "pk")
        if all(any(mot.startswith(cherche) for mot in mots_cherchables(prescripteur.nom))
               for cherche in cherches)
    ]


def prescripteurs_proches(
    *, antenne: Antenne, nom: str, sauf: Prescripteur | None = None,
) -> list[Prescripteur]:
    """The antenne's prescripteurs whose name is near this one (`noms_proches`)."""
    if not nom.strip():
        return []
    autres = antenne.prescripteurs.exclude(pk=sauf.pk) if sauf and sauf.pk else antenne.prescripteurs.all()
    return [prescripteur for prescripteur in autres.order_by("nom") if prescripteur.est_proche_de(nom)]

