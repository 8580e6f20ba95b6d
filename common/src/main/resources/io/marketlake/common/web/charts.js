/*
 * marketlake's candle charts, shared by the live dashboard (served as charts.js) and the report
 * (inlined into its page): palette, formatting and the candlestick + volume chart. One global,
 * MarketlakeCharts; plain ES2020, no build step, no modules. Uses the global `echarts` only
 * through the option it builds. Nothing here fetches anything: the report must stay offline.
 * All times are UTC.
 */
window.MarketlakeCharts = (() => {
  'use strict';

  // The colours both pages share; each page adds its own (prediction markers, model lines).
  const C = Object.freeze({
    up: '#16a34a', down: '#dc2626', text: '#1b2430',
    muted: '#667085', axis: '#d0d5dd', split: '#eef1f5', baseline: '#98a2b3',
    volUp: 'rgba(22,163,74,0.45)', volDown: 'rgba(220,38,38,0.45)',
  });
  // Time-axis labels per level (ECharts 5); the default shows a bare day number at midnight.
  const TIME_LEVELS = { year: '{yyyy}', month: '{MMM} {d}', day: '{MMM} {d}', hour: '{HH}:{mm}', minute: '{HH}:{mm}' };
  const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

  // ---- formatting -----------------------------------------------------------------------------
  const isNum = (v) => typeof v === 'number' && Number.isFinite(v);
  const esc = (s) => String(s ?? '').replace(/[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[ch]));
  const fixed = (v, d = 3) => (isNum(v) ? v.toFixed(d) : '—');
  const utc = (ms) => (isNum(ms) ? new Date(ms).toISOString().slice(0, 19).replace('T', ' ') : '—');
  const utcMinute = (ms) => (isNum(ms) ? utc(ms).slice(5, 16) : '—');
  // Decimals follow the magnitude, so a 0.0123 coin and a 97000 coin both read well.
  const priceDigits = (v) => {
    const a = Math.abs(v);
    return a >= 1000 ? 2 : a >= 10 ? 3 : a >= 1 ? 4 : a >= 0.01 ? 5 : 8;
  };
  const price = (v) => (isNum(v) ? v.toFixed(priceDigits(v)) : '—');
  const compact = (v) => {
    if (!isNum(v)) return '';
    if (v === 0) return '0';
    const a = Math.abs(v);
    if (a >= 1e9) return (v / 1e9).toFixed(1) + 'B';
    if (a >= 1e6) return (v / 1e6).toFixed(1) + 'M';
    if (a >= 1e3) return (v / 1e3).toFixed(1) + 'k';
    return a >= 10 ? v.toFixed(0) : v.toFixed(2);
  };
  const arrow = (dir) => (dir === 'down' ? '▼' : '▲');

  // ---- candles --------------------------------------------------------------------------------
  // Candles are [openTime, open, close, low, high, volume] (ECharts' order), oldest first.

  /** Index of the candle whose [open, open + step) holds t, or -1. */
  function candleAt(candles, t, step) {
    let lo = 0;
    let hi = candles.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (candles[mid][0] <= t) lo = mid + 1;
      else hi = mid - 1;
    }
    return hi >= 0 && t < candles[hi][0] + step ? hi : -1;
  }

  /** Predictions (ordered by asOf) by the open time of the candle holding their asOf. */
  function predictionsByCandle(candles, preds, step) {
    const byOpen = new Map(); // several per candle on coarse intervals
    for (const p of preds) {
      const i = candleAt(candles, p.asOf, step);
      if (i < 0) continue; // outside the candles we have
      const open = candles[i][0];
      if (!byOpen.has(open)) byOpen.set(open, []);
      byOpen.get(open).push(p);
    }
    return byOpen;
  }

  /** The volume bars, coloured by the candle's direction; `missing` stands for no volume. */
  const volumeBars = (candles, missing) => candles.map((k) => ({
    value: [k[0], isNum(k[5]) ? k[5] : missing],
    itemStyle: { color: k[2] >= k[1] ? C.volUp : C.volDown },
  }));

  /**
   * The option of a candlestick chart over a volume chart, with a prediction-marker series
   * (id 'predictions'), linked axis pointers and an inside + slider zoom. What the pages do
   * differently is passed in: `tooltip` the formatter (required); `xAxis`, `priceAxis`, `zoom`
   * and `markerSeries` extra settings of both time axes, the price axis, both zooms and the
   * marker series; `markerStyle` extra item style of the markers; `data` {candles, volume,
   * markers}, empty when left out.
   */
  function candleOption({ tooltip, xAxis = {}, priceAxis = {}, zoom = {}, markerSeries = {},
    markerStyle = {}, data = {} }) {
    const axisLabel = { color: C.muted, fontSize: 11 };
    return {
      animation: false,
      useUTC: true,
      textStyle: { fontFamily: FONT },
      grid: [
        { left: 62, right: 14, top: 10, height: '60%' },
        { left: 62, right: 14, top: '73%', height: '12%' },
      ],
      axisPointer: { link: [{ xAxisIndex: 'all' }], label: { backgroundColor: '#475467', fontSize: 11 } },
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'cross' },
        backgroundColor: 'rgba(255,255,255,0.97)',
        borderColor: C.axis,
        textStyle: { color: C.text, fontSize: 12 },
        formatter: tooltip,
      },
      xAxis: [
        {
          type: 'time', gridIndex: 0, ...xAxis, axisLabel: { show: false }, axisTick: { show: false },
          axisLine: { lineStyle: { color: C.axis } }, splitLine: { show: true, lineStyle: { color: C.split } },
          axisPointer: { label: { show: false } },
        },
        {
          type: 'time', gridIndex: 1, ...xAxis, axisLabel: { ...axisLabel, hideOverlap: true, formatter: TIME_LEVELS },
          axisLine: { lineStyle: { color: C.axis } }, splitLine: { show: false },
          axisPointer: { label: { formatter: ({ value }) => utcMinute(value) } },
        },
      ],
      yAxis: [
        {
          gridIndex: 0, scale: true, splitNumber: 5, ...priceAxis,
          axisLabel: { ...axisLabel, formatter: price }, splitLine: { lineStyle: { color: C.split } },
          axisPointer: { label: { formatter: ({ value }) => price(value) } },
        },
        {
          gridIndex: 1, min: 0, splitNumber: 2, axisLabel: { ...axisLabel, formatter: compact },
          splitLine: { show: false }, axisPointer: { label: { formatter: ({ value }) => compact(value) } },
        },
      ],
      dataZoom: [
        { type: 'inside', xAxisIndex: [0, 1], ...zoom },
        {
          type: 'slider', xAxisIndex: [0, 1], ...zoom, bottom: 8, height: 20, borderColor: C.axis,
          textStyle: { color: C.muted, fontSize: 10 }, labelFormatter: (v) => utcMinute(v),
          dataBackground: { lineStyle: { color: C.baseline }, areaStyle: { color: '#e4e7ec' } },
        },
      ],
      series: [
        {
          id: 'candles', name: 'price', type: 'candlestick', xAxisIndex: 0, yAxisIndex: 0,
          encode: { x: 0, y: [1, 2, 3, 4] }, barMaxWidth: 14,
          itemStyle: { color: C.up, color0: C.down, borderColor: C.up, borderColor0: C.down },
          data: data.candles || [],
        },
        {
          id: 'volume', name: 'volume', type: 'bar', xAxisIndex: 1, yAxisIndex: 1, barMaxWidth: 14,
          barMinWidth: 1, large: false, data: data.volume || [],
        },
        {
          id: 'predictions', name: 'predictions', type: 'scatter', xAxisIndex: 0, yAxisIndex: 0,
          symbol: 'triangle', ...markerSeries, tooltip: { show: false },
          itemStyle: { borderColor: 'rgba(27,36,48,0.6)', borderWidth: 0.6, ...markerStyle },
          data: data.markers || [],
        },
      ],
    };
  }

  /**
   * The tooltip's head: the hovered candle's time, `label` (e.g. the interval) and OHLCV as
   * {open, html}, or null when no candle is hovered. The pages append their predictions.
   */
  function candleTooltip(params, label) {
    const list = Array.isArray(params) ? params : [params];
    const cp = list.find((p) => p.seriesType === 'candlestick');
    const k = cp && Array.isArray(cp.data) ? cp.data : null;
    if (!k) return null;
    const [t, o, c, l, h, v] = k;
    const chg = isNum(o) && o !== 0 ? (c - o) / o : null;
    const row = (a, b) => `<tr><td style="color:${C.muted};padding-right:10px">${a}</td><td style="text-align:right">${b}</td></tr>`;
    const html = `<div style="font-weight:600;margin-bottom:4px">${utc(t).slice(0, 16)} UTC · ${esc(label)}</div>`
      + '<table style="border-collapse:collapse;font-variant-numeric:tabular-nums">'
      + row('open', price(o)) + row('high', price(h)) + row('low', price(l))
      + row('close', `${price(c)} <span style="color:${chg >= 0 ? C.up : C.down}">${isNum(chg) ? (chg >= 0 ? '+' : '') + (chg * 100).toFixed(2) + '%' : ''}</span>`)
      + row('volume', isNum(v) ? v.toLocaleString('en-US', { maximumFractionDigits: 4 }) : '—') + '</table>';
    return { open: t, html };
  }

  return Object.freeze({
    C, FONT, isNum, esc, fixed, utc, utcMinute, price, compact, arrow,
    candleAt, predictionsByCandle, volumeBars, candleOption, candleTooltip,
  });
})();
