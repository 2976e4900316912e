"""Demo antennes, prescripteurs and one user per role (see README for the logins), the
waiting lists and stages past, current and upcoming in Perpignan and Mende.
The apps above `stages` add their part (the convocations of these stages) in their own
`demo.charger()`, which `manage.py donnees_demo` calls after this one.
"""

import random
from datetime import date, time, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from stages import planning
from stages.dates import ajouter_mois
from stages.models import (
    Antenne,
    Cadre,
    FormatStage,
    Membre,
    MotDuNom,
    Orientation,
    Personne,
    Prescripteur,
    Role,
    Sexe,
    Stage,
    Statut,
    StatutStage,
    TypePrescripteur,
    TypeStage,
    normaliser,
)
from stages.services import enregistrer_avec_motif

MOT_DE_PASSE_DEMO = "demo-stages-2026"  # noqa: S105 (demo only; refused in production)

ANTENNES = [
    ("perpignan", "Antenne de Perpignan", "66", "12 rue de l'Argenterie, 66000 Perpignan"),
    ("carcassonne", "Antenne de Carcassonne", "11", "3 place Carnot, 11000 Carcassonne"),
    ("mende", "Antenne de Mende", "48", "5 boulevard Soubeyran, 48000 Mende"),
    ("nimes", "Antenne de Nîmes", "30", "18 rue de la Madeleine, 30000 Nîmes"),
    ("montpellier", "Antenne de Montpellier", "34", "40 avenue de Toulouse, 34070 Montpellier"),
    ("beziers", "Antenne de Béziers", "34", "9 allées Paul Riquet, 34500 Béziers"),
]

VILLES_JUSTICE = {"66": "Perpignan", "11": "Carcassonne", "48": "Mende", "30": "Nîmes",
                  "34": "Montpellier"}

# (username, first name, last name, role, antennes)
UTILISATEURS = [
    ("coordination", "Claire", "Martin", Role.COORDINATION, [None]),
    ("responsable", "Rachid", "Benali", Role.RESPONSABLE, ["perpignan"]),
    ("secretariat", "Sophie", "Garcia", Role.SECRETARIAT, ["perpignan", "carcassonne"]),
    ("animateur", "Antoine", "Roux", Role.ANIMATEUR, ["perpignan"]),
    ("secretariat.mende", "Julie", "Bonnet", Role.SECRETARIAT, ["mende"]),
]


def _prescripteurs(antenne: Antenne) -> list[Prescripteur]:
    ville = VILLES_JUSTICE[antenne.departement]
    noms = {
        TypePrescripteur.PARQUET: f"Parquet de {ville}",
        TypePrescripteur.DELEGUE_PROCUREUR: f"Délégués du procureur de {ville}",
        TypePrescripteur.TRIBUNAL: f"Tribunal correctionnel de {ville}",
        TypePrescripteur.TRIBUNAL_JUDICIAIRE: f"Tribunal judiciaire de {ville}",
        TypePrescripteur.JAP: f"JAP de {ville}",
        TypePrescripteur.SPIP: f"SPIP antenne de {ville}",
        TypePrescripteur.JUGE_INSTRUCTION: f"Juge d'instruction de {ville}",
        TypePrescripteur.JAF: f"JAF de {ville}",
        TypePrescripteur.AUTRE: f"Association d'aide aux victimes de {ville}",
    }
    return bulk_create_with_history([
        Prescripteur(
            antenne=antenne, nom=nom, type=type_,
            email=f"{type_}.{antenne.code}@justice.invalid", adresse=f"{ville}",
        )
        for type_, nom in noms.items()
    ], Prescripteur, default_change_reason="Démonstration")


def charger() -> str:
    antennes = {}
    for code, nom, departement, adresse in ANTENNES:
        antennes[code] = Antenne.objects.create(
            code=code, nom=nom, departement=departement, adresse=adresse,
            telephone="04 68 00 00 00", email=f"{code}@cpca.invalid",
            signataire="La directrice, Anne Lefèvre",
        )
        _prescripteurs(antennes[code])

    User = get_user_model()
    admin = User.objects.create_superuser("admin", "admin@cpca.invalid", MOT_DE_PASSE_DEMO)
    admin.first_name, admin.last_name = "Administratrice", "Technique"
    admin.save()
    for username, prenom, nom, role, codes in UTILISATEURS:
        user = User.objects.create_user(
            username, f"{username}@cpca.invalid", MOT_DE_PASSE_DEMO,
            first_name=prenom, last_name=nom,
        )
        for code in codes:
            Membre.objects.create(user=user, antenne=antennes.get(code), role=role)
    _liste_attente_demo(antennes)
    nb_stages = _stages_demo(antennes)
    return f"{len(antennes)} antennes, {len(UTILISATEURS) + 1} comptes, {nb_stages} stages"


# --- Liste d'attente: fictitious people and their orientations -------------------------

NOMS = [
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux",
    "Vincent", "Fournier", "Morel", "Girard", "André", "Mercier", "Dupont", "Lambert", "Bonnet",
    "François", "Martinez", "Legrand", "Garnier", "Faure", "Rousseau", "Blanc", "Guérin",
    "Muller", "Henry", "Roussel", "Nicolas", "Perrin", "Morin", "Mathieu", "Clément", "Gauthier",
    "Dumont", "Lopez", "Fontaine", "Chevalier", "Robin", "Masson", "Sánchez", "Fernandez",
    "Benali", "Haddad", "Mansouri", "Pujol", "Sabaté", "Vidal", "Bosch", "Ferrer", "Camps",
    "Rivière", "Lacroix", "Marchand", "Da Silva", "Ferreira", "Nguyen", "Traoré", "Diallo",
    "Boyer", "Hernandez", "Noël", "Maillard", "Collin", "Cordier", "Le Gall", "De Sousa",
]
PRENOMS = {
    Sexe.HOMME: [
        "Jean", "Pierre", "Michel", "Philippe", "Alain", "Nicolas", "Christophe", "Laurent",
        "Stéphane", "Sébastien", "Julien", "David", "Frédéric", "Olivier", "Thierry", "Éric",
        "Karim", "Mehdi", "Yannick", "Jérôme", "Kévin", "Anthony", "Mickaël", "Jean-Luc",
        "Jean-François", "Rachid", "Mohamed", "Florian", "Thomas", "Maxime", "Loïc", "Hervé",
        "Jordi", "Raphaël", "Cédric", "Grégory", "Benoît", "Dylan", "Lucas", "Joël",
    ],
    Sexe.FEMME: [
        "Nathalie", "Isabelle", "Sandrine", "Céline", "Stéphanie", "Aurélie", "Émilie",
        "Virginie", "Sabrina", "Laetitia", "Julie", "Sarah", "Nadia", "Marie-Christine",
        "Audrey", "Élodie", "Fatima", "Chloé", "Mélanie", "Hélène",
    ],
}
# The prescripteur that usually orders each cadre (a volontaire comes without one).
PRESCRIPTEUR_DU_CADRE = {
    Cadre.ALTERNATIVE: TypePrescripteur.DELEGUE_PROCUREUR,
    Cadre.COMPOSITION: TypePrescripteur.PARQUET,
    Cadre.PEINE: TypePrescripteur.TRIBUNAL,
    Cadre.SURSIS: TypePrescripteur.SPIP,
    Cadre.CONTROLE_JUDICIAIRE: TypePrescripteur.JUGE_INSTRUCTION,
    Cadre.CRPC: TypePrescripteur.TRIBUNAL,
    Cadre.JAF: TypePrescripteur.JAF,
}
POIDS_DES_CADRES = {
    Cadre.ALTERNATIVE: 38, Cadre.COMPOSITION: 10, Cadre.PEINE: 12, Cadre.SURSIS: 18,
    Cadre.CONTROLE_JUDICIAIRE: 6, Cadre.CRPC: 8, Cadre.JAF: 2, Cadre.VOLONTAIRE: 6,
}
MOTIFS_URGENCE = [
    "Réorientation après un report",
    "Urgence du parquet : audience de contrôle proche",
    "Réorientation : nouvelle décision du tribunal",
    "Demande du JAP avant la fin de la mise à l'épreuve",
]
SORTIES = [
    (Statut.TRANSFEREE, "Déménagement : dossier transmis à l'antenne du Var"),
    (Statut.TRANSFEREE, "Installation en Haute-Garonne : transfert à l'antenne de Toulouse"),
    (Statut.ANNULEE, "Annulation en accord avec le parquet (classement sans suite)"),
    (Statut.ANNULEE, "Stage effectué dans un autre département avant l'orientation"),
]


def _orientation_demo(
    hasard: random.Random, antenne: Antenne, prescripteurs: dict, aujourd_hui: date
) -> tuple[Personne, Orientation]:
    sexe = Sexe.FEMME if hasard.random() < 0.12 else Sexe.HOMME
    nom, prenom = hasard.choice(NOMS), hasard.choice(PRENOMS[sexe])
    adresse_mail = f"{normaliser(prenom)}.{normaliser(nom)}".replace(" ", "-")
    personne = Personne(
        antenne=antenne, nom=nom, prenom=prenom, sexe=sexe,
        date_naissance=aujourd_hui - timedelta(days=hasard.randint(19 * 365, 66 * 365)),
        telephone=f"+336{hasard.choice('1245678')}{hasard.randint(0, 9_999_999):07d}"
        if hasard.random() < 0.9 else "",
        email=f"{adresse_mail}@exemple.invalid" if hasard.random() < 0.6 else "",
    )
    cadre = hasard.choices(list(POIDS_DES_CADRES), weights=list(POIDS_DES_CADRES.values()))[0]
    # Most wait a few weeks, some many months (past their deadline).
    date_orientation = aujourd_hui - timedelta(days=round(hasard.triangular(1, 280, 45)))
    judiciaire = cadre != Cadre.VOLONTAIRE
    date_decision = date_orientation - timedelta(days=hasard.randint(3, 40)) if judiciaire else None
    # A conviction is final once the ten days of appeal have passed.
    date_definitive = (
        min(date_decision + timedelta(days=10), date_orientation) if cadre == Cadre.PEINE else None
    )
    orientation = Orientation(
        antenne=antenne, cadre=cadre,
        prescripteur=prescripteurs[PRESCRIPTEUR_DU_CADRE[cadre]] if judiciaire else None,
        reference=f"{date_decision:%y}{hasard.randint(1, 365):03d}{hasard.randint(1, 99999):06d}"
        if judiciaire else "",
        date_orientation=date_orientation, date_decision=date_decision,
        date_definitive=date_definitive,
        type_stage=TypeStage.FEMMES
        if sexe == Sexe.FEMME and hasard.random() < 0.7 else TypeStage.MIXTE,
        nb_reports=hasard.choices([0, 1, 2], weights=[85, 12, 3])[0],
        nb_absences=hasard.choices([0, 1, 2], weights=[90, 9, 1])[0],
    )
    orientation.echeance_completer()
    echeance = orientation.echeance
    if hasard.random() < 0.06:
        orientation.urgent, orientation.motif_urgence = True, hasard.choice(MOTIFS_URGENCE)
    if echeance < aujourd_hui + timedelta(days=20) and hasard.random() < 0.3:
        accord = aujourd_hui - timedelta(days=hasard.randint(2, 30))
        orientation.echeance = ajouter_mois(echeance, 3)
        orientation.accord_prolongation = (
            f"Accord du parquet de {VILLES_JUSTICE[antenne.departement]}, "
            f"courriel du {accord:%d/%m/%Y}"
        )
    return personne, orientation


def _liste_attente_demo(antennes: dict[str, Antenne]) -> None:
    """About 200 people waiting in Perpignan, a few dozen elsewhere, a few who left the list.

    Created in bulk (with their history rows): `make run` and the browser tests load it often.
    """
    hasard = random.Random(2026)  # noqa: S311 (fictitious data, the same at every load)
    aujourd_hui = timezone.localdate()
    personnes, orientations = [], []
    for code, antenne in antennes.items():
        prescripteurs = {p.type: p for p in antenne.prescripteurs.all()}
        en_attente = 200 if code == "perpignan" else hasard.randint(25, 45)
        sorties = hasard.sample(SORTIES, 4 if code == "perpignan" else 2)
        for n in range(en_attente + len(sorties)):
            personne, orientation = _orientation_demo(hasard, antenne, prescripteurs, aujourd_hui)
            if n >= en_attente:
                orientation.statut, orientation.motif_sortie = sorties[n - en_attente]
            personnes.append(personne)
            orientations.append(orientation)
    for personne in personnes:
        personne.normaliser_noms()  # bulk: no save()
    bulk_create_with_history(personnes, Personne, default_change_reason="Démonstration")
    MotDuNom.indexer(personnes)
    for personne, orientation in zip(personnes, orientations, strict=True):
        orientation.personne = personne
    bulk_create_with_history(orientations, Orientation, default_change_reason="Démonstration")


# --- Stages: past, current and upcoming, in Perpignan and Mende ---------------------------

LIEUX = {
    "perpignan": ("Maison des associations", "2 rue Jeanne d'Arc\n66000 Perpignan",
                  "Bus 2 et 7, arrêt Castillet ; salle du 1er étage, ascenseur."),
    "mende": ("Centre social du Chapitre", "4 place du Foirail\n48000 Mende",
              "Parking du Foirail ; entrée par la cour."),
}
# (antenne, days from today to the first séance, format, kind, status, what it shows)
STAGES_DEMO = [
    ("perpignan", -75, FormatStage.DEUX_JOURS_CONSECUTIFS, TypeStage.MIXTE, StatutStage.CLOS, ""),
    ("perpignan", -40, FormatStage.DEUX_JOURS_CONSECUTIFS, TypeStage.MIXTE, StatutStage.CLOS, "7 h"),
    ("perpignan", -12, FormatStage.QUATRE_DEMI_JOURNEES, TypeStage.FEMMES, StatutStage.CLOS, ""),
    ("perpignan", 0, FormatStage.DEUX_JOURS_CONSECUTIFS, TypeStage.MIXTE, StatutStage.EN_COURS, ""),
    ("perpignan", 24, FormatStage.DEUX_JOURS_CONSECUTIFS, TypeStage.MIXTE, StatutStage.PLANIFIE, ""),
    ("perpignan", 38, FormatStage.DEUX_JOURS_NON_CONSECUTIFS, TypeStage.FEMMES, StatutStage.PLANIFIE, ""),
    ("perpignan", 45, FormatStage.DEUX_JOURS_CONSECUTIFS, TypeStage.MIXTE, StatutStage.ANNULE, ""),
    ("perpignan", 66, FormatStage.QUATRE_DEMI_JOURNEES, TypeStage.MIXTE, StatutStage.PLANIFIE, ""),
    ("mende", -100, FormatStage.SEPT_HEBDOMADAIRES, TypeStage.MIXTE, StatutStage.CLOS, ""),
    ("mende", -14, FormatStage.SEPT_HEBDOMADAIRES, TypeStage.MIXTE, StatutStage.EN_COURS, ""),
    ("mende", 30, FormatStage.DEUX_JOURS_CONSECUTIFS, TypeStage.MIXTE, StatutStage.PLANIFIE, ""),
]
MOTIF_DES_7_HEURES = "Usage de l'antenne : 2 fois 7 heures, pauses d'un quart d'heure"


def _premier_jour_ouvre(jour: date, departement: str) -> date:
    return jour if not planning.signalement_du_jour(jour, departement) else (
        planning.jour_ouvre_suivant(jour, departement))


def _stages_demo(antennes: dict[str, Antenne]) -> int:
    """Through the planning services, as staff would: each stage with its history."""
    aujourd_hui = timezone.localdate()
    mende = antennes["mende"]
    mende.format_stage = FormatStage.SEPT_HEBDOMADAIRES
    enregistrer_avec_motif(mende, "Démonstration")
    animateurs = {code: list(Membre.objects.filter(antenne__code=code, role=Role.ANIMATEUR))
                  for code in LIEUX}
    for code, ecart, format_stage, type_stage, statut, particularite in STAGES_DEMO:
        antenne = antennes[code]
        premier = aujourd_hui + timedelta(days=ecart)
        if ecart:  # the current one starts today, whatever the day
            premier = _premier_jour_ouvre(premier, antenne.departement)
        seances = planning.seances_du_format(antenne=antenne, format_stage=format_stage, premier_jour=premier)
        if particularite == "7 h":
            for seance in seances:
                seance.fin, seance.pauses_minutes = time(16, 15), 15  # 7 h of training
        lieu, adresse, acces = LIEUX[code]
        stage = planning.stage_creer(
            antenne=antenne, animateurs=animateurs[code], seances=seances,
            justification_duree=MOTIF_DES_7_HEURES if particularite == "7 h" else "",
            stage=Stage(type_stage=type_stage, lieu=lieu, adresse_lieu=adresse, acces_lieu=acces,
                        places=antenne.places_defaut, surreservation=antenne.surreservation_defaut),
        )
        if statut == StatutStage.ANNULE:
            planning.stage_annuler(stage=stage, motif="Salle indisponible (travaux)")
        elif statut != StatutStage.PLANIFIE:
            stage.statut = statut
            enregistrer_avec_motif(stage, "Démonstration")
    return len(STAGES_DEMO)
