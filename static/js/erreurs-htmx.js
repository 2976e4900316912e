// An htmx request that fails would otherwise do nothing on screen: say so, in French, in
// the page's live region (#erreur-htmx in base.html), and what to do next.
(function () {
  "use strict";

  function message(statut) {
    if (statut === 400 || statut === 403) {
      return "Votre session a peut-être expiré ou cette action ne vous est pas permise : " +
        "rien n'a été enregistré. Rechargez la page (reconnectez-vous si elle le demande) puis recommencez.";
    }
    if (statut === 404) {
      return "Cet élément est introuvable : il a peut-être été modifié ou ne relève pas de votre antenne. " +
        "Rechargez la page.";
    }
    if (statut === 429) {
      return "Trop de demandes en peu de temps : patientez quelques minutes puis recommencez.";
    }
    return "Une erreur est survenue sur le serveur. Avant de refaire votre dernière action, vérifiez en " +
      "rechargeant la page si elle a été enregistrée.";
  }

  function afficher(texte) {
    var zone = document.getElementById("erreur-htmx");
    if (!zone) { return; }
    zone.textContent = texte;
    zone.hidden = false;
  }

  document.addEventListener("htmx:responseError", function (evenement) {
    afficher(message(evenement.detail.xhr.status));
  });
  document.addEventListener("htmx:sendError", function () {
    afficher("Le serveur ne répond pas : vérifiez votre connexion. Si vous enregistriez quelque chose, " +
      "rechargez la page pour voir si c'est fait avant de recommencer.");
  });
  // A request that succeeds afterwards clears the message.
  document.addEventListener("htmx:afterRequest", function (evenement) {
    if (evenement.detail.successful) {
      var zone = document.getElementById("erreur-htmx");
      if (zone) { zone.hidden = true; zone.textContent = ""; }
    }
  });
}());
