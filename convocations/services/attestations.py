"""Attestations de stage: issuing one (`attestation_emettre`: a number without gaps per antenne
and year, the PDF rendered once and stored privately with its SHA-256), correcting it
(`attestation_corriger`: a new number that cancels the old one, both kept), sending it to the
prescripteur through the outbox (`attestation_preparer_envoi`: by e-mail, or to post with a
cover letter), and a whole stage's in one batch for the worker (`lot_attestations_executer`).
The orientation becomes « terminée » once the attestation has gone (`stages.statuts`)."""

import hashlib
import logging
import os
import re
import tempfile
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.text import Truncator

from commun.documents import TYPE_PDF
from commun.envois import envoyer
from commun.models import CanalEnvoi, Envoi, Fichier, StatutEnvoi
from convocations import documents
from convocations.attestations import ContenuAttestation, SeanceSuivie, attestation_pdf, lettre_accompagnement
from convocations.envois import lot_finir
from convocations.models import (
    STATUTS_AVEC_MINUTES,
    Attestation,
    CompteurAttestation,
    Convocation,
    LotEnvoi,
    ReglageAttestations,
    StatutConvocation,
)
from convocations.presences import Assiduite, assiduite
from paiements.montants import montant
from paiements.selectors import reste_avant_attestation
from stages.dates import date_longue
from stages.models import Antenne, Stage, Statut
from stages.services import RAISON_MAX, enregistrer_avec_motif
from stages.statuts import orientation_terminer
from stages.templatetags.affichage import compte

logger = logging.getLogger(__name__)

NATURE_ATTESTATION = "attestation"
MOTIF_MAX = Attestation._meta.get_field("motif_annulation").max_length


# --- Who may have one ------------------------------------------------------------------


def _seance_libelle(seance) -> str:
    horaire = f"{documents.heure(seance.debut)}–{documents.heure(seance.fin)}"
    return f"séance du {date_longue(seance.date)} ({horaire})"


def ce_qui_manque(convocation: Convocation, assiduites: list[Assiduite]) -> list[str]:
    """Each séance not (or not yet) attended, here or where it was made up, in words; empty
    when every séance counts as attended (late or left early within the antenne's tolerance)."""
    tolerance = convocation.stage.antenne.tolerance_minutes
    manques = []
    for a in assiduites:
        etat = a.suivie(tolerance)
        if etat:
            continue
        if a.rattrapage is not None:
            ou = f"rattrapage du {date_longue(a.rattrapage.seance.date)}"
            manques.append(f"{_seance_libelle(a.seance)} : {ou} " + (
                "pas encore marqué" if etat is None else _absence(a.presence_rattrapage, tolerance)))
        elif a.presence is None:
            manques.append(f"{_seance_libelle(a.seance)} : pas encore marquée")
        else:
            manques.append(f"{_seance_libelle(a.seance)} : {_absence(a.presence, tolerance)}")
    return manques


def _absence(presence, tolerance: int) -> str:
    libelle = presence.libelle.lower()
    if presence.statut in STATUTS_AVEC_MINUTES:
        libelle += f", au-delà des {tolerance} minutes tolérées"
    return libelle


def refus_d_attestation(convocation: Convocation, assiduites: list[Assiduite]) -> str:
    """Why this convocation gets no attestation ('' when it may): every séance attended (here
    or made up), the convocation resolved « stage effectué »."""
    personne = convocation.orientation.personne
    if convocation.statut in (StatutConvocation.REPORTEE, StatutConvocation.ANNULEE):
        return (f"{personne} : la convocation est « {convocation.get_statut_display().lower()} » : "
                "aucune attestation.")
    if not assiduites:
        return f"{personne} : ce stage n'a aucune séance."
    if manques := ce_qui_manque(convocation, assiduites):
        return (f"Attestation impossible pour {personne} : toutes les séances doivent avoir été suivies. "
                f"Manque : {' ; '.join(manques)}.")
    if convocation.statut != StatutConvocation.EFFECTUEE:
        return (f"{personne} : la convocation est « {convocation.get_statut_display().lower()} », "
                "pas « stage effectué » : aucune attestation.")
    if reste := reste_avant_attestation(convocation.orientation, convocation.stage):
        return (f"{personne} : il reste {montant(reste)} à payer, et l'antenne attend le paiement "
                "complet avant l'attestation (réglage des paiements).")
    return ""


def convocations_a_attester(stage: Stage) -> QuerySet[Convocation]:
    """The stage's convocations resolved « stage effectué »: each may have its attestation."""
    return (Convocation.objects.filter(stage=stage, statut=StatutConvocation.EFFECTUEE)
            .select_related("orientation__personne", "orientation__prescripteur", "stage__antenne")
            .order_by("orientation__personne__nom_normalise", "orientation__personne__prenom_normalise",
                      "pk"))


def attestation_valide(convocation: Convocation) -> Attestation | None:
    return convocation.attestations.filter(annulee_le__isnull=True).first()


# --- Numbering and storage ---------------------------------------------------------------


def prefixe(antenne: Antenne) -> str:
    """The antenne's part of a number: the first three letters of its code (PER)."""
    return (re.sub(r"[^a-z0-9]", "", antenne.code.lower())[:3] or "ANT").upper()


def numero(antenne: Antenne, annee: int, rang: int) -> str:
    return f"{annee}-{prefixe(antenne)}-{rang:04d}"


def _compteur_verrouille(antenne: Antenne, annee: int) -> CompteurAttestation:
    """The antenne's counter for the year, locked until the end of the transaction: two
    attestations issued at once take their numbers in turn."""
    verrouilles = CompteurAttestation.objects.select_for_update()
    if compteur := verrouilles.filter(antenne=antenne, annee=annee).first():
        return compteur
    CompteurAttestation.objects.get_or_create(antenne=antenne, annee=annee)  # the year's first
    return verrouilles.get(antenne=antenne, annee=annee)


def _prochain_rang(antenne: Antenne, annee: int) -> int:
    compteur = _compteur_verrouille(antenne, annee)
    compteur.dernier += 1
    compteur.save(update_fields=["dernier"])
    return compteur.dernier


def dossier() -> Path:
    return Path(settings.ATTESTATIONS_DIR)


def _ecrire(relatif: str, contenu: bytes) -> None:
    """Write the PDF under the private folder (0700, file 0600), whole or not at all."""
    chemin = dossier() / relatif
    chemin.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with tempfile.NamedTemporaryFile(dir=chemin.parent, prefix=".", suffix=".tmp", delete=False) as tampon:
        tampon.write(contenu)
        tampon.flush()
        os.fsync(tampon.fileno())
    os.chmod(tampon.name, 0o600)
    os.replace(tampon.name, chemin)


class AttestationAlteree(Exception):
    """The stored PDF no longer matches the SHA-256 kept at issue (or is missing)."""


def attestation_lire(attestation: Attestation) -> bytes:
    """The PDF as issued: the very bytes hashed at issue, or AttestationAlteree."""
    try:
        contenu = (dossier() / attestation.fichier).read_bytes()
    except OSError as erreur:
        raise AttestationAlteree(
            f"Le fichier de l'attestation n° {attestation.numero} est introuvable.") from erreur
    if hashlib.sha256(contenu).hexdigest() != attestation.sha256:
        raise AttestationAlteree(f"Le fichier de l'attestation n° {attestation.numero} a été altéré.")
    return contenu


# --- Content ---------------------------------------------------------------------------------


def reglage_de(antenne: Antenne) -> ReglageAttestations:
    return ReglageAttestations.objects.filter(antenne=antenne).first() or ReglageAttestations(antenne=antenne)


def contenu_de(convocation: Convocation, *, numero_: str, emise_le: date, reglage: ReglageAttestations,
               seances, remplace: Attestation | None = None, motif: str = "") -> ContenuAttestation:
    stage, orientation = convocation.stage, convocation.orientation
    antenne, personne, prescripteur = stage.antenne, orientation.personne, orientation.prescripteur
    return ContenuAttestation(
        numero=numero_, emise_le=emise_le, antenne=antenne.nom,
        antenne_adresse=tuple(ligne.strip() for ligne in antenne.adresse.splitlines() if ligne.strip()),
        antenne_telephone=antenne.telephone, antenne_email=antenne.email,
        nom=personne.nom, prenom=personne.prenom, date_naissance=personne.date_naissance,
        prescripteur=f"{prescripteur.nom} ({prescripteur.get_type_display()})" if prescripteur else "",
        cadre=orientation.get_cadre_display(), reference=orientation.reference,
        lieu=documents._lieu(stage),
        seances=tuple(SeanceSuivie(s.date, s.debut, s.fin, s.minutes_de_formation, s.module)
                      for s in seances),
        signataire=reglage.signataire or antenne.signataire or antenne.nom,
        qualite_signataire=reglage.qualite_signataire,
        remplace=remplace.numero if remplace else "", motif_remplacement=motif,
    )


def contenu_enregistre(attestation: Attestation) -> ContenuAttestation:
    """The ContenuAttestation as issued, read back from its JSON."""
    valeurs = dict(attestation.contenu)
    valeurs.pop("minutes_totales", None)
    valeurs["emise_le"] = date.fromisoformat(valeurs["emise_le"])
    valeurs["date_naissance"] = date.fromisoformat(valeurs["date_naissance"])
    valeurs["antenne_adresse"] = tuple(valeurs["antenne_adresse"])
    valeurs["seances"] = tuple(
        SeanceSuivie(date.fromisoformat(s["jour"]), time.fromisoformat(s["debut"]),
                     time.fromisoformat(s["fin"]), s["minutes"], s["module"]) for s in valeurs["seances"])
    return ContenuAttestation(**valeurs)


def _json(contenu: ContenuAttestation) -> dict:
    from dataclasses import asdict

    def texte(valeur):
        if isinstance(valeur, dict):
            return {k: texte(v) for k, v in valeur.items()}
        if isinstance(valeur, list | tuple):
            return [texte(v) for v in valeur]
        return valeur.isoformat() if isinstance(valeur, date | time) else valeur

    return texte(asdict(contenu))


# --- Issuing and correcting ------------------------------------------------------------------


def _verrouiller(convocation: Convocation) -> Convocation:
    return (Convocation.objects.select_for_update(of=("self",))
            .select_related("stage__antenne", "orientation__personne", "orientation__prescripteur")
            .get(pk=convocation.pk))


def _creer(convocation: Convocation, *, par, maintenant: datetime, seances, reglage: ReglageAttestations,
           remplace: Attestation | None = None, motif: str = "") -> Attestation:
    antenne = convocation.stage.antenne
    local = timezone.localtime(maintenant)
    rang = _prochain_rang(antenne, local.year)
    numero_ = numero(antenne, local.year, rang)
    contenu = contenu_de(convocation, numero_=numero_, emise_le=local.date(), reglage=reglage,
                         seances=seances, remplace=remplace, motif=motif)
    pdf = attestation_pdf(contenu)
    relatif = f"{antenne.code}/{local.year}/{numero_}.pdf"
    _ecrire(relatif, pdf)
    attestation = Attestation(
        convocation=convocation, antenne=antenne, annee=local.year, rang=rang, numero=numero_,
        emise_le=maintenant, emise_par=par, fichier=relatif, sha256=hashlib.sha256(pdf).hexdigest(),
        empreinte=contenu.empreinte, contenu=_json(contenu), remplace=remplace,
        heures=Decimal(contenu.minutes_totales) / 60,
    )
    raison = f"Attestation n° {numero_} émise" + (f", remplace le n° {remplace.numero}" if remplace else "")
    # Saved without full_clean: every value is ours, and the database's constraints (number,
    # one valid attestation per convocation) are what holds under concurrency anyway.
    attestation._change_reason = Truncator(raison).chars(RAISON_MAX)
    attestation.save()
    return attestation


def _seances_attestees(convocation: Convocation, seances=None) -> list:
    """The séances the attestation lists: each of the stage's, or the one it was made up in;
    ValidationError saying what is missing when one was not attended."""
    assiduites = assiduite(convocation, seances)
    if refus := refus_d_attestation(convocation, assiduites):
        raise ValidationError(refus)
    tolerance = convocation.stage.antenne.tolerance_minutes
    return [a.seance_suivie(tolerance) for a in assiduites]


@transaction.atomic
def attestation_emettre(*, convocation: Convocation, par=None, maintenant: datetime | None = None,
                        seances=None, reglage: ReglageAttestations | None = None) -> tuple[Attestation, bool]:
    """(attestation, created): the convocation's attestation, issued once. Asked again (a
    double click, two tablets, the batch after a print), the one issued is returned. Refused
    (ValidationError, saying what is missing) unless every séance was attended. A batch
    passes the stage's `seances` and the antenne's `reglage`, read once."""
    convocation = _verrouiller(convocation)
    if deja := attestation_valide(convocation):
        return deja, False
    return _creer(convocation, par=par, maintenant=maintenant or timezone.now(),
                  seances=_seances_attestees(convocation, seances),
                  reglage=reglage or reglage_de(convocation.stage.antenne)), True


@transaction.atomic
def attestation_corriger(*, attestation: Attestation, motif: str, par=None,
                         maintenant: datetime | None = None) -> Attestation:
    """A new attestation, with a new number, that cancels and replaces `attestation` (both
    kept; the new one says which it replaces). The facts are read again (a name corrected on
    the person's record since)."""
    motif = (motif or "").strip()
    if not motif:
        raise ValidationError({"motif": "Indiquez le motif de la correction."})
    convocation = _verrouiller(attestation.convocation)
    ancienne = Attestation.objects.select_for_update().get(pk=attestation.pk)
    if ancienne.est_annulee:
        suivante = Attestation.objects.filter(remplace=ancienne).first()
        raise ValidationError(
            f"L'attestation n° {ancienne.numero} est déjà annulée"
            + (f" et remplacée par le n° {suivante.numero}." if suivante else ".")
        )
    seances = _seances_attestees(convocation)
    maintenant = maintenant or timezone.now()
    ancienne.annulee_le, ancienne.motif_annulation = maintenant, Truncator(motif).chars(MOTIF_MAX)
    enregistrer_avec_motif(ancienne, Truncator(f"Attestation annulée : {motif}").chars(RAISON_MAX))
    return _creer(convocation, par=par, maintenant=maintenant, seances=seances,
                  reglage=reglage_de(convocation.stage.antenne), remplace=ancienne, motif=motif)


@transaction.atomic
def attestation_remettre(*, attestation: Attestation, maintenant: datetime | None = None) -> Attestation:
    """Printed for the person (handed over at the end of the stage). A démarche volontaire
    has no prescripteur: handing it over completes the orientation."""
    attestation = Attestation.objects.select_for_update().select_related("convocation__orientation").get(
        pk=attestation.pk)
    if attestation.remise_le is None:
        attestation.remise_le = maintenant or timezone.now()
        enregistrer_avec_motif(attestation, f"Attestation n° {attestation.numero} remise à la personne")
    orientation = attestation.convocation.orientation
    if orientation.prescripteur_id is None and orientation.statut == Statut.STAGE_EFFECTUE:
        orientation_terminer(orientation=orientation,
                             motif=f"Attestation n° {attestation.numero} remise (démarche volontaire)")
    return attestation


def attestations_imprimer(*, stage: Stage, par=None) -> tuple[list[Attestation], list[str]]:
    """Every attestation of the stage's people who attended every séance, issued if not yet
    (each in its own transaction), marked handed over: (attestations, refusals)."""
    attestations, refus = [], []
    for convocation in convocations_a_attester(stage):
        try:
            attestation, _ = attestation_emettre(convocation=convocation, par=par)
        except ValidationError as erreur:
            refus.append(" ".join(erreur.messages))
            continue
        attestations.append(attestation_remettre(attestation=attestation))
    return attestations, refus


# --- Sending to the prescripteur -------------------------------------------------------------


def lignes_adresse_prescripteur(prescripteur) -> list[str]:
    lignes = [ligne.strip() for ligne in (prescripteur.adresse or "").splitlines() if ligne.strip()]
    if lignes:
        lignes[-1] = lignes[-1].upper()
    return [prescripteur.nom, *lignes][:6]


def _corps(attestation: Attestation, contenu: ContenuAttestation, antenne: Antenne) -> str:
    return "\n".join([
        "Madame, Monsieur,",
        "",
        f"Veuillez trouver ci-joint l'attestation de stage n° {attestation.numero} de {contenu.prenom} "
        f"{contenu.nom.upper()}, né·e le {date_longue(contenu.date_naissance)}"
        + (f" (dossier {contenu.reference})" if contenu.reference else "") + ", qui a suivi l'intégralité du "
        "stage de responsabilisation.",
        "",
        f"Empreinte SHA-256 du contenu de l'attestation : {attestation.empreinte}",
        "",
        "Cordialement,",
        contenu.signataire,
        antenne.nom,
    ])


def attestation_preparer_envoi(attestation: Attestation) -> Envoi | None:
    """The attestation's message to the prescripteur, created once (idempotency key): an
    e-mail with the PDF as issued, or, without an e-mail address, the cover letter and the
    attestation « à poster ». None for a démarche volontaire (no prescripteur)."""
    orientation = attestation.convocation.orientation
    prescripteur = orientation.prescripteur
    if prescripteur is None:
        return None
    cle = f"{NATURE_ATTESTATION}:{attestation.pk}"
    if deja := Envoi.objects.filter(cle=cle).first():
        return deja
    contenu = contenu_enregistre(attestation)
    piece = Fichier(f"attestation-{attestation.numero}.pdf", attestation_lire(attestation), TYPE_PDF)
    sujet = f"Attestation de stage n° {attestation.numero}" + (
        f" — dossier {orientation.reference}" if orientation.reference else "")
    if prescripteur.email:
        envoi, _ = Envoi.objects.preparer(
            cle=cle, nature=NATURE_ATTESTATION, destinataire=prescripteur.email, objet=attestation,
            sujet=sujet, corps=_corps(attestation, contenu, attestation.antenne), pieces_jointes=[piece],
        )
        return envoi
    lettre = lettre_accompagnement(contenu, destinataire=lignes_adresse_prescripteur(prescripteur))
    lettre = Fichier(f"lettre-attestation-{attestation.numero}.pdf", lettre, TYPE_PDF)
    envoi, _ = Envoi.objects.preparer(
        cle=cle, nature=NATURE_ATTESTATION, canal=CanalEnvoi.COURRIER, objet=attestation,
        destinataire=prescripteur.nom, sujet=sujet, pieces_jointes=[lettre, piece],
    )
    return envoi


def attestation_apres_envoi(envoi: Envoi) -> bool:
    """Once the attestation's message has gone (sent, or posted), the orientation is
    « terminée ». True if it is now."""
    if envoi.nature != NATURE_ATTESTATION or envoi.statut != StatutEnvoi.ENVOYE:
        return False
    attestation = Attestation.objects.select_related("convocation__orientation").get(pk=envoi.objet_id)
    orientation = attestation.convocation.orientation
    if orientation.statut == Statut.STAGE_EFFECTUE:
        quand = timezone.localtime(envoi.envoye_le or timezone.now())
        orientation_terminer(orientation=orientation, motif=(
            f"Attestation n° {attestation.numero} envoyée au prescripteur le {quand:%d/%m/%Y}"))
    return True


def attestation_envoyer(attestation: Attestation) -> tuple[Envoi | None, bool]:
    """(message, sent by this call): prepare and, by e-mail, send now (a failure is retried
    by the outbox's job and `attestations_suivre_envois`). A message already sent is not
    sent again."""
    envoi = attestation_preparer_envoi(attestation)
    if envoi is None or envoi.canal != CanalEnvoi.COURRIEL:
        return envoi, False
    parti = envoyer(envoi.pk)
    envoi.refresh_from_db()
    attestation_apres_envoi(envoi)
    return envoi, parti


def envois_d_attestations() -> QuerySet[Envoi]:
    return Envoi.objects.filter(nature=NATURE_ATTESTATION, objet_type__app_label=Attestation._meta.app_label,
                                objet_type__model=Attestation._meta.model_name)


def attestations_suivre_envois() -> int:
    """The scheduled job: attestations sent by a later retry of the outbox complete their
    orientation too. The number of orientations completed."""
    attente = Attestation.objects.filter(convocation__orientation__statut=Statut.STAGE_EFFECTUE,
                                         annulee_le__isnull=True).values("pk")
    envois = envois_d_attestations().filter(statut=StatutEnvoi.ENVOYE, objet_id__in=attente)
    return sum(attestation_apres_envoi(envoi) for envoi in envois)


@transaction.atomic
def envoi_marquer_poste(*, envoi: Envoi, par=None) -> Envoi:
    """The attestation and its cover letter are in the post: the message is « envoyé » (the
    time kept as its proof) and the orientation « terminée »."""
    envoi = Envoi.objects.select_for_update().get(pk=envoi.pk)
    if envoi.nature != NATURE_ATTESTATION or envoi.canal != CanalEnvoi.COURRIER:
        raise ValidationError("Ce message n'est pas une attestation à poster.")
    if envoi.statut == StatutEnvoi.A_POSTER:
        envoi.statut, envoi.envoye_le = StatutEnvoi.ENVOYE, timezone.now()
        envoi.save(update_fields=["statut", "envoye_le"])
        # Who posted it: a line of the attestation's history.
        attestation = Attestation.objects.get(pk=envoi.objet_id)
        attestation._history_user = par
        enregistrer_avec_motif(attestation, f"Attestation n° {attestation.numero} postée au prescripteur")
    attestation_apres_envoi(envoi)
    return envoi


def a_envoyer_par_courrier(antenne: Antenne) -> list[Envoi]:
    """The antenne's attestations to post (prescripteurs without e-mail), oldest first, each
    with its attestation."""
    envois = list(envois_d_attestations().filter(statut=StatutEnvoi.A_POSTER, canal=CanalEnvoi.COURRIER,
                                                  objet_id__in=Attestation.objects.filter(antenne=antenne)
                                                  .values("pk")).order_by("cree_le", "pk"))
    attestations = Attestation.objects.in_bulk([e.objet_id for e in envois])
    for envoi in envois:
        envoi.attestation = attestations.get(envoi.objet_id)
    return envois


# --- A whole stage, by the worker ------------------------------------------------------------


def lot_attestations_demander(*, stage: Stage, user) -> LotEnvoi:
    from convocations.envois import lot_demander

    return lot_demander(stage=stage, user=user, nature=LotEnvoi.Nature.ATTESTATIONS,
                        total=convocations_a_attester(stage).count())


def lot_attestations_executer(lot_id: int) -> LotEnvoi:
    """The worker's part: issue each attestation not yet issued, and send it to the
    prescripteur (or put it in the post list), saving the progress after each. Run twice, it
    issues and sends nothing new."""
    lot = LotEnvoi.objects.select_related("stage__antenne", "demande_par").get(pk=lot_id)
    LotEnvoi.objects.filter(pk=lot.pk).update(etat=LotEnvoi.Etat.EN_COURS)
    faits = courriels = a_poster = echecs = volontaires = deja = 0
    seances, reglage = list(lot.stage.seances.all()), reglage_de(lot.stage.antenne)
    convocations = list(convocations_a_attester(lot.stage))
    # The progress saved after each, or each hundredth of a large batch (the bar's steps).
    pas = max(1, len(convocations) // 100)
    try:
        for convocation in convocations:
            try:
                attestation, _cree = attestation_emettre(convocation=convocation, par=lot.demande_par,
                                                         seances=seances, reglage=reglage)
            except ValidationError:
                echecs += 1
            else:
                envoi, parti = attestation_envoyer(attestation)
                if envoi is None:
                    volontaires += 1
                elif envoi.canal == CanalEnvoi.COURRIER:
                    a_poster += envoi.statut == StatutEnvoi.A_POSTER
                elif envoi.statut != StatutEnvoi.ENVOYE:
                    echecs += 1
                else:
                    courriels += parti
                    deja += not parti
            faits += 1
            if faits % pas == 0:
                LotEnvoi.objects.filter(pk=lot.pk).update(faits=faits)
    except Exception as erreur:  # the batch shows it; what was issued stays issued
        logger.exception("Lot d'attestations %s interrompu", lot.pk)
        lot_finir(lot, LotEnvoi.Etat.ECHOUE, f"Envoi interrompu : {erreur}. Relancez l'envoi : rien ne sera "
                  "émis ni envoyé deux fois.", faits, courriels, a_poster, echecs)
        raise
    message = (f"{compte(courriels, 'attestation envoyée', 'attestations envoyées')} par courriel, "
               f"{compte(a_poster, 'à envoyer par courrier', 'à envoyer par courrier')}")
    if deja:
        message += (f", {compte(deja, 'déjà envoyée auparavant', 'déjà envoyées auparavant')} "
                    f"(pas renvoyée{'s' if deja > 1 else ''})")
    if volontaires:
        message += f", {compte(volontaires, 'démarche volontaire', 'démarches volontaires')} (à remettre)"
    if echecs:
        message += f", {compte(echecs, 'pas encore partie', 'pas encore parties')} (nouvel essai automatique)"
    lot_finir(lot, LotEnvoi.Etat.TERMINE, message + ".", faits, courriels, a_poster, echecs)
    lot.refresh_from_db()
    return lot


def avec_attestation(convocations: QuerySet[Convocation]) -> QuerySet[Convocation]:
    """Each convocation with its valid attestation (attestation_pk, attestation_numero,
    attestation_emise_le) and the attestation's message (envoi_statut, envoi_envoye_le), in
    the same query: the orientation page's budget has no query to spare."""
    valide = Attestation.objects.filter(convocation=OuterRef("pk"), annulee_le__isnull=True)
    envoi = envois_d_attestations().filter(objet_id=OuterRef("attestation_pk")).order_by("-cree_le")
    return convocations.annotate(
        attestation_pk=Subquery(valide.values("pk")[:1]),
        attestation_numero=Subquery(valide.values("numero")[:1]),
        attestation_emise_le=Subquery(valide.values("emise_le")[:1]),
    ).annotate(envoi_statut=Subquery(envoi.values("statut")[:1]),
               envoi_envoye_le=Subquery(envoi.values("envoye_le")[:1]))
