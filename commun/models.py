"""The outbox: every message sent (or to post), with what proves it was sent."""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.mail import make_msgid
from django.db import models

from commun.idempotence import creer_une_fois


@dataclass(frozen=True)
class Fichier:
    """An attachment to prepare: its name, bytes and MIME type."""

    nom: str
    contenu: bytes
    type_mime: str = "application/octet-stream"

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.contenu).hexdigest()


class CanalEnvoi(models.TextChoices):
    COURRIEL = "courriel", "Courriel"
    COURRIER = "courrier", "Courrier postal"


class StatutEnvoi(models.TextChoices):
    A_ENVOYER = "a_envoyer", "À envoyer"
    ENVOYE = "envoye", "Envoyé"
    ECHOUE = "echoue", "Échoué"
    A_POSTER = "a_poster", "À poster"


class EnvoiManager(models.Manager):
    def preparer(
        self,
        *,
        cle: str,
        nature: str,
        destinataire: str = "",
        sujet: str = "",
        corps: str = "",
        pieces_jointes: Iterable[Fichier] = (),
        canal: str = CanalEnvoi.COURRIEL,
        objet: models.Model | None = None,
    ) -> tuple["Envoi", bool]:
        """(envoi, created): the message of this idempotency key, created once whatever the
        number of calls, even at the same instant. A postal message is "à poster"."""
        pieces_jointes = list(pieces_jointes)

        def creer() -> Envoi:
            envoi = self.create(
                cle=cle, nature=nature, canal=canal, destinataire=destinataire, sujet=sujet, corps=corps,
                statut=StatutEnvoi.A_POSTER if canal == CanalEnvoi.COURRIER else StatutEnvoi.A_ENVOYER,
                message_id=make_msgid(domain=settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or None),
                pieces_jointes=[{"nom": f.nom, "type_mime": f.type_mime, "sha256": f.sha256,
                                 "taille": len(f.contenu)} for f in pieces_jointes],
                objet_type=ContentType.objects.get_for_model(objet) if objet is not None else None,
                objet_id=objet.pk if objet is not None else None,
            )
            PieceJointe.objects.bulk_create(
                PieceJointe(envoi=envoi, rang=rang, nom=f.nom, type_mime=f.type_mime, contenu=f.contenu,
                            sha256=f.sha256)
                for rang, f in enumerate(pieces_jointes)
            )
            return envoi

        return creer_une_fois(self.model, cle={"cle": cle}, creer=creer)


class Envoi(models.Model):
    cle = models.CharField("clé d'idempotence", max_length=200, unique=True)
    nature = models.SlugField("nature", max_length=50,
                              help_text="Donnée par l'application : convocation, rappel…")
    canal = models.CharField("canal", max_length=10, choices=CanalEnvoi, default=CanalEnvoi.COURRIEL)
    destinataire = models.CharField("destinataire", max_length=254, blank=True)
    sujet = models.CharField("sujet", max_length=255, blank=True)
    corps = models.TextField("texte", blank=True)
    # Name, MIME type, SHA-256 and size of each attachment: the proof of what was sent, kept
    # even if the bytes are purged one day.
    pieces_jointes = models.JSONField("pièces jointes", default=list, blank=True)
    message_id = models.CharField("Message-ID", max_length=255, blank=True)
    statut = models.CharField("statut", max_length=10, choices=StatutEnvoi, default=StatutEnvoi.A_ENVOYER)
    erreur = models.TextField("erreur", blank=True)
    tentatives = models.PositiveSmallIntegerField("tentatives", default=0)
    prochain_essai = models.DateTimeField("prochain essai", null=True, blank=True)
    cree_le = models.DateTimeField("créé le", auto_now_add=True)
    envoye_le = models.DateTimeField("envoyé le", null=True, blank=True)
    # What the message is about (a convocation, an attestation...), without commun importing it.
    objet_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True,
                                   verbose_name="type de l'objet")
    objet_id = models.PositiveBigIntegerField("identifiant de l'objet", null=True, blank=True)
    objet = GenericForeignKey("objet_type", "objet_id")

    objects = EnvoiManager()

    class Meta:
        verbose_name = "envoi"
        ordering = ["-cree_le", "-id"]
        indexes = [
            models.Index(fields=["statut", "prochain_essai"], name="envoi_a_faire"),
            models.Index(fields=["objet_type", "objet_id"], name="envoi_objet"),
        ]

    def __str__(self) -> str:
        return f"{self.nature} → {self.destinataire or 'courrier'} ({self.get_statut_display()})"


class PieceJointe(models.Model):
    """The bytes of an attachment, in the database: a retry sends the very bytes that were
    hashed, on whichever machine the worker runs, and they are saved or rolled back with
    their message (small PDF and ICS files)."""

    envoi = models.ForeignKey(Envoi, on_delete=models.CASCADE, related_name="pieces")
    rang = models.PositiveSmallIntegerField("rang")
    nom = models.CharField("nom", max_length=255)
    type_mime = models.CharField("type MIME", max_length=100)
    contenu = models.BinaryField("contenu")
    sha256 = models.CharField("SHA-256", max_length=64)

    class Meta:
        verbose_name = "pièce jointe"
        verbose_name_plural = "pièces jointes"
        ordering = ["envoi", "rang"]
        constraints = [models.UniqueConstraint(fields=["envoi", "rang"], name="piece_jointe_rang_unique")]

    def __str__(self) -> str:
        return self.nom
