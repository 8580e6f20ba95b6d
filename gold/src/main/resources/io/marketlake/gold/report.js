/*
 * marketlake report: draws the charts from the page's inline JSON (#report-data) with Apache
 * ECharts and the candle chart shared with the live dashboard (MarketlakeCharts, charts.js),
 * both inlined above this script. Prediction markers take their own colours so they stand out
 * on the candles. Plain ES2020, no build step, nothing fetched. All times are UTC.
 */
(() => {
  'use strict';

  const M = window.MarketlakeCharts;
  const DEFAULT_VISIBLE = 240; // candles shown at first; the slider reaches the rest
  const C = {
    ...M.C, predUp: '#2563eb', predDown: '#d97706',
    auc: '#9333ea', accuracy: '#0891b2', lastMove: '#db2777',
  };
  const data = JSON.parse(document.getElementById('report-data').textContent);

  const { isNum, esc, fixed, utc, arrow, candleAt } = M;
  const predColor = (dir) => (dir === 'down' ? C.predDown : C.predUp);

  // ---- a symbol: candles, volume, predictions ---------------------------------------------------
  function symbolChart(el, s, step) {
    const candles = s.candles;
    const predsByOpen = M.predictionsByCandle(candles, s.predictions, step);
    const latest = s.predictions[s.predictions.length - 1];
    const markers = [];
    for (const [open, list] of predsByOpen) {
      const k = candles[candleAt(candles, open, step)];
      // Per candle the newest of each direction: more would only hide beneath it.
      for (const dir of ['up', 'down']) {
        const p = list.filter((q) => q.direction === dir).pop();
        if (!p) continue;
        const size = p === latest ? 18 : 12;
        markers.push({
          value: [open, dir === 'up' ? k[3] : k[4]], // under the low, over the high
          symbolSize: size,
          symbolRotate: dir === 'up' ? 0 : 180,
          symbolOffset: [0, dir === 'up' ? size * 0.8 : -size * 0.8],
          itemStyle: { color: predColor(dir) },
          z: p === latest ? 6 : 5,
        });
      }
    }
    const volume = M.volumeBars(candles, null);
    const shown = candles.length > DEFAULT_VISIBLE
      ? { startValue: candles[candles.length - DEFAULT_VISIBLE][0] } : {};
    // Half a candle's room at both ends, or the first and last would be cut in half.
    const ends = { min: candles[0][0] - step / 2, max: candles[candles.length - 1][0] + step / 2 };
    const chart = echarts.init(el);
    chart.setOption(M.candleOption({
      tooltip: (params) => tooltipHtml(params, predsByOpen),
      xAxis: ends,
      priceAxis: { boundaryGap: ['8%', '8%'] }, // room for markers
      zoom: shown,
      markerSeries: { clip: false },
      markerStyle: { opacity: 1 },
      data: { candles, volume, markers },
    }));
    return chart;
  }

  /** The hovered candle's OHLCV and the predictions made during it, newest first. */
  function tooltipHtml(params, predsByOpen) {
    const tip = M.candleTooltip(params, data.window);
    if (!tip) return '';
    let html = tip.html;
    const preds = predsByOpen.get(tip.open) || [];
    if (preds.length) {
      html += `<div style="margin-top:6px;font-weight:600">${preds.length === 1 ? 'prediction' : preds.length + ' predictions'}</div>`;
      for (const p of preds.slice(-5).reverse()) {
        html += `<div><span style="color:${predColor(p.direction)}">${arrow(p.direction)}</span> ${utc(p.asOf).slice(11, 16)}`
          + ` ${esc(p.direction)} · P(up) ${fixed(p.probabilityUp)} · next ${esc(p.horizonMinutes)}m</div>`;
      }
      if (preds.length > 5) html += `<div style="color:${C.muted}">and ${preds.length - 5} earlier</div>`;
    }
    return html;
  }

  // ---- the model over its versions ------------------------------------------------------------
  function modelChart(el, runs) {
    const lines = [
      { name: 'test AUC', key: 'testAuc', color: C.auc, type: 'solid' },
      { name: 'accuracy', key: 'testAccuracy', color: C.accuracy, type: 'solid' },
      { name: 'majority baseline', key: 'majorityAccuracy', color: C.baseline, type: 'dashed' },
      { name: 'last-move baseline', key: 'lastMoveAccuracy', color: C.lastMove, type: 'dashed' },
    ];
    // Everything sits near 0.5: an axis from 0 would make the lines indistinguishable.
    const known = runs.flatMap((r) => lines.map((l) => r[l.key])).filter(isNum).concat([0.5]);
    const lo = Math.floor((Math.min(...known) - 0.01) * 50) / 50;
    const hi = Math.ceil((Math.max(...known) + 0.01) * 50) / 50;
    const chart = echarts.init(el);
    chart.setOption({
      animation: false,
      textStyle: { fontFamily: M.FONT },
      grid: { left: 52, right: 90, top: 34, bottom: 24 },
      legend: { top: 0, itemWidth: 18, itemHeight: 8, textStyle: { color: C.muted, fontSize: 11 } },
      tooltip: {
        trigger: 'axis', backgroundColor: 'rgba(255,255,255,0.97)', borderColor: C.axis,
        textStyle: { color: C.text, fontSize: 12 },
        formatter: (params) => {
          const r = runs[params[0].dataIndex];
          return `<div style="font-weight:600">v${esc(r.version)} · trained ${utc(r.trainedAt)} UTC</div>`
            + `<div style="color:${C.muted}">${esc(r.testRows)} test rows</div>`
            + params.map((p) => `<div>${p.marker}${esc(p.seriesName)} ${fixed(p.value)}</div>`).join('');
        },
      },
      xAxis: {
        type: 'category', data: runs.map((r) => `v${r.version}`), boundaryGap: runs.length < 2,
        axisLine: { lineStyle: { color: C.axis } }, axisLabel: { color: C.text, fontSize: 11 },
      },
      yAxis: {
        type: 'value', min: lo, max: hi, splitNumber: 4, splitLine: { lineStyle: { color: C.split } },
        axisLabel: { color: C.muted, fontSize: 11, formatter: (v) => v.toFixed(2) },
      },
      series: lines.map((l, i) => ({
        name: l.name, type: 'line', color: l.color, symbolSize: 7, showSymbol: true,
        lineStyle: { width: 1.8, type: l.type }, data: runs.map((r) => (isNum(r[l.key]) ? r[l.key] : null)),
        markLine: i ? undefined : {
          silent: true, symbol: 'none', data: [{ yAxis: 0.5 }],
          lineStyle: { type: 'dotted', color: C.muted }, label: { formatter: 'chance 0.5', color: C.muted, fontSize: 11 },
        },
      })),
    });
    return chart;
  }

  // ---- start ----------------------------------------------------------------------------------
  const charts = [];
  data.symbols.forEach((s, i) => {
    const el = document.getElementById(`chart-${i}`);
    if (el && s.candles.length) charts.push(symbolChart(el, s, data.stepMillis));
  });
  const modelEl = document.getElementById('model-chart');
  if (modelEl && data.modelRuns.length) charts.push(modelChart(modelEl, data.modelRuns));
  window.addEventListener('resize', () => charts.forEach((c) => c.resize()));
})();
