/* The report flow's progressive enhancements. Everything works without them:
 * - conditional reveals (112 callout for "danger now: yes", contact fields);
 * - focus on the error summary (GOV.UK), or on the field being changed;
 * - the ALTCHA proof-of-work worker, registered for the self-hosted widget.
 */
(function () {
  "use strict";

  document.documentElement.classList.add("js-enabled");

  // Conditional reveals: [data-show-when-name][data-show-when-value].
  var conditionals = document.querySelectorAll("[data-show-when-name]");
  function update(block) {
    var name = block.getAttribute("data-show-when-name");
    var value = block.getAttribute("data-show-when-value");
    var checked = document.querySelector('input[name="' + name + '"]:checked');
    var show = !!checked && checked.value === value;
    block.classList.toggle("conditional--hidden", !show);
    var radios = document.querySelectorAll('input[name="' + name + '"]');
    for (var i = 0; i < radios.length; i++) {
      if (radios[i].value === value) {
        radios[i].setAttribute("aria-controls", block.id);
      }
    }
  }
  Array.prototype.forEach.call(conditionals, function (block) {
    var name = block.getAttribute("data-show-when-name");
    // A block holding an error or typed text stays open.
    var hasContent = block.querySelector(".error-message") ||
      Array.prototype.some.call(block.querySelectorAll("input, textarea"), function (el) {
        return el.value;
      });
    update(block);
    if (hasContent) block.classList.remove("conditional--hidden");
    document.addEventListener("change", function (event) {
      if (event.target && event.target.name === name) update(block);
    });
  });

  // Error summary first; else the field the reporter chose to change.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  } else {
    var form = document.querySelector("[data-focus]");
    if (form) {
      var target = document.getElementById(form.getAttribute("data-focus")) ||
        document.getElementById(form.getAttribute("data-focus") + "_0");
      if (target) target.focus();
    }
  }
  // Links in the error summary move focus to the field, not just scroll.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".error-summary__list a");
    if (!link) return;
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (field) {
      event.preventDefault();
      field.focus();
      field.scrollIntoView({ block: "center" });
    }
  });

  // ALTCHA: the external build needs its worker registered (no blob: workers under CSP).
  var proof = document.querySelector("[data-altcha-worker]");
  if (proof && window.$altcha && window.$altcha.algorithms) {
    var workerUrl = proof.getAttribute("data-altcha-worker");
    window.$altcha.algorithms.set("PBKDF2/SHA-256", function () {
      return new Worker(workerUrl);
    });
  }
})();
