// "Opret kontaktpunkt" and a point's pages: enhancements only. Without JavaScript every field
// is shown, the counters show the count when the page was rendered, keywords are typed one
// per line, and deep links are copied by hand.
//
// - <div data-show-when="<checkbox name>" data-show-values="on"> is shown while it is ticked;
// - <p data-counter-for="<input id>" data-counter-max="50" data-counter-label="Tegn"> counts
//   the characters typed ("4/50 Tegn");
// - <div data-keywords> around the keyword textarea gets an input with "Tilføj" and a list
//   of keywords that can be removed; the textarea (hidden) stays what is posted;
// - <button data-copy="<url>"> copies the link to the clipboard.
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

  function updateShown(form) {
    form.querySelectorAll("[data-show-when]").forEach(function (block) {
      var wanted = block.getAttribute("data-show-values").split(" ");
      var current = checkedValues(form, block.getAttribute("data-show-when"));
      block.hidden = !current.some(function (value) {
        return wanted.indexOf(value) !== -1;
      });
    });
  }

  function setUpCounter(counter) {
    var input = document.getElementById(counter.getAttribute("data-counter-for"));
    if (!input) {
      return;
    }
    var max = counter.getAttribute("data-counter-max");
    var label = counter.getAttribute("data-counter-label");
    var update = function () {
      counter.textContent = input.value.length + "/" + max + " " + label;
      counter.classList.toggle("form-error-message", input.value.length > Number(max));
    };
    input.addEventListener("input", update);
    update();
  }

  function setUpKeywords(block) {
    var textarea = block.querySelector("textarea");
    if (!textarea) {
      return;
    }
    var lines = function () {
      return textarea.value.split("\n").map(function (s) { return s.trim(); })
        .filter(function (s) { return s.length > 0; });
    };
    var row = document.createElement("div");
    row.className = "d-flex mt-3";
    var input = document.createElement("input");
    input.type = "text";
    input.className = "form-input";
    input.setAttribute("aria-label", block.querySelector("label").textContent.trim());
    input.setAttribute("data-testid", "keyword-input");
    var add = document.createElement("button");
    add.type = "button";
    add.className = "button button-secondary ml-3";
    add.textContent = block.getAttribute("data-add-label") || "Tilføj";
    add.setAttribute("data-testid", "keyword-add");
    var list = document.createElement("ul");
    list.className = "nobullet-list mt-3";
    list.setAttribute("data-testid", "keyword-list");
    var render = function () {
      list.textContent = "";
      lines().forEach(function (word, index) {
        var item = document.createElement("li");
        item.textContent = word + " ";
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "function-link";
        remove.textContent = block.getAttribute("data-remove-label") || "Fjern";
        remove.addEventListener("click", function () {
          var words = lines();
          words.splice(index, 1);
          textarea.value = words.join("\n");
          render();
        });
        item.appendChild(remove);
        list.appendChild(item);
      });
    };
    var addWord = function () {
      var word = input.value.trim();
      if (word) {
        var words = lines();
        words.push(word);
        textarea.value = words.join("\n");
        input.value = "";
        render();
      }
      input.focus();
    };
    add.addEventListener("click", addWord);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        addWord();
      }
    });
    row.appendChild(input);
    row.appendChild(add);
    var hint = block.querySelector(".form-hint");
    if (hint && block.getAttribute("data-js-hint")) {
      hint.textContent = block.getAttribute("data-js-hint");
    }
    textarea.hidden = true;
    textarea.parentNode.appendChild(row);
    textarea.parentNode.appendChild(list);
    render();
  }

  document.querySelectorAll("form[data-wizard]").forEach(function (form) {
    updateShown(form);
    form.addEventListener("change", function () {
      updateShown(form);
    });
  });
  document.querySelectorAll("[data-counter-for]").forEach(setUpCounter);
  document.querySelectorAll("[data-keywords]").forEach(setUpKeywords);
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    if (!navigator.clipboard) {
      return;
    }
    button.classList.remove("d-none");
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(button.getAttribute("data-copy"));
    });
  });
})();
