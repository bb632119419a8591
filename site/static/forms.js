// forms.js: the record forms without page reloads where that helps: rows
// added, moved and removed; a live preview of the markdown; "now" buttons;
// the visit standard's warnings while typing. Every form also works
// without it (the Content-Security-Policy allows only files like this one).
(function () {
  'use strict';

  var form = document.querySelector('form.ff-form');
  if (!form) return;

  // --- Rows -------------------------------------------------------------

  // rename moves a row to a new prefix (f.devices.3 -> f.devices.1): every
  // input name, nested list and nested row under it follows.
  function rename(row, prefix) {
    var old = row.getAttribute('data-prefix');
    if (old === prefix) return;
    var swap = function (v) { return v.indexOf(old + '.') === 0 ? prefix + v.slice(old.length) : v; };
    row.querySelectorAll('[name]').forEach(function (el) { el.name = swap(el.name); });
    row.querySelectorAll('[data-list]').forEach(function (el) { el.setAttribute('data-list', swap(el.getAttribute('data-list'))); });
    row.querySelectorAll('[data-prefix]').forEach(function (el) { el.setAttribute('data-prefix', swap(el.getAttribute('data-prefix'))); });
    row.setAttribute('data-prefix', prefix);
    row.setAttribute('data-n', prefix.slice(prefix.lastIndexOf('.') + 1));
  }

  function rowsOf(list) {
    var box = list.querySelector(':scope > .ff-rows');
    return box ? Array.prototype.slice.call(box.children) : [];
  }

  // renumber gives the rows of a list the numbers of their places, which is
  // the order the server writes them in.
  function renumber(list) {
    var name = list.getAttribute('data-list');
    var rows = rowsOf(list);
    // Two passes, so that no two rows share a prefix half-way.
    rows.forEach(function (row, i) { rename(row, name + '.~' + i); });
    rows.forEach(function (row, i) { rename(row, name + '.' + i); });
    rows.forEach(function (row, i) {
      var up = row.querySelector(':scope > .ff-row-head .ff-up');
      var down = row.querySelector(':scope > .ff-row-head .ff-down');
      if (up) { up.hidden = false; up.disabled = i === 0; }
      if (down) { down.hidden = false; down.disabled = i === rows.length - 1; }
    });
  }

  function initList(list) {
    var add = list.querySelector(':scope > .ff-add');
    if (add) {
      var blank = add.querySelector('.ff-row');
      var label = add.querySelector('summary').textContent;
      blank.parentNode.removeChild(blank);
      add.parentNode.removeChild(add);
      var btn = document.createElement('button');
      btn.type = 'button';
      btn.className = 'ff-addbtn';
      btn.textContent = '+ ' + label;
      list.appendChild(btn);
      btn.addEventListener('click', function () {
        var row = blank.cloneNode(true);
        list.querySelector(':scope > .ff-rows').appendChild(row);
        initRow(row);
        renumber(list);
        var first = row.querySelector('input:not([type=hidden]), select, textarea');
        if (first) first.focus();
        dirty = true;
      });
    }
    rowsOf(list).forEach(initRow);
    renumber(list);
  }

  function initRow(row) {
    var head = row.querySelector(':scope > .ff-row-head');
    var up = head && head.querySelector('.ff-up');
    var down = head && head.querySelector('.ff-down');
    var list = row.parentNode.parentNode;
    if (up) up.addEventListener('click', function () {
      if (row.previousElementSibling) row.parentNode.insertBefore(row, row.previousElementSibling);
      renumber(list); up.focus(); dirty = true;
    });
    if (down) down.addEventListener('click', function () {
      if (row.nextElementSibling) row.parentNode.insertBefore(row.nextElementSibling, row);
      renumber(list); down.focus(); dirty = true;
    });
    var del = head && head.querySelector('.ff-del input');
    if (del) del.addEventListener('change', function () { row.classList.toggle('ff-removed', del.checked); });
    row.querySelectorAll('.ff-list').forEach(function (l) {
      if (!l.hasAttribute('data-ready')) { l.setAttribute('data-ready', ''); initList(l); }
    });
  }

  form.querySelectorAll('.ff-list').forEach(function (l) {
    if (!l.hasAttribute('data-ready')) { l.setAttribute('data-ready', ''); initList(l); }
  });

  // Long lists (a site's twenty devices) fold to their titles; a tap on a
  // title opens the row. Rows with an error stay open.
  form.querySelectorAll('.ff-list').forEach(function (l) {
    var rows = rowsOf(l);
    if (rows.length <= 3) return;
    rows.forEach(function (row) {
      var title = row.querySelector(':scope > .ff-row-head .ff-row-title');
      if (!title || row.querySelector('.ff-bad')) return;
      var btn = document.createElement('button');
      btn.type = 'button';
      btn.className = 'ff-fold';
      btn.setAttribute('aria-expanded', 'false');
      btn.textContent = title.textContent;
      title.textContent = '';
      title.appendChild(btn);
      row.classList.add('ff-folded');
      btn.addEventListener('click', function () {
        var open = row.classList.toggle('ff-folded') === false;
        btn.setAttribute('aria-expanded', open ? 'true' : 'false');
      });
    });
  });

  // --- Preview ----------------------------------------------------------

  var md = form.querySelector('textarea.ff-md');
  var preview = form.querySelector('.ff-preview');
  if (md && preview && window.fetch) {
    var timer = 0, seq = 0;
    var show = function () {
      var mine = ++seq;
      var body = new URLSearchParams();
      body.set('body', md.value);
      body.set('dir', form.getAttribute('data-dir') || '');
      fetch(form.getAttribute('data-preview'), { method: 'POST', body: body, credentials: 'same-origin' })
        .then(function (r) { return r.ok ? r.text() : ''; })
        .then(function (html) {
          if (mine !== seq) return;
          // The server's markdown renderer escapes text and vets every URL.
          preview.innerHTML = html;
          preview.parentNode.hidden = md.value.trim() === '';
        })
        .catch(function () {});
    };
    md.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(show, 350); });
    if (md.value.trim() !== '') show();
  }

  // --- Now buttons ------------------------------------------------------

  function pad(n) { return (n < 10 ? '0' : '') + n; }
  function now() {
    var d = new Date();
    return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + 'T' + pad(d.getHours()) + ':' + pad(d.getMinutes());
  }
  form.querySelectorAll('.ff-now').forEach(function (b) {
    b.hidden = false;
    b.addEventListener('click', function () {
      var input = form.querySelector('[name="' + b.getAttribute('data-for') + '"]:not([type=hidden])');
      if (input) { input.value = now(); input.dispatchEvent(new Event('change', { bubbles: true })); }
    });
  });

  // --- The visit standard, live -------------------------------------------
  // The same rules and numbers as archive/standard (the numbers come from
  // the page); the server checks again on save and the visit saves anyway.

  if (form.classList.contains('ff-visit')) {
    var num = function (a, d) { var v = parseInt(form.getAttribute(a), 10); return isNaN(v) ? d : v; };
    var early = num('data-arrive-early', 5), notice = num('data-notice', 120), wait = num('data-wait', 10);
    var val = function (n) {
      var els = form.querySelectorAll('[name="' + n + '"]');
      for (var i = els.length - 1; i >= 0; i--) {
        var el = els[i];
        if (el.type === 'checkbox' || el.type === 'radio') { if (el.checked) return el.value; continue; }
        if (el.type !== 'hidden') return el.value;
      }
      var h = form.querySelector('input[type=hidden][name="' + n + '"]');
      return h ? h.value : '';
    };
    var minutes = function (s) { var t = Date.parse(s); return isNaN(t) ? NaN : t / 60000; };
    var check = function () {
      var broken = {};
      var outcome = val('f.outcome'), noAnswer = outcome === 'no_answer' || val('f.no_answer.waited') !== '' || val('f.no_answer.note_left') === 'true';
      var appt = minutes(val('f.appointment')), arrived = minutes(val('f.arrived'));
      if (!isNaN(appt) && !isNaN(arrived) && appt - arrived < early) broken.arrival = true;
      var from = minutes(val('f.rescheduled.from')), told = minutes(val('f.rescheduled.notified'));
      if (!isNaN(from) && !isNaN(told) && from - told < notice) broken.reschedule = true;
      if ((!isNaN(from) || !isNaN(told)) && val('f.rescheduled.reason').trim() === '') broken.reschedule = true;
      if (noAnswer) {
        var w = parseInt(val('f.no_answer.waited'), 10);
        if ((!isNaN(w) && w < wait) || (outcome !== '' && val('f.no_answer.note_left') !== 'true')) broken.no_answer = true;
      }
      var five = ['shoe_covers', 'mat', 'cloth', 'service_card', 'survey_form'].map(function (k) { return val('f.five_ones.' + k) === 'true'; });
      var some = five.some(Boolean), all = five.every(Boolean);
      if (!all && (some || outcome !== '')) broken.five_ones = true;
      var type = val('f.type');
      var touched = form.querySelectorAll('input[name="f.devices"][type=checkbox]:checked').length > 0;
      var consent = val('f.consent');
      if (!noAnswer && (type === 'install' || type === 'repair' || touched) && (consent === 'false' || (outcome !== '' && consent !== 'true'))) broken.consent = true;
      if ((outcome === 'escalated' || outcome === 'follow_up') && val('f.follow_up') === '') broken.follow_up = true;
      if (outcome === 'escalated' && val('f.escalated_to').trim() === '') broken.follow_up = true;
      if (!noAnswer && outcome !== '' && val('f.satisfaction') === '') broken.survey = true;
      form.querySelectorAll('.ff-std-live li').forEach(function (li) { li.hidden = !broken[li.getAttribute('data-rule')]; });
    };
    // Opening the part of the form an outcome calls for.
    var outcomeSel = form.querySelector('select[name="f.outcome"]');
    if (outcomeSel) outcomeSel.addEventListener('change', function () {
      var na = form.querySelector('input[name="f.no_answer.waited"]');
      var d = na && na.closest('details');
      if (d && outcomeSel.value === 'no_answer') d.open = true;
    });
    var server = form.querySelector('.ff-std-server');
    form.addEventListener('change', function () { if (server) { server.hidden = true; } check(); });
    form.addEventListener('input', check);
    check();
  }

  // --- Nothing typed is lost by leaving by accident ----------------------------

  var dirty = false;
  form.addEventListener('input', function () { dirty = true; });
  form.addEventListener('change', function () { dirty = true; });
  form.addEventListener('submit', function () { dirty = false; });
  window.addEventListener('beforeunload', function (e) {
    if (dirty) { e.preventDefault(); e.returnValue = ''; }
  });
})();
