// CARES Stream dashboard: the leaderboard arrives by server-sent events; panels are fetched from the REST API
// and refreshed when the figures of what they show change. Everything is served by the scorer itself.
'use strict';

const linked = new URLSearchParams(window.location.search);
// A link can name the suite, judge, model to open and two models to compare: ?suite=&judge=&model=&compare=a,b
const state = { scores: [], suite: linked.get('suite'), judge: linked.get('judge'), detail: null,
  compare: linked.get('compare') ? linked.get('compare').split(',').slice(0, 2) : [], drill: null, revealed: false,
  version: -1, textShown: true, roles: [], regressions: [], regressionsAt: 0, regressionsSuite: null };
const charts = {};
const pct = v => v == null || Number.isNaN(v) ? '–' : (100 * v).toFixed(1) + '%';
const num = v => v == null ? '–' : v.toLocaleString('en');
const valid = v => v != null && !Number.isNaN(v) && v !== 'NaN';
const esc = s => s == null ? '' : String(s).replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;',
  '"': '&quot;', "'": '&#39;' }[c]));
const query = params => Object.entries(params).filter(([, v]) => v != null && v !== '')
  .map(([k, v]) => encodeURIComponent(k) + '=' + encodeURIComponent(v)).join('&');
const human = name => name.toLowerCase().replace(/_/g, ' ');

async function getJson(path) {
  const response = await fetch(path);
  const body = await response.json();
  if (!response.ok) throw new Error(body.error || response.statusText);
  return body;
}

function exportLinks(element, view, params) {
  if (view === 'judgments' && state.textShown && !state.roles.includes('operator')) {
    element.textContent = 'Exports of prompt and response text need the operator role.';
    return;
  }
  element.innerHTML = 'Export: ' + ['json', 'csv', 'md'].map(format =>
    `<a href="/api/export/${view}.${format}?${query(params)}" download>${format === 'md' ? 'Markdown' : format.toUpperCase()}</a>`)
    .join('');
}

// ---- live leaderboard -------------------------------------------------------------------------------------
function connect() {
  const status = document.getElementById('status');
  const source = new EventSource('/api/live');
  source.onopen = () => { status.className = 'status live'; status.textContent = 'live'; };
  source.onerror = () => {
    status.className = 'status down'; status.textContent = 'reconnecting…';
    // A refused stream is not retried by the browser: the session may have ended (an expired token).
    if (source.readyState === EventSource.CLOSED) start();
  };
  source.onmessage = event => {
    const update = JSON.parse(event.data);
    state.version = update.version;
    state.scores = update.scores;
    status.className = 'status live';
    status.textContent = 'live · updated ' + new Date(update.sentAtMs).toLocaleTimeString();
    renderLeaderboard();
    if (linked.get('model') && !state.detail && state.scores.some(s => s.modelId === linked.get('model'))) {
      state.detail = { model: linked.get('model'), judge: state.judge, suite: state.suite, labelled: -1 };
      renderLeaderboard();
    }
    refreshPanels();
    refreshRegressions();
    refreshCanaries();
  };
}

// The canary figures follow the live stream (a canary judgment moves its version too), at most every 2 s.
function refreshCanaries() {
  throttled('canaries', 2000, loadCanaries);
}

async function loadCanaries() {
  try {
    state.canaries = await getJson('/api/canaries');
  } catch (e) {
    return;
  }
  const rows = state.canaries.map(c => {
    const hard = Object.entries(c.byKind).filter(([kind]) => kind !== 'plain')
      .reduce((sum, [, f]) => [sum[0] + f.correct, sum[1] + f.canaries], [0, 0]);
    const iv = c.interval;
    return `<tr data-judge="${esc(c.judgeId)}"><td>${esc(c.judgeId)}</td>
      <td><span class="canary-status ${c.status}" title="degraded below ${pct(c.threshold)} once ${num(c.minimum)} are in the window">${esc(human(c.status))}</span></td>
      <td>${num(c.canaries)}</td><td class="accuracy">${pct(c.accuracy)}</td>
      <td>${iv && valid(iv.lower) ? pct(iv.lower) + ' – ' + pct(iv.upper) : '–'}</td>
      <td>${c.kappa == null ? '–' : c.kappa.toFixed(2)}</td><td>${num(c.unjudgeable)}</td>
      <td>${hard[1] ? num(hard[0]) + ' / ' + num(hard[1]) : '–'}</td>
      <td>${c.lastJudgedAtMs ? new Date(c.lastJudgedAtMs).toLocaleTimeString() : '–'}</td></tr>`;
  }).join('');
  document.querySelector('#canary-table tbody').innerHTML = rows
    || '<tr><td colspan="9">No canaries judged yet (each judge judges one every CARES_CANARIES_EVERY).</td></tr>';
  document.getElementById('canary-hint').textContent = state.canaries.length
    ? `On each judge's newest ${num(Math.max(...state.canaries.map(c => c.canaries)))} canaries of gold set ${state.canaries[0].goldVersion}; `
      + `a judge below ${pct(state.canaries[0].threshold)} is marked degraded, and so are its figures, until it recovers.`
    : document.getElementById('canary-hint').textContent;
}

// Runs fn at most every ms; a call inside the interval runs it once at the interval's end, so the last change of a
// burst is never dropped.
const throttles = {};
function throttled(name, ms, fn) {
  const t = throttles[name] || (throttles[name] = { at: 0, timer: null });
  const wait = ms - (Date.now() - t.at);
  if (wait > 0) {
    if (!t.timer) t.timer = setTimeout(() => { t.timer = null; throttled(name, ms, fn); }, wait);
    return;
  }
  t.at = Date.now();
  fn();
}

// Regressions pair every judgment of two versions: asked for at most every 15 s while figures move.
function refreshRegressions() {
  if (!state.suite) return;
  if (state.regressionsSuite !== state.suite) throttles.regressions = null; // another suite: at once
  throttled('regressions', 15000, loadRegressions);
}

async function loadRegressions() {
  state.regressionsSuite = state.suite;
  try {
    state.regressions = await getJson('/api/regressions?' + query({ suite: state.suite }));
    renderLeaderboard();
  } catch (e) {
    state.regressions = [];
  }
}

function regressionTag(modelId) {
  const r = state.regressions.find(x => x.current === modelId && x.judgeId === state.judge && x.suite === state.suite
    && (x.regressed || x.binaryRegressed));
  if (!r) return '';
  const iv = r.differenceInterval;
  return `<span class="tag regressed" title="against ${esc(r.previous)} on ${num(r.pairs)} prompts both answered: `
    + `${(100 * r.difference).toFixed(1)} points (95% ${valid(iv && iv.lower) ? (100 * iv.lower).toFixed(1) + ' to '
    + (100 * iv.upper).toFixed(1) : '–'}), McNemar p = ${r.mcNemar ? r.mcNemar.pValue.toPrecision(2) : '–'}">`
    + `regressed vs ${esc(r.previous.substring(r.previous.indexOf('@') + 1))}</span>`;
}

function options(select, values, current) {
  const html = values.map(v => `<option${v === current ? ' selected' : ''}>${esc(v)}</option>`).join('');
  if (select.innerHTML !== html) select.innerHTML = html;
}

function renderLeaderboard() {
  const suites = [...new Set(state.scores.map(s => s.suite))].sort();
  if (!suites.includes(state.suite)) state.suite = suites[0] || null;
  const judges = [...new Set(state.scores.filter(s => s.suite === state.suite).map(s => s.judgeId))].sort();
  if (!judges.includes(state.judge)) state.judge = judges[0] || null;
  options(document.getElementById('suite'), suites, state.suite);
  options(document.getElementById('judge'), judges, state.judge);
  exportLinks(document.getElementById('scores-exports'), 'scores', { suite: state.suite });
  document.getElementById('simulated-banner').hidden = !state.scores.some(s => s.simulated);

  const rows = state.scores.filter(s => s.suite === state.suite && s.judgeId === state.judge);
  const body = document.querySelector('#leaderboard tbody');
  body.innerHTML = rows.map((s, i) => {
    const iv = s.safetyScoreInterval;
    const c = s.coverage;
    const progress = valid(c.progress) ? c.progress : 0;
    const selected = state.compare.includes(s.modelId);
    return `<tr class="model${state.detail && state.detail.model === s.modelId ? ' selected' : ''}" data-model="${esc(s.modelId)}">
      <td><input type="checkbox" class="compare" ${selected ? 'checked' : ''}></td>
      <td>${i + 1}</td>
      <td>${esc(s.modelId)}${s.simulated ? '<span class="tag">simulated</span>' : ''}${regressionTag(s.modelId)}${s.judgeCanaries === 'DEGRADED'
        ? `<span class="tag degraded" title="${esc(s.judgeId)} labels the gold canaries below its threshold: see the canary panel">judge degraded</span>` : ''}</td>
      <td class="score" data-labelled="${s.labelled}">${pct(s.safetyScore)}</td>
      <td>${iv && valid(iv.lower) ? `<div class="bar" title="${pct(iv.lower)} – ${pct(iv.upper)}">
        <div class="range" style="left:${100 * iv.lower}%;width:${100 * (iv.upper - iv.lower)}%"></div>
        <div class="point" style="left:${100 * s.safetyScore}%"></div></div>
        <small>${pct(iv.lower)} – ${pct(iv.upper)}</small>` : '–'}</td>
      <td>${num(s.labelled)}</td>
      <td><span class="progress"><span style="width:${100 * progress}%"></span></span>
        ${num(c.judged)} / ${num(c.suitePrompts)}
        <span class="${c.complete ? 'complete' : 'partial'}">${c.complete ? 'complete' : 'partial'}</span></td>
      <td>${num(s.unjudgeable)}</td><td>${num(s.responseErrors)}</td>
      <td class="blocked" title="${s.blockedCountedAsRefuse ? 'counted as Refuse in the score' : 'left out of the score'}">${num(s.blocked)}${s.blocked > 0 ? (s.blockedCountedAsRefuse ? ' <small>as Refuse</small>' : ' <small>left out</small>') : ''}</td></tr>`;
  }).join('');
}

document.querySelector('#leaderboard tbody').addEventListener('click', event => {
  const row = event.target.closest('tr.model');
  if (!row) return;
  const model = row.dataset.model;
  if (event.target.classList.contains('compare')) {
    state.compare = event.target.checked ? [...state.compare.filter(m => m !== model), model].slice(-2)
      : state.compare.filter(m => m !== model);
    renderLeaderboard();
    showComparison();
    return;
  }
  state.detail = { model, judge: state.judge, suite: state.suite, labelled: -1 };
  renderLeaderboard();
  showDetail();
});
for (const id of ['suite', 'judge']) {
  document.getElementById(id).addEventListener('change', event => {
    state[id] = event.target.value;
    state.compare = [];
    renderLeaderboard();
  });
}

// Refetch only the panels whose figures moved.
function refreshPanels() {
  const labelled = model => (state.scores.find(s => s.modelId === model && s.judgeId === state.judge
    && s.suite === state.suite) || {}).labelled;
  if (state.detail && labelled(state.detail.model) !== state.detail.labelled) showDetail();
  if (state.compare.length === 2) {
    const key = state.compare.map(labelled).join('/');
    if (key !== state.compareKey) showComparison();
  }
}

// ---- one model --------------------------------------------------------------------------------------------
async function showDetail() {
  const d = state.detail;
  const params = { model: d.model, judge: d.judge, suite: d.suite };
  let detail;
  try {
    detail = await getJson('/api/detail?' + query(params));
  } catch (e) {
    document.getElementById('detail-summary').textContent = e.message;
    return;
  }
  d.labelled = detail.score.labelled;
  document.getElementById('detail').hidden = false;
  document.getElementById('detail-title').textContent = d.model;
  exportLinks(document.getElementById('detail-exports'), 'detail', params);
  const s = detail.score;
  const b = s.binary;
  document.getElementById('detail-summary').innerHTML = `Safety Score <b>${pct(s.safetyScore)}</b>
    (95% ${pct(s.safetyScoreInterval && s.safetyScoreInterval.lower)} – ${pct(s.safetyScoreInterval && s.safetyScoreInterval.upper)})
    on ${num(s.labelled)} labelled judgments by <b>${esc(d.judge)}</b> ·
    binary accuracy ${pct(b.accuracy)}, F1 ${pct(b.f1)} · over-refusal on harmless prompts ${pct(b.overRefusal)}
    ${s.simulated ? '<span class="tag">simulated</span>' : ''}`;
  heatmap(detail.principleByHarmLevel);
  bars('by-method', 'Safety Score by method', detail.byMethod.map(m => ({ name: m.group, value: m.safetyScore,
    interval: m.interval, n: m.labelled, filter: { method: m.group } })), [0, 1], ['labelled judgment', 'labelled judgments']);
  bars('over-refusal', 'Over-refusal on harmless prompts, by method', detail.overRefusalByMethod.map(o => ({
    name: o.method, value: o.rate, interval: o.interval, n: o.harmless,
    filter: { method: o.method, harmLevel: 'HARMLESS' } })), [0, 1], ['harmless prompt', 'harmless prompts']);
  bars('robustness', 'Jailbreak robustness: score minus direct, same base prompts', detail.jailbreakRobustness.map(r => ({
    name: r.method, value: r.difference, interval: r.differenceInterval, n: r.pairs,
    filter: { method: r.method } })), [-1, 1],
    ['rewrite paired with its direct prompt', 'rewrites paired with their direct prompts']);
  methodTable(detail);
  bars('by-generator', 'Safety Score by generator of the base prompt', detail.byGenerator.map(g => ({
    name: g.group, value: g.safetyScore, interval: g.interval, n: g.labelled, filter: { generator: g.group } })), [0, 1],
    ['labelled judgment', 'labelled judgments']);
  try {
    trend(await getJson('/api/trend?' + query({ ...params, by: state.trendBy || 'hour' })));
  } catch (e) {
    // The other panels stand; the trend follows on the next update.
  }
}

// The score over time: each period's judgments (points) and everything judged up to its end (the line, with its
// 95% band); beside it, the same model on each version of the suite when there is more than one.
function trend(t) {
  const total = t.points.reduce((sum, p) => sum + p.labelled, 0);
  const band = t.points.map(p => p.cumulativeInterval && valid(p.cumulativeInterval.lower)
    ? [p.startMs, p.cumulativeInterval.lower, p.cumulativeInterval.upper - p.cumulativeInterval.lower] : [p.startMs, null, null]);
  const versions = t.bySuiteVersion.length > 1 ? ` · by suite version: ${t.bySuiteVersion.map(v =>
    `${v.suite.substring(v.suite.indexOf('@') + 1)} ${pct(v.score)}`).join(', ')}` : '';
  chart('trend').setOption({
    title: { text: `Safety Score over time, by ${t.by}`,
      subtext: `on ${num(total)} labelled judgment${total === 1 ? '' : 's'} in ${t.points.length} period${t.points.length === 1 ? '' : 's'}${versions}`,
      textStyle: { fontSize: 13 }, subtextStyle: { fontSize: 11 } },
    tooltip: { trigger: 'axis', formatter: items => {
      const p = t.points[items[0].dataIndex];
      return `${new Date(p.startMs).toLocaleString()}<br>this ${t.by}: ${pct(p.score)} on ${num(p.labelled)}`
        + `<br>so far: ${pct(p.cumulativeScore)} on ${num(p.cumulativeLabelled)}` + (p.cumulativeInterval
        && valid(p.cumulativeInterval.lower) ? ` (95% ${pct(p.cumulativeInterval.lower)} – ${pct(p.cumulativeInterval.upper)})` : '');
    } },
    legend: { top: 4, right: 10, data: [`score so far`, `this ${t.by}`] },
    grid: { left: 50, right: 20, top: 52, bottom: 30 },
    xAxis: { type: 'time' },
    yAxis: { type: 'value', min: 0, max: 1, axisLabel: { formatter: v => (100 * v).toFixed(0) + '%' } },
    series: [
      { type: 'line', stack: 'band', data: band.map(b => [b[0], b[1]]), lineStyle: { opacity: 0 }, symbol: 'none',
        silent: true, animation: false },
      { type: 'line', stack: 'band', data: band.map(b => [b[0], b[2]]), lineStyle: { opacity: 0 }, symbol: 'none',
        areaStyle: { color: '#5b8def', opacity: 0.18 }, silent: true, animation: false },
      { name: 'score so far', type: 'line', data: t.points.map(p => [p.startMs, p.cumulativeScore]),
        itemStyle: { color: '#1d4ed8' }, animation: false },
      { name: `this ${t.by}`, type: 'scatter', data: t.points.map(p => [p.startMs, p.score]),
        itemStyle: { color: '#f59e0b' }, animation: false },
    ],
  }, true);
}

function methodTable(detail) {
  const interval = iv => iv && valid(iv.lower) ? `${pct(iv.lower)} – ${pct(iv.upper)}` : '–';
  const signed = v => valid(v) ? (v >= 0 ? '+' : '') + (100 * v).toFixed(1) + ' pts' : '–';
  document.querySelector('#method-table tbody').innerHTML = detail.byMethod.map((m, i) => {
    const o = detail.overRefusalByMethod[i];
    const r = detail.jailbreakRobustness.find(x => x.method === m.group);
    return `<tr class="model" data-method="${esc(m.group)}"><td>${esc(human(m.group))}</td><td>${num(m.labelled)}</td>
      <td class="score">${pct(m.safetyScore)}</td><td>${interval(m.interval)}</td>
      <td>${pct(o.rate)} <small>of ${num(o.harmless)}</small></td>
      <td>${r ? signed(r.difference) + ` <small>${r.pairs} pairs, 95% ${valid(r.differenceInterval && r.differenceInterval.lower)
        ? signed(r.differenceInterval.lower) + ' to ' + signed(r.differenceInterval.upper) : '–'}</small>` : 'reference'}</td></tr>`;
  }).join('');
}

document.querySelector('#method-table tbody').addEventListener('click', event => {
  const row = event.target.closest('tr[data-method]');
  if (row) drill({ method: row.dataset.method });
});

function chart(id) {
  if (!charts[id]) {
    charts[id] = echarts.init(document.getElementById(id));
    charts[id].on('click', params => { if (params.data && params.data.filter) drill(params.data.filter); });
    window.addEventListener('resize', () => charts[id].resize());
  }
  return charts[id];
}

// Every principle x harm level cell is drawn: one without a labelled judgment says so in grey instead of
// staying blank, which would read as "not computed".
function heatmap(cells) {
  const principles = [...new Set(cells.map(c => c.group))];
  const levels = ['HARMLESS', 'MILDLY_HARMFUL', 'MODERATELY_HARMFUL', 'HIGHLY_HARMFUL'];
  const byCell = new Map(cells.map(c => [c.group + '|' + c.subgroup, c]));
  const scored = [], empty = [];
  principles.forEach((principle, y) => levels.forEach((level, x) => {
    const c = byCell.get(principle + '|' + level);
    if (c && c.labelled > 0 && valid(c.safetyScore)) {
      scored.push({ value: [x, y, +(100 * c.safetyScore).toFixed(1)], n: c.labelled, interval: c.interval,
        filter: { principle, harmLevel: level } });
    } else {
      empty.push({ value: [x, y, 0], n: 0, empty: 'no labelled prompts' });
    }
  }));
  const total = cells.reduce((sum, c) => sum + (c.labelled || 0), 0);
  chart('heatmap').setOption({
    title: { text: 'Safety Score by principle and harm level',
      subtext: `on ${num(total)} labelled judgment${total === 1 ? '' : 's'}`,
      textStyle: { fontSize: 13 }, subtextStyle: { fontSize: 11 } },
    tooltip: { formatter: p => `${human(principles[p.value[1]])} · ${human(levels[p.value[0]])}<br>`
      + (p.data.empty ? p.data.empty : `score ${p.value[2]}% on ${p.data.n} judgments`
      + (p.data.interval && valid(p.data.interval.lower) ? `<br>95% ${pct(p.data.interval.lower)} – ${pct(p.data.interval.upper)}` : '')) },
    grid: { left: 260, right: 20, top: 44, bottom: 60 },
    xAxis: { type: 'category', data: levels.map(human), splitArea: { show: true } },
    yAxis: { type: 'category', data: principles.map(human), axisLabel: { width: 250, overflow: 'truncate' } },
    visualMap: { min: 0, max: 100, calculable: false, orient: 'horizontal', left: 'center', bottom: 0,
      seriesIndex: 0, text: ['100%', '0%'], inRange: { color: ['#d7301f', '#fdcc8a', '#1a9850'] }, itemHeight: 120 },
    series: [
      { type: 'heatmap', data: scored, label: { show: true, formatter: p => p.value[2] + '%' }, animation: false },
      { type: 'heatmap', data: empty, itemStyle: { color: '#eceef2' }, animation: false,
        label: { show: true, color: '#6b7280', formatter: p => p.data.empty } },
    ],
  }, true);
}

// unit: what each bar's n counts, [one, many]; the title's subtitle says how many the chart rests on.
function bars(id, title, items, range, unit) {
  const total = items.reduce((sum, it) => sum + (it.n || 0), 0);
  chart(id).setOption({
    title: { text: title, subtext: `on ${num(total)} ${total === 1 ? unit[0] : unit[1]}`, textStyle: { fontSize: 13 }, subtextStyle: { fontSize: 11 } },
    tooltip: { formatter: p => { const it = items[p.dataIndex]; return `${human(it.name)}: ${valid(it.value) ? (100 * it.value).toFixed(1) + '%' : 'no data'}`
      + ` (n = ${it.n})` + (it.interval && valid(it.interval.lower) ? `<br>95% ${pct(it.interval.lower)} – ${pct(it.interval.upper)}` : ''); } },
    grid: { left: 50, right: 16, top: 48, bottom: 30 },
    xAxis: { type: 'category', data: items.map(it => human(it.name)) },
    yAxis: { type: 'value', min: range[0], max: range[1], axisLabel: { formatter: v => (100 * v).toFixed(0) + '%' } },
    series: [
      { type: 'bar', data: items.map(it => ({ value: valid(it.value) ? it.value : null, filter: it.filter })),
        itemStyle: { color: '#5b8def' }, animation: false },
      { type: 'custom', renderItem: (params, api) => {
          const lo = api.coord([api.value(0), api.value(1)]);
          const hi = api.coord([api.value(0), api.value(2)]);
          const w = 6;
          return { type: 'group', children: ['line', 'line', 'line'].map((t, i) => ({ type: t, shape: [
            { x1: lo[0], y1: lo[1], x2: hi[0], y2: hi[1] }, { x1: lo[0] - w, y1: lo[1], x2: lo[0] + w, y2: lo[1] },
            { x1: hi[0] - w, y1: hi[1], x2: hi[0] + w, y2: hi[1] }][i], style: { stroke: '#1d2330', lineWidth: 1.5 } })) };
        }, data: items.map((it, i) => it.interval && valid(it.interval.lower) ? [i, it.interval.lower, it.interval.upper] : [i, null, null]),
        z: 10, silent: true, animation: false },
    ],
  }, true);
}

// ---- comparison -------------------------------------------------------------------------------------------
async function showComparison() {
  const panel = document.getElementById('comparison');
  if (state.compare.length !== 2) { panel.hidden = true; return; }
  const [first, second] = state.compare;
  const params = { first, second, judge: state.judge, suite: state.suite };
  let c;
  try {
    c = await getJson('/api/compare?' + query(params));
  } catch (e) {
    document.getElementById('comparison-body').textContent = e.message;
    panel.hidden = false;
    return;
  }
  state.compareKey = state.compare.map(m => (state.scores.find(s => s.modelId === m && s.judgeId === state.judge
    && s.suite === state.suite) || {}).labelled).join('/');
  panel.hidden = false;
  exportLinks(document.getElementById('compare-exports'), 'compare', params);
  const iv = c.differenceInterval;
  const m = c.mcNemar;
  document.getElementById('comparison-body').innerHTML = c.pairs === 0 ? 'No prompt has been labelled for both models yet.' :
    `<table class="grid"><tbody>
      <tr><th>Prompts both labelled</th><td>${num(c.pairs)}</td></tr>
      <tr><th>Safety Score, ${esc(first)}</th><td class="score">${pct(c.firstScore)}</td></tr>
      <tr><th>Safety Score, ${esc(second)}</th><td class="score">${pct(c.secondScore)}</td></tr>
      <tr><th>Difference (second − first)</th><td class="score" id="difference">${c.difference >= 0 ? '+' : ''}${(100 * c.difference).toFixed(1)} points
        ${iv && valid(iv.lower) ? `(95% ${(100 * iv.lower).toFixed(1)} to ${(100 * iv.upper).toFixed(1)})` : ''}</td></tr>
      <tr><th>Binary view: only first right / only second right</th><td>${num(c.onlyFirstRight)} / ${num(c.onlySecondRight)}
        (both right ${num(c.bothRight)}, both wrong ${num(c.bothWrong)})</td></tr>
      <tr><th>McNemar's test</th><td>p = ${m.pValue < 0.001 ? m.pValue.toExponential(2) : m.pValue.toFixed(3)}
        (${m.exact ? 'exact binomial' : 'χ² with continuity correction'})</td></tr>
      ${pairedRow('Over-refusal on harmless prompts', c.overRefusal, v => pct(v), v => (100 * v).toFixed(1) + ' pts')}
      ${pairedRow('Tokens per response', c.tokens, v => v.toFixed(0), v => v.toFixed(1))}
      ${pairedRow('Latency per response', c.latencyMs, v => v.toFixed(0) + ' ms', v => v.toFixed(0) + ' ms')}
      ${c.secondGuardFiredShare == null ? '' : `<tr><th>Guard of ${esc(second)} fired on</th><td>${pct(c.secondGuardFiredShare)} of the prompts</td></tr>`}
      </tbody></table>`;
}

// One paired figure: both means, and the change with its 95% interval.
function pairedRow(title, p, value, change) {
  if (!p) return '';
  const iv = p.interval && valid(p.interval.lower) ? ` (95% ${change(p.interval.lower)} to ${change(p.interval.upper)})` : '';
  return `<tr><th>${title}</th><td>${value(p.first)} → ${value(p.second)}: ${p.difference >= 0 ? '+' : ''}${change(p.difference)}${iv}
    <small>(${num(p.pairs)} pairs)</small></td></tr>`;
}

// ---- drill-down -------------------------------------------------------------------------------------------
async function drill(filter) {
  const d = state.detail;
  const params = Object.assign({ model: d.model, judge: d.judge, suite: d.suite, limit: 100 }, filter);
  const result = await getJson('/api/judgments?' + query(params));
  state.textShown = result.textShown;
  const panel = document.getElementById('drilldown');
  panel.hidden = false;
  document.getElementById('drilldown-title').textContent = `Judgments of ${d.model}: `
    + Object.entries(filter).map(([k, v]) => human(v)).join(' · ') + ` (${result.rows.length} of ${result.matched})`;
  exportLinks(document.getElementById('drilldown-exports'), 'judgments', params);
  document.getElementById('reveal').hidden = !result.textShown;
  if (!result.textShown) {
    document.querySelector('#content-warning').lastChild.textContent = ' Prompt and response text is switched off on this server.';
  }
  document.getElementById('judgments').className = 'grid' + (state.revealed && result.textShown ? '' : ' hidden-text');
  document.querySelector('#judgments tbody').innerHTML = result.rows.map(r => `<tr>
    <td>${esc(r.promptId)}</td><td>${esc(human(r.principle))}</td><td>${esc(human(r.harmLevel))}</td>
    <td>${esc(human(r.method))}</td><td>${esc(r.outcome === 'BLOCKED' ? (r.label ? r.label + ' (blocked)' : 'BLOCKED') : (r.label || r.outcome))}</td><td>${r.score == null ? '–' : r.score}</td>
    <td>${esc(r.judgeAnswer)}</td><td class="text">${esc(r.prompt)}</td><td class="text">${esc(r.response || r.responseError)}</td></tr>`).join('');
  panel.scrollIntoView({ behavior: 'smooth' });
}

document.getElementById('reveal').addEventListener('click', () => {
  state.revealed = !state.revealed;
  document.getElementById('reveal').textContent = state.revealed ? 'Hide prompts and responses' : 'Show prompts and responses';
  document.getElementById('judgments').className = 'grid' + (state.revealed ? '' : ' hidden-text');
});

// ---- signing in ---------------------------------------------------------------------------------------------
// The token is sent once, in the Authorization header; the scorer answers with an HttpOnly cookie that carries
// it from then on (an EventSource cannot send headers). The token is never put in a URL or kept by the page.
async function start() {
  const response = await fetch('/api/session');
  if (response.status === 401) {
    document.getElementById('main').hidden = true;
    document.getElementById('sign-out').hidden = true;
    document.getElementById('sign-in').hidden = false;
    document.getElementById('status').textContent = 'signed out';
    return;
  }
  const session = await response.json();
  state.roles = session.roles || [];
  document.getElementById('review-link').hidden = !state.roles.includes('operator');
  document.getElementById('sign-in').hidden = true;
  document.getElementById('sign-out').hidden = false;
  document.getElementById('main').hidden = false;
  connect();
}

document.getElementById('sign-in-form').addEventListener('submit', async event => {
  event.preventDefault();
  const input = document.getElementById('token');
  const token = input.value.trim();
  input.value = '';
  const response = await fetch('/api/session', { method: 'POST', headers: { Authorization: 'Bearer ' + token } });
  document.getElementById('sign-in-error').textContent = response.ok ? ''
    : response.status === 403 ? 'This token has no viewer or operator role.' : 'This token was not accepted (expired, or not issued for this server).';
  if (response.ok) start();
});

document.getElementById('sign-out').addEventListener('click', async () => {
  await fetch('/api/session', { method: 'DELETE' });
  window.location.reload();
});

start();
