"""The client's address behind the documented proxy (nginx, docs/deploiement.md)."""

from django.conf import settings


def adresse_du_client(request) -> str:
    """Each trusted proxy appends the address it received the request from to
    X-Forwarded-For: behind PROXIES_DE_CONFIANCE of them, the client's address is that many
    entries from the right. Entries further left are whatever the client sent, never
    trusted. Without a proxy (0, development), or a header shorter than expected (a request
    that bypassed the proxy), REMOTE_ADDR."""
    nombre = settings.PROXIES_DE_CONFIANCE
    adresses = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    if nombre and len(adresses) >= nombre:
        return adresses[-nombre]
    return request.META.get("REMOTE_ADDR", "")
