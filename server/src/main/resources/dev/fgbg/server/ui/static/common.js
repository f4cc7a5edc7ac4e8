// Shared by every page: DOM building without innerHTML, the JSON API, number formats, and the
// 'ready' signal a page gives once what it shows is on screen (tests and benchmarks wait for it).

/** An element with attributes (on* are listeners) and children (strings become text). */
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k === 'class') e.className = v;
    else if (k === 'dataset') Object.assign(e.dataset, v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

/**
 * The page's <main>. The shell's 'Loading…' placeholder goes at the first call: a page asks for
 * it once it has something to show (or a failure), so the placeholder stays until then.
 */
export function app() {
  document.getElementById('loading')?.remove();
  return document.getElementById('app');
}

/** The page's query parameters. */
export const params = () => new URLSearchParams(location.search);

/** A path with the non-empty parameters of an object or URLSearchParams. */
export function link(path, values) {
  const q = new URLSearchParams();
  for (const [k, v] of (values instanceof URLSearchParams ? values : Object.entries(values))) {
    if (v !== '' && v !== null && v !== undefined) q.set(k, v);
  }
  const s = q.toString();
  return s ? path + '?' + s : path;
}

/** What a page says when a request got no answer at all (the server stopped, the network gone). */
export const UNREACHABLE = 'the server cannot be reached';

export class ApiError extends Error {
  /** retryAfter: the seconds of a refusal's Retry-After header (0: none). */
  constructor(message, status, retryAfter = 0) { super(message); this.status = status; this.retryAfter = retryAfter; }
}

/**
 * GET a JSON API; a refusal throws its message. No answer at all (the server restarting, say)
 * is said above the page and asked again every second until an answer comes; with `once` (the
 * Live page, which polls anyway and says it its own way) it throws an ApiError in those words.
 */
export async function api(path, values = {}, { once = false } = {}) {
  let r;
  for (;;) {
    try {
      r = await fetch(link(path, values), { credentials: 'same-origin' });
      break;
    } catch (e) {
      if (once) throw new ApiError(UNREACHABLE, 0);
      unreachable(true);
      await new Promise((f) => setTimeout(f, 1000));
    }
  }
  unreachable(false);
  let body;
  try { body = await r.json(); } catch (e) { body = { error: r.status + ' ' + r.statusText }; }
  if (!r.ok) {
    throw new ApiError(r.status === 401 ? 'signed out: reload the page to sign in again'
      : body.error || r.statusText, r.status, Number(r.headers.get('Retry-After')) || 0);
  }
  return body;
}

/**
 * A path or name with a line-break chance after each _ / . - (a <wbr>), so that a long one wraps
 * at its parts rather than per letter or not at all; put it in an element of class 'path'.
 */
export function breakable(name) {
  return String(name).split(/(?<=[_/.-])/).flatMap((part, i) => (i ? [el('wbr'), part] : [part]));
}

/** The notice at the top of the page while the server does not answer, in the Live page's words. */
function unreachable(on) {
  const notice = document.getElementById('unreachable');
  if (!on) notice?.remove();
  else if (!notice) {
    document.getElementById('app').prepend(el('div', { class: 'error', role: 'alert', id: 'unreachable' },
      `${UNREACHABLE}; retrying every second…`));
  }
}

/** Shows a failure in place of the page (or above it) and signals the page is done. */
export function fail(e, where = app()) {
  where.prepend(el('div', { class: 'error', role: 'alert' }, e.message || String(e)));
  ready('failed');
}

/**
 * Marks the page as shown: body[data-state], body[data-ready-ms] (milliseconds since the
 * navigation began, what `fgbg bench ui` reports) and a 'fgbg-ready' event.
 */
export function ready(state = 'ready') {
  document.body.dataset.readyMs = performance.now().toFixed(1);
  document.body.dataset.state = state;
  window.dispatchEvent(new Event('fgbg-ready'));
}

/**
 * The whole factor a width×height picture is scaled up by to fit a box (at least 1), so that
 * each of its pixels is a square of whole pixels, not some 6 and some 7 of them.
 */
export const wholeScale = (boxWidth, boxHeight, width, height) =>
  Math.max(1, Math.floor(Math.min(boxWidth / width, boxHeight / height)));

const nf = new Intl.NumberFormat('en-US');
export const int = (n) => nf.format(Math.round(n));
/** A count and its noun, grouped and agreeing: "1 client", "1,204 clients". */
export const count = (n, noun) => `${int(n)} ${noun}${Math.round(n) === 1 ? '' : 's'}`;
export const num = (n, digits = 3) => Number(n).toLocaleString('en-US', { maximumFractionDigits: digits });
/** A measured figure to `digits` significant digits, zeros kept: 0.4727, 13.81, 0.0040. */
export const sig = (n, digits = 4) => Number(n).toLocaleString('en-US', { minimumSignificantDigits: digits, maximumSignificantDigits: digits });
const compactFormat = new Intl.NumberFormat('en-US', { notation: 'compact', maximumSignificantDigits: 3 });
/** A count in few characters, for an axis: 950, 12K, 3.15M. */
export const compact = (n) => compactFormat.format(n);

export function bytes(n) {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let u = 0;
  while (Math.abs(n) >= 1024 && u < units.length - 1) { n /= 1024; u++; }
  return (u === 0 ? Math.round(n) : n.toFixed(n < 10 ? 2 : 1)) + ' ' + units[u];
}

export function duration(s) {
  if (!isFinite(s)) return '–';
  if (s < 1) return Math.round(s * 1000) + ' ms';
  if (s < 60) return s.toFixed(1) + ' s';
  const m = Math.floor(s / 60);
  return m < 60 ? m + ' min ' + Math.round(s % 60) + ' s' : Math.floor(m / 60) + ' h ' + (m % 60) + ' min';
}

/** Depth with its unit: metres as 'm', other units after the number. */
export const depth = (v, units) => num(v, v < 10 ? 2 : 1) + (units === 'metres' ? ' m' : units ? ' ' + units : '');

/** A form's fields as parameters (empty ones and unchecked boxes left out). */
export function formValues(form) {
  const values = {};
  for (const e of form.elements) {
    if (!e.name) continue;
    if (e.type === 'checkbox') { if (e.checked) values[e.name] = e.value || 'true'; continue; }
    if (e.value !== '') values[e.name] = e.value;
  }
  return values;
}

/**
 * What the server says (its Query.parse) of an integer parameter typed in a field, '' when it
 * takes it: a jump box refuses in the words a URL with it would get, without a round trip.
 */
export function integerRefusal(name, text, min, max) {
  const t = text.trim();
  const v = /^[+-]?\d{1,19}$/.test(t) ? BigInt(t) : null;
  if (v === null || v < -(2n ** 63n) || v >= 2n ** 63n) return `parameter '${name}' must be an integer in [${min}, ${max}], got '${text}'`;
  if (v < BigInt(min) || v > BigInt(max)) return `parameter '${name}' must be in [${min}, ${max}], got ${v}`;
  return '';
}

/** Whether a key press is the page's to take: not typed into a field, and no modifier held. */
export function pageKey(e) {
  const t = e.target;
  return !(e.altKey || e.ctrlKey || e.metaKey || e.shiftKey || t.isContentEditable
    || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName));
}

/** The navigation's entry of this page; a Sample page has one of its own, after Grid. */
function highlightNav() {
  const page = document.body.dataset.page;
  const grid = document.querySelector('header.bar nav a[data-nav="grid"]');
  if (page === 'sample' && grid) grid.after(el('a', { href: location.pathname + location.search, 'data-nav': 'sample' }, 'Sample'));
  for (const a of document.querySelectorAll('header.bar nav a')) {
    a.classList.toggle('active', a.dataset.nav === page);
    if (a.dataset.nav === page) a.setAttribute('aria-current', 'page');
  }
}

highlightNav();

// Signed in with a token: the header names it (the server put it there), and this button ends
// the session; the reload then shows the sign-in page.
document.getElementById('sign-out')?.addEventListener('click', async () => {
  await fetch('/api/logout', { credentials: 'same-origin' }).catch(() => {});
  location.reload();
});
