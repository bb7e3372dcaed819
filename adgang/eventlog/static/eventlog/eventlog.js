// "Fold alle rækker ud": opens or closes every row's <details> (progressive enhancement;
// without JavaScript each row still opens on its own).
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.querySelector("[data-expand-all]");
    if (!button) {
      return;
    }
    var label = button.querySelector("span");
    button.hidden = false;
    button.addEventListener("click", function () {
      var rows = document.querySelectorAll("[data-row-details]");
      var open = button.getAttribute("aria-expanded") !== "true";
      rows.forEach(function (row) {
        row.open = open;
      });
      button.setAttribute("aria-expanded", open ? "true" : "false");
      label.textContent = button.getAttribute(open ? "data-label-close" : "data-label-open");
    });
  });
})();
