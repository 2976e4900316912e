"""Deployment checks (`manage.py check --deploy`) of what the settings alone cannot say."""

import os
import stat
from pathlib import Path

from django.conf import settings
from django.core.checks import Error, Warning, register


@register("fichiers", deploy=True)
def dossiers_prives(app_configs=None, **kwargs):
    """The folders where uploaded files wait exist, are writable and private (0700)."""
    problemes = []
    for reglage in ("IMPORTS_DIR", "FILE_UPLOAD_TEMP_DIR", "ATTESTATIONS_DIR"):
        valeur = getattr(settings, reglage, None)
        if not valeur:
            continue
        dossier = Path(valeur)
        if not dossier.is_dir() or not os.access(dossier, os.W_OK | os.X_OK):
            problemes.append(Error(
                f"Le dossier {dossier} ({reglage}) n'existe pas ou n'est pas accessible en écriture.",
                hint=f"install -d -m 700 -o stages -g stages {dossier}", id="stages.E001",
            ))
        elif stat.S_IMODE(dossier.stat().st_mode) & 0o077:
            problemes.append(Warning(
                f"Le dossier {dossier} ({reglage}) est ouvert à d'autres que son propriétaire : "
                "il contient des données judiciaires.",
                hint=f"chmod 700 {dossier}", id="stages.W002",
            ))
    return problemes
