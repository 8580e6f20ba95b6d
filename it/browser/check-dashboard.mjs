#!/usr/bin/env node
// Drives headless Chromium against a running marketlake dashboard and checks that every symbol's
// candle chart renders (and, with --new-minute, that a newer candle arrives), with no console or
// page errors. Prints one JSON line on stdout; exit 0 = ok, 1 = check failed, 2 = usage error.
//
// node check-dashboard.mjs --url http://127.0.0.1:PORT/ --symbols A,B --screenshot out.png
//                          [--timeout 120] [--new-minute]
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const USAGE = 'usage: node check-dashboard.mjs --url URL --symbols A,B --screenshot FILE.png'
  + ' [--timeout SECONDS] [--new-minute]';

function usage(message) {
  process.stderr.write(`check-dashboard: ${message} (${USAGE})\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const valued = new Set(['--url', '--symbols', '--screenshot', '--timeout']);
  const opts = { timeout: '120', newMinute: false };
  for (let i = 0; i < argv.length; i++) {
    let [name, value] = argv[i].split(/=(.*)/s, 2);
    if (name === '--new-minute' && value === undefined) {
      opts.newMinute = true;
    } else if (valued.has(name)) {
      if (value === undefined) value = argv[++i];
      if (value === undefined || value === '' || value.startsWith('--')) usage(`${name} needs a value`);
      opts[name.slice(2)] = value;
    } else {
      usage(`unknown option ${argv[i]}`);
    }
  }
  for (const name of ['url', 'symbols', 'screenshot']) if (!opts[name]) usage(`--${name} is required`);
  try {
    if (!/^https?:$/.test(new URL(opts.url).protocol)) throw new Error();
  } catch {
    usage(`--url must be an http(s) URL, got ${opts.url}`);
  }
  opts.symbols = opts.symbols.split(',').map((s) => s.trim()).filter(Boolean);
  if (!opts.symbols.length) usage('--symbols needs at least one symbol');
  opts.timeout = Number(opts.timeout);
  if (!Number.isFinite(opts.timeout) || opts.timeout <= 0) usage('--timeout must be a positive number of seconds');
  opts.screenshot = resolve(opts.screenshot);
  return opts;
}

const opts = parseArgs(process.argv.slice(2));
const started = Date.now();
const deadline = started + opts.timeout * 1000;
const remaining = () => Math.max(1, deadline - Date.now());
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const errors = [];
const result = { ok: false, symbols: {}, waitedMs: 0, errors };

class CheckFailed extends Error {}

/** What the page shows for each symbol, read from the chart elements' data attributes. */
function readCharts(page) {
  return page.evaluate((symbols) => Object.fromEntries(symbols.map((s) => {
    const el = document.querySelector(`[data-chart="candles"][data-symbol="${CSS.escape(s)}"]`);
    if (!el) return [s, { present: false, candles: 0, lastOpen: null, canvas: false }];
    return [s, {
      present: true,
      candles: Number(el.dataset.candles || 0),
      lastOpen: el.dataset.lastOpen ? Number(el.dataset.lastOpen) : null,
      canvas: !!el.querySelector('canvas'),
    }];
  })), opts.symbols);
}

/** The symbols that do not pass ok, with what the page shows for them. */
const describeFailing = (charts, ok) => opts.symbols.filter((s) => !ok(s, charts[s])).map((s) => {
  const c = charts[s];
  return `${s} (${c.present ? `candles=${c.candles}, lastOpen=${c.lastOpen}, canvas=${c.canvas}` : 'no chart element'})`;
}).join(', ');

/** Polls the page until every symbol passes ok(symbol, chart), failing early on page errors. */
async function waitForAll(page, ok, what) {
  for (;;) {
    const charts = await readCharts(page);
    if (errors.length) throw new CheckFailed(`page reported errors while waiting for ${what}`);
    if (opts.symbols.every((s) => ok(s, charts[s]))) return charts;
    if (Date.now() >= deadline) {
      throw new CheckFailed(`timed out after ${opts.timeout} s waiting for ${what} of: ${describeFailing(charts, ok)}`);
    }
    await sleep(250);
  }
}

let browser;
let page;
try {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    timeout: remaining(),
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  page = await context.newPage();
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const where = msg.location()?.url || '';
    if (/\/favicon\.ico(\?|$)/.test(where)) return; // the only noise we tolerate
    errors.push(`console: ${msg.text()}${where ? ` (${where})` : ''}`);
  });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));

  await page.goto(opts.url, { waitUntil: 'load', timeout: remaining() });

  const rendered = (s, c) => c.present && c.candles > 0 && c.canvas;
  let charts = await waitForAll(page, rendered, 'candle charts');
  for (const s of opts.symbols) {
    result.symbols[s] = { candles: charts[s].candles, lastOpen: charts[s].lastOpen, lastOpenAfter: null };
  }

  if (opts.newMinute) {
    const newer = (s, c) => c.lastOpen !== null && c.lastOpen > result.symbols[s].lastOpen;
    charts = await waitForAll(page, newer, 'a new candle');
    for (const s of opts.symbols) {
      result.symbols[s].candles = charts[s].candles;
      result.symbols[s].lastOpenAfter = charts[s].lastOpen;
    }
  }
  result.waitedMs = Date.now() - started;

  // Give late errors (e.g. from the render that just happened) a moment to surface.
  await sleep(300);
  if (errors.length) throw new CheckFailed('page reported errors');

  mkdirSync(dirname(opts.screenshot), { recursive: true });
  await page.screenshot({ path: opts.screenshot, fullPage: true });
  result.ok = true;
  result.screenshot = opts.screenshot;
} catch (e) {
  result.ok = false;
  result.reason = e instanceof CheckFailed ? e.message : `${e.name}: ${e.message}`.split('\n')[0];
  result.waitedMs = Date.now() - started;
  if (page) { // a picture of the failure helps more than the message alone
    try {
      mkdirSync(dirname(opts.screenshot), { recursive: true });
      await page.screenshot({ path: opts.screenshot, fullPage: true, timeout: 10000 });
      result.screenshot = opts.screenshot;
    } catch { /* the page may be gone */ }
  }
} finally {
  if (browser) await browser.close().catch(() => {});
}

// Key order: ok first, so the one line reads well in a test log.
const { ok, reason, ...rest } = result;
process.stdout.write(JSON.stringify(ok ? { ok, ...rest } : { ok, reason, ...rest }) + '\n');
process.exitCode = ok ? 0 : 1;
