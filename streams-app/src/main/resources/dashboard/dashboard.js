// The emostream dashboard: everything arrives on one EventSource (/events); nothing is polled.
// "stats" (about once a second) carries counts, accuracy, meters; "faces" carries a few sampled faces.
(function () {
  'use strict';
  var CLASSES = ['ANGRY', 'DISGUST', 'FEAR', 'HAPPY', 'SAD', 'SURPRISE', 'NEUTRAL'];
  var COLORS = ['#e5534b', '#57ab5a', '#986ee2', '#e0b400', '#4f8fe6', '#f0883e', '#8b96a3'];
  var FACES_SHOWN = 12;
  var $ = function (id) { return document.getElementById(id); };

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) { Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); }); }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }
  function pct(x) { return (100 * x).toFixed(1) + '%'; }
  function ago(ms) {
    var s = Math.max(0, Math.round((Date.now() - ms) / 1000));
    if (s < 90) { return s + ' s ago'; }
    if (s < 5400) { return Math.round(s / 60) + ' min ago'; }
    return Math.round(s / 3600) + ' h ago';
  }
  function title(name) { return name.charAt(0) + name.slice(1).toLowerCase(); }

  // ---- faces -------------------------------------------------------------------------------------------------
  function drawFace(f) {
    var size = f.size, raw = atob(f.pixels);
    var canvas = el('canvas', { width: size, height: size });
    var ctx = canvas.getContext('2d');
    var img = ctx.createImageData(size, size);
    for (var i = 0; i < size * size; i++) {
      var v = raw.charCodeAt(i);
      img.data[4 * i] = v; img.data[4 * i + 1] = v; img.data[4 * i + 2] = v; img.data[4 * i + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
    var labeled = f.truth !== null && f.truth !== undefined;
    var right = labeled && f.truth === f.predicted;
    var box = el('div', {
      'class': 'face' + (labeled ? (right ? ' right' : ' wrong') : ''),
      'data-frame': f.frameId, 'data-predicted': CLASSES[f.predicted],
      title: f.frameId + ' · model ' + f.modelVersion
    });
    box.appendChild(canvas);
    var emo = el('div', { 'class': 'emo' }, title(CLASSES[f.predicted]) + ' ' + Math.round(100 * f.confidence) + '%');
    emo.style.color = COLORS[f.predicted];
    box.appendChild(emo);
    box.appendChild(el('div', { 'class': 'muted' }, f.source));
    if (labeled) {
      box.appendChild(el('div', { 'class': right ? 'right-mark' : 'wrong-mark' },
        right ? '✓ right' : '✗ was ' + title(CLASSES[f.truth])));
    } else {
      box.appendChild(el('div', { 'class': 'muted' }, 'unlabeled'));
    }
    return box;
  }

  function onFaces(msg) {
    var strip = $('faces');
    msg.faces.forEach(function (f) {
      if (strip.querySelector('[data-frame="' + CSS.escape(f.frameId) + '"]')) { return; }
      strip.insertBefore(drawFace(f), strip.firstChild);
    });
    while (strip.children.length > FACES_SHOWN) { strip.removeChild(strip.lastChild); }
  }

  // ---- stats -------------------------------------------------------------------------------------------------
  function onStats(s) {
    $('state').textContent = 'Kafka Streams ' + s.state;
    $('model-version').textContent = s.modelVersion;
    $('model-since').textContent = 'in service since ' + new Date(s.servingSince).toLocaleTimeString()
      + ' (' + ago(s.servingSince) + ')';
    $('swaps').textContent = s.swaps.length === 0 ? '' : 'last swap: ' + s.swaps[0].from + ' → ' + s.swaps[0].to
      + ' at ' + new Date(s.swaps[0].at).toLocaleTimeString();
    $('fps').textContent = s.framesPerSecond.toFixed(1);
    $('batch').textContent = s.batchSize === null ? '–' : s.batchSize.toFixed(1);
    $('latency').textContent = s.inferenceMs === null ? '–' : s.inferenceMs.toFixed(1);
    $('classified').textContent = s.classified.toLocaleString('en');
    spark(s.framesPerSecondHistory);
    rejects(s.rejects);
    sources(s.sources);
    if (s.accuracy) { accuracy(s.accuracy, s.modelVersion); }
    if (s.rollout) { rollout(s.rollout); }
  }

  // ---- rollout (topic mode) ----------------------------------------------------------------------------------
  function rollout(r) {
    $('rollout-panel').hidden = false;
    $('rollout-topic').textContent = '(control topic ' + r.controlTopic + ')';
    var lineup = $('rollout-lineup');
    lineup.textContent = 'champion ' + (r.champion ? r.champion.version : 'none yet (model.path)') + ' · '
      + (r.challenger ? 'challenger ' + r.challenger.version + ' (' + r.challenger.rollout + ', shadowing '
        + Math.round(100 * r.challenger.shadowShare) + '% of the frames since '
        + new Date(r.challenger.since).toLocaleTimeString() + ')' : 'no challenger');
    lineup.setAttribute('data-champion', r.champion ? r.champion.version : '');
    lineup.setAttribute('data-challenger', r.challenger ? r.challenger.version : '');
    var body = $('rollout-comparison').tBodies[0];
    body.innerHTML = '';
    r.comparisons.forEach(function (c) {
      var tr = el('tr', { 'data-rollout': c.rollout, 'data-decision': c.decision || '' });
      [c.rollout + ': ' + c.challenger + ' vs ' + c.champion, c.shadowed, pct(c.agreement), c.labeled,
        pct(c.championAccuracy), pct(c.challengerAccuracy), c.championOnly, c.challengerOnly,
        c.pValue.toPrecision(3), c.decision || 'undecided'].forEach(function (v) { tr.appendChild(el('td', null, v)); });
      body.appendChild(tr);
    });
    var hist = $('rollout-history').tBodies[0];
    hist.innerHTML = '';
    r.history.slice().reverse().forEach(function (h) {
      var tr = el('tr', { 'data-action': h.action || '', 'data-accepted': String(h.accepted) });
      tr.appendChild(el('td', null, h.time ? new Date(h.time).toLocaleTimeString() : ''));
      tr.appendChild(el('td', null, (h.action || 'UNREADABLE') + ' ' + (h.version || '')));
      tr.appendChild(el('td', null, h.decidedBy || ''));
      var why = h.accepted ? h.reason : 'refused: ' + h.refusal;
      tr.appendChild(el('td', { 'class': h.accepted ? '' : 'refused' }, why));
      hist.appendChild(tr);
    });
  }

  // frames/s of the server's last 120 one-second ticks, oldest first: a page opened after a replay still shows it
  function spark(history) {
    var c = $('spark'), ctx = c.getContext('2d');
    var max = Math.max.apply(null, history.concat([1]));
    c.setAttribute('data-max', max.toFixed(0));
    ctx.clearRect(0, 0, c.width, c.height);
    ctx.strokeStyle = '#4f8fe6'; ctx.lineWidth = 2; ctx.beginPath();
    history.forEach(function (v, i) {
      var x = c.width - (history.length - 1 - i) * (c.width / 119), y = c.height - 4 - (c.height - 8) * v / max;
      if (i === 0) { ctx.moveTo(x, y); } else { ctx.lineTo(x, y); }
    });
    ctx.stroke();
    ctx.fillStyle = '#8b96a3'; ctx.font = '11px sans-serif'; ctx.fillText('max ' + max.toFixed(0) + ' frames/s · 2 min', 6, 12);
  }

  function rejects(byReason) {
    var body = $('rejects').tBodies[0];
    body.innerHTML = '';
    var reasons = Object.keys(byReason);
    if (reasons.length === 0) { body.appendChild(el('tr')).appendChild(el('td', { 'class': 'muted' }, 'none')); return; }
    reasons.forEach(function (r) {
      var tr = el('tr', { 'data-reason': r });
      tr.appendChild(el('td', null, r));
      tr.appendChild(el('td', null, byReason[r].toLocaleString('en')));
      body.appendChild(tr);
    });
  }

  function bars(counts) {
    var total = counts.reduce(function (a, b) { return a + b; }, 0);
    var div = el('div', { 'class': 'bars', title: CLASSES.map(function (c, i) { return title(c) + ' ' + counts[i]; }).join(', ') });
    counts.forEach(function (n, i) {
      if (total > 0 && n > 0) {
        var s = el('span'); s.style.width = (100 * n / total) + '%'; s.style.background = COLORS[i]; div.appendChild(s);
      }
    });
    return div;
  }

  function sources(list) {
    var t = $('sources');
    t.innerHTML = '';
    var head = el('tr');
    head.appendChild(el('th', null, 'source'));
    head.appendChild(el('th', null, ''));
    CLASSES.forEach(function (c, i) { var th = el('th', null, c.slice(0, 3)); th.style.color = COLORS[i]; head.appendChild(th); });
    t.appendChild(head);
    list.forEach(function (s) {
      [['lastMinute', 'last min'], ['total', 'total']].forEach(function (kind, k) {
        var tr = el('tr', { 'data-source': s.source, 'data-kind': kind[0] });
        tr.appendChild(el('td', null, k === 0 ? s.source : ''));
        var td = el('td', { 'class': 'bar' }); td.appendChild(bars(s[kind[0]]));
        td.insertBefore(el('span', { 'class': 'muted small' }, kind[1]), td.firstChild);
        tr.appendChild(td);
        s[kind[0]].forEach(function (n) { tr.appendChild(el('td', null, n)); });
        t.appendChild(tr);
      });
    });
  }

  function accuracy(list, serving) {
    var body = $('accuracy-table').tBodies[0];
    body.innerHTML = '';
    // a challenger has no 'all' row while it is shadowed: its 'shadow' row heads its group instead
    var hasAll = {};
    list.forEach(function (a) { if (a.scope === 'all') { hasAll[a.modelVersion] = true; } });
    var overall = list.filter(function (a) {
      return a.scope === 'all' || (a.scope === 'shadow' && !hasAll[a.modelVersion]);
    });
    overall.sort(function (a, b) { return a.modelVersion === serving ? -1 : b.modelVersion === serving ? 1 : 0; });
    overall.forEach(function (a) {
      row(body, a, a.modelVersion + (a.modelVersion === serving ? ' (serving)' : a.scope === 'shadow' ? ' (shadow)' : ''),
        'version');
      list.filter(function (b) { return b.modelVersion === a.modelVersion && b !== a; }).forEach(function (b) {
        row(body, b, '\u00a0\u00a0' + b.scope, 'scope muted');
      });
    });
    var shown = overall.filter(function (a) { return a.modelVersion === serving && a.labeled > 0; })[0]
      || overall.slice().sort(function (a, b) { return b.labeled - a.labeled; })[0];
    if (shown) { heatmap(shown); }
  }

  function row(body, a, name, cls) {
    var tr = el('tr', { 'class': cls, 'data-version': a.modelVersion, 'data-scope': a.scope,
      'data-correct': a.correct, 'data-labeled': a.labeled, 'data-seen': a.seen });
    tr.appendChild(el('td', null, name));
    tr.appendChild(el('td', { 'class': 'acc' }, a.labeled === 0 ? '–' : pct(a.correct / a.labeled)));
    tr.appendChild(el('td', null, a.correct));
    tr.appendChild(el('td', null, a.labeled));
    tr.appendChild(el('td', null, a.seen));
    body.appendChild(tr);
  }

  function heatmap(a) {
    $('heatmap-version').textContent = '(' + a.modelVersion + ', ' + pct(a.labeled === 0 ? 0 : a.correct / a.labeled) + ')';
    var t = $('heatmap');
    t.innerHTML = '';
    t.setAttribute('data-version', a.modelVersion);
    var head = el('tr');
    head.appendChild(el('th'));
    CLASSES.forEach(function (c) { head.appendChild(el('th', null, c.slice(0, 3))); });
    head.appendChild(el('th', null, 'recall'));
    t.appendChild(head);
    var total = 0;
    a.confusion.forEach(function (rowCounts, truth) {
      var n = rowCounts.reduce(function (x, y) { return x + y; }, 0);
      total += n;
      var tr = el('tr');
      tr.appendChild(el('th', null, title(CLASSES[truth])));
      rowCounts.forEach(function (count, predicted) {
        var share = n === 0 ? 0 : count / n;
        var td = el('td', { 'class': 'cell', 'data-count': count, title: title(CLASSES[truth]) + ' → '
          + title(CLASSES[predicted]) + ': ' + count }, count);
        var hue = truth === predicted ? '63,185,80' : '248,81,73';
        td.style.background = 'rgba(' + hue + ',' + (0.08 + 0.92 * share).toFixed(3) + ')';
        tr.appendChild(td);
      });
      tr.appendChild(el('td', { 'class': 'recall', 'data-class': CLASSES[truth] }, n === 0 ? '–' : pct(rowCounts[truth] / n)));
      t.appendChild(tr);
    });
    $('confusion-total').textContent = total;
  }

  // ---- connection --------------------------------------------------------------------------------------------
  function connect() {
    // EventSource reconnects by itself after the server's retry: delay, also when the app restarts
    var es = new EventSource('/events');
    es.onopen = function () { $('conn').textContent = 'live'; $('conn-dot').className = 'dot up'; };
    es.onerror = function () {
      $('conn').textContent = 'reconnecting…'; $('conn-dot').className = 'dot';
      // a refusal (503: too many viewers) closes an EventSource for good; try again later ourselves
      if (es.readyState === EventSource.CLOSED) { setTimeout(connect, 10000); }
    };
    es.addEventListener('stats', function (e) { onStats(JSON.parse(e.data)); });
    es.addEventListener('faces', function (e) { onFaces(JSON.parse(e.data)); });
  }
  connect();
}());
