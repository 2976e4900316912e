"""Sending the outbox through Django's mail system: at most once per message, retried with
backoff when the server is unreachable, given up on when it refuses."""

import hashlib
import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from commun.models import CanalEnvoi, Envoi, StatutEnvoi

logger = logging.getLogger(__name__)

# Attempt n failed: the next one after DELAIS_MINUTES[n - 1] minutes (1, 5, 25, 125...);
# after ENVOIS_TENTATIVES_MAX attempts the message is "échoué".
PREMIER_DELAI_MINUTES = 1
FACTEUR = 5
TENTATIVES_MAX = 5


def tentatives_max() -> int:
    return getattr(settings, "ENVOIS_TENTATIVES_MAX", TENTATIVES_MAX)


def delai_avant_essai(tentatives: int) -> timedelta:
    """How long to wait after the `tentatives`-th failed attempt."""
    return timedelta(minutes=PREMIER_DELAI_MINUTES * FACTEUR ** (tentatives - 1))


def _refus_definitif(erreur: Exception) -> bool:
    """A 5xx answer (recipient or message refused) will not change on retry; a 4xx answer, a
    dropped connection or a server down will."""
    if isinstance(erreur, smtplib.SMTPRecipientsRefused):
        return all(500 <= code < 600 for code, _texte in erreur.recipients.values())
    code = getattr(erreur, "smtp_code", None)
    return isinstance(code, int) and 500 <= code < 600


def _texte(reponse: bytes | str) -> str:
    return reponse.decode(errors="replace") if isinstance(reponse, bytes) else reponse


def _decrire(erreur: Exception) -> str:
    if isinstance(erreur, smtplib.SMTPRecipientsRefused):
        refus = "; ".join(f"{adresse} : {code} {_texte(texte)}"
                          for adresse, (code, texte) in erreur.recipients.items())
        return f"Destinataire refusé par le serveur d'envoi ({refus})."
    if isinstance(erreur, smtplib.SMTPResponseException):
        return f"Refusé par le serveur d'envoi : {erreur.smtp_code} {_texte(erreur.smtp_error)}."
    if isinstance(erreur, smtplib.SMTPException):
        return f"Erreur du serveur d'envoi : {erreur}."
    return f"Serveur d'envoi injoignable : {erreur}."


def _message(envoi: Envoi) -> EmailMessage:
    message = EmailMessage(subject=envoi.sujet, body=envoi.corps, to=[envoi.destinataire],
                           headers={"Message-ID": envoi.message_id} if envoi.message_id else None)
    for piece in envoi.pieces.all():
        contenu = bytes(piece.contenu)
        if hashlib.sha256(contenu).hexdigest() != piece.sha256:
            raise ValueError(f"Pièce jointe altérée depuis sa préparation : {piece.nom}.")
        message.attach(piece.nom, contenu, piece.type_mime)
    return message


def envoyer(envoi_id: int) -> bool:
    """Send this message if it is still to send and due; True if this call sent it. Its row
    stays locked during the SMTP exchange, so that a second call, at once or later, finds it
    sent and sends nothing. (On SQLite the lock is the database's write lock: other writers
    wait that long too; the mailer's timeout bounds it.) A failure is recorded on the row:
    retried later with backoff, or "échoué" when refused or after the last attempt."""
    with transaction.atomic():
        envoi = Envoi.objects.select_for_update().get(pk=envoi_id)
        maintenant = timezone.now()
        if (envoi.statut != StatutEnvoi.A_ENVOYER or envoi.canal != CanalEnvoi.COURRIEL
                or (envoi.prochain_essai and envoi.prochain_essai > maintenant)):
            return False
        envoi.tentatives += 1
        try:
            _message(envoi).send()
        except (smtplib.SMTPException, OSError) as erreur:
            envoi.erreur = _decrire(erreur)
            if _refus_definitif(erreur) or envoi.tentatives >= tentatives_max():
                envoi.statut, envoi.prochain_essai = StatutEnvoi.ECHOUE, None
            else:
                envoi.prochain_essai = maintenant + delai_avant_essai(envoi.tentatives)
            logger.warning("Envoi %s (%s) : tentative %s échouée : %s", envoi.pk, envoi.nature,
                           envoi.tentatives, envoi.erreur)
        else:
            envoi.statut, envoi.envoye_le = StatutEnvoi.ENVOYE, timezone.now()
            envoi.erreur, envoi.prochain_essai = "", None
        envoi.save(update_fields=["statut", "erreur", "tentatives", "prochain_essai", "envoye_le"])
    return envoi.statut == StatutEnvoi.ENVOYE


def envoyer_en_attente(*, limite: int = 200) -> int:
    """The periodic job: send every message due (new ones and retries whose time has come),
    oldest first; the number sent."""
    dus = (Envoi.objects.filter(statut=StatutEnvoi.A_ENVOYER, canal=CanalEnvoi.COURRIEL)
           .filter(Q(prochain_essai__isnull=True) | Q(prochain_essai__lte=timezone.now()))
           .order_by("cree_le", "id").values_list("id", flat=True)[:limite])
    return sum(envoyer(envoi_id) for envoi_id in list(dus))
