// Flyt post: while a move runs, the history table is refreshed from its fragment every two
// seconds (without JavaScript a <noscript> refresh reloads the page). Loaded as a file: the
// CSP forbids inline scripts.
(function () {
  "use strict";
  var box = document.getElementById("movepost-history");
  if (!box) { return; }
  function running() { return box.querySelector("[data-running]") !== null; }
  function poll() {
    if (!running()) { return; }
    fetch(box.dataset.pollUrl, { credentials: "same-origin", headers: { "HX-Request": "true" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html !== null) { box.innerHTML = html; }
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 2000);
})();
