// The hub's maps (Leaflet and Leaflet.markercluster, served by the hub itself): the results
// map of the search and map pages, and the small map of an offer sheet.
//
// No tile server by default: the background is the region's municipality outlines. Offers
// come as clusters computed by the hub (/api/v1/clusters) for the current map window and the
// same filters as the list; from zoom 15 on they come one by one and are grouped by
// markercluster, which fans out offers at the same address. Every marker is a keyboard
// control (Tab, Enter); its popup summarises the offer and links to the sheet.
(function () {
  'use strict';
  var L = window.L;
  if (!L) return;

  var REGION_BOUNDS = [[51.25, 6.4], [51.85, 8.0]];
  var SINGLES_FROM_ZOOM = 15;
  var DATA_ATTRIBUTION = '© GeoBasis-DE / BKG 2016 (Daten verändert) · © OpenStreetMap-Mitwirkende (ODbL)';

  function lang() {
    return document.documentElement.lang === 'en' ? 'en' : 'de';
  }
  function t(de, en) {
    return lang() === 'en' ? en : de;
  }

  function baseMap(el, options) {
    var map = L.map(el, Object.assign({
      minZoom: 8,
      maxZoom: 18,
      keyboard: true,
      zoomControl: false,
    }, options || {}));
    L.control.zoom({
      zoomInTitle: t('Hineinzoomen', 'Zoom in'),
      zoomOutTitle: t('Herauszoomen', 'Zoom out'),
    }).addTo(map);
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution(DATA_ATTRIBUTION);
    var tiles = el.dataset.tiles;
    if (tiles) {
      L.tileLayer(tiles, { attribution: el.dataset.tileAttribution || '', maxZoom: 18 }).addTo(map);
    }
    return map;
  }

  function sheetHref(id) {
    return '/angebote/' + id + (lang() === 'en' ? '?lang=en' : '');
  }

  // The popup of one offer: its title links to the sheet; type, provider and address are
  // fetched on opening. Built from text nodes only, never from markup.
  function popupContent(id, title) {
    var box = document.createElement('div');
    box.className = 'offer-popup';
    var h = document.createElement('p');
    h.className = 'offer-popup-title';
    var a = document.createElement('a');
    a.href = sheetHref(id);
    a.textContent = title || id;
    a.setAttribute('dir', 'auto');
    h.appendChild(a);
    box.appendChild(h);
    var details = document.createElement('p');
    details.className = 'offer-popup-details';
    details.textContent = t('Wird geladen …', 'Loading …');
    box.appendChild(details);
    fetch('/api/v1/offers/' + id, { headers: { Accept: 'application/json' } })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (v) {
        var o = v.offer || {};
        var loc = (o.locations || [])[0];
        var lines = [(o.provider && o.provider.name) || ''];
        if (loc) lines.push([loc.street, [loc.postcode, loc.city].join(' ')].filter(Boolean).join(', '));
        details.textContent = '';
        lines.filter(Boolean).forEach(function (line, i) {
          if (i) details.appendChild(document.createElement('br'));
          details.appendChild(document.createTextNode(line));
        });
      })
      .catch(function () { details.textContent = ''; });
    return box;
  }

  function offerIcon() {
    return L.divIcon({ className: 'offer-marker', iconSize: [22, 22], html: '<span></span>' });
  }

  function countIcon(count) {
    var size = count < 10 ? 'small' : count < 100 ? 'medium' : 'large';
    return L.divIcon({
      className: 'marker-cluster marker-cluster-' + size,
      iconSize: [40, 40],
      html: '<div><span>' + Number(count) + '</span><span class="visually-hidden"> ' +
        t('Angebote', 'offers') + '</span></div>',
    });
  }

  // Leaflet opens popups with Enter but does not click other markers; these do the same.
  function onEnter(layer, fn) {
    layer.on('keypress', function (e) {
      if (e.originalEvent && e.originalEvent.keyCode === 13) fn(e);
    });
  }

  // The results map: outlines, then clusters for the window and the list's filters.
  function ResultsMap(el, form) {
    this.el = el;
    this.form = form;
    this.query = '';
    this.map = baseMap(el);
    this.map.fitBounds(REGION_BOUNDS);
    this.outlines = L.geoJSON(null, {
      style: { color: '#4a5568', weight: 1, fillColor: '#2b6cb0', fillOpacity: 0.04 },
      interactive: false,
    }).addTo(this.map);
    this.clusters = L.layerGroup().addTo(this.map);
    var self = this;
    this.singles = L.markerClusterGroup({
      showCoverageOnHover: false,
      maxClusterRadius: 40,
      iconCreateFunction: function (c) { return countIcon(c.getChildCount()); },
    }).addTo(this.map);
    // A group of offers opened by keyboard: zoom to it, or fan it out where they share a place.
    this.singles.on('clusterkeypress', function (e) {
      if (!e.originalEvent || e.originalEvent.keyCode !== 13) return;
      var b = e.layer.getBounds();
      if (b.getNorthEast().equals(b.getSouthWest()) || self.map.getZoom() >= self.map.getMaxZoom()) e.layer.spiderfy();
      else e.layer.zoomToBounds({ padding: [20, 20] });
    });
    this.seq = 0;
    // An open popup pans the map into view; reloading the markers then would close it.
    this.popupOpen = false;
    this.map.on('popupopen', function () { self.popupOpen = true; });
    this.map.on('popupclose', function () {
      if (!self.popupOpen) return;
      self.popupOpen = false;
      self.loadClusters();
    });
    this.map.on('moveend', function () {
      if (self.popupOpen) return;
      self.loadClusters();
      self.el.dispatchEvent(new CustomEvent('lotse:mapmove', { bubbles: true }));
    });
  }

  ResultsMap.prototype.bbox = function () {
    var b = this.map.getBounds();
    return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) { return v.toFixed(5); }).join(',');
  };

  // Shows the listed results of a search around a place.
  ResultsMap.prototype.fitTo = function (points) {
    if (points.length) this.map.fitBounds(L.latLngBounds(points), { maxZoom: 14, padding: [30, 30] });
  };

  ResultsMap.prototype.setQuery = function (query) {
    if (query === this.query && this.loadedOnce) return;
    this.query = query;
    this.loadedOnce = true;
    this.loadOutlines();
    this.loadClusters();
  };

  ResultsMap.prototype.loadOutlines = function () {
    var self = this;
    if (this.outlinesLoaded) return;
    this.outlinesLoaded = true;
    fetch('/karte/gemeinden.geojson')
      .then(function (r) { return r.json(); })
      .then(function (g) { self.outlines.addData(g); })
      .catch(function () { self.outlinesLoaded = false; });
  };

  ResultsMap.prototype.loadClusters = function () {
    var self = this;
    var seq = ++this.seq;
    var zoom = this.map.getZoom();
    var url = '/api/v1/clusters?bbox=' + this.bbox() + '&zoom=' + zoom + '&lang=' + lang() +
      (this.query ? '&' + this.query : '');
    fetch(url)
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (answer) {
        if (seq !== self.seq) return;
        self.clusters.clearLayers();
        self.singles.clearLayers();
        var singles = [];
        answer.clusters.forEach(function (c) {
          if (c.id) {
            var m = L.marker([c.lat, c.lon], { icon: offerIcon(), title: c.title || c.id, keyboard: true });
            m.bindPopup(function () { return popupContent(c.id, c.title); });
            singles.push(m);
          } else {
            var cm = L.marker([c.lat, c.lon], { icon: countIcon(c.count), keyboard: true, title: c.count + ' ' + t('Angebote', 'offers') });
            var zoomIn = function () {
              self.map.setView([c.lat, c.lon], Math.min(zoom + 2, SINGLES_FROM_ZOOM));
            };
            cm.on('click', zoomIn);
            onEnter(cm, zoomIn);
            self.clusters.addLayer(cm);
          }
        });
        self.singles.addLayers(singles);
        self.el.dataset.loaded = String(seq);
        self.el.dispatchEvent(new CustomEvent('lotse:clusters', { bubbles: true, detail: answer }));
      })
      .catch(function () {});
  };

  // The sheet's small map: its locations as markers, the outlines behind them.
  function sheetMap(el) {
    var points = [];
    document.querySelectorAll('address.location').forEach(function (a) {
      var lat = parseFloat(a.dataset.lat), lon = parseFloat(a.dataset.lon);
      if (!isNaN(lat) && !isNaN(lon)) points.push({ lat: lat, lon: lon, name: a.dataset.name || '' });
    });
    if (!points.length) return;
    var map = baseMap(el, { scrollWheelZoom: false });
    fetch('/karte/gemeinden.geojson')
      .then(function (r) { return r.json(); })
      .then(function (g) {
        L.geoJSON(g, { style: { color: '#4a5568', weight: 1, fillOpacity: 0.03 }, interactive: false }).addTo(map);
      })
      .catch(function () {});
    var group = L.featureGroup();
    points.forEach(function (p) {
      L.marker([p.lat, p.lon], { icon: offerIcon(), title: p.name || t('Ort des Angebots', 'Place of the offer'), keyboard: false, interactive: false }).addTo(group);
    });
    group.addTo(map);
    map.fitBounds(group.getBounds(), { maxZoom: 14, padding: [20, 20] });
  }

  window.LotseMap = {
    ResultsMap: ResultsMap,
    sheetMap: sheetMap,
  };

  document.addEventListener('DOMContentLoaded', function () {
    var sheet = document.getElementById('sheet-map');
    if (sheet) sheetMap(sheet);
  });
})();
