// Stats: the Stats computation over a selection (a range, a stride of it, or a seeded random
// sample of it), with a live progress bar (server-sent
// events), then mean and std per channel, the Normalize line, and exact histograms.
import { api, app, compact, depth, duration, el, fail, formValues, int, link, params, ready, sig } from './common.js';

const q = params();
window.fgbgProgress = []; // every progress event's 'done', in order (read by the browser tests)
window.fgbgStats = null; // the result event, once it came

async function main() {
  const { datasets } = await api('/api/datasets');
  const d = datasets.find((x) => x.name === (q.get('dataset') || datasets[0].name));
  const form = controls(datasets, d);
  const bar = el('progress', { id: 'progress', max: 1, value: 0 });
  const text = el('span', { class: 'text', id: 'progress-text' }, 'not started');
  const results = el('div', { id: 'results' });
  app().append(form, el('div', { class: 'panel progress' }, bar, text), results);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    // No output at all would leave 'outputs' out, which the server reads as all of them.
    const note = document.getElementById('outputs-note');
    note.hidden = form.elements.outputs.value !== '';
    if (note.hidden) location.href = link('/stats', { ...formValues(form), run: 1 });
  });
  if (q.get('run')) run(d, bar, text, results);
  else ready();
}

function controls(datasets, d) {
  const outputs = (q.get('outputs') || (d.has_depth ? 'image,mask,depth' : 'image,mask')).split(',');
  const box = (name) => el('label', { class: 'check' }, el('input', { type: 'checkbox', 'data-output': name, checked: outputs.includes(name), disabled: name === 'depth' && !d.has_depth }), name);
  const hidden = el('input', { type: 'hidden', name: 'outputs', value: outputs.join(',') });
  const form = el('form', { class: 'panel controls', id: 'controls' },
    el('label', {}, 'dataset', el('select', { name: 'dataset' }, datasets.map((x) => el('option', { value: x.name, selected: x.name === d.name }, x.name)))),
    el('label', {}, 'seed', el('input', { type: 'number', name: 'seed', value: q.get('seed') || '', placeholder: '0' })),
    el('label', {}, 'from index', el('input', { type: 'number', name: 'start', value: q.get('start') || '', placeholder: '0', min: 0 })),
    el('label', {}, 'to index (excl.)', el('input', { type: 'number', name: 'end', value: q.get('end') || '', placeholder: String(d.size), min: 1, class: 'wide' })),
    el('label', {}, 'stride', el('input', { type: 'number', name: 'stride', value: q.get('stride') || '', placeholder: '1', min: 1 })),
    el('label', {}, 'random sample of', el('input', { type: 'number', name: 'sample', value: q.get('sample') || '', placeholder: 'all', min: 0 })),
    el('fieldset', {}, el('legend', {}, 'outputs'), box('image'), box('mask'), box('depth'), hidden,
      el('span', { class: 'form-note', id: 'outputs-note', role: 'alert', hidden: true }, 'choose at least one output')),
    el('label', {}, 'depth bins', el('input', { type: 'number', name: 'bins', value: q.get('bins') || '', placeholder: '64', min: 1, max: 1024 })),
    el('button', { type: 'submit' }, 'Run Stats'));
  // Another dataset has another size and outputs: its own form, keeping only the seed (a
  // range or output it lacks would be a 400).
  form.elements.dataset.addEventListener('change', () => {
    location.href = link('/stats', { dataset: form.elements.dataset.value, seed: form.elements.seed.value });
  });
  form.addEventListener('change', () => {
    hidden.value = [...form.querySelectorAll('[data-output]')].filter((c) => c.checked).map((c) => c.dataset.output).join(',');
    if (hidden.value !== '') form.querySelector('#outputs-note').hidden = true;
  });
  return form;
}

function run(d, bar, text, results) {
  const values = Object.fromEntries(q);
  delete values.run;
  const source = new EventSource(link('/api/stats', values));
  let last = null; // the last progress shown
  const show = (p, note) => {
    last = p;
    bar.max = p.total;
    bar.value = p.done;
    text.textContent = note || `${int(p.done)} / ${int(p.total)} samples · ${int(p.samples_per_second)}/s · ETA ${duration(p.eta_seconds)}`;
  };
  source.addEventListener('queued', (e) => show(JSON.parse(e.data), 'waiting for a Stats permit (the server runs a few at once, and one client at most half of them: another tab of yours may hold it)'));
  source.addEventListener('progress', (e) => {
    const p = JSON.parse(e.data);
    window.fgbgProgress.push(p.done);
    show(p);
  });
  source.addEventListener('result', (e) => {
    source.close();
    const r = JSON.parse(e.data);
    window.fgbgStats = r;
    text.textContent = `${int(r.samples)} samples in ${duration(r.seconds)}`;
    results.append(...result(r));
    ready();
  });
  // A run that ends without its result: the rate and ETA of its last line no longer hold, so
  // the line says where it stopped, greyed.
  const stopped = (message) => {
    source.close();
    text.textContent = last ? `stopped at ${int(last.done)} / ${int(last.total)} samples` : 'not started';
    text.classList.add('stopped');
    bar.classList.add('stopped');
    fail(new Error(message), results);
  };
  source.addEventListener('failure', (e) => stopped(JSON.parse(e.data).message));
  source.onerror = () => {
    if (source.readyState === EventSource.CLOSED) return;
    stopped('the connection to the server was lost');
  };
}

function result(r) {
  const out = [];
  const rows = [];
  if (r.image) ['R', 'G', 'B'].forEach((c, i) => rows.push([`image ${c}`, r.image.mean[i], r.image.std[i], r.image.se[i], '[0,1]']));
  if (r.mask) rows.push(['mask', r.mask.mean[0], r.mask.std[0], r.mask.se[0], '[0,1]']);
  if (r.depth) rows.push(['depth', r.depth.mean, r.depth.std, r.depth.se, r.depth.unit]);
  const sampled = r.population > 0;
  out.push(el('section', { class: 'panel' }, el('h2', {}, 'Mean and standard deviation'),
    el('div', { class: 'scroll' }, el('table', { class: 'data', id: 'moments' },
      el('tr', {}, el('th', {}, 'channel'), el('th', { class: 'num' }, 'mean'), sampled ? el('th', { class: 'num' }, 'standard error') : null, el('th', { class: 'num' }, 'std'), el('th', {}, 'unit')),
      rows.map(([n, m, s, se, u]) => el('tr', { dataset: { channel: n } }, el('td', {}, n), figure('mean', m, 4), sampled ? figure('se', se, 2, '± ') : null, figure('std', s, 4), el('td', { class: 'muted' }, u))))),
    el('p', { class: 'muted' }, (sampled ? `A random sample of ${int(r.samples)} from ${int(r.population)} samples (seed ${r.seed}): each mean ± its standard error. ` : '')
      + 'Means and standard deviations to 4 significant digits, standard errors to 2 (hover a figure for all its digits).'),
    r.image ? el('div', { class: 'normalize spaced' }, `transforms.Normalize(mean=[${r.image.mean.map((v) => v.toFixed(6)).join(', ')}], std=[${r.image.std.map((v) => v.toFixed(6)).join(', ')}])`) : null));
  const charts = el('div', { class: 'panels' });
  // Image and mask bytes are counted per value 0…255; depth in its bins' equal widths.
  const byte = (f) => String(Math.min(255, Math.round(f * 256)));
  if (r.image) charts.append(chart('Image channels (R, G, B)', r.image.histogram, ['#dc2626', '#16a34a', '#2563eb'], 'pixel value, 0–255', byte, 'pixels per value'));
  if (r.mask) charts.append(chart('Mask', r.mask.histogram, ['#0f766e'], 'mask value, 0–255', byte, 'pixels per value'));
  if (r.depth) {
    const e = r.depth.edges;
    const bins = e.length - 1;
    charts.append(chart(`Depth (${r.depth.unit})`, [r.depth.counts], ['#7c3aed'], `depth, ${r.depth.unit}, ${bins} bins of ${depth(e[1] - e[0], r.depth.unit)}`,
      (f) => depth(e[Math.round(f * bins)], r.depth.unit), 'pixels per bin'));
  }
  out.push(el('section', { class: 'panel' }, el('h2', {}, 'Histograms'), charts));
  return out;
}

/** A table cell of a measured figure: rounded to `digits` significant digits, all of them in its title. */
function figure(cls, v, digits, prefix = '') {
  return el('td', { class: 'num ' + cls, title: String(v), dataset: { value: v } }, prefix + sig(v, digits));
}

/**
 * A histogram per series over equal bins from lo to hi: lines for several, bars for one, with
 * its axes: the x axis's value at both ends, the quarters and the middle, and the y axis's counts
 * (0, the powers of ten, the tallest bin's). Counts are drawn on a log scale, so that a mask's few
 * foreground pixels and depth's far tail show. The axes are HTML over and under the canvas, so
 * they stay sharp at any width and the page's text (and a screen reader's label) names them.
 */
function chart(title, series, colours, xTitle, at, yTitle) {
  const canvas = el('canvas', { class: 'chart', width: 640, height: 200 });
  const ctx = canvas.getContext('2d');
  const w = canvas.width;
  const h = canvas.height;
  const most = Math.max(1, ...series.flat());
  const top = Math.log1p(most);
  const y = (c) => (Math.log1p(c) / top) * h;
  ctx.fillStyle = '#fafafa';
  ctx.fillRect(0, 0, w, h);
  const ticks = [0];
  for (let p = 10; p < most; p *= 10) ticks.push(p);
  // A power of ten that would sit on the tallest bin's label is left out.
  while (ticks.length > 1 && y(most) - y(ticks[ticks.length - 1]) < h * 0.1) ticks.pop();
  ticks.push(most);
  ctx.strokeStyle = '#e5e7eb';
  ticks.forEach((t) => { ctx.beginPath(); ctx.moveTo(0, h - y(t) + 0.5); ctx.lineTo(w, h - y(t) + 0.5); ctx.stroke(); });
  series.forEach((counts, s) => {
    const bw = w / counts.length;
    ctx.strokeStyle = ctx.fillStyle = colours[s];
    if (series.length === 1) {
      counts.forEach((c, i) => ctx.fillRect(i * bw, h - y(c), Math.max(1, bw - 1), y(c)));
    } else {
      ctx.globalAlpha = 0.85;
      ctx.beginPath();
      counts.forEach((c, i) => ctx[i ? 'lineTo' : 'moveTo'](i * bw + bw / 2, h - y(c)));
      ctx.stroke();
      ctx.globalAlpha = 1;
    }
  });
  const tick = (cls, text, side, f) => {
    const t = el('span', { class: cls }, text);
    t.style[side] = (f * 100).toFixed(2) + '%';
    return t;
  };
  const yAxis = el('div', { class: 'y-axis', 'aria-hidden': 'true' },
    ticks.map((t, i) => tick(i === ticks.length - 1 ? 'tick y-max' : 'tick', compact(t), 'bottom', y(t) / h)));
  const xAxis = el('div', { class: 'x-axis', 'aria-hidden': 'true' },
    [0, 0.25, 0.5, 0.75, 1].map((f) => tick('tick' + (f === 0 ? ' x-lo' : f === 1 ? ' x-hi' : ''), at(f), 'left', f)));
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', `${title}: ${yTitle} on a log scale, 0 to ${int(most)}, over ${xTitle} from ${at(0)} to ${at(1)}`);
  return el('figure', { class: 'histogram', dataset: { title } },
    el('figcaption', {}, el('h3', {}, title)),
    el('div', { class: 'y-title' }, yTitle + ' (log scale)'),
    el('div', { class: 'plot' }, yAxis, el('div', { class: 'area' }, canvas, xAxis)),
    el('div', { class: 'x-title' }, xTitle));
}

main().catch((e) => fail(e));
