// The check while typing on the steward's offer form.
//
// It holds no rule of its own: it posts the form as it is to the node (`data-check-url`), which
// builds the offer and runs the standard's validator, and shows the findings it gets back at
// their fields, with the same codes and messages as the API and the saved form. Text is set
// with textContent only, so nothing from the answer is ever parsed as HTML.
(function () {
  'use strict';

  var form = document.getElementById('offer-form');
  if (!form || !window.fetch) {
    return;
  }
  var url = form.getAttribute('data-check-url');
  var lang = form.getAttribute('data-lang');
  if (lang === 'en') {
    url += (url.indexOf('?') < 0 ? '?' : '&') + 'lang=en';
  }
  var csrfInput = form.querySelector('input[name="_csrf"]');
  var summary = document.getElementById('form-summary');
  var summaryList = document.getElementById('form-summary-list');
  // Fields the steward has touched, by the id of their error container. Before a field is
  // touched its findings are not shown, so that a new, empty form is not all red at once;
  // fields that the server already marked count as touched.
  var touched = {};
  Array.prototype.forEach.call(form.querySelectorAll('.field-errors'), function (box) {
    if (box.children.length > 0) {
      touched[box.id] = true;
    }
  });
  var timer = null;
  var seq = 0;

  function errorBoxFor(target) {
    var holder = target.closest('[data-field]');
    return holder ? holder.querySelector('.field-errors') : null;
  }

  function controlsOf(box) {
    var holder = box.closest('[data-field]');
    if (!holder) {
      return [];
    }
    if (holder.tagName === 'FIELDSET') {
      return [holder];
    }
    return Array.prototype.slice.call(holder.querySelectorAll('input, select, textarea'));
  }

  function show(findings) {
    var byBox = {};
    findings.forEach(function (f) {
      var key = f.field_id ? f.field_id + '-error' : '';
      (byBox[key] = byBox[key] || []).push(f);
    });
    Array.prototype.forEach.call(form.querySelectorAll('.field-errors'), function (box) {
      var list = touched[box.id] ? byBox[box.id] || [] : [];
      while (box.firstChild) {
        box.removeChild(box.firstChild);
      }
      var invalid = false;
      list.forEach(function (f) {
        var p = document.createElement('p');
        p.className = 'field-error';
        var strong = document.createElement('strong');
        strong.textContent = f.error.severity_label + ':';
        p.appendChild(strong);
        p.appendChild(document.createTextNode(' ' + f.error.message + ' ' + f.error.fix));
        box.appendChild(p);
        if (f.error.severity === 'error') {
          invalid = true;
        }
      });
      controlsOf(box).forEach(function (c) {
        if (invalid) {
          c.setAttribute('aria-invalid', 'true');
        } else {
          c.removeAttribute('aria-invalid');
        }
      });
    });
    if (!summary || !summaryList) {
      return;
    }
    while (summaryList.firstChild) {
      summaryList.removeChild(summaryList.firstChild);
    }
    var shown = findings.filter(function (f) {
      return !f.field_id || touched[f.field_id + '-error'];
    });
    shown.forEach(function (f) {
      var li = document.createElement('li');
      li.appendChild(document.createTextNode(f.error.severity_label + ': '));
      if (f.field_id) {
        var a = document.createElement('a');
        a.href = '#' + f.field_id;
        a.textContent = f.label;
        li.appendChild(a);
      } else {
        li.appendChild(document.createTextNode(f.label));
      }
      li.appendChild(document.createTextNode(' – ' + f.error.message + ' ' + f.error.fix));
      summaryList.appendChild(li);
    });
    summary.hidden = shown.length === 0;
  }

  function check() {
    var mine = ++seq;
    var body = new URLSearchParams(new FormData(form));
    fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        'Accept': 'application/json',
        'X-CSRF-Token': csrfInput ? csrfInput.value : ''
      },
      body: body.toString()
    })
      .then(function (r) {
        return r.ok ? r.json() : null;
      })
      .then(function (answer) {
        // Only the latest answer counts; an older one arriving late is dropped.
        if (answer && mine === seq) {
          show(answer.findings || []);
          form.setAttribute('data-checked', String(mine));
        }
      })
      .catch(function () {
        // Without an answer the server still checks on saving.
      });
  }

  function onEdit(event) {
    var box = errorBoxFor(event.target);
    if (box) {
      touched[box.id] = true;
    }
    clearTimeout(timer);
    timer = setTimeout(check, 300);
  }

  form.addEventListener('input', onEdit);
  form.addEventListener('change', onEdit);
})();
