// Instant search for the search and map pages. Without this script the form is a plain GET
// form; with it, every change fetches the same URL with `X-Lotse-Fragment: 1`, replaces the
// filters and results with what the server rendered, keeps the URL in step (so the search can
// still be bookmarked and sent), and moves the map along. Suggestions come from
// /api/v1/suggest into the search field's datalist.
(function () {
  'use strict';
  var form = document.getElementById('search-form');
  if (!form || !window.fetch || !window.DOMParser) return;

  // How long typing must pause before a search: short, so that results follow within
  // 150 ms of the last keystroke.
  var TYPING_PAUSE_MS = 40;
  var q = document.getElementById('q');
  var place = document.getElementById('ort');
  var near = document.getElementById('near');
  var bbox = document.getElementById('bbox');
  var inMap = document.getElementById('karte');
  var suggestions = document.getElementById('suggestions');
  var mapEl = document.getElementById('map');
  var resultsMap = null;

  // Timings of the instant search, for the browser test's figures: milliseconds from the
  // keystroke that started a search to the replaced results being painted.
  window.lotseTimings = [];
  var lastInput = 0;
  var controller = null;
  var typingTimer = 0;
  var suggestTimer = 0;
  var requestSeq = 0;

  function queryString() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, key) {
      if (typeof value === 'string' && value.trim() !== '') params.append(key, value.trim());
    });
    if (!(inMap && inMap.checked)) params.delete('bbox');
    return params.toString();
  }

  function replaceById(doc, id) {
    var fresh = doc.getElementById(id);
    var old = document.getElementById(id);
    if (fresh && old) old.replaceWith(fresh);
  }

  function search(push) {
    var started = lastInput || performance.now();
    var typed = q ? q.value : '';
    lastInput = 0;
    var qs = queryString();
    var url = form.getAttribute('action') + (qs ? '?' + qs : '');
    if (push) history.pushState(null, '', url); else history.replaceState(null, '', url);
    if (controller) controller.abort();
    controller = new AbortController();
    var seq = ++requestSeq;
    document.body.classList.add('searching');
    fetch(url, { headers: { 'X-Lotse-Fragment': '1' }, signal: controller.signal })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        if (seq !== requestSeq) return;
        var doc = new DOMParser().parseFromString(html, 'text/html');
        // A keyboard user who ticked a filter keeps the focus on it.
        var focusId = document.activeElement && document.activeElement.id;
        replaceById(doc, 'facets');
        replaceById(doc, 'results');
        if (focusId) {
          var again = document.getElementById(focusId);
          if (again && again !== document.activeElement) again.focus();
        }
        document.body.classList.remove('searching');
        updateMap();
        requestAnimationFrame(function () {
          window.lotseTimings.push({ q: typed, ms: performance.now() - started });
          document.dispatchEvent(new CustomEvent('lotse:results'));
        });
      })
      .catch(function (e) {
        if (e && e.name === 'AbortError') return;
        document.body.classList.remove('searching');
      });
  }

  function updateMap() {
    var results = document.getElementById('results');
    if (!resultsMap || !results) return;
    resultsMap.setQuery(results.dataset.mapQuery || '');
    var aroundPlace = (place && place.value.trim()) || (near && near.value);
    if (aroundPlace && !(inMap && inMap.checked)) {
      var points = [];
      results.querySelectorAll('.result').forEach(function (r) {
        var lat = parseFloat(r.dataset.lat), lon = parseFloat(r.dataset.lon);
        if (!isNaN(lat) && !isNaN(lon)) points.push([lat, lon]);
      });
      resultsMap.fitTo(points);
    }
  }

  function suggest() {
    if (!q || !suggestions) return;
    var typed = q.value.trim();
    if (typed.length < 2) { suggestions.textContent = ''; return; }
    var lang = document.documentElement.lang === 'en' ? 'en' : 'de';
    fetch('/api/v1/suggest?q=' + encodeURIComponent(typed) + '&lang=' + lang)
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (list) {
        suggestions.textContent = '';
        list.forEach(function (s) {
          var o = document.createElement('option');
          o.value = s.text;
          suggestions.appendChild(o);
        });
      })
      .catch(function () {});
  }

  if (q) {
    q.addEventListener('input', function () {
      lastInput = performance.now();
      clearTimeout(typingTimer);
      clearTimeout(suggestTimer);
      typingTimer = setTimeout(function () { search(false); }, TYPING_PAUSE_MS);
      suggestTimer = setTimeout(suggest, TYPING_PAUSE_MS);
    });
  }
  if (place) {
    place.addEventListener('change', function () {
      if (near) near.value = '';
      search(true);
    });
  }
  form.addEventListener('change', function (e) {
    var target = e.target;
    if (target === q || target === place) return;
    if (target === inMap && bbox && resultsMap) bbox.value = resultsMap.bbox();
    search(true);
  });
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    search(true);
  });
  window.addEventListener('popstate', function () { location.reload(); });

  // The browser's position, only when the adviser asks for it.
  var locate = document.getElementById('locate');
  if (locate && navigator.geolocation) {
    locate.hidden = false;
    locate.addEventListener('click', function () {
      navigator.geolocation.getCurrentPosition(function (pos) {
        if (near) near.value = pos.coords.latitude.toFixed(5) + ',' + pos.coords.longitude.toFixed(5);
        if (place) place.value = '';
        search(true);
      }, function () {
        locate.textContent = document.documentElement.lang === 'en'
          ? 'Location not available' : 'Standort nicht verfügbar';
      });
    });
  }

  // The filter button is for the page without script; here every change applies at once
  // (hub.css hides it under `.js-search`).
  document.documentElement.classList.add('js-search');

  if (mapEl && window.LotseMap) {
    resultsMap = new window.LotseMap.ResultsMap(mapEl, form);
    window.lotseMap = resultsMap;
    if (inMap) inMap.parentElement.hidden = false;
    mapEl.addEventListener('lotse:mapmove', function () {
      if (inMap && inMap.checked && bbox) {
        bbox.value = resultsMap.bbox();
        search(false);
      }
    });
    updateMap();
  }
})();
