/* The registry map: Leaflet (self-hosted) with markers from the page's JSON data island.
   The list stays the primary content; the map is shown only when this script runs.
   Without a configured tile server the markers stand on a plain background. Popups are
   built with DOM methods (textContent), never from HTML strings. */
(function () {
  "use strict";
  var container = document.querySelector("[data-registry-map]");
  if (!container || typeof window.L === "undefined") {
    return;
  }
  var island = document.getElementById(container.getAttribute("data-markers"));
  var markers = [];
  try {
    markers = JSON.parse(island ? island.textContent : "[]");
  } catch (error) {
    return;
  }
  if (!markers.length) {
    return;
  }
  var L = window.L;
  container.hidden = false;
  var map = L.map(container, { scrollWheelZoom: false });
  map.attributionControl.setPrefix(false);
  var tileUrl = container.getAttribute("data-tile-url");
  if (tileUrl) {
    L.tileLayer(tileUrl, {
      attribution: container.getAttribute("data-tile-attribution") || "",
      maxZoom: 18,
    }).addTo(map);
  } else {
    container.classList.add("registry-map--plain");
  }
  var icon = L.icon({
    iconUrl: container.getAttribute("data-icon-url"),
    iconRetinaUrl: container.getAttribute("data-icon-retina-url"),
    shadowUrl: container.getAttribute("data-shadow-url"),
    iconSize: [25, 41],
    iconAnchor: [12, 41],
    popupAnchor: [1, -34],
    shadowSize: [41, 41],
  });
  var points = [];
  markers.forEach(function (marker) {
    var popup = document.createElement("div");
    var link = document.createElement("a");
    link.href = marker.url;
    link.textContent = marker.name;
    popup.appendChild(link);
    if (marker.address) {
      var address = document.createElement("p");
      address.textContent = marker.address;
      popup.appendChild(address);
    }
    L.marker([marker.lat, marker.lon], { icon: icon, title: marker.name, alt: marker.name })
      .bindPopup(popup)
      .addTo(map);
    points.push([marker.lat, marker.lon]);
  });
  if (points.length === 1) {
    map.setView(points[0], 13);
  } else {
    map.fitBounds(points, { padding: [24, 24], maxZoom: 14 });
  }
})();
