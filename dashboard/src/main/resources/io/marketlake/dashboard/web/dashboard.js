/*
 * marketlake live dashboard. Polls the JSON API of the server that serves this file and draws
 * with Apache ECharts (global `echarts`, loaded from vendor/) and the candle chart shared with
 * the report (global `MarketlakeCharts`, charts.js). Plain ES2020: no build step.
 * All times are shown in UTC.
 */
(() => {
  'use strict';

  const M = window.MarketlakeCharts;
  if (!M) { // everything below draws with it: say so instead of failing on the first use
    document.getElementById('status-dot').className = 'dot err';
    document.getElementById('status-text').className = 'err';
    document.getElementById('status-text').textContent = 'error: charts.js did not load';
    return;
  }
  const POLL_MS = 2000;
  const FETCH_TIMEOUT_MS = 10000;
  const CANDLE_LIMIT = 600;
  const DEFAULT_VISIBLE = 120;
  const LAG_HISTORY = 100;
  const INTERVAL_MS = { '1m': 60000, '5m': 300000, '1h': 3600000 };
  const C = { ...M.C, pending: '#9ca3af', accent: '#2563eb' };
  const LAYER_COLORS = ['#2563eb', '#16a34a', '#d97706', '#9333ea', '#0891b2', '#db2777'];
  const FONT = M.FONT;

  const state = {
    interval: INTERVAL_MS[location.hash.slice(1)] ? location.hash.slice(1) : '1m',
    symbols: [],
    cards: new Map(),      // symbol -> card
    inFlight: false,
    rerun: false,          // an interval switch arrived during a poll: poll again right after it
    lagHistory: [],        // [{t, lags: {layer: seconds|null}}], client-side only
    mini: {},              // small panel charts by element id
  };
  // Read by the browser test and handy in the console.
  const stats = (window.marketlake = { lastUpdate: null, polls: 0, errors: 0 });

  // ---- formatting ---------------------------------------------------------------------------
  const { isNum, esc, fixed, utc, price, arrow, candleAt } = M;
  const $ = (id) => document.getElementById(id);
  const pct = (v, d = 1) => (isNum(v) ? (v * 100).toFixed(d) + '%' : '—');
  const int = (v) => (isNum(v) ? Math.round(v).toLocaleString('en-US') : '—');
  const utcTime = (ms) => (isNum(ms) ? utc(ms).slice(11, 19) : '—');
  const outcomeColor = (p) => (p.hit === true ? C.up : p.hit === false ? C.down : C.pending);
  const outcomeText = (p) => (p.actual == null ? 'pending'
    : `actual ${p.actual} · ${p.hit === true ? 'hit' : p.hit === false ? 'miss' : 'not graded'}`);

  // ---- fetching and polling -------------------------------------------------------------------
  async function getJSON(url) {
    const name = url.split('?')[0];
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), FETCH_TIMEOUT_MS);
    try {
      const res = await fetch(url, { cache: 'no-store', signal: ctl.signal, headers: { Accept: 'application/json' } });
      if (!res.ok) throw new Error(`${name}: HTTP ${res.status}`);
      return await res.json();
    } catch (e) {
      if (e.name === 'AbortError') throw new Error(`${name}: no answer in ${FETCH_TIMEOUT_MS / 1000} s`);
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  async function poll() {
    if (state.inFlight) return; // never overlap: a slow server makes us skip ticks, not pile up
    state.inFlight = true;
    const interval = state.interval;
    try {
      // Symbols we already know are fetched alongside the overview; allSettled so a failure
      // never becomes an unhandled rejection while we wait for the overview.
      const known = Promise.allSettled(state.symbols.map((s) => loadSymbol(s, interval)));
      const overview = await getJSON('api/overview');
      renderOverview(overview);
      const added = syncCards(Array.isArray(overview.symbols) ? overview.symbols : []);
      const results = (await known).concat(await Promise.allSettled(added.map((s) => loadSymbol(s, interval))));
      const failed = results.find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
      stats.lastUpdate = Date.now();
      setStatus(true);
    } catch (e) {
      stats.errors++;
      setStatus(false, e);
    } finally {
      stats.polls++;
      state.inFlight = false;
      if (state.rerun) {
        state.rerun = false;
        poll();
      }
    }
  }

  async function loadSymbol(sym, interval) {
    const q = encodeURIComponent(sym);
    let candles, predictions;
    try {
      [candles, predictions] = await Promise.all([
        getJSON(`api/candles?symbol=${q}&interval=${interval}&limit=${CANDLE_LIMIT}`),
        getJSON(`api/predictions?symbol=${q}&limit=${CANDLE_LIMIT}`),
      ]);
    } catch (e) {
      if (!state.cards.has(sym)) return; // the symbol left the overview meanwhile: not an error
      throw e;
    }
    const card = state.cards.get(sym);
    // Drop answers for an interval the user has switched away from while they were in flight.
    if (card && interval === state.interval) renderCard(card, candles, predictions);
  }

  function setStatus(ok, err) {
    const text = $('status-text');
    $('status-dot').className = 'dot ' + (ok ? 'ok' : 'err');
    text.className = ok ? '' : 'err';
    text.textContent = ok ? 'live' : `error: ${(err && err.message) || err}`;
    text.title = text.textContent;
    $('status-dot').title = text.textContent;
    if (stats.lastUpdate) $('last-update').textContent = utc(stats.lastUpdate) + ' UTC';
  }

  // ---- symbol cards ---------------------------------------------------------------------------
  /** Makes the cards match the overview's symbol list; returns the symbols that are new. */
  function syncCards(symbols) {
    symbols = [...new Set(symbols.filter((s) => typeof s === 'string' && s))];
    if (symbols.length === state.symbols.length && symbols.every((s, i) => s === state.symbols[i])) return [];
    const host = $('symbols');
    for (const [sym, card] of state.cards) {
      if (symbols.includes(sym)) continue;
      card.ro.disconnect();
      if (card.chart) card.chart.dispose();
      card.el.remove();
      state.cards.delete(sym);
    }
    const added = [];
    for (const sym of symbols) {
      let card = state.cards.get(sym);
      if (!card) {
        card = createCard(sym);
        state.cards.set(sym, card);
        added.push(sym);
      }
      host.appendChild(card.el); // (re)appending keeps the overview's order
    }
    $('no-symbols').hidden = symbols.length > 0;
    state.symbols = symbols;
    return added;
  }

  function createCard(sym) {
    const el = document.createElement('article');
    el.className = 'panel symbol-card';
    el.innerHTML = `
      <header><h2></h2><span class="price">—</span><span class="chg"></span><span class="pred"></span></header>
      <div class="chart-wrap">
        <div class="chart" data-chart="candles" data-candles="0"></div>
        <div class="waiting">waiting for data</div>
      </div>
      <div class="legend"><span class="horizon">predictions:</span>
        <i class="hit">▲▼ hit</i><i class="miss">▲▼ miss</i><i class="pending">▲▼ pending / flat</i></div>`;
    el.querySelector('h2').textContent = sym;
    const chartEl = el.querySelector('.chart');
    chartEl.dataset.symbol = sym;
    const card = {
      sym, el, chartEl, chart: null, waiting: el.querySelector('.waiting'),
      interval: null, view: null, candles: [], predsByOpen: new Map(),
    };
    card.ro = new ResizeObserver(() => card.chart && card.chart.resize());
    card.ro.observe(chartEl);
    return card;
  }

  function renderCard(card, candleData, predData) {
    const candles = (candleData && Array.isArray(candleData.candles) ? candleData.candles : [])
      .filter((k) => Array.isArray(k) && k.length >= 5 && isNum(k[0]))
      .sort((x, y) => x[0] - y[0]); // the API sends oldest first; the lookups below rely on it
    const preds = (predData && Array.isArray(predData.predictions) ? predData.predictions : [])
      .filter((p) => p && isNum(p.asOf)).sort((x, y) => x.asOf - y.asOf);
    const horizon = predData && isNum(predData.horizonMinutes) ? predData.horizonMinutes : null;
    const step = INTERVAL_MS[state.interval];
    const el = card.chartEl;
    card.el.querySelector('.horizon').textContent =
      horizon ? `predictions (close ${horizon} min ahead):` : 'predictions:';

    if (!candles.length) {
      card.candles = [];
      card.waiting.hidden = false;
      card.waiting.textContent = `waiting for data: no ${state.interval} candles yet`;
      card.el.querySelector('.price').textContent = '—';
      card.el.querySelector('.chg').textContent = '';
      card.el.querySelector('.pred').textContent = '';
      el.dataset.candles = '0';
      delete el.dataset.lastOpen;
      return;
    }
    card.waiting.hidden = true;

    const predsByOpen = M.predictionsByCandle(candles, preds, step);
    card.candles = candles;
    card.predsByOpen = predsByOpen;

    const markers = [];
    for (const [open, list] of predsByOpen) {
      // Only the newest per candle: on coarse intervals the others would be hidden beneath it.
      const p = list[list.length - 1];
      const close = candles[candleAt(candles, open, step)][2];
      markers.push({
        value: [open, close],
        symbolRotate: p.direction === 'down' ? 180 : 0,
        itemStyle: { color: outcomeColor(p) },
      });
    }
    const volume = M.volumeBars(candles, 0);

    const option = {
      series: [
        { id: 'candles', data: candles },
        { id: 'volume', data: volume },
        { id: 'predictions', data: markers },
      ],
    };
    if (!card.chart) {
      card.chart = echarts.init(el);
      card.chart.setOption(chartOption(card));
      card.chart.on('datazoom', () => rememberView(card));
    }
    if (card.interval !== state.interval) { // a new interval is a new time scale: start over
      card.interval = state.interval;
      card.view = null;
    }
    option.dataZoom = zoomFor(card, candles);
    card.chart.setOption(option); // merge: series data only, plus the window from zoomFor

    renderCardHeader(card, candles, preds);
    el.dataset.lastOpen = String(candles[candles.length - 1][0]);
    el.dataset.candles = String(candles.length);
  }

  /** Called on the user's zoom or pan: keep their window as times, not as percentages. */
  function rememberView(card) {
    const z = card.chart.getOption().dataZoom[0];
    if (!z || !isNum(z.startValue) || !isNum(z.endValue)) return;
    // At the right edge the window follows new candles with the user's span; elsewhere it is
    // pinned, so history under study does not slide away as the (sliding) data window grows.
    card.view = { span: z.endValue - z.startValue, pinned: z.end >= 99.9 ? null : [z.startValue, z.endValue] };
  }

  /** The dataZoom window for this refresh: by default the newest ~120 candles, live. */
  function zoomFor(card, candles) {
    const last = candles[candles.length - 1][0];
    let range;
    if (!card.view) range = [candles[Math.max(0, candles.length - DEFAULT_VISIBLE)][0], last];
    else if (card.view.pinned) range = card.view.pinned;
    else range = [last - card.view.span, last];
    const z = { startValue: range[0], endValue: range[1] };
    return [z, z];
  }

  function renderCardHeader(card, candles, preds) {
    const last = candles[candles.length - 1];
    const prevClose = candles.length > 1 ? candles[candles.length - 2][2] : last[1];
    const change = isNum(prevClose) && prevClose !== 0 ? (last[2] - prevClose) / prevClose : null;
    card.el.querySelector('.price').textContent = price(last[2]);
    const chg = card.el.querySelector('.chg');
    chg.textContent = isNum(change) ? `${change >= 0 ? '+' : ''}${(change * 100).toFixed(2)}% ${state.interval}` : '';
    chg.className = 'chg ' + (isNum(change) ? (change >= 0 ? 'up' : 'down') : '');

    const newest = preds.length ? preds[preds.length - 1] : null;
    const graded = preds.filter((p) => p.hit === true || p.hit === false);
    const hits = graded.filter((p) => p.hit).length;
    const pred = card.el.querySelector('.pred');
    pred.innerHTML = newest
      ? `latest <b style="color:${newest.direction === 'down' ? C.down : C.up}">${arrow(newest.direction)} ${esc(newest.direction)}</b>`
        + ` p(up) ${pct(newest.probabilityUp, 0)} at ${utcTime(newest.asOf).slice(0, 5)}`
        + (graded.length ? ` · hits ${hits}/${graded.length} (${pct(hits / graded.length, 0)})` : '')
      : 'no predictions yet';
  }

  function chartOption(card) {
    return M.candleOption({
      tooltip: (params) => tooltipHtml(card, params),
      markerSeries: { symbolSize: 8, z: 5 },
    });
  }

  function tooltipHtml(card, params) {
    const tip = M.candleTooltip(params, state.interval);
    if (!tip) return '';
    let html = tip.html;
    const preds = card.predsByOpen.get(tip.open) || [];
    if (preds.length) {
      const shown = preds.slice(-3).reverse(); // newest first, a few at most
      html += `<div style="margin-top:6px;font-weight:600">${preds.length === 1 ? 'prediction' : preds.length + ' predictions'}</div>`;
      if (preds.length > 1) {
        const hits = preds.filter((p) => p.hit === true).length;
        const misses = preds.filter((p) => p.hit === false).length;
        html += `<div style="color:${C.muted}">${hits} hit · ${misses} miss · ${preds.length - hits - misses} pending/flat</div>`;
      }
      for (const p of shown) {
        html += `<div><span style="color:${outcomeColor(p)}">${arrow(p.direction)}</span> ${utcTime(p.asOf).slice(0, 5)}`
          + ` ${esc(p.direction)} · p(up) ${pct(p.probabilityUp, 0)} · v${esc(p.modelVersion)} · ${esc(outcomeText(p))}</div>`;
      }
    }
    return html;
  }

  // ---- overview panels ------------------------------------------------------------------------
  function renderOverview(ov) {
    const models = Array.isArray(ov.models) ? ov.models : [];
    renderModel(ov.hitRate);
    renderFreshness(Array.isArray(ov.freshness) ? ov.freshness : [], ov.generatedAt);
    renderQuality(ov.quality || {});
    renderModels(models);
  }

  function miniChart(id) {
    if (!state.mini[id]) state.mini[id] = echarts.init($(id));
    return state.mini[id];
  }

  function renderModel(hr) {
    const rate = $('hit-rate');
    if (!hr) {
      $('model-version').textContent = '';
      rate.textContent = $('base-majority').textContent = $('base-last').textContent = '—';
      rate.className = 'kpi-value';
      $('hit-note').textContent = 'waiting for data: no model trained yet';
      $('model-chart').hidden = true;
      return;
    }
    if ($('model-chart').hidden) { // ECharts sized it while hidden: measure again once shown
      $('model-chart').hidden = false;
      miniChart('model-chart').resize();
    }
    const maj = hr.baselineMajorityAccuracy;
    const last = hr.baselineLastMoveAccuracy;
    $('model-version').textContent = isNum(hr.modelVersion) ? `v${hr.modelVersion}` : '';
    rate.textContent = pct(hr.rate);
    $('base-majority').textContent = pct(maj);
    $('base-last').textContent = pct(last);
    const best = Math.max(isNum(maj) ? maj : 0, isNum(last) ? last : 0);
    rate.className = 'kpi-value' + (isNum(hr.rate) ? (hr.rate > best ? ' good' : ' bad') : '');
    $('hit-note').textContent = `graded ${int(hr.graded)} of ${int(hr.predictions)} predictions, only minutes after`
      + ` the model's training data (out of sample)` + (isNum(hr.hits) && hr.graded ? `; ${int(hr.hits)} hits` : '');

    const values = [hr.rate, maj, last];
    const known = values.filter(isNum);
    // Everything sits near 50 %: a 0–100 % axis would make the bars indistinguishable.
    const lo = known.length ? Math.max(0, Math.floor((Math.min(...known) - 0.05) * 10) / 10) : 0;
    const hi = known.length ? Math.min(1, Math.ceil((Math.max(...known) + 0.05) * 10) / 10) : 1;
    miniChart('model-chart').setOption({
      animation: false,
      textStyle: { fontFamily: FONT },
      grid: { left: 78, right: 52, top: 4, bottom: 20 },
      xAxis: {
        type: 'value', min: lo, max: hi, splitNumber: 4,
        axisLabel: { color: C.muted, fontSize: 10, formatter: (x) => `${Math.round(x * 100)}%` },
        splitLine: { lineStyle: { color: C.split } },
      },
      yAxis: {
        type: 'category', inverse: true, data: [`model v${hr.modelVersion ?? '?'}`, 'majority', 'last move'],
        axisTick: { show: false }, axisLine: { lineStyle: { color: C.axis } }, axisLabel: { color: C.text, fontSize: 11 },
      },
      series: [{
        type: 'bar', barWidth: 16,
        data: values.map((x, i) => ({ value: isNum(x) ? x : null, itemStyle: { color: i ? C.baseline : C.accent } })),
        label: { show: true, position: 'right', fontSize: 11, formatter: (p) => pct(p.value) },
        markLine: {
          silent: true, symbol: 'none', data: [{ xAxis: 0.5 }],
          lineStyle: { type: 'dashed', color: C.muted }, label: { show: false },
        },
      }],
    });
  }

  function renderFreshness(fresh, generatedAt) {
    const body = $('freshness-body');
    if (!fresh.length) {
      body.innerHTML = '<tr><td colspan="4" class="muted">waiting for data</td></tr>';
    } else {
      body.innerHTML = fresh.map((f) => {
        const lag = f.lagSeconds;
        const cls = !isNum(lag) ? 'muted' : lag > 300 ? 'lag-bad' : lag > 60 ? 'lag-warn' : '';
        return `<tr><td title="${esc(f.table)}">${esc(f.layer)}</td>`
          + (isNum(f.newest) ? `<td class="time">${utc(f.newest)}</td>` : '<td class="muted">no table yet</td>')
          + `<td class="time">${utcTime(f.committedAt)}</td>`
          + `<td class="num ${cls}">${isNum(lag) ? lag.toFixed(1) : '—'}</td></tr>`;
      }).join('');
    }

    const lags = {};
    for (const f of fresh) lags[f.layer] = isNum(f.lagSeconds) ? f.lagSeconds : null;
    state.lagHistory.push({ t: isNum(generatedAt) ? generatedAt : Date.now(), lags });
    if (state.lagHistory.length > LAG_HISTORY) state.lagHistory.shift();
    const layers = fresh.map((f) => f.layer);
    miniChart('lag-chart').setOption({
      animation: false,
      useUTC: true,
      textStyle: { fontFamily: FONT },
      grid: { left: 36, right: 22, top: 26, bottom: 20 },
      legend: { top: 0, itemWidth: 14, itemHeight: 8, textStyle: { color: C.muted, fontSize: 11 } },
      tooltip: {
        trigger: 'axis', textStyle: { fontSize: 12 },
        valueFormatter: (v) => (isNum(v) ? `${v.toFixed(1)} s` : '—'),
      },
      xAxis: {
        type: 'time', axisLabel: { color: C.muted, fontSize: 10, hideOverlap: true },
        axisLine: { lineStyle: { color: C.axis } }, splitLine: { show: false },
      },
      yAxis: {
        type: 'value', min: 0, splitNumber: 3, axisLabel: { color: C.muted, fontSize: 10, formatter: '{value}s' },
        splitLine: { lineStyle: { color: C.split } },
      },
      series: layers.map((layer, i) => ({
        name: layer, type: 'line', showSymbol: state.lagHistory.length < 2, // one point: no line yet
        connectNulls: false, color: LAYER_COLORS[i % LAYER_COLORS.length],
        lineStyle: { width: 1.5 }, data: state.lagHistory.map((h) => [h.t, h.lags[layer] ?? null]),
      })),
    }, { replaceMerge: ['series'] }); // layers may change; keeps legend toggles
  }

  function renderQuality(q) {
    $('quarantined').textContent = int(q.quarantinedRows);
    const reasons = Array.isArray(q.quarantineReasons) ? q.quarantineReasons : [];
    $('reasons-body').innerHTML = reasons.length
      ? reasons.map((r) => `<tr><td>${esc(r.reason)}</td><td class="num">${int(r.rows)}</td></tr>`).join('')
      : `<tr><td colspan="2" class="muted">${isNum(q.quarantinedRows) ? 'nothing quarantined' : 'waiting for data'}</td></tr>`;
    const comp = Array.isArray(q.completeness) ? q.completeness : [];
    $('completeness-body').innerHTML = comp.length
      ? comp.map((c) => {
        const share = isNum(c.presentMinutes) && c.expectedMinutes > 0 ? Math.min(1, c.presentMinutes / c.expectedMinutes) : 0;
        return `<tr><td>${esc(c.symbol)}</td>`
          + `<td style="white-space:nowrap"><span class="bar"><span style="width:${(share * 100).toFixed(1)}%"></span></span>${esc(c.percent)}</td>`
          + `<td>${esc(c.detail)}</td></tr>`;
      }).join('')
      : '<tr><td colspan="3" class="muted">waiting for data</td></tr>';
  }

  function renderModels(models) {
    $('models-body').innerHTML = models.length
      ? models.map((m) => `<tr><td>v${esc(m.version)}</td><td class="time">${utc(m.trainedAt)}</td>`
        + `<td class="time">${utc(m.dataTo)}</td><td class="num">${int(m.trainRows)}</td><td class="num">${int(m.testRows)}</td>`
        + `<td class="num">${fixed(m.testAuc)}</td><td class="num">${pct(m.testAccuracy)}</td>`
        + `<td class="num">${pct(m.testBalancedAccuracy)}</td><td class="num">${pct(m.baselineMajorityAccuracy)}</td>`
        + `<td class="num">${pct(m.baselineLastMoveAccuracy)}</td></tr>`).join('')
      : '<tr><td colspan="10" class="muted">waiting for data: no model trained yet</td></tr>';
  }

  // ---- start ----------------------------------------------------------------------------------
  function selectInterval(interval) {
    state.interval = interval;
    for (const b of document.querySelectorAll('.interval button')) {
      b.setAttribute('aria-pressed', String(b.dataset.interval === interval));
    }
  }

  function start() {
    if (typeof echarts === 'undefined') {
      setStatus(false, new Error('vendor/echarts.min.js did not load'));
      return;
    }
    selectInterval(state.interval);
    for (const b of document.querySelectorAll('.interval button')) {
      b.addEventListener('click', () => {
        if (b.dataset.interval === state.interval) return;
        selectInterval(b.dataset.interval);
        history.replaceState(null, '', '#' + state.interval);
        if (state.inFlight) state.rerun = true;
        else poll();
      });
    }
    window.addEventListener('resize', () => Object.values(state.mini).forEach((c) => c.resize()));
    poll();
    setInterval(poll, POLL_MS);
  }

  start();
})();
