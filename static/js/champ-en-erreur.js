// After a refused form, the cursor goes to the first field in error: on the page that the
// server sent back, and in the fragment an htmx request swapped in.
(function () {
  "use strict";

  var EN_ERREUR = '[aria-invalid="true"], .champ--erreur input, .champ--erreur select, ' +
    ".champ--erreur textarea";

  function viser(zone) {
    var champ = zone && zone.querySelector(EN_ERREUR);
    if (champ) { champ.focus(); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    viser(document.getElementById("contenu"));
  });
  // Only a form sent (POST): a fragment fetched while typing elsewhere never takes the cursor.
  document.addEventListener("htmx:afterSettle", function (evenement) {
    var envoi = evenement.detail.requestConfig;
    if (envoi && envoi.verb === "post") { viser(evenement.detail.target); }
  });
}());
