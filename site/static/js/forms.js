/* Nothing typed is lost: drafts in this tab, live length counters, no resubmission.
 *
 * Drafts: a form marked data-draft="NAME" keeps its answers in this tab's
 * sessionStorage (never a cookie, never the server) as they are typed. Back, reload, a
 * dropped connection or the quick exit leave them there; opening the form again in the
 * same tab (data-draft-fresh: the server sent it blank) puts them back and says so.
 * They go when the person sends (the next page carries data-draft-clear="NAME"), presses
 * «Стереть ответы» (data-draft-erase), closes the tab, or after DRAFT_HOURS. Fields
 * marked data-draft-skip (the receipt code), hidden fields, tokens and the honeypot are
 * never kept. See README, "Nothing typed is lost".
 *
 * History: pages that answer a POST (the check page, the form after «Изменить», the
 * status page) replace their history entry with a plain GET of the same address, so
 * Back, Forward and reload never ask to "Confirm Form Resubmission": they open the form,
 * which the draft fills again.
 *
 * Counters: a field with data-char-limit has no maxlength (a browser would cut a paste
 * silently); its counter (data-counter-for), a hint "up to N characters" without
 * JavaScript, says live how many are left or how many too many.
 */
(function () {
  "use strict";

  var PREFIX = "safechildhood:draft:";
  var DRAFT_HOURS = 4; // as long as a report form stays valid (protection.TOKEN_MAX_AGE)
  var store = null;
  try {
    store = window.sessionStorage;
    store.setItem(PREFIX + "probe", "1");
    store.removeItem(PREFIX + "probe");
  } catch (error) {
    store = null; // storage off (private mode on some phones): forms work as without JS
  }

  function keptFields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      if (!el.name || el.disabled || el.hasAttribute("data-draft-skip")) return false;
      if (el.closest("[aria-hidden='true']")) return false; // the honeypot
      var type = (el.type || "").toLowerCase();
      return ["hidden", "submit", "button", "reset", "file", "password", "image"].indexOf(type) < 0;
    });
  }

  function read(form) {
    var values = {};
    keptFields(form).forEach(function (el) {
      var type = (el.type || "").toLowerCase();
      if (type === "radio" || type === "checkbox") {
        if (!(el.name in values)) values[el.name] = [];
        if (el.checked) values[el.name].push(el.value);
      } else {
        values[el.name] = el.value;
      }
    });
    return values;
  }

  function write(form, values) {
    keptFields(form).forEach(function (el) {
      if (!(el.name in values)) return;
      var type = (el.type || "").toLowerCase();
      var value = values[el.name];
      if (type === "radio" || type === "checkbox") {
        el.checked = Array.isArray(value) && value.indexOf(el.value) >= 0;
      } else if (typeof value === "string") {
        el.value = value;
      }
    });
  }

  function load(name) {
    if (!store) return null;
    try {
      var draft = JSON.parse(store.getItem(PREFIX + name) || "null");
      if (draft && draft.v && Date.now() - draft.t < DRAFT_HOURS * 3600 * 1000) return draft.v;
    } catch (error) {
      /* a broken draft is dropped below */
    }
    store.removeItem(PREFIX + name);
    return null;
  }

  function save(form) {
    if (!store || form.getAttribute("data-draft-erased")) return;
    try {
      store.setItem(
        PREFIX + form.getAttribute("data-draft"),
        JSON.stringify({ t: Date.now(), v: read(form) })
      );
    } catch (error) {
      /* storage full: the page itself still holds the text */
    }
  }

  function erase(name) {
    if (store) store.removeItem(PREFIX + name);
  }

  // Sent: the page after a successful send names the drafts to forget.
  Array.prototype.forEach.call(document.querySelectorAll("[data-draft-clear]"), function (el) {
    el.getAttribute("data-draft-clear").split(/\s+/).forEach(function (name) {
      if (name) erase(name);
    });
  });

  var forms = document.querySelectorAll("form[data-draft]");
  Array.prototype.forEach.call(forms, function (form) {
    var name = form.getAttribute("data-draft");
    if (form.hasAttribute("data-draft-fresh")) {
      var values = load(name);
      if (values) {
        write(form, values);
        var restored = form.querySelector("[data-draft-restored]");
        if (restored) restored.hidden = false;
      }
    } else {
      save(form); // what the server filled in (after «Изменить», an error) is the draft now
    }
    var timer = null;
    form.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { save(form); }, 250);
    });
    form.addEventListener("change", function () { save(form); });
    window.addEventListener("pagehide", function () { save(form); });
    Array.prototype.forEach.call(form.querySelectorAll("[data-draft-erase]"), function (button) {
      button.hidden = false;
      button.addEventListener("click", function (event) {
        event.preventDefault();
        var blank = button.getAttribute("data-draft-erase");
        erase(name);
        if (blank) {
          // The form as the server sends it blank (its pre-chosen answers included).
          form.setAttribute("data-draft-erased", "1");
          window.location.replace(blank);
          return;
        }
        keptFields(form).forEach(function (el) {
          if (el.type === "radio" || el.type === "checkbox") el.checked = false;
          else el.value = "";
          el.dispatchEvent(new Event("input", { bubbles: true }));
        });
        erase(name);
      });
    });
  });

  // An answer to a POST becomes a GET entry: no "Confirm Form Resubmission" on Back/reload.
  if (window.history && window.history.replaceState && document.querySelector("[data-replace-history]")) {
    window.history.replaceState(window.history.state, "", window.location.href);
  }

  // Live counters: [data-counter-for="field id"], texts from the server (translated).
  function formatNumber(n) {
    try {
      return n.toLocaleString(document.documentElement.lang || "ru");
    } catch (error) {
      return String(n);
    }
  }
  Array.prototype.forEach.call(document.querySelectorAll("[data-counter-for]"), function (counter) {
    var field = document.getElementById(counter.getAttribute("data-counter-for"));
    if (!field) return;
    var limit = parseInt(field.getAttribute("data-char-limit"), 10);
    if (!limit) return;
    function update() {
      var length = field.value.length;
      var over = length > limit;
      var template = counter.getAttribute(over ? "data-text-over" : "data-text-left");
      counter.textContent = template
        .replace("%(count)s", formatNumber(Math.abs(limit - length)))
        .replace("%(limit)s", formatNumber(limit));
      counter.classList.toggle("char-count--over", over);
      if (counter.hasAttribute("data-counter-quiet")) counter.hidden = length < limit * 0.8;
      field.classList.toggle("input--over", over);
    }
    counter.setAttribute("aria-live", "polite");
    field.addEventListener("input", update);
    update();
  });
})();
