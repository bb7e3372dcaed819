// Kontaktstruktur: live character counters ("4/50 Tegn") and "Kopier" buttons for deep links.
// Loaded as a file (strict CSP); the pages work without it: the counter is rendered by the
// server, and a link can be selected and copied by hand.
(function () {
  "use strict";
  document.querySelectorAll("[data-counter-for]").forEach(function (counter) {
    var input = document.getElementById(counter.getAttribute("data-counter-for"));
    var count = counter.querySelector("[data-counter-count]");
    var max = parseInt(counter.getAttribute("data-counter-max"), 10);
    if (!input || !count) { return; }
    var update = function () {
      var length = Array.from(input.value).length;
      count.textContent = String(length);
      counter.classList.toggle("contacts-counter-over", length > max);
    };
    input.addEventListener("input", update);
    update();
  });
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = button.getAttribute("data-copy");
      if (navigator.clipboard) { navigator.clipboard.writeText(text); }
    });
  });
})();
