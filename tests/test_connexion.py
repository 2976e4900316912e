"""Login throttling (django-axes), session expiry and password hashing."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from stages.middleware import CLE_RENOUVELLEMENT, RENOUVELER_APRES
from stages.models import Role
from tests.factories import creer_utilisateur

MOT_DE_PASSE = "le-vrai-mot-de-passe-42"
POSTE, AUTRE_POSTE = "192.0.2.10", "192.0.2.20"


@pytest.fixture
def sophie(antenne):
    return creer_utilisateur(Role.SECRETARIAT, antenne, username="sophie", password=MOT_DE_PASSE)


def connexion(client, username, password, adresse=POSTE):
    return client.post(
        reverse("connexion"), {"username": username, "password": password}, REMOTE_ADDR=adresse
    )


def est_connecte(client) -> bool:
    return "_auth_user_id" in client.session


def verrouiller(client, username="sophie"):
    """Five failures in a row for this username from this address."""
    reponses = [connexion(client, username, f"faux-{n}") for n in range(5)]
    assert [r.status_code for r in reponses] == [200, 200, 200, 200, 429]
    assert "Saisissez un nom d’utilisateur et un mot de passe valides" in (
        reponses[0].content.decode()
    )


def reculer_les_tentatives(minutes: int):
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=minutes))


def test_cinq_echecs_verrouillent_meme_avec_le_bon_mot_de_passe(client, sophie):
    verrouiller(client)

    reponse = connexion(client, "sophie", MOT_DE_PASSE)

    assert reponse.status_code == 429
    assert "Connexion suspendue" in reponse.content.decode()
    assert "Réessayez dans 15 minutes" in reponse.content.decode()
    assert not est_connecte(client)


def test_quatre_echecs_ne_verrouillent_pas(client, sophie):
    for n in range(4):
        connexion(client, "sophie", f"faux-{n}")

    assert connexion(client, "sophie", MOT_DE_PASSE).status_code == 302
    assert est_connecte(client)


def test_le_verrou_ne_vise_que_le_couple_identifiant_adresse(client, sophie, antenne):
    verrouiller(client)
    creer_utilisateur(Role.SECRETARIAT, antenne, username="julie", password=MOT_DE_PASSE)

    assert connexion(client, "sophie", MOT_DE_PASSE, adresse=AUTRE_POSTE).status_code == 302
    client.logout()
    assert connexion(client, "julie", MOT_DE_PASSE).status_code == 302


def test_le_verrou_se_leve_apres_quinze_minutes(client, sophie):
    verrouiller(client)

    reculer_les_tentatives(14)
    assert connexion(client, "sophie", MOT_DE_PASSE).status_code == 429

    reculer_les_tentatives(16)
    reponse = connexion(client, "sophie", MOT_DE_PASSE)
    assert reponse.status_code == 302
    assert reponse["Location"] == reverse("stages:accueil")
    assert est_connecte(client)


def session_en_base(client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def test_une_session_expiree_renvoie_a_la_connexion(client, sophie):
    connexion(client, "sophie", MOT_DE_PASSE)
    assert client.get(reverse("stages:accueil")).status_code == 200
    Session.objects.filter(pk=session_en_base(client).pk).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )

    reponse = client.get(reverse("stages:accueil"))

    assert reponse.status_code == 302
    assert reponse["Location"] == f"{reverse('connexion')}?next=/"


def test_une_requete_repousse_l_expiration_a_trente_minutes(client, sophie):
    """At most once a minute: the last renewal is aged by a minute here."""
    connexion(client, "sophie", MOT_DE_PASSE)
    session = client.session
    session[CLE_RENOUVELLEMENT] -= RENOUVELER_APRES
    session.save()
    bientot = timezone.now() + timedelta(minutes=1)
    Session.objects.filter(pk=session_en_base(client).pk).update(expire_date=bientot)

    assert client.get(reverse("stages:accueil")).status_code == 200

    expiration = session_en_base(client).expire_date
    assert timedelta(minutes=29) < expiration - timezone.now() <= timedelta(minutes=30)


def test_les_mots_de_passe_sont_haches_avec_argon2(sophie):
    assert sophie.password.startswith("argon2")
    assert sophie.check_password(MOT_DE_PASSE)


def test_une_tentative_pendant_le_verrou_ne_le_prolonge_pas(client, sophie):
    """One request every 14 minutes would otherwise keep the username locked for ever."""
    verrouiller(client)
    reculer_les_tentatives(14)
    assert connexion(client, "sophie", "encore-faux").status_code == 429

    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=2))

    assert connexion(client, "sophie", MOT_DE_PASSE).status_code == 302


def connexion_derriere_le_proxy(client, username, password, client_reel, envoye=""):
    """As nginx passes it on: from 127.0.0.1, the client's address appended to whatever
    X-Forwarded-For the client itself sent."""
    return client.post(
        reverse("connexion"), {"username": username, "password": password},
        REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=", ".join(filter(None, [envoye, client_reel])),
    )


def test_derriere_le_proxy_le_verrou_vise_l_adresse_du_vrai_client(client, sophie, settings):
    settings.PROXIES_DE_CONFIANCE = 1
    for n in range(5):
        # The attacker's own X-Forwarded-For changes nothing: only the proxy's entry counts.
        connexion_derriere_le_proxy(client, "sophie", f"faux-{n}", POSTE, envoye=f"198.51.100.{n}")
    assert connexion_derriere_le_proxy(client, "sophie", MOT_DE_PASSE, POSTE).status_code == 429

    reponse = connexion_derriere_le_proxy(client, "sophie", MOT_DE_PASSE, AUTRE_POSTE)

    assert reponse.status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {POSTE}


def test_apres_la_deconnexion_la_page_de_connexion_le_dit(client, sophie):
    connexion(client, "sophie", MOT_DE_PASSE)
    assert est_connecte(client)

    reponse = client.post(reverse("deconnexion"), follow=True)

    assert not est_connecte(client)
    assert reponse.redirect_chain == [(reverse("connexion"), 302)]
    contenu = reponse.content.decode()
    assert '<p class="message message--info">Vous êtes déconnecté·e.</p>' in contenu
    # Said once: gone from the next page.
    assert "déconnecté·e" not in client.get(reverse("connexion")).content.decode()
