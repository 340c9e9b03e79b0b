(function () {
  'use strict';
  // Results arrive as JSON in #vigil-data (see html.go for the row layout).
  // Only the visible page is put in the DOM, and only with textContent:
  // resource names and reasons are attacker-controlled.
  var D = JSON.parse(document.getElementById('vigil-data').textContent);
  var rows = D.rows;
  var A = 0, G = 1, C = 2, S = 3, V = 4, F = 5, R = 6, X = 7, M = 8, MR = 9;
  var SEV_RANK = {critical: 4, high: 3, medium: 2, low: 1, informational: 0};
  var ST_ORDER = {FAIL: 0, ERROR: 1, MANUAL: 2, PASS: 3, NOT_APPLICABLE: 4};
  var ST_ICON = {FAIL: '\u2717', PASS: '\u2713', ERROR: '!', MANUAL: '?', NOT_APPLICABLE: '\u2013'};

  function $(id) { return document.getElementById(id); }
  var ui = {
    text: $('f-text'), status: $('f-status'), severity: $('f-severity'), account: $('f-account'),
    region: $('f-region'), service: $('f-service'), framework: $('f-framework'), muted: $('f-muted'),
    size: $('f-size'), form: $('filters'), body: $('results-body'), info: $('results-info'),
    page: $('p-info'), first: $('p-first'), prev: $('p-prev'), next: $('p-next'), last: $('p-last')
  };

  var accountLabels = D.accounts.map(function (a) { return a[1] ? a[1] + ' (' + a[0] + ')' : a[0]; });
  var state = {key: '', dir: 1, page: 0, view: new Int32Array(0), version: 0};
  var hay = null;

  function option(sel, value, text) {
    var o = document.createElement('option');
    o.value = value;
    o.textContent = text;
    sel.appendChild(o);
  }
  function uniqueSorted(list) {
    var seen = {}, out = [];
    list.forEach(function (s) { if (s && !seen[s]) { seen[s] = true; out.push(s); } });
    return out.sort();
  }
  D.accounts.map(function (a, i) { return i; })
    .sort(function (a, b) { return accountLabels[a] < accountLabels[b] ? -1 : accountLabels[a] > accountLabels[b] ? 1 : 0; })
    .forEach(function (i) { option(ui.account, String(i), accountLabels[i]); });
  uniqueSorted(D.regions).forEach(function (r) { option(ui.region, r, r); });
  uniqueSorted(D.checks.map(function (c) { return c.service; })).forEach(function (s) { option(ui.service, s, s); });
  uniqueSorted([].concat.apply([], D.fwsets)).forEach(function (f) { option(ui.framework, f, f); });

  function buildHaystack() {
    hay = new Array(rows.length);
    for (var i = 0; i < rows.length; i++) {
      var r = rows[i], c = D.checks[r[C]];
      hay[i] = [accountLabels[r[A]], D.regions[r[G]], c.service, c.id, c.title, r[R], r[X], D.fw[r[F]], r[S], r[V]]
        .join('\n').toLowerCase();
    }
  }

  // filter computes the rows matching the form, in the current order.
  function filter() {
    var st = ui.status.value, sev = ui.severity.value, acc = ui.account.value === '' ? -1 : +ui.account.value;
    var reg = ui.region.value, svc = ui.service.value, fw = ui.framework.value, muted = ui.muted.value;
    var terms = ui.text.value.toLowerCase().split(/\s+/).filter(Boolean);
    if (terms.length && !hay) { buildHaystack(); }
    var fwOK = D.fwsets.map(function (set) { return !fw || set.indexOf(fw) >= 0; });
    var out = new Int32Array(rows.length), n = 0;
    for (var i = 0; i < rows.length; i++) {
      var r = rows[i];
      if ((st && r[S] !== st) || (sev && r[V] !== sev) || (acc >= 0 && r[A] !== acc) ||
          (reg && D.regions[r[G]] !== reg) || (svc && D.checks[r[C]].service !== svc) || !fwOK[r[F]] ||
          (muted === 'hide' && r[M]) || (muted === 'only' && !r[M])) {
        continue;
      }
      var ok = true;
      for (var t = 0; t < terms.length && ok; t++) { ok = hay[i].indexOf(terms[t]) >= 0; }
      if (ok) { out[n++] = i; }
    }
    return out.subarray(0, n);
  }

  function keyOf(key) {
    switch (key) {
      case 'account': return function (r) { return accountLabels[r[A]]; };
      case 'region': return function (r) { return D.regions[r[G]]; };
      case 'service': return function (r) { return D.checks[r[C]].service; };
      case 'severity': return function (r) { return SEV_RANK[r[V]] || 0; };
      case 'status': return function (r) { return r[S] in ST_ORDER ? ST_ORDER[r[S]] : 9; };
      case 'framework': return function (r) { return D.fw[r[F]]; };
      case 'check': return function (r) { return D.checks[r[C]].title; };
      case 'resource': return function (r) { return r[R]; };
      case 'reason': return function (r) { return r[X]; };
      case 'remediation': return function (r) { return D.checks[r[C]].remediation; };
    }
    return null;
  }

  // worstFirst is the default order: status (unmuted before muted), then
  // severity from critical down. Its keys are small integers, so a
  // counting sort does it in linear time; ties keep the report's order.
  function worstFirst(view) {
    var buckets = 10 * 2 * 5, counts = new Int32Array(buckets + 1), keys = new Int32Array(view.length);
    for (var i = 0; i < view.length; i++) {
      var r = rows[view[i]], st = r[S] in ST_ORDER ? ST_ORDER[r[S]] : 9;
      keys[i] = (st * 2 + (r[M] ? 1 : 0)) * 5 + (4 - (SEV_RANK[r[V]] || 0));
      counts[keys[i] + 1]++;
    }
    for (i = 1; i <= buckets; i++) { counts[i] += counts[i - 1]; }
    var out = new Int32Array(view.length);
    for (i = 0; i < view.length; i++) { out[counts[keys[i]]++] = view[i]; }
    return out;
  }

  // sort orders the view by the chosen column, or worst first; ties keep
  // the report's order.
  function sort(view) {
    if (!state.key) { return worstFirst(view); }
    var k = keyOf(state.key), d = state.dir, n = view.length, a = new Array(n);
    for (var i = 0; i < n; i++) { a[i] = k(rows[view[i]]); }
    var pos = new Int32Array(n);
    for (i = 0; i < n; i++) { pos[i] = i; }
    pos.sort(function (x, y) {
      if (a[x] !== a[y]) { return a[x] < a[y] ? -d : d; }
      return view[x] - view[y];
    });
    var out = new Int32Array(n);
    for (i = 0; i < n; i++) { out[i] = view[pos[i]]; }
    return out;
  }

  function cell(tr, text, cls) {
    var td = document.createElement('td');
    if (cls) { td.className = cls; }
    td.textContent = text;
    tr.appendChild(td);
    return td;
  }
  function badge(td, cls, text) {
    var s = document.createElement('span');
    s.className = cls;
    s.textContent = text;
    td.appendChild(s);
  }

  // remediation shows a long text folded, behind its first words.
  function remediation(td, text) {
    if (text.length <= 60) {
      td.textContent = text;
      return;
    }
    var d = document.createElement('details'), s = document.createElement('summary'), p = document.createElement('div');
    s.textContent = text.slice(0, 40) + '\u2026';
    p.textContent = text;
    p.className = 'mono';
    d.appendChild(s);
    d.appendChild(p);
    td.appendChild(d);
  }

  function pageSize() { return +ui.size.value || 50; }

  function render() {
    var size = pageSize(), total = state.view.length, pages = Math.max(1, Math.ceil(total / size));
    if (state.page >= pages) { state.page = pages - 1; }
    var from = state.page * size, to = Math.min(total, from + size);
    var frag = document.createDocumentFragment();
    for (var i = from; i < to; i++) {
      var r = rows[state.view[i]], c = D.checks[r[C]], tr = document.createElement('tr');
      if (r[M]) { tr.className = 'muted'; }
      cell(tr, accountLabels[r[A]]);
      cell(tr, D.regions[r[G]]);
      cell(tr, c.service);
      var sev = r[V] || '';
      badge(cell(tr, ''), 'sev sev-' + sev, sev.charAt(0).toUpperCase() + sev.slice(1));
      var st = cell(tr, '');
      badge(st, 'st st-' + r[S], (ST_ICON[r[S]] || '') + ' ' + r[S]);
      if (r[M]) {
        st.appendChild(document.createTextNode(' muted'));
        st.title = 'Muted: ' + r[MR];
      }
      cell(tr, D.fw[r[F]]);
      var chk = cell(tr, '');
      var title = document.createElement('span');
      title.className = 'chk';
      title.textContent = c.title;
      chk.appendChild(title);
      if (c.title !== c.id) {
        var code = document.createElement('code');
        code.textContent = c.id;
        chk.appendChild(code);
      }
      cell(tr, r[R], 'mono');
      cell(tr, r[X]);
      remediation(cell(tr, ''), c.remediation);
      frag.appendChild(tr);
    }
    ui.body.replaceChildren(frag);
    ui.info.textContent = total === rows.length
      ? total + ' results' + (total ? ', showing ' + (from + 1) + '\u2013' + to : '')
      : total + ' of ' + rows.length + ' results match' + (total ? ', showing ' + (from + 1) + '\u2013' + to : '');
    ui.page.textContent = 'Page ' + (state.page + 1) + ' of ' + pages;
    ui.first.disabled = ui.prev.disabled = state.page === 0;
    ui.next.disabled = ui.last.disabled = state.page >= pages - 1;
    state.version++;
    document.body.setAttribute('data-version', String(state.version));
  }

  function apply() {
    state.view = sort(filter());
    state.page = 0;
    render();
  }

  var timer = 0;
  ui.text.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(apply, 150);
  });
  [ui.status, ui.severity, ui.account, ui.region, ui.service, ui.framework, ui.muted].forEach(function (s) {
    s.addEventListener('change', apply);
  });
  ui.size.addEventListener('change', function () { state.page = 0; render(); });
  ui.form.addEventListener('submit', function (e) { e.preventDefault(); clearTimeout(timer); apply(); });
  ui.form.addEventListener('reset', function () { setTimeout(function () { state.key = ''; headers(); apply(); }, 0); });

  function go(page) { state.page = page; render(); }
  ui.first.addEventListener('click', function () { go(0); });
  ui.prev.addEventListener('click', function () { go(Math.max(0, state.page - 1)); });
  ui.next.addEventListener('click', function () { go(state.page + 1); });
  ui.last.addEventListener('click', function () { go(Math.ceil(state.view.length / pageSize()) - 1); });

  var ths = document.querySelectorAll('#results-table th[data-key]');
  function headers() {
    Array.prototype.forEach.call(ths, function (th) {
      if (th.getAttribute('data-key') === state.key) {
        th.setAttribute('aria-sort', state.dir > 0 ? 'ascending' : 'descending');
      } else {
        th.removeAttribute('aria-sort');
      }
    });
  }
  Array.prototype.forEach.call(ths, function (th) {
    th.querySelector('button').addEventListener('click', function () {
      var key = th.getAttribute('data-key');
      if (state.key === key) {
        state.dir = -state.dir;
      } else {
        state.key = key;
        state.dir = key === 'severity' ? -1 : 1; // worst first
      }
      headers();
      state.view = sort(state.view);
      state.page = 0;
      render();
    });
  });

  // "Show failures" buttons in the accounts table.
  Array.prototype.forEach.call(document.querySelectorAll('button.show-fail'), function (b) {
    b.addEventListener('click', function () {
      var id = b.getAttribute('data-account');
      ui.form.reset();
      setTimeout(function () {
        for (var i = 0; i < D.accounts.length; i++) {
          if (D.accounts[i][0] === id) { ui.account.value = String(i); }
        }
        ui.status.value = 'FAIL';
        ui.muted.value = 'hide';
        state.key = '';
        headers();
        apply();
        $('results').focus();
      }, 0);
    });
  });

  apply();
  document.body.setAttribute('data-ready', '1');
}());
