/* Quick exit ("Быстро покинуть сайт"), after GOV.UK's "Exit this page".
 *
 * Click the button, or press Shift three times within five seconds (GOV.UK's current
 * shortcut; GOV.UK dropped Escape because Esc already closes dialogs, menus and
 * autocomplete lists and stops page loads, so people pressed it by accident, also
 * while typing): the page is blanked at once, then replaced by a neutral site with
 * location.replace(), so the Back button does not come back here. Esc does nothing
 * here. What was typed in a form stays in this tab's draft (forms.js) for when the
 * person comes back on purpose. Without JavaScript the button is a plain link.
 */
(function () {
  "use strict";

  var button = document.querySelector("[data-quick-exit]");
  if (!button) return;

  // The bar is sticky: in-page links scroll their target below it (site.css reads this).
  var bar = document.querySelector(".quick-exit");
  function recordBarHeight() {
    var height = bar.getBoundingClientRect().height;
    document.documentElement.style.setProperty("--quick-exit-height", height + "px");
  }
  if (bar) {
    recordBarHeight();
    if (window.ResizeObserver) new ResizeObserver(recordBarHeight).observe(bar);
    else window.addEventListener("resize", recordBarHeight);
  }

  var SHIFT_PRESSES = 3;
  var SHIFT_WINDOW_MS = 5000;
  var shiftCount = 0;
  var shiftTimer = null;
  var overlay = null;

  function exitPage(event) {
    if (event) event.preventDefault();
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.className = "quick-exit-overlay";
      document.body.appendChild(overlay);
    }
    document.body.classList.add("quick-exit--active");
    document.title = "\u200b";
    window.location.replace(button.href);
  }

  function resetShift() {
    shiftCount = 0;
    if (shiftTimer) window.clearTimeout(shiftTimer);
    shiftTimer = null;
  }

  function onKeyDown(event) {
    if (event.key === "Shift" && !event.repeat) {
      shiftCount += 1;
      if (!shiftTimer) shiftTimer = window.setTimeout(resetShift, SHIFT_WINDOW_MS);
      if (shiftCount >= SHIFT_PRESSES) {
        resetShift();
        exitPage(event);
      }
    } else {
      resetShift();
    }
  }

  // A page restored from the back/forward cache must not stay blank.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted && overlay) {
      document.body.classList.remove("quick-exit--active");
      overlay.remove();
      overlay = null;
    }
  });

  button.addEventListener("click", exitPage);
  document.addEventListener("keydown", onKeyDown);

  var hint = document.querySelector("[data-quick-exit-hint]");
  if (hint) hint.hidden = false;
})();
