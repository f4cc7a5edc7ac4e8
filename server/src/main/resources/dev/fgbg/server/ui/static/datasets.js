// Datasets: what each dataset is (size and its factors, spec, labels, depth, fingerprint).
import { api, app, breakable, count, el, fail, int, link, ready } from './common.js';

function factors(d) {
  return `${int(d.size)} = ${count(d.backgrounds, 'background')} × ${count(d.foregrounds, 'cut-out')} × ${count(d.flips, 'flip')} × ${count(d.placements, 'placement')}`;
}

// The link names the label whole: the grid takes a value that is a label's exact name as that
// label, commas and all. The title gives its number, which a list by hand can use instead.
function labelChips(d, labels, filter) {
  return el('div', { class: 'chips' }, labels.map((l) =>
    el('a', { class: 'chip', href: link('/grid', { dataset: d.name, [filter]: l.name }), title: `label ${l.id}: ${l.count} with this label` },
      el('span', { class: 'path' }, breakable(l.name)), el('b', {}, l.count))));
}

// The server sends enums as a config file spells them ("ground"), as describe prints them.
function specTable(spec) {
  return el('table', { class: 'kv' }, Object.entries(spec).map(([k, v]) =>
    el('tr', {}, el('th', {}, k), el('td', { class: 'mono' }, typeof v === 'object' ? JSON.stringify(v) : String(v)))));
}

/** A dataset without depth: 'none', with why when the source says more than that. */
function noDepth(source) {
  return !source || source === 'none' ? 'none' : `none (${source})`;
}

function card(d) {
  const sample = Math.floor(d.size / 2);
  return el('section', { class: 'panel dataset', dataset: { name: d.name } },
    el('h1', { class: 'path' }, breakable(d.name)),
    el('p', { class: 'lead' }, factors(d), ` · ${d.height}×${d.width}`),
    el('div', { class: 'panels' },
      el('div', {},
        el('table', { class: 'kv' },
          el('tr', {}, el('th', {}, 'samples'), el('td', { class: 'size' }, int(d.size))),
          el('tr', {}, el('th', {}, 'index'), el('td', { class: 'mono' }, d.index_formula)),
          el('tr', {}, el('th', {}, 'image'), el('td', {}, `${d.height}×${d.width}×3 uint8`)),
          el('tr', {}, el('th', {}, 'depth'), el('td', {}, d.has_depth
            ? `${d.height}×${d.width} float16, ${d.depth_units}, from ${d.depth_source}` : noDepth(d.depth_source))),
          el('tr', {}, el('th', {}, 'generator'), el('td', { class: 'mono' }, d.generator_version)),
          el('tr', {}, el('th', {}, 'fingerprint'), el('td', { class: 'fingerprint' }, d.fingerprint))),
        el('div', { class: 'actions' },
          el('a', { class: 'button', href: link('/grid', { dataset: d.name }) }, 'Browse the grid'),
          el('a', { class: 'button quiet', href: link('/grid', { dataset: d.name, order: 'stratified' }) }, 'Stratified page'),
          el('a', { class: 'button quiet', href: link('/sample', { dataset: d.name, index: sample }) }, 'A sample'),
          el('a', { class: 'button quiet', href: link('/stats', { dataset: d.name }) }, 'Stats'))),
      el('div', {},
        el('h3', {}, 'Background labels'), labelChips(d, d.background_labels, 'bg_label'),
        el('h3', { class: 'spaced' }, 'Cut-out labels'), labelChips(d, d.foreground_labels, 'fg_label'),
        el('details', {}, el('summary', {}, `${d.backgrounds} backgrounds`),
          el('ol', { class: 'names', start: 0 }, d.background_names.map((n, i) =>
            el('li', {}, el('a', { class: 'path', href: link('/grid', { dataset: d.name, bg: i }) }, breakable(n)))))),
        el('details', {}, el('summary', {}, `${d.foregrounds} cut-outs`),
          el('ol', { class: 'names', start: 0 }, d.foreground_names.map((n, i) =>
            el('li', {}, el('a', { class: 'path', href: link('/grid', { dataset: d.name, fg: i }) }, breakable(n)))))),
        d.skipped_files.length === 0 ? null
          : el('details', {}, el('summary', {}, `${d.skipped_files.length} bad files skipped`),
            el('ul', { class: 'names skipped' }, d.skipped_files.map(f =>
              el('li', {}, el('span', { class: 'mono' }, f.name), `: ${f.reason}`))))),
      el('div', {}, el('h3', {}, 'Spec'), specTable(d.spec))));
}

try {
  const { datasets } = await api('/api/datasets');
  app().append(...datasets.map(card));
  ready();
} catch (e) {
  fail(e);
}
