// Grid: one page of a selection, as thumbnails of the composite with the mask outlined or
// overlaid (drawn here from the mask PNG) and the depth shown on hover.
import { api, ApiError, app, count, el, fail, formValues, int, integerRefusal, link, params, ready, wholeScale } from './common.js';

const q = params();
const view = q.get('view') || 'outline';
const TRIES = 5;
/** How long a page waits for its samples before it says what takes the time. */
const SLOW_MS = 1000;
/** Datasets narrower than this are drawn with square pixels (pixelated, a whole scale). */
const SMALL = 128;

// Back and reload come back to where the page was scrolled: the browser's own restoring runs
// before the tiles exist, so the position is kept per URL and set once they are laid out.
history.scrollRestoration = 'manual';
const scrollKey = 'fgbg-scroll ' + location.pathname + location.search;
addEventListener('pagehide', () => sessionStorage.setItem(scrollKey, String(scrollY)));

async function main() {
  const all = api('/api/datasets');
  all.catch(() => {}); // awaited below: its refusal is shown there, not left unhandled meanwhile
  const slow = setTimeout(() => rendering(all), SLOW_MS);
  const page = await busyRetried(all);
  clearTimeout(slow);
  const { datasets } = await all;
  if (page instanceof Error) return refused(datasets, page);
  const d = datasets.find((x) => x.name === page.dataset);
  app().replaceChildren(heading(page), controls(datasets, d, page), pager(page),
    view === 'depth' && page.depth_ramp ? legend(page.depth_ramp, d.depth_units) : '', tiles(d, page), pager(page));
  // (An empty page has no tiles to fit.)
  if (d.width < SMALL && page.samples.length) wholePixels(document.getElementById('tiles'), d);
  const back = ['back_forward', 'reload'].includes(performance.getEntriesByType('navigation')[0]?.type);
  const y = Number(sessionStorage.getItem(scrollKey));
  if (back && y > 0) scrollTo(0, y);
  // Shown means the first screen's thumbnails: the rest load as they scroll near (lazy).
  const first = [...document.querySelectorAll('.tile')].filter((t) => t.getBoundingClientRect().top < innerHeight);
  await Promise.all(first.map((t) => t.querySelector('img.composite').decode()));
  await Promise.all(first.map((t) => t.querySelector('canvas.mask')).filter(Boolean).map((c) => c.draw()));
  ready();
}

/**
 * A page still not in after SLOW_MS says why in place of 'Loading…': its samples are being
 * rendered (those not cached), with a model's depth when the view shows depth.
 */
async function rendering(all) {
  const { datasets } = await all.catch(() => ({ datasets: [] }));
  const loading = document.getElementById('loading');
  if (!loading) return;
  const d = datasets.find((x) => x.name === q.get('dataset')) || datasets[0];
  const n = count(Number(q.get('per_page')) || 60, 'sample');
  loading.textContent = view === 'depth' && d?.has_depth
    ? `rendering this page's ${n} (those not rendered before) and computing their depth (${d.depth_source})…`
    : `rendering this page's ${n} (those not rendered before)…`;
}

/**
 * The depth view's colours, once per page: near (bright) to far (dark) on a log scale. Each
 * thumbnail spans its own nearest to farthest, so the bar names no distances (a sample's page
 * has its bar in the dataset's units).
 */
function legend(ramp, units) {
  const canvas = el('canvas', { width: 240, height: 12 });
  const ctx = canvas.getContext('2d');
  const g = ctx.createLinearGradient(0, 0, 240, 0);
  ramp.forEach((c, i) => g.addColorStop(i / (ramp.length - 1), c));
  ctx.fillStyle = g;
  ctx.fillRect(0, 0, 240, 12);
  return el('div', { class: 'legend', id: 'depth-legend', title: `log scale${units ? ', ' + units : ''}` },
    el('span', {}, 'near'), canvas, el('span', {}, 'far'),
    el('span', { class: 'muted' }, 'depth, log scale, each picture from its own nearest to farthest point · open a sample for distances'));
}

/**
 * The page's /api/grid answer, or its refusal as an Error. A 503 (too many grid pages at once)
 * is asked again after its Retry-After, a little longer each time, up to TRIES times, saying so.
 */
async function busyRetried(all) {
  let kept = null; // one form for all the tries: what is typed in it stays
  for (let attempt = 1; ; attempt++) {
    try {
      return await api('/api/grid', q);
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 503 || attempt > TRIES) return e;
      const wait = Math.max(1, e.retryAfter) * attempt;
      const { datasets } = await all;
      app().replaceChildren(el('div', { class: 'notice', role: 'status', id: 'grid-busy' },
        `${e.message} — trying again by itself in ${wait} s (try ${attempt} of ${TRIES})`), kept ||= form(datasets));
      await new Promise((r) => setTimeout(r, wait * 1000));
    }
  }
}

/** A refused page keeps its form (to change the selection) and a way to ask again. */
function refused(datasets, e) {
  app().replaceChildren(form(datasets),
    el('p', {}, el('a', { class: 'button quiet', id: 'try-again', href: location.href }, 'Try again')));
  fail(e);
}

/** The form of this URL's selection, without a page to go with it. */
function form(datasets) {
  const d = datasets.find((x) => x.name === q.get('dataset')) || datasets[0];
  return controls(datasets, d, { order: q.get('order') || 'index' });
}

function heading(page) {
  return el('h1', { class: 'quiet-title' }, 'Grid ', el('span', { class: 'muted' }, `· ${page.dataset} · page ${int(page.page)} of ${int(page.pages)}`));
}

function field(label, input) { return el('label', {}, label, input); }

function number(name, attrs = {}) {
  return el('input', { type: 'number', name, value: q.get(name) || '', ...attrs });
}

function select(name, options, current) {
  return el('select', { name }, options.map(([value, text, disabled]) =>
    el('option', { value, selected: String(value) === String(current), disabled }, text)));
}

function controls(datasets, d, page) {
  const order = page.order;
  const labels = (list) => [['', 'any'], ...list.map((l) => [l.name, `${l.name} (${l.count})`])];
  const form = el('form', { class: 'controls tidy', id: 'controls' },
    field('dataset', select('dataset', datasets.map((x) => [x.name, x.name]), d.name)),
    field('seed', number('seed', { placeholder: '0' })),
    field('order', select('order', [['index', 'index'], ['random', 'seeded random'], ['stratified', 'stratified'], ['epoch', 'epoch of a rank']], order)),
    field('per page', number('per_page', { placeholder: '60', min: 1, max: 240 })),
    // Empty unless typed: a changed selection starts at its first page.
    field('page', el('input', { name: 'page', inputmode: 'numeric', autocomplete: 'off', placeholder: page.page ? String(page.page) : '1' })),
    field('view', select('view', [['outline', 'mask outlined'], ['overlay', 'mask overlaid'], ['depth', 'depth', !d.has_depth], ['none', 'composite only']], view)),
    el('fieldset', { class: 'filters', disabled: order === 'epoch' }, el('legend', {}, 'filter'),
      field('background', el('input', { name: 'bg', value: q.get('bg') || '', class: 'wide', placeholder: `0–${d.backgrounds - 1}, …` })),
      field('cut-out', el('input', { name: 'fg', value: q.get('fg') || '', class: 'wide', placeholder: `0–${d.foregrounds - 1}, …` })),
      field('flip', select('flip', [['', 'any'], ...Array.from({ length: d.flips }, (_, i) => [i, i ? 'mirrored' : 'as drawn'])], q.get('flip') || '')),
      field('placement k', el('input', { name: 'k', value: q.get('k') || '', class: 'wide', placeholder: `0–${d.placements - 1}, …` })),
      field('background label', select('bg_label', labels(d.background_labels), q.get('bg_label') || '')),
      field('cut-out label', select('fg_label', labels(d.foreground_labels), q.get('fg_label') || ''))),
    // The two orders' own fields side by side where there is room: one of them is always off.
    el('div', { class: 'modes' }, el('fieldset', { class: 'shuffle', disabled: order !== 'random' && order !== 'stratified' }, el('legend', {}, 'random, stratified'),
      field('shuffle seed', number('shuffle_seed', { placeholder: '0' }))),
    el('fieldset', { class: 'epoch', disabled: order !== 'epoch' }, el('legend', {}, 'epoch'),
      field('epoch', number('epoch', { placeholder: '0', min: 0 })),
      field('rank', number('rank', { placeholder: '0', min: 0 })),
      field('world size', number('world_size', { placeholder: '1', min: 1 })),
      field('batch size', number('batch_size', { placeholder: '1', min: 1 })),
      el('label', { class: 'check' }, el('input', { type: 'checkbox', name: 'shuffle', value: 'false', checked: q.get('shuffle') === 'false' }), 'unshuffled'),
      el('label', { class: 'check' }, el('input', { type: 'checkbox', name: 'drop_last', value: 'true', checked: q.get('drop_last') === 'true' }), 'drop last'))),
    el('div', { class: 'submit' }, el('button', { type: 'submit' }, 'Show')),
    el('div', { class: 'refusal', role: 'alert', id: 'page-refusal', hidden: true }));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const values = formValues(form);
    // Only the fields of the chosen order travel: filters do not apply to a rank's epoch.
    const drop = values.order === 'epoch' ? ['bg', 'fg', 'flip', 'k', 'bg_label', 'fg_label', 'shuffle_seed']
      : ['epoch', 'rank', 'world_size', 'batch_size', 'shuffle', 'drop_last']
        .concat(values.order === 'index' ? ['shuffle_seed'] : []);
    drop.forEach((k) => delete values[k]);
    const refusal = pageRefusal(values, page);
    const said = form.querySelector('#page-refusal');
    said.textContent = refusal;
    said.hidden = !refusal;
    if (refusal) return;
    // A dataset without depth has no depth view (the server refuses it): its default instead.
    if (values.view === 'depth' && !datasets.find((x) => x.name === values.dataset)?.has_depth) delete values.view;
    location.href = link('/grid', values);
  });
  form.elements.order.addEventListener('change', () => form.requestSubmit());
  // Another dataset has other labels, ranges and views: its own form, keeping only the seed
  // and page size (the other settings may not exist there: a 400).
  form.elements.dataset.addEventListener('change', () => {
    const f = form.elements;
    location.href = link('/grid', { dataset: f.dataset.value, seed: f.seed.value, per_page: f.per_page.value });
  });
  // On a phone the form would fill the first screen: there it starts folded.
  const narrow = matchMedia('(max-width: 640px)').matches;
  return el('details', { class: 'panel controls-box', open: !narrow },
    el('summary', {}, 'Selection and view'), form);
}

/**
 * What the server would say of the typed page ('' when it takes it), in the words of its URL's
 * refusal; checked here only for this page's own selection, whose number of pages is known.
 */
function pageRefusal(values, page) {
  if (values.page === undefined || !page.pages) return '';
  const given = { dataset: page.dataset, order: 'index', ...Object.fromEntries(q) };
  const keys = new Set([...Object.keys(values), ...Object.keys(given)]);
  keys.delete('page');
  keys.delete('view');
  if ([...keys].some((k) => String(values[k] ?? '') !== String(given[k] ?? ''))) return '';
  const t = values.page.trim();
  if (/^\d{1,18}$/.test(t) && Number(t) > page.pages) {
    return `parameter 'page' is ${t}, past the last: there ${page.pages === 1 ? 'is 1 page' : `are ${int(page.pages)} pages`} of ${count(page.per_page, 'sample')}`;
  }
  return integerRefusal('page', values.page, 1, page.pages);
}

function pager(page) {
  const go = (p) => { const v = new URLSearchParams(q); v.set('page', p); return link('/grid', v); };
  const first = page.first_position;
  const last = Math.min(page.total, first + page.per_page);
  const what = page.order === 'epoch' ? 'samples of this rank\'s epoch' : 'samples';
  // A step that would stay on this page is no link: no href (not focusable), aria-disabled.
  const step = (cls, p, text, off) => el('a', { class: 'button quiet ' + cls, href: off ? null : go(p), 'aria-disabled': off ? 'true' : null }, text);
  const atFirst = page.page <= 1;
  const atLast = page.page >= page.pages;
  return el('nav', { class: 'pager', 'aria-label': 'pages' },
    step('first', 1, '« first', atFirst),
    step('prev', page.page - 1, '‹ previous', atFirst),
    el('span', { class: 'where' }, `page ${int(page.page)} of ${int(page.pages)} · `
      + (page.total ? `${int(first + 1)}–${int(last)} of ${int(page.total)} ${what}` : `no ${what}`)),
    step('next', page.page + 1, 'next ›', atLast),
    step('last', page.pages, 'last »', atLast));
}

// Masks are fetched and drawn as their tiles come near the screen, as the lazy images are.
const near = new IntersectionObserver((entries) => {
  for (const e of entries) {
    if (!e.isIntersecting) continue;
    near.unobserve(e.target);
    e.target.draw();
  }
}, { rootMargin: '600px 0px' });

/**
 * The mask drawn on a canvas the size of the image: its outline, or a tint over it. draw()
 * fetches and draws it once (its promise settles when drawn), at the latest when near the screen.
 */
function maskCanvas(src, mode) {
  const canvas = el('canvas', { class: 'mask' });
  let drawn = null;
  canvas.draw = () => (drawn ||= paint());
  near.observe(canvas);
  return canvas;

  async function paint() {
    const img = new Image();
    img.src = src;
    try {
      await img.decode();
    } catch (e) {
      // Not loaded (the server gone, say): the tile stays without its outline for now, and is
      // tried again in a few seconds if it is near the screen then (not at once: a server
      // that is down would be asked in a tight loop).
      drawn = null;
      setTimeout(() => { if (canvas.isConnected) near.observe(canvas); }, 5000);
      return;
    }
    const w = img.naturalWidth;
    const h = img.naturalHeight;
    canvas.width = w;
    canvas.height = h;
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    ctx.drawImage(img, 0, 0);
    const m = ctx.getImageData(0, 0, w, h).data;
    const on = new Uint8Array(w * h);
    for (let p = 0; p < on.length; p++) on[p] = m[p * 4] > 127 ? 1 : 0;
    // One 32-bit word per pixel, RGBA in memory order (little-endian: ABGR as a number).
    const px = new Uint32Array(w * h);
    const colour = mode === 'outline' ? 0xffeed322 : 0x6eeed322;
    for (let y = 0, p = 0; y < h; y++) {
      for (let x = 0; x < w; x++, p++) {
        if (!on[p]) continue;
        const edge = x === 0 || y === 0 || x === w - 1 || y === h - 1
          || !on[p - 1] || !on[p + 1] || !on[p - w] || !on[p + w];
        if (mode === 'overlay' || edge) px[p] = colour;
      }
    }
    const out = new ImageData(new Uint8ClampedArray(px.buffer), w, h);
    ctx.putImageData(out, 0, 0);
  }
}

/**
 * A small dataset's pictures fill their tiles by a whole factor of device pixels, each of their
 * pixels a square (scaled to the tile, 28 pixels in 190 were some 6 and some 7 wide): the factor
 * from a tile's size now, and again whenever the tiles' width changes.
 */
function wholePixels(tiles, d) {
  const fit = () => {
    const thumb = tiles.querySelector('.thumb');
    if (!thumb) return;
    const dpr = devicePixelRatio;
    const k = wholeScale(thumb.clientWidth * dpr, thumb.clientHeight * dpr, d.width, d.height);
    // Not when the tile is narrower than the picture: then it is scaled down to fit, as others.
    const fits = d.width <= thumb.clientWidth * dpr && d.height <= thumb.clientHeight * dpr;
    tiles.classList.toggle('whole', fits);
    tiles.style.setProperty('--shown-width', (d.width * k) / dpr + 'px');
    tiles.style.setProperty('--shown-height', (d.height * k) / dpr + 'px');
  };
  fit();
  new ResizeObserver(fit).observe(tiles);
}

/** "person, cat +2": a scene's first two object labels and how many more. */
const fgLabels = (labels) => labels.slice(0, 2).join(', ') + (labels.length > 2 ? ` +${labels.length - 2}` : '');

function tiles(d, page) {
  if (!page.samples.length) {
    return el('div', { class: 'panel empty' }, 'No samples match these filters.');
  }
  const small = d.width < SMALL;
  const url = (file, index) => `/img/${file}?${page.image_query}&index=${index}`;
  return el('div', { class: 'tiles' + (view === 'depth' ? ' show-depth' : ''), id: 'tiles' }, page.samples.map((s) => {
    const thumb = el('div', { class: 'thumb' + (small ? ' pixelated' : '') },
      el('img', { class: 'composite', src: url('composite.png', s.index), alt: `sample ${s.index}`, dataset: { index: s.index }, width: d.width, height: d.height, loading: 'lazy', decoding: 'async' }));
    if (view === 'outline' || view === 'overlay') thumb.append(maskCanvas(url('mask.png', s.index), view));
    if (page.has_depth) {
      const depth = el('img', { class: 'depth', alt: '', width: d.width, height: d.height, loading: 'lazy' });
      if (view === 'depth') depth.src = url('depth.png', s.index);
      else thumb.addEventListener('mouseenter', () => { if (!depth.src) depth.src = url('depth.png', s.index); }, { once: true });
      thumb.append(depth);
    }
    return el('a', { class: 'tile', href: s.href, dataset: { index: s.index, position: s.position } }, thumb,
      el('div', { class: 'caption' },
        el('div', {}, el('span', { class: 'index' }, `#${s.index}`), s.batch !== undefined ? el('span', { class: 'muted' }, ` · batch ${s.batch}`) : null),
        el('div', { class: 'mono muted' }, `bg ${s.bg} fg ${s.fg} flip ${s.flip ? 1 : 0} k ${s.k}`),
        // One label a line, each cut to the tile's width, both whole on hover: on one line the
        // cut-out's label was never seen behind a long background label.
        // A scene's every object: the first two labels, then how many more (all on hover).
        el('div', { class: 'labels', title: `background label: ${s.bg_label}\ncut-out label${s.fg_labels.length > 1 ? 's' : ''}: ${s.fg_labels.join(', ')}` },
          el('div', { class: 'bg-label' }, s.bg_label), el('div', { class: 'fg-label' }, fgLabels(s.fg_labels)))));
  }));
}

main().catch((e) => fail(e));
