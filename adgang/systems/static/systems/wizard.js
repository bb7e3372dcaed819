// "Opret system": show only the fields that apply to the current choice (the chosen protocol,
// way of setting up, activation). Progressive enhancement only: without JavaScript every field
// is shown and the server ignores the ones the choice does not use.
//
// Markup: <div data-show-when="<input name>" data-show-values="<value> <value>"> is shown when
// a checked radio or checkbox with that name has one of the values ("on" for a checkbox).
(function () {
  "use strict";

  function checkedValues(form, name) {
    var values = [];
    form.querySelectorAll("input").forEach(function (input) {
      if (input.name === name && input.checked) {
        values.push(input.getAttribute("value") || "on");
      }
    });
    return values;
  }

  function update(form) {
    form.querySelectorAll("[data-show-when]").forEach(function (block) {
      var wanted = block.getAttribute("data-show-values").split(" ");
      var current = checkedValues(form, block.getAttribute("data-show-when"));
      block.hidden = !current.some(function (value) {
        return wanted.indexOf(value) !== -1;
      });
    });
  }

  document.querySelectorAll("form[data-wizard]").forEach(function (form) {
    update(form);
    form.addEventListener("change", function () {
      update(form);
    });
  });
})();
