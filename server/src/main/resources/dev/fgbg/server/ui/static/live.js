// Live server: /api/live every second (ServerStats, open streams, budget, admissions and the
// Prometheus series); counters become rates between two answers; the last two minutes plotted.
import { api, ApiError, app, breakable, bytes, count, el, int, num, ready, UNREACHABLE } from './common.js';

const KEEP = 120;
const history = {};
let previous = null;
let polls = 0;

const cards = el('div', { class: 'cards', id: 'cards' });
const tables = el('div', { class: 'panels wide', id: 'tables' });
app().append(el('h1', {}, 'Live server'), el('p', { class: 'lead' }, 'Refreshed every second from the counters behind ServerStats and /metrics.'), cards, tables);

/** Sum of a metric's series, or of those whose labels match. */
function sum(m, name, match = {}) {
  return (m[name] || []).filter((p) => Object.entries(match).every(([k, v]) => p.labels[k] === v))
    .reduce((a, p) => a + (p.value ?? p.count ?? 0), 0);
}

function by(m, name, label) {
  const out = {};
  for (const p of m[name] || []) out[p.labels[label]] = (out[p.labels[label]] || 0) + (p.value ?? 0);
  return out;
}

function rate(now, before, seconds) {
  return before === undefined || seconds <= 0 ? 0 : Math.max(0, (now - before) / seconds);
}

function sparkline(values, colour = '#0f766e') {
  const canvas = el('canvas', { width: 240, height: 46 });
  const ctx = canvas.getContext('2d');
  // Nothing to plot yet (one point, or all zero): a faint baseline, not a stray dot.
  if (values.length < 2 || !values.some((v) => v > 0)) {
    ctx.fillStyle = '#e5e7eb';
    ctx.fillRect(0, 44, 240, 1);
    return canvas;
  }
  const max = Math.max(1e-9, ...values);
  ctx.strokeStyle = colour;
  ctx.fillStyle = colour + '22';
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  values.forEach((v, i) => ctx[i ? 'lineTo' : 'moveTo']((i / (KEEP - 1)) * 240, 44 - (v / max) * 40));
  ctx.stroke();
  ctx.lineTo(((values.length - 1) / (KEEP - 1)) * 240, 46);
  ctx.lineTo(0, 46);
  ctx.fill();
  return canvas;
}

function record(name, v) {
  (history[name] ||= []).push(v);
  if (history[name].length > KEEP) history[name].shift();
}

function card(id, title, value, sub, series) {
  record(id, series);
  return el('div', { class: 'card', dataset: { card: id } }, el('h3', {}, title),
    el('div', { class: 'value' }, value), el('div', { class: 'sub' }, sub), sparkline(history[id]));
}

/** A table: its first column text, the others figures; `classes` gives columns classes of their own. */
function table(title, head, rows, id, classes = [], ...after) {
  const cls = (i) => classes[i] ?? (i ? 'num' : '');
  return el('section', { class: 'panel', id }, el('h2', {}, title),
    rows.length ? el('div', { class: 'scroll' }, el('table', { class: 'data' }, el('tr', {}, head.map((h, i) => el('th', { class: cls(i) }, h))),
      rows.map((r) => el('tr', {}, r.map((c, i) => el('td', { class: cls(i) }, c)))))) : el('p', { class: 'muted' }, 'none'), ...after);
}

function meter(ratio) {
  const m = el('div', { class: 'meter' + (ratio > 0.8 ? ' high' : '') }, el('div'));
  m.firstChild.style.width = Math.min(100, ratio * 100).toFixed(1) + '%';
  return m;
}

function show(now) {
  const m = now.metrics;
  const s = now.server_stats;
  const dt = previous ? (now.time_millis - previous.time_millis) / 1000 : 0;
  const pm = previous ? previous.metrics : {};
  const methods = [...new Set([...Object.keys(by(m, 'fgbg_samples_sent', 'method')), ...Object.keys(by(m, 'fgbg_streams_open', 'method'))])].sort();
  const perMethod = methods.map((method) => {
    const samples = rate(sum(m, 'fgbg_samples_sent', { method }), previous && sum(pm, 'fgbg_samples_sent', { method }), dt);
    const sent = rate(sum(m, 'fgbg_sent_bytes', { method }), previous && sum(pm, 'fgbg_sent_bytes', { method }), dt);
    const renders = (m.fgbg_render_seconds || []).find((p) => p.labels.method === method);
    const before = (pm.fgbg_render_seconds || []).find((p) => p.labels.method === method);
    const n = renders && before ? renders.count - before.count : 0;
    const ms = n > 0 ? ((renders.sum - before.sum) / n) * 1000 : null;
    return { method, samples, sent, open: sum(m, 'fgbg_streams_open', { method }), ms };
  });
  const samplesPerSecond = perMethod.reduce((a, p) => a + p.samples, 0);
  const bytesPerSecond = perMethod.reduce((a, p) => a + p.sent, 0);
  const hits = ['memory_hit', 'disk_hit', 'store_hit'].reduce((a, r) => a + sum(m, 'fgbg_depth_cache_requests', { result: r }), 0);
  const misses = sum(m, 'fgbg_depth_cache_requests', { result: 'miss' });
  const pHits = previous ? ['memory_hit', 'disk_hit', 'store_hit'].reduce((a, r) => a + sum(pm, 'fgbg_depth_cache_requests', { result: r }), 0) : hits;
  const pMisses = previous ? sum(pm, 'fgbg_depth_cache_requests', { result: 'miss' }) : misses;
  const asked = (hits - pHits) + (misses - pMisses);
  const hitRate = asked > 0 ? (hits - pHits) / asked : (hits + misses > 0 ? hits / (hits + misses) : 0);
  const queued = sum(m, 'fgbg_depth_queue_length');
  const budget = now.budget;
  const models = s.depth || [];
  const meanBatch = models.length ? models.reduce((a, d) => a + d.mean_batch, 0) / models.length : 0;

  cards.replaceChildren(
    card('streams', 'Open streams', int(now.streams.open), `${int(s.streams_started)} started · ${count(Object.keys(now.streams.by_client).length, 'client')}`, now.streams.open),
    card('samples', 'Samples / s', int(samplesPerSecond), perMethod.filter((p) => p.samples > 0).map((p) => `${p.method} ${int(p.samples)}`).join(' · ') || `${int(s.samples_sent)} sent in all`, samplesPerSecond),
    card('bytes', 'Bytes / s', bytes(bytesPerSecond) + '/s', perMethod.filter((p) => p.sent > 0).map((p) => `${p.method} ${bytes(p.sent)}/s`).join(' · '), bytesPerSecond),
    card('budget', 'Memory budget', bytes(budget.used), `of ${bytes(budget.capacity)} · peak ${bytes(budget.peak)} · ${budget.waiting} waiting`, budget.used),
    card('cache', 'Depth cache hit rate', models.length ? num(hitRate * 100, 1) + ' %' : '–', models.length ? `${int(hits)} hits · ${int(misses)} model runs` : 'no depth model', hitRate * 100),
    card('queue', 'Batcher queue', int(queued), models.length ? `mean batch ${num(meanBatch, 1)} · max ${Math.max(0, ...models.map((d) => d.max_batch))}` : 'no depth model', queued));
  cards.querySelector('[data-card=budget]').insertBefore(meter(budget.used / budget.capacity), cards.querySelector('[data-card=budget] canvas'));

  // A long destination wraps at its parts (as the sample page's file names do): the progress
  // beside it stays in the panel.
  const exports = (m.fgbg_export_progress_ratio || []).map((p) => [breakable(p.labels.destination), meter(p.value), num(p.value * 100, 1) + ' %']);
  tables.replaceChildren(
    table('Per method', ['method', 'samples/s', 'bytes/s', 'open', 'render ms'],
      perMethod.map((p) => [p.method, int(p.samples), bytes(p.sent) + '/s', int(p.open), p.ms === null ? '–' : num(p.ms, 1)]), 'methods'),
    table('Clients', ['client', 'open streams'], Object.entries(now.streams.by_client).map(([c, n]) => [c, int(n)]), 'clients'),
    table('Depth models', ['model', 'device', 'hits', 'misses', 'runs', 'mean batch', 'queued', 'queue ms'],
      models.map((d) => [d.model, d.device, int(d.memory_hits + d.disk_hits + d.store_hits), int(d.misses), int(d.runs), num(d.mean_batch, 1), int(d.queued), num(d.mean_queue_delay_ms, 1)]), 'depth'),
    table('Heavy requests', ['kind', 'running', 'queued', 'admitted', 'refused'],
      [['Stats', now.stats.running, now.stats.queued, int(now.stats.admitted), int(now.stats.refused)],
        ['Export', now.exports.running, now.exports.queued, int(now.exports.admitted), int(now.exports.refused)],
        ['UI grid pages', now.grid_pages.running, now.grid_pages.queued, int(now.grid_pages.admitted), int(now.grid_pages.refused)]], 'admission', [],
      // Not an admission (no running, admitted or refused): a line of its own.
      el('p', { class: 'muted spaced', id: 'render-queued' }, `render tasks queued: ${int(now.render_queued)}`)),
    table('Exports in progress', ['destination', 'progress', ''], exports, 'exports', ['path', 'meter-cell', 'num']),
    table('Since the start', ['counter', 'value'],
      [['streams started', int(s.streams_started)], ['streams cancelled', int(s.streams_cancelled)], ['samples sent', int(s.samples_sent)],
        ['streams refused', int(now.streams.refused)], ['shared-memory rings', `${int(s.rings_accepted)} used · ${int(s.rings_refused)} refused`],
        ['calls refused', int(sum(m, 'fgbg_requests_rejected'))]], 'totals'));
  previous = now;
}

// A failed poll (the server restarting, say) is said in words above the last figures, greyed
// as stale, and the polling goes on: the page recovers by itself once the server answers.
const notice = el('div', { class: 'error', role: 'alert', id: 'live-notice', hidden: true });
cards.before(notice);

async function poll() {
  try {
    show(await api('/api/live', {}, { once: true }));
    notice.hidden = true;
    cards.classList.remove('stale');
    tables.classList.remove('stale');
    if (++polls === 2) ready();
  } catch (e) {
    // No answer at all is api's UNREACHABLE; an answer that refuses says why itself.
    const why = e instanceof ApiError ? e.message : UNREACHABLE;
    // Signed out (the token changed): only a reload with the new token helps, not polling.
    const out = e instanceof ApiError && e.status === 401;
    notice.textContent = `${why}${out ? '' : '; retrying every second'} (figures below are from the last answer)`;
    notice.hidden = false;
    cards.classList.add('stale');
    tables.classList.add('stale');
    if (polls < 2) ready('failed');
    if (out) return;
  }
  setTimeout(poll, 1000);
}

poll();
