// Starts the DKFDS components. Loaded as a file (never inline) because the CSP forbids
// inline scripts. DKFDS assigns window.onload itself, so only addEventListener is used here.
(function () {
  "use strict";
  if (window.DKFDS && typeof window.DKFDS.init === "function") {
    window.DKFDS.init();
  }
  // A select that changes the page on submit works without JS; with JS it submits at once.
  document.querySelectorAll("[data-autosubmit]").forEach(function (el) {
    el.addEventListener("change", function () { el.form.submit(); });
  });
})();
