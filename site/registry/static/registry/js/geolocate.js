/* «Показать ближайшие ко мне»: asks the browser for the visitor's position only when the
   button is pressed, rounds it to about 100 m, puts it into the search form's `near`
   field and submits the form. Nothing is sent anywhere else, nothing is stored. */
(function () {
  "use strict";
  var button = document.querySelector("[data-geolocate]");
  if (!button || !("geolocation" in navigator) || !button.form) {
    return;
  }
  var form = button.form;
  var status = document.querySelector("[data-geolocate-status]");
  button.hidden = false;

  function say(text) {
    if (status) {
      status.textContent = text;
    }
  }

  button.addEventListener("click", function () {
    say(button.getAttribute("data-waiting"));
    button.disabled = true;
    navigator.geolocation.getCurrentPosition(
      function (position) {
        var field = form.querySelector("input[name='near']");
        if (!field) {
          field = document.createElement("input");
          field.type = "hidden";
          field.name = "near";
          form.appendChild(field);
        }
        field.value = position.coords.latitude.toFixed(3) + "," + position.coords.longitude.toFixed(3);
        var page = form.querySelector("input[name='page']");
        if (page) {
          page.remove();
        }
        form.submit();
      },
      function () {
        button.disabled = false;
        say(button.getAttribute("data-denied"));
      },
      { enableHighAccuracy: false, timeout: 15000, maximumAge: 600000 }
    );
  });
})();
