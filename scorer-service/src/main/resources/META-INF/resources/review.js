// CARES Stream review page: the queue, the judges against the reviewers' labels and the scores with those labels.
// Refreshed whenever the scorer's figures move (the dashboard's live stream), a new human label included.
'use strict';

const state = { suite: new URLSearchParams(window.location.search).get('suite') || '', operator: false,
  loading: false, again: false, suites: new Set() };
const pct = v => v == null || Number.isNaN(v) ? '–' : (100 * v).toFixed(1) + '%';
const num = v => v == null ? '–' : v.toLocaleString('en');
const esc = s => s == null ? '' : String(s).replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;',
  '"': '&quot;', "'": '&#39;' }[c]));
const human = name => name.toLowerCase().replace(/_/g, ' ');
const interval = iv => iv == null || iv.lower == null || iv.lower === 'NaN' ? '–' : pct(iv.lower) + ' – ' + pct(iv.upper);
const LABELS = ['ACCEPT', 'CAUTION', 'REFUSE'];

async function getJson(path) {
  const response = await fetch(path);
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw Object.assign(new Error(body.error || response.statusText), { status: response.status });
  return body;
}

function vote(v) {
  if (v.outcome === 'UNJUDGEABLE') return '<span class="tag degraded">unjudgeable</span>';
  return esc(human(v.label)) + (v.attempts > 1 ? ` <span class="tag">${v.attempts} attempts</span>` : '');
}

function renderQueue(queue) {
  const reasons = Object.entries(queue.pendingByReason).map(([r, n]) => `${num(n)} ${human(r)}`).join(', ');
  document.getElementById('queue-summary').textContent = `${num(queue.pending)} waiting` + (reasons ? ` (${reasons})` : '')
    + ` · ${num(queue.reviewed)} reviewed`;
  const note = document.getElementById('queue-note');
  note.hidden = queue.textShown;
  note.textContent = 'This scorer does not keep prompt and response text (CARES_DASHBOARD_SHOW_TEXT=false): read them where they are kept before labelling.';
  // Items already on the page stay as they are (a note being typed, a label being saved); only new or changed
  // ones are drawn, since the page refreshes whenever any figure moves.
  const container = document.getElementById('items');
  const existing = new Map([...container.querySelectorAll('.review-item')].map(node => [node.dataset.sig, node]));
  const nodes = queue.items.map(item => {
    const sig = JSON.stringify(item);
    if (existing.has(sig)) return existing.get(sig);
    const holder = document.createElement('div');
    holder.innerHTML = itemHtml(item);
    holder.firstElementChild.dataset.sig = sig;
    return holder.firstElementChild;
  });
  if (nodes.length === 0) {
    container.innerHTML = '<p class="hint" id="queue-empty">Nothing waits for review.</p>';
  } else {
    container.replaceChildren(...nodes);
  }
}

function itemHtml(item) {
  return `
    <div class="review-item" data-model="${esc(item.modelId)}" data-prompt="${esc(item.promptId)}">
      <div class="review-head"><strong>${esc(item.modelId)}</strong> · prompt ${esc(item.promptId)} · ${esc(item.suite)}
        · ${esc(human(item.principle))} · ${esc(human(item.harmLevel))} · ${esc(human(item.method))}
        ${item.reasons.map(r => `<span class="tag reason">${esc(human(r))}</span>`).join('')}</div>
      <div class="side-by-side">
        <div><h3>Prompt</h3><div class="text">${esc(item.prompt) || '<em>not kept</em>'}</div></div>
        <div><h3>Response</h3><div class="text">${esc(item.response) || '<em>not kept</em>'}</div></div>
        <div><h3>Judges</h3><table class="grid votes">${Object.entries(item.votes).map(([judge, v]) =>
          `<tr data-judge="${esc(judge)}"><td>${esc(judge)}</td><td>${vote(v)}</td></tr>`).join('')}</table></div>
      </div>
      <div class="review-actions">${LABELS.map(l =>
        `<button class="label-button" data-label="${l}">${human(l)}</button>`).join('')}
        <input class="note" placeholder="note (optional)" maxlength="2000" size="40">
        <span class="saved"></span></div>
    </div>`;
}

function renderJudges(judges) {
  document.querySelector('#judge-table tbody').innerHTML = judges.length === 0
    ? '<tr><td colspan="8">No reviewed responses yet.</td></tr>'
    : judges.map(j => {
      const misses = [];
      Object.entries(j.confusion).forEach(([said, row]) => Object.entries(row).forEach(([truth, n]) => {
        if (said !== truth && n > 0) misses.push(`${human(said)} → ${human(truth)}: ${n}`);
      }));
      return `<tr data-judge="${esc(j.judgeId)}"><td>${esc(j.judgeId)}</td><td>${num(j.reviewed)}</td>
        <td>${num(j.agreed)}</td><td class="accuracy">${pct(j.accuracy)}</td><td>${interval(j.interval)}</td>
        <td>${j.kappa == null ? '–' : j.kappa.toFixed(2)}</td><td>${num(j.unjudgeable)}</td>
        <td>${esc(misses.join(', ')) || '–'}</td></tr>`;
    }).join('');
}

function renderScores(scores) {
  scores.forEach(s => state.suites.add(s.suite));
  const select = document.getElementById('suite');
  const known = new Set([...select.options].map(o => o.value));
  [...state.suites].filter(s => !known.has(s)).forEach(s => select.add(new Option(s, s)));
  select.value = state.suite;
  const shown = scores.filter(s => !state.suite || s.suite === state.suite);
  document.querySelector('#human-scores tbody').innerHTML = shown.length === 0
    ? '<tr><td colspan="9">No scores yet.</td></tr>'
    : shown.map(s => `<tr data-model="${esc(s.modelId)}" data-judge="${esc(s.judgeId)}"><td>${esc(s.modelId)}</td>
      <td>${esc(s.judgeId)}</td><td>${esc(s.suite)}</td><td class="judge-score">${pct(s.judgeScore)}</td>
      <td class="score human-score">${pct(s.score)}</td><td>${interval(s.interval)}</td><td>${num(s.humanLabels)}</td>
      <td class="overridden">${num(s.overridden)}</td><td>${num(s.filled)}</td></tr>`).join('');
}

async function load() {
  // One load at a time; a change that arrives meanwhile loads again once it ends.
  if (state.loading) { state.again = true; return; }
  state.loading = true;
  try {
    const suite = state.suite ? '?suite=' + encodeURIComponent(state.suite) : '';
    const [judges, scores] = await Promise.all([getJson('/api/review/judges'), getJson('/api/review/scores')]);
    renderJudges(judges);
    renderScores(scores);
    if (state.operator) {
      renderQueue(await getJson('/api/review/queue' + suite));
    } else {
      document.getElementById('items').innerHTML = '<p class="hint">Reviewing needs the operator role.</p>';
    }
  } catch (e) {
    document.getElementById('status').textContent = 'not ready: ' + e.message;
  } finally {
    state.loading = false;
    state.loadedAt = Date.now();
    if (state.again) { state.again = false; load(); }
  }
}

document.getElementById('items').addEventListener('click', async event => {
  const button = event.target.closest('button.label-button');
  if (!button) return;
  const item = button.closest('.review-item');
  const saved = item.querySelector('.saved');
  item.querySelectorAll('button').forEach(b => { b.disabled = true; });
  const response = await fetch('/api/review/labels', { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ modelId: item.dataset.model, promptId: item.dataset.prompt, label: button.dataset.label,
      note: item.querySelector('.note').value }) });
  if (response.ok) {
    saved.className = 'saved ok';
    saved.textContent = 'saved as ' + human(button.dataset.label);
  } else {
    const body = await response.json().catch(() => ({}));
    saved.className = 'saved error';
    saved.textContent = 'not saved: ' + (body.error || response.statusText);
    item.querySelectorAll('button').forEach(b => { b.disabled = false; });
  }
});

document.getElementById('suite').addEventListener('change', event => {
  state.suite = event.target.value;
  load();
});

async function start() {
  const response = await fetch('/api/session');
  if (response.status === 401) {
    document.getElementById('signed-out').hidden = false;
    document.getElementById('status').textContent = 'signed out';
    return;
  }
  state.operator = ((await response.json()).roles || []).includes('operator');
  document.getElementById('main').hidden = false;
  const status = document.getElementById('status');
  const source = new EventSource('/api/live');
  source.onopen = () => { status.className = 'status live'; status.textContent = 'live'; };
  source.onerror = () => { status.className = 'status down'; status.textContent = 'reconnecting…'; };
  source.onmessage = event => {
    status.className = 'status live';
    status.textContent = 'live · updated ' + new Date(JSON.parse(event.data).sentAtMs).toLocaleTimeString();
    // At most one refresh a second however fast the figures move.
    clearTimeout(state.timer);
    state.timer = setTimeout(load, Math.max(0, (state.loadedAt || 0) + 1000 - Date.now()));
  };
}

start();
