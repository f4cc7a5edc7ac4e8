// Sample: every output at full size (whatever /api/sample lists), the depth colour bar in the
// dataset's units, the meta, the index decoded into its factors, neighbours and downloads.
import { api, app, breakable, depth, el, fail, int, integerRefusal, link, pageKey, params, ready, wholeScale } from './common.js';

const q = params();

async function main() {
  const s = await api('/api/sample', q);
  const meta = s.meta;
  app().append(
    el('div', { class: 'panel' },
      // Its index and the range it is one of ("Sample 1,000 of 1,320" read as the 1,000th).
      el('h1', {}, `Sample ${int(s.index)}`, el('span', { class: 'muted' }, ` (indices 0–${int(s.size - 1)}) in `),
        el('a', { href: link('/', {}) }, s.dataset)),
      el('p', { class: 'lead' }, `seed ${s.seed} · `, el('span', { class: 'fingerprint' }, s.fingerprint)), jump(s)),
    el('div', { class: 'figures', id: 'figures' }, s.files.filter((f) => f.shown).map((f) => figure(s, f))),
    el('div', { class: 'panels' },
      el('section', { class: 'panel span-2' }, el('h2', {}, 'Index'), el('div', { class: 'scroll' }, factorTable(s)),
        el('div', { class: 'formula' }, formula(s))),
      s.instances.length ? el('section', { class: 'panel span-2' }, el('h2', {}, 'Objects'), objects(s.instances, s.depth?.units)) : null,
      el('section', { class: 'panel' }, el('h2', {}, 'Meta'), metaTable(meta, s.factors)),
      el('section', { class: 'panel' }, el('h2', {}, 'Neighbours'),
        el('ul', { class: 'links', id: 'neighbours' }, s.neighbours.map((n) => el('li', {}, el('a', { href: n.href }, n.title))))),
      el('section', { class: 'panel' }, el('h2', {}, 'Downloads'),
        el('ul', { class: 'links', id: 'downloads' }, s.files.map((f) =>
          el('li', {}, el('a', { href: f.url, download: f.download, dataset: { file: f.file } }, f.download),
            el('div', { class: 'muted' }, f.about)))))));
  // ← and → step through the indices, unless a field has the keys.
  addEventListener('keydown', (e) => {
    const to = { ArrowLeft: s.index - 1, ArrowRight: s.index + 1 }[e.key];
    if (to === undefined || to < 0 || to >= s.size || !pageKey(e)) return;
    e.preventDefault();
    location.href = at(s, to);
  });
  await Promise.all([...document.querySelectorAll('#figures img')].map((i) => i.decode()));
  ready();
}

const at = (s, index) => link('/sample', { dataset: s.dataset, seed: s.seed, index });

/** Another index of this dataset and seed, refused here in the words its URL would get. */
function jump(s) {
  const input = el('input', { name: 'index', inputmode: 'numeric', autocomplete: 'off', placeholder: String(s.index), 'aria-label': 'index' });
  const said = el('div', { class: 'refusal', role: 'alert', id: 'jump-refusal', hidden: true });
  const form = el('form', { class: 'jump', id: 'jump' }, el('label', {}, 'go to index ', input),
    el('button', { type: 'submit' }, 'Go'), said);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const words = integerRefusal('index', input.value, 0, s.size - 1);
    said.textContent = words;
    said.hidden = !words;
    if (!words) location.href = at(s, BigInt(input.value.trim()).toString());
  });
  return form;
}

function figure(s, f) {
  const img = el('img', { class: 'full', src: f.url, alt: f.title, dataset: { file: f.file } });
  img.addEventListener('load', () => {
    // Small datasets are shown scaled up by a whole factor, so pixels stay pixels.
    const k = wholeScale(384, Infinity, img.naturalWidth, img.naturalHeight);
    img.width = img.naturalWidth * k;
    img.height = img.naturalHeight * k;
    img.classList.toggle('pixelated', k > 1);
  });
  const frame = el('div', { class: 'frame' }, img);
  // A scene's every object in its instance colour; a classic sample's one bbox.
  if (f.file === 'composite.png') {
    frame.append(...(s.instances.length ? s.instances.map((i) => bbox(i.bbox, `instance ${i.id}: ${i.label}`, i.colour))
      : [bbox(s.meta.bbox, 'bbox')]));
  }
  if (f.file === 'depth.png' && s.depth) frame.append(colourBar(s.depth));
  return el('figure', {}, frame, el('figcaption', {}, f.title, el('span', {}, f.about)));
}

function bbox(b, title, colour) {
  const box = el('div', { class: 'bbox', title });
  if (colour) box.style.borderColor = colour;
  const place = () => {
    const img = box.parentElement.querySelector('img');
    const k = img.width / img.naturalWidth;
    Object.assign(box.style, { left: b.x0 * k + 'px', top: b.y0 * k + 'px', width: (b.x1 - b.x0) * k + 'px', height: (b.y1 - b.y0) * k + 'px' });
  };
  queueMicrotask(() => box.parentElement.querySelector('img').addEventListener('load', place));
  return box;
}

/** The depth picture's log scale: near (bright) at the top, labelled in the dataset's units. */
function colourBar(scale) {
  const canvas = el('canvas', { width: 16, height: 256, class: 'bar' });
  const ctx = canvas.getContext('2d');
  const g = ctx.createLinearGradient(0, 0, 0, 256);
  scale.ramp.forEach((c, i) => g.addColorStop(i / (scale.ramp.length - 1), c));
  ctx.fillStyle = g;
  ctx.fillRect(0, 0, 16, 256);
  const ticks = el('div', { class: 'ticks' }, scale.ticks.map(([t, v]) => {
    const s = el('span', {}, depth(v, scale.units));
    s.style.top = (t * 100) + '%';
    return s;
  }));
  const bar = el('div', { class: 'colourbar', id: 'colourbar', title: `log scale, ${scale.units}` }, canvas, ticks);
  queueMicrotask(() => {
    const img = bar.parentElement.querySelector('img');
    // The bar as tall as the picture is shown (after the figure's own load listener sized it).
    img.addEventListener('load', () => {
      const h = img.getBoundingClientRect().height + 'px';
      canvas.style.height = h;
      ticks.style.height = h;
    });
  });
  return bar;
}

function factorTable(s) {
  return el('table', { class: 'data', id: 'factors' },
    el('tr', {}, el('th', {}, 'factor'), el('th', { class: 'num' }, 'value'), el('th', { class: 'num' }, 'of'), el('th', {}, 'what'), el('th', {}, 'label')),
    s.factors.map((f) => el('tr', { dataset: { factor: f.name } }, el('td', { class: 'mono' }, f.name), el('td', { class: 'num' }, f.value),
      el('td', { class: 'num' }, f.count), el('td', { class: 'asset', title: f.asset }, breakable(f.asset)),
      // The label wraps at its parts too: unbroken, it took the row and left 'what' a sliver.
      el('td', { class: 'path' }, breakable(f.label ?? '')))));
}

function formula(s) {
  const [bg, fg, flip, k] = s.factors;
  return `${s.formula}\n${s.index} = ((${bg.value} · ${fg.count} + ${fg.value}) · ${flip.count} + ${flip.value}) · ${k.count} + ${k.value}`;
}

function metaTable(meta, factors) {
  // Whole numbers grouped as the heading shows them (4,480); the download's meta.json keeps them raw.
  const shown = (x) => Number.isSafeInteger(x) ? int(x) : String(x);
  const text = (v) => (v && typeof v === 'object') ? Object.entries(v).map(([k, x]) => `${k} ${shown(x)}`).join(', ') : shown(v);
  // The label ids as the wire sends them, with the names the Index table shows beside them.
  const names = { bg_label: factors[0].label, fg_label: factors[1].label };
  return el('table', { class: 'kv', id: 'meta' }, Object.entries(meta).map(([k, v]) =>
    el('tr', {}, el('th', {}, k), k === 'scene' ? el('td', { class: 'mono' }, scene(v)) : el('td', { class: 'mono' }, text(v),
      names[k] ? el('span', { class: 'label-name' }, ` ${names[k]}`) : null))));
}

/** A square of an instance's colour (set as a property: the page's CSP refuses style attributes). */
function swatch(colour) {
  const s = el('span', { class: 'swatch' });
  s.style.background = colour;
  return s;
}

/** A scene's meta: its blend, distractors and how many objects (listed under Objects). */
const scene = (v) => `blend ${v.blend} · distractors ${v.distractors} · ${v.instances.length} objects, listed under Objects`;

/** A scene's labelled objects, one row each, its instance id in its colour. */
function objects(instances, units) {
  const box = (b) => `${b.x0},${b.y0}–${b.x1},${b.y1}`;
  const deep = instances.some((i) => i.depth !== undefined && i.depth !== null);
  return el('div', { class: 'scroll' }, el('table', { class: 'data instances', id: 'instances' },
    el('tr', {}, ['instance', 'cut-out', 'label', 'bbox', 'visible', deep ? 'depth' : null].map((h) => h && el('th', {}, h))),
    instances.map((i) => el('tr', { dataset: { instance: i.id } },
      el('td', {}, swatch(i.colour), ` ${i.id}`),
      el('td', { class: 'num' }, `${i.fg}${i.flip ? ' mirrored' : ''}`),
      el('td', { class: 'path' }, breakable(i.label)),
      el('td', { class: 'mono nowrap', title: 'x0,y0–x1,y1 (x1, y1 exclusive)' }, box(i.bbox)),
      el('td', { class: 'num' }, `${Math.round(i.visible_fraction * 100)}%`),
      deep ? el('td', { class: 'num' }, depth(i.depth, units)) : null))));
}

main().catch((e) => fail(e));
