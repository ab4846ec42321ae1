// Level Streaming Manager dashboard. Plain JS, no dependencies, no network
// beyond its own server. Protocol: docs/dashboard-protocol.md (version 1).
'use strict';
(() => {
  const PROTOCOL = 1;
  const STATES = ['UNLOADED', 'LOADING', 'LOADED', 'ACTIVE', 'UNLOADING', 'HIDDEN'];
  const LODS = ['ULTRA', 'HIGH', 'MEDIUM', 'LOW', 'MINIMAL'];
  const STATE_COLORS = {
    UNLOADED: '#59606b', LOADING: '#d29922', LOADED: '#3d8bd9',
    ACTIVE: '#3fb950', UNLOADING: '#db6d28', HIDDEN: '#a371f7',
  };
  const MAX_EVENTS = 500;

  const $ = (sel) => document.querySelector(sel);
  const $$ = (sel) => Array.from(document.querySelectorAll(sel));

  // el('td', {className: 'r', dataset: {x: 1}, onclick}, 'text', child...)
  function el(tag, props, ...kids) {
    const node = document.createElement(tag);
    if (props) {
      for (const [k, v] of Object.entries(props)) {
        if (v === undefined || v === null) continue;
        if (k === 'dataset') Object.assign(node.dataset, v);
        else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
        else node[k] = v;
      }
    }
    for (const kid of kids) {
      if (kid === null || kid === undefined || kid === false) continue;
      node.append(kid instanceof Node ? kid : String(kid));
    }
    return node;
  }
  const fmt = (x, d = 1) => (x === null || x === undefined || Number.isNaN(x)) ? '–' : Number(x).toFixed(d);
  const fmtInt = (x) => (x === null || x === undefined) ? '–' : Math.round(x).toLocaleString('en-US');
  const fmtBig = (x) => {
    if (x === null || x === undefined) return '–';
    const a = Math.abs(x);
    if (a >= 1e9) return (x / 1e9).toFixed(2) + 'G';
    if (a >= 1e6) return (x / 1e6).toFixed(2) + 'M';
    if (a >= 1e3) return (x / 1e3).toFixed(1) + 'k';
    return fmt(x, a < 10 ? 2 : 0);
  };
  const fmtDist = (x) => (x === null || x === undefined) ? '∞' : fmtBig(x);
  const badge = (cls, text) => el('span', { className: 'badge ' + cls }, text);
  const stateBadge = (s) => badge('st-' + s, s);

  // ----- token and connection ------------------------------------------------
  function readToken() {
    const m = /(?:^|[#&])token=([0-9a-fA-F]+)/.exec(location.hash);
    if (m) {
      sessionStorage.setItem('lsm-token', m[1]);
      history.replaceState(null, '', location.pathname);
      return m[1];
    }
    return sessionStorage.getItem('lsm-token') || '';
  }
  let token = readToken();
  let ws = null;
  let connected = false;
  let failures = 0;
  let nextId = 1;
  const pending = new Map();
  let state = null;
  let seq = 0;
  let renderQueued = false;
  let currentTab = 'overview';

  function setConn(on, text) {
    connected = on;
    $('#conn').className = 'pill ' + (on ? 'pill-on' : 'pill-off');
    $('#conn-status').textContent = text;
  }

  function connect() {
    if (!token) {
      $('#token-banner').classList.remove('hidden');
      setConn(false, 'no token');
      return;
    }
    setConn(false, 'connecting');
    ws = new WebSocket(`ws://${location.host}/ws?token=${encodeURIComponent(token)}`);
    let opened = false;
    ws.onopen = () => {
      opened = true;
      failures = 0;
      $('#token-banner').classList.add('hidden');
      setConn(true, 'live');
    };
    ws.onmessage = (e) => {
      let msg;
      try { msg = JSON.parse(e.data); } catch (_) { return; }
      handle(msg);
    };
    ws.onclose = () => {
      for (const [, p] of pending) p.reject(new Error('connection closed'));
      pending.clear();
      if (!opened) failures++;
      setConn(false, opened ? 'reconnecting' : 'refused');
      if (failures >= 2) $('#token-banner').classList.remove('hidden');
      setTimeout(connect, Math.min(5000, 500 * (failures + 1)));
    };
  }

  function handle(msg) {
    if (msg.protocol !== undefined && msg.protocol !== PROTOCOL) {
      toast(`server speaks protocol ${msg.protocol}, page ${PROTOCOL}`, true);
    }
    switch (msg.type) {
      case 'hello':
        $('#top-version').textContent = msg.version;
        $('#top-rate').textContent = msg.update_rate_hz + ' Hz';
        break;
      case 'update':
        // Only the parts that changed since this client's last update come;
        // the first one (full) has them all.
        if (msg.full || !state) state = msg.state; else Object.assign(state, msg.state);
        applyDistances();
        seq = msg.seq;
        document.body.dataset.seq = String(seq);
        addEvents(msg.events || []);
        queueRender();
        break;
      case 'result': {
        const p = pending.get(msg.id);
        if (p) {
          pending.delete(msg.id);
          if (msg.ok) p.resolve(msg.result); else p.reject(new Error(`${msg.error.code}: ${msg.error.message}`));
        }
        break;
      }
      case 'error':
        toast(`${msg.error.code}: ${msg.error.message}`, true);
        break;
      default:
        break;
    }
  }

  // Distances change every frame, so they travel in their own part.
  function applyDistances() {
    const d = state.distances;
    if (!d) return;
    state.levels.forEach((l, i) => { l.distance = d.levels[i]; });
    state.volumes.forEach((v, i) => { v.distance = d.volumes[i]; });
  }

  // Sends a command; resolves with its result.
  function command(name, args) {
    return new Promise((resolve, reject) => {
      if (!ws || ws.readyState !== WebSocket.OPEN) { reject(new Error('not connected')); return; }
      const id = nextId++;
      pending.set(id, { resolve, reject });
      ws.send(JSON.stringify({ type: 'command', id, name, args: args || {} }));
      setTimeout(() => { if (pending.has(id)) { pending.delete(id); reject(new Error('no answer (is the game calling lsm_update?)')); } }, 5000);
    });
  }
  // A command with a toast for its outcome.
  function act(label, name, args) {
    return command(name, args).then((r) => { toast(label + ' ✓'); return r; },
      (e) => { toast(label + ' failed — ' + e.message, true); throw e; });
  }
  window.lsmDashboard = { command, get state() { return state; }, get seq() { return seq; } };

  function toast(text, err) {
    const t = el('div', { className: 'toast' + (err ? ' err' : '') }, text);
    $('#toasts').append(t);
    setTimeout(() => t.remove(), err ? 6000 : 2500);
  }

  // ----- tabs and rendering ------------------------------------------------
  for (const b of $$('.tab')) {
    b.addEventListener('click', () => showTab(b.dataset.tab));
  }
  function showTab(name) {
    currentTab = name;
    for (const b of $$('.tab')) b.classList.toggle('active', b.dataset.tab === name);
    for (const p of $$('.tabpage')) p.classList.toggle('active', p.id === 'tab-' + name);
    document.body.dataset.tab = name;
    queueRender();
  }

  function queueRender() {
    if (renderQueued) return;
    renderQueued = true;
    requestAnimationFrame(() => { renderQueued = false; render(); });
  }

  // Whether the user is typing in `container` (then it is not rebuilt).
  const editing = (container) => {
    const a = document.activeElement;
    return a && container.contains(a) && (a.tagName === 'INPUT' || a.tagName === 'SELECT');
  };
  function fillBody(table, rows) {
    const tbody = table.tBodies[0];
    if (editing(tbody)) return;
    tbody.replaceChildren(...rows);
  }
  function setOptions(select, values, keep) {
    if (document.activeElement === select) return;
    const cur = select.value;
    const same = select.options.length === values.length && values.every((v, i) => select.options[i].value === v);
    if (!same) select.replaceChildren(...values.map((v) => el('option', { value: v }, v)));
    if (keep && values.includes(cur)) select.value = cur;
  }

  function render() {
    if (!state) return;
    renderTop();
    const names = state.levels.map((l) => l.name);
    const dl = $('#level-names');
    if (dl.options.length !== names.length) dl.replaceChildren(...names.map((n) => el('option', { value: n })));
    const r = { overview: renderOverview, volumes: renderVolumes, lod: renderLod, occlusion: renderOcclusion,
      memory: renderMemory, performance: renderPerformance, loading: renderLoading }[currentTab];
    if (r) r();
  }

  function renderTop() {
    const s = state.status;
    $('#top-frame').textContent = fmtInt(s.frame);
    $('#top-time').textContent = fmt(s.time_seconds, 1) + ' s';
    $('#top-ft').textContent = fmt(s.frame_time.latest, 2);
    $('#top-p99').textContent = fmt(s.frame_time.p99, 2);
    $('#top-mem').textContent = `${fmtBig(s.memory_used_mb)} / ${fmtBig(s.memory_total_mb)} MB`;
    $('#top-version').textContent = s.version;
    $('#top-rate').textContent = s.dashboard.update_rate_hz + ' Hz';
    const h = $('#health');
    h.replaceChildren(...Object.entries(s.health).map(([k, v]) => el('span', { className: 'hchip h-' + v, title: `${k}: ${v}` }, k)));
  }

  function card(k, v, sub, cls) {
    return el('div', { className: 'card ' + (cls || '') }, el('div', { className: 'k' }, k), el('div', { className: 'v' }, v), sub ? el('div', { className: 'sub' }, sub) : null);
  }
  const healthClass = (h) => ({ OK: 'ok', WARNING: 'warn', CRITICAL: 'crit' }[h] || '');

  function renderOverview() {
    const s = state.status;
    const loaded = (s.level_states.ACTIVE || 0) + (s.level_states.LOADED || 0) + (s.level_states.HIDDEN || 0);
    const ft = s.frame_time;
    $('#ov-cards').replaceChildren(
      card('Memory used', `${fmtBig(s.memory_used_mb)} MB`, `of ${fmtBig(s.memory_total_mb)} MB budgeted`, healthClass(s.health.memory)),
      card('Active volumes', `${s.active_volumes} / ${s.volume_count}`, `${s.enabled_volumes} enabled · ${s.source_count} sources`),
      card('Loaded levels', `${loaded} / ${s.level_count}`, `${s.level_states.ACTIVE || 0} active · ${s.level_states.LOADING || 0} loading`),
      card('Frame time p50/p95/p99', `${fmt(ft.p50, 1)}/${fmt(ft.p95, 1)}/${fmt(ft.p99, 1)}`, `target ${fmt(s.target_frame_time_ms, 2)} ms · max ${fmt(ft.max, 1)}`, healthClass(s.health.performance)),
      card('Streaming', s.streaming_complete ? 'complete' : `${s.missing_levels} missing`, `${s.loads_in_flight} loads in flight · ${s.pending_requests} pending`, healthClass(s.health.streaming)),
      card('Requests issued', fmtInt(s.requests_issued), `${s.outstanding_requests} outstanding`),
      card('Dashboard', `${s.dashboard.clients} client${s.dashboard.clients === 1 ? '' : 's'}`, `${s.dashboard.updates_dropped} updates dropped · ${s.dashboard.events_dropped + s.dashboard.core_events_dropped} events dropped`, healthClass(s.health.events)),
    );
    const total = Math.max(1, s.level_count);
    $('#ov-statebar').replaceChildren(...STATES.filter((st) => s.level_states[st]).map((st) => {
      const d = el('div', { title: `${st}: ${s.level_states[st]}` });
      d.style.width = (100 * s.level_states[st] / total) + '%';
      d.style.background = STATE_COLORS[st];
      return d;
    }));
    $('#ov-statelegend').replaceChildren(...STATES.map((st) => el('span', null, el('i', { className: 's-' + st }), `${st} ${s.level_states[st] || 0}`)));
    drawSpark($('#ov-spark'), state.metrics.frame_times, state.metrics.target_frame_time_ms, true);
    fillBody($('#ov-levels'), state.levels.map((l) => el('tr', { dataset: { level: l.name } },
      el('td', null, l.name),
      el('td', null, stateBadge(l.state)),
      el('td', null, l.priority),
      el('td', { className: 'r' }, fmtDist(l.distance)),
      el('td', { className: 'r' }, fmt(l.memory_mb, 0)),
      el('td', null, l.budget_name || '–'),
      el('td', null, [l.pinned ? 'manual' : null, l.wanting_volumes ? `${l.wanting_volumes} vol` : null].filter(Boolean).join(' + ') || '–'),
      el('td', null, l.lod || '–'),
      el('td', { className: 'r' }, l.failures ? `${l.failures}${l.gave_up ? ' (gave up)' : ''}` : '0'),
      el('td', null,
        el('button', { className: 'small', dataset: { action: 'load', level: l.name }, onclick: () => act(`load ${l.name}`, 'load_level', { level: l.name }) }, 'Load'), ' ',
        el('button', { className: 'small', dataset: { action: 'unload', level: l.name }, onclick: () => act(`unload ${l.name}`, 'unload_level', { level: l.name }) }, 'Unload'), ' ',
        el('button', { className: 'small', dataset: { action: l.hidden_by_host ? 'show' : 'hide', level: l.name }, onclick: () => act(`${l.hidden_by_host ? 'show' : 'hide'} ${l.name}`, 'set_level_visible', { level: l.name, visible: l.hidden_by_host }) }, l.hidden_by_host ? 'Show' : 'Hide')),
    )));
  }

  // ----- volumes and the map ---------------------------------------------------
  const view = { cx: 0, cy: 0, scale: 0.2, fitted: false, rings: true, labels: true, hover: null };
  function resizeCanvas(c) {
    const dpr = window.devicePixelRatio || 1;
    const w = Math.max(100, Math.round(c.clientWidth * dpr));
    const h = Math.max(60, Math.round(c.clientHeight * dpr));
    if (c.width !== w || c.height !== h) { c.width = w; c.height = h; }
    return dpr;
  }
  function fitMap() {
    if (!state) return;
    const c = $('#map');
    resizeCanvas(c);
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    const grow = (x, y, r) => { minX = Math.min(minX, x - r); maxX = Math.max(maxX, x + r); minY = Math.min(minY, y - r); maxY = Math.max(maxY, y + r); };
    for (const v of state.volumes) grow(v.center.x, v.center.y, v.radius + v.load_distance);
    for (const s of state.sources) grow(s.position.x, s.position.y, 100);
    if (!Number.isFinite(minX)) { minX = -1000; maxX = 1000; minY = -1000; maxY = 1000; }
    view.cx = (minX + maxX) / 2; view.cy = (minY + maxY) / 2;
    view.scale = Math.min(c.width / Math.max(1, maxX - minX), c.height / Math.max(1, maxY - minY)) * 0.9;
    view.fitted = true;
  }
  const toScreen = (c, x, y) => [c.width / 2 + (x - view.cx) * view.scale, c.height / 2 + (y - view.cy) * view.scale];
  const toWorld = (c, px, py) => [view.cx + (px - c.width / 2) / view.scale, view.cy + (py - c.height / 2) / view.scale];

  function drawMap() {
    const c = $('#map');
    const dpr = resizeCanvas(c);
    if (!view.fitted) fitMap();
    const g = c.getContext('2d');
    g.clearRect(0, 0, c.width, c.height);
    // Grid with a round world-unit spacing.
    const target = 80 * dpr / view.scale;
    const step = Math.pow(10, Math.floor(Math.log10(target)));
    const spacing = [1, 2, 5, 10].map((m) => m * step).find((s) => s >= target) || step * 10;
    const [x0, y0] = toWorld(c, 0, 0);
    const [x1, y1] = toWorld(c, c.width, c.height);
    g.lineWidth = 1;
    g.font = `${10 * dpr}px ui-monospace, monospace`;
    for (let x = Math.floor(x0 / spacing) * spacing; x <= x1; x += spacing) {
      const [sx] = toScreen(c, x, 0);
      g.strokeStyle = x === 0 ? '#3a4150' : '#1b1f27';
      g.beginPath(); g.moveTo(sx, 0); g.lineTo(sx, c.height); g.stroke();
      g.fillStyle = '#4b5260'; g.fillText(fmtBig(x), sx + 3, c.height - 4);
    }
    for (let y = Math.floor(y0 / spacing) * spacing; y <= y1; y += spacing) {
      const [, sy] = toScreen(c, 0, y);
      g.strokeStyle = y === 0 ? '#3a4150' : '#1b1f27';
      g.beginPath(); g.moveTo(0, sy); g.lineTo(c.width, sy); g.stroke();
      g.fillStyle = '#4b5260'; g.fillText(fmtBig(y), 3, sy - 3);
    }
    const circle = (x, y, r) => { const [sx, sy] = toScreen(c, x, y); g.beginPath(); g.arc(sx, sy, Math.max(0.5, r * view.scale), 0, Math.PI * 2); };
    // Volumes: body coloured by the level's state, rings at load/unload distance.
    for (const v of state.volumes) {
      const color = v.enabled ? (STATE_COLORS[v.level_state] || '#888') : '#59606b';
      if (view.rings && v.enabled) {
        g.setLineDash([6 * dpr, 4 * dpr]); g.strokeStyle = color + '99';
        circle(v.center.x, v.center.y, v.radius + v.load_distance); g.stroke();
        g.setLineDash([2 * dpr, 4 * dpr]); g.strokeStyle = color + '55';
        circle(v.center.x, v.center.y, v.radius + v.unload_distance); g.stroke();
        g.setLineDash([]);
      }
      circle(v.center.x, v.center.y, v.radius);
      if (v.enabled) { g.fillStyle = color + (v.wants ? '70' : '35'); g.fill(); }
      g.lineWidth = (view.hover === v.name ? 3 : 1.5) * dpr;
      g.setLineDash(v.enabled ? [] : [3 * dpr, 3 * dpr]);
      g.strokeStyle = color; g.stroke(); g.setLineDash([]); g.lineWidth = 1;
      if (view.labels) {
        const [sx, sy] = toScreen(c, v.center.x, v.center.y);
        g.fillStyle = '#e6edf3'; g.textAlign = 'center';
        g.fillText(v.name, sx, sy - 2);
        g.fillStyle = '#9aa4b2'; g.fillText(`${v.level} · ${v.level_state}`, sx, sy + 11 * dpr);
        g.textAlign = 'left';
      }
    }
    // Sources: position, direction of travel (2 s ahead) and reach (the
    // largest load distance: a volume whose surface is inside it is wanted).
    const reach = Math.max(0, ...state.volumes.filter((v) => v.enabled).map((v) => v.load_distance));
    state.sources.forEach((s, i) => {
      const [sx, sy] = toScreen(c, s.position.x, s.position.y);
      if (reach > 0) {
        g.setLineDash([2 * dpr, 3 * dpr]); g.strokeStyle = '#4fb3ff88';
        circle(s.position.x, s.position.y, reach); g.stroke(); g.setLineDash([]);
      }
      const vx = s.velocity.x, vy = s.velocity.y;
      const speed = Math.hypot(vx, vy);
      if (speed > 0) {
        const [ex, ey] = toScreen(c, s.position.x + vx * 2, s.position.y + vy * 2);
        let dx = ex - sx, dy = ey - sy;
        const len = Math.hypot(dx, dy);
        if (len < 24 * dpr) { dx *= 24 * dpr / len; dy *= 24 * dpr / len; }
        g.strokeStyle = '#4fb3ff'; g.lineWidth = 2 * dpr;
        g.beginPath(); g.moveTo(sx, sy); g.lineTo(sx + dx, sy + dy); g.stroke();
        const a = Math.atan2(dy, dx), h = 8 * dpr;
        g.beginPath(); g.moveTo(sx + dx, sy + dy);
        g.lineTo(sx + dx - h * Math.cos(a - 0.4), sy + dy - h * Math.sin(a - 0.4));
        g.lineTo(sx + dx - h * Math.cos(a + 0.4), sy + dy - h * Math.sin(a + 0.4));
        g.closePath(); g.fillStyle = '#4fb3ff'; g.fill(); g.lineWidth = 1;
      }
      g.beginPath(); g.arc(sx, sy, 5 * dpr, 0, Math.PI * 2); g.fillStyle = '#ffffff'; g.fill();
      g.strokeStyle = '#0d0f13'; g.stroke();
      g.fillStyle = '#ffffff'; g.fillText(`source ${i} · ${s.priority} · ${fmt(speed, 0)} u/s`, sx + 8 * dpr, sy - 8 * dpr);
    });
    g.fillStyle = '#7d8590';
    g.fillText(`grid ${fmtBig(spacing)} units`, c.width - 110 * dpr, 14 * dpr);
  }

  (function setupMap() {
    const c = $('#map');
    let drag = null;
    c.addEventListener('mousedown', (e) => { drag = { x: e.clientX, y: e.clientY, cx: view.cx, cy: view.cy }; c.classList.add('dragging'); });
    window.addEventListener('mouseup', () => { drag = null; c.classList.remove('dragging'); });
    c.addEventListener('mousemove', (e) => {
      const dpr = window.devicePixelRatio || 1;
      if (drag) {
        view.cx = drag.cx - (e.clientX - drag.x) * dpr / view.scale;
        view.cy = drag.cy - (e.clientY - drag.y) * dpr / view.scale;
        drawMap();
      }
      if (!state) return;
      const rect = c.getBoundingClientRect();
      const [wx, wy] = toWorld(c, (e.clientX - rect.left) * dpr, (e.clientY - rect.top) * dpr);
      const hit = state.volumes.find((v) => Math.hypot(v.center.x - wx, v.center.y - wy) <= Math.max(v.radius, 8 / view.scale));
      view.hover = hit ? hit.name : null;
      $('#map-hover').textContent = `x ${fmt(wx, 0)}  y ${fmt(wy, 0)}` + (hit ? `  ·  ${hit.name} → ${hit.level} (${hit.level_state}), gap ${fmtDist(hit.distance)}` : '');
    });
    c.addEventListener('wheel', (e) => {
      e.preventDefault();
      const dpr = window.devicePixelRatio || 1;
      const rect = c.getBoundingClientRect();
      const px = (e.clientX - rect.left) * dpr, py = (e.clientY - rect.top) * dpr;
      const [wx, wy] = toWorld(c, px, py);
      view.scale *= Math.exp(-e.deltaY * 0.0015);
      view.scale = Math.min(50, Math.max(1e-5, view.scale));
      view.cx = wx - (px - c.width / 2) / view.scale;
      view.cy = wy - (py - c.height / 2) / view.scale;
      drawMap();
    }, { passive: false });
    c.addEventListener('click', () => {
      if (!view.hover) return;
      const v = state.volumes.find((x) => x.name === view.hover);
      if (v) pickVolume(v);
    });
    $('#map-fit').addEventListener('click', () => { fitMap(); drawMap(); });
    $('#map-rings').addEventListener('change', (e) => { view.rings = e.target.checked; drawMap(); });
    $('#map-labels').addEventListener('change', (e) => { view.labels = e.target.checked; drawMap(); });
    $('#map-legend').replaceChildren(
      ...STATES.map((s) => el('span', null, el('i', { className: 's-' + s }), s)),
      el('span', null, el('i', { className: 's-DISABLED' }), 'disabled'),
      el('span', null, el('i', { className: 'ring' }), 'load / unload distance'),
      el('span', null, el('i', { className: 'src' }), 'source → 2 s of travel, dotted circle: reach (largest load distance)'),
    );
  })();

  function pickVolume(v) {
    const f = $('#f-adjust-volume');
    f.volume.value = v.name;
    f.radius.value = v.radius;
    f.load_distance.value = v.load_distance;
    f.unload_distance.value = v.unload_distance;
    for (const tr of $$('#vol-table tbody tr')) tr.classList.toggle('sel', tr.dataset.volume === v.name);
  }

  function renderVolumes() {
    drawMap();
    setOptions($('#adjust-volume'), state.volumes.map((v) => v.name), true);
    fillBody($('#vol-table'), state.volumes.map((v) => el('tr', { dataset: { volume: v.name }, className: $('#adjust-volume').value === v.name ? 'sel' : '' },
      el('td', null, v.name),
      el('td', null, v.level),
      el('td', null, stateBadge(v.level_state)),
      el('td', null, el('span', { className: v.enabled ? 'yes' : 'no' }, v.enabled ? 'yes' : 'no')),
      el('td', null, el('span', { className: v.wants ? 'yes' : 'no' }, v.wants ? 'wants' : '–')),
      el('td', { className: 'r' }, `${fmtBig(v.center.x)}, ${fmtBig(v.center.y)}, ${fmtBig(v.center.z)}`),
      el('td', { className: 'r' }, fmtBig(v.radius)),
      el('td', { className: 'r' }, fmtBig(v.load_distance)),
      el('td', { className: 'r' }, fmtBig(v.unload_distance)),
      el('td', { className: 'r' }, fmtDist(v.distance)),
      el('td', null, v.priority),
      el('td', null,
        el('button', { className: 'small', dataset: { action: v.enabled ? 'disable' : 'enable', volume: v.name }, onclick: () => act(`${v.enabled ? 'disable' : 'enable'} ${v.name}`, 'set_volume_enabled', { volume: v.name, enabled: !v.enabled }) }, v.enabled ? 'Disable' : 'Enable'), ' ',
        el('button', { className: 'small', onclick: () => pickVolume(v) }, 'Edit')),
    )));
  }

  // ----- LOD -------------------------------------------------------------------
  function renderLod() {
    fillBody($('#lod-table'), state.levels.map((l) => el('tr', { dataset: { level: l.name } },
      el('td', null, l.name),
      el('td', null, stateBadge(l.state)),
      el('td', { className: 'r' }, fmtDist(l.distance)),
      el('td', null, l.lod ? badge('rt-GOOD', l.lod) : el('span', { className: 'muted' }, 'ULTRA (no settings)')),
      el('td', null, el('button', { className: 'small', dataset: { action: 'auto', level: l.name }, onclick: () => act(`auto-adjust ${l.name}`, 'set_lod_auto_adjust', { level: l.name, auto_adjust: !l.lod_auto_adjust }) }, l.lod_auto_adjust ? 'on' : 'off')),
      el('td', null, ...LODS.map((lod) => el('button', {
        className: 'small' + (l.lod === lod ? ' primary' : ''), title: lod,
        dataset: { action: 'set-lod', level: l.name, lod },
        onclick: () => act(`${l.name} LOD ${lod}`, 'set_lod', { level: l.name, lod }),
      }, lod[0] + (lod === 'MINIMAL' ? 'in' : '')))),
      el('td', null, el('button', { className: 'small', dataset: { action: 'optimal', level: l.name }, onclick: (e) => {
        const cell = e.target.parentElement;
        command('calculate_optimal_lod', { level: l.name }).then((r) => { cell.dataset.result = r.lod; toast(`optimal LOD for ${l.name}: ${r.lod}`); }, (err) => toast(err.message, true));
      } }, 'Calculate')),
    )));
    const t = $('#lod-quality');
    if (!t.tBodies[0].rows.length) {
      fillBody(t, state.lod.quality_table.map((q, i) => el('tr', null,
        el('td', null, q.lod), el('td', { className: 'r' }, fmt(q.texture_quality, 2)), el('td', { className: 'r' }, fmt(q.mesh_quality, 2)),
        el('td', { className: 'r' }, fmtInt(q.draw_distance)), el('td', { className: 'r' }, fmt(q.shadow_quality, 2)),
        el('td', { className: 'r' }, fmtInt(state.lod.distance_thresholds[i])), el('td', { className: 'r' }, fmtInt(state.lod.memory_thresholds_mb[i])))));
    }
  }

  // ----- occlusion -------------------------------------------------------------
  function renderOcclusion() {
    const o = state.occlusion;
    const t = o.totals;
    const rc = { POOR: 'crit', MINIMUM: 'warn', GOOD: '', EXCELLENT: 'ok' }[o.rating];
    $('#occ-cards').replaceChildren(
      card('Efficiency', `${fmt(100 * t.efficiency, 1)}%`, `rating ${o.rating}`, rc),
      card('Levels tracked', fmtInt(t.levels), `${fmtBig(t.visible_actors)} visible · ${fmtBig(t.occluded_actors)} occluded`),
      card('Triangles saved', fmtBig(t.triangles_saved), 'total (estimated)'),
      card('Draw calls saved', fmtBig(t.draw_calls_saved), 'total (estimated)'),
      card('Frame time saved', `${fmt(t.last_frame_time_saved_ms, 2)} ms`, `last update · ${fmtBig(t.frame_time_saved_ms)} ms total`),
    );
    fillBody($('#occ-table'), o.levels.map((l) => {
      const bar = el('div', { className: 'bar' });
      const fill = el('div', { className: 'fill' });
      fill.style.width = (100 * l.efficiency) + '%';
      bar.append(fill, el('span', { className: 'label' }, fmt(100 * l.efficiency, 1) + '%'));
      bar.style.width = '140px';
      return el('tr', null,
        el('td', null, l.name), el('td', null, l.occlusion_type), el('td', { className: 'r' }, fmtInt(l.updates)),
        el('td', { className: 'r' }, fmtInt(l.visible_actors)), el('td', { className: 'r' }, fmtInt(l.occluded_actors)),
        el('td', null, bar), el('td', { className: 'r' }, fmt(100 * l.mean_efficiency, 1) + '%'),
        el('td', null, badge('rt-' + l.rating, l.rating)),
        el('td', { className: 'r' }, fmtBig(l.triangles_saved_total)), el('td', { className: 'r' }, fmtBig(l.draw_calls_saved_total)),
        el('td', { className: 'r' }, fmt(l.last_frame_time_saved_ms, 3)));
    }));
  }

  // ----- memory ----------------------------------------------------------------
  function renderMemory() {
    const m = state.memory;
    $('#mem-cards').replaceChildren(
      card('Used', `${fmtBig(m.used_memory_mb)} MB`, `${fmtBig(m.unbudgeted_memory_mb)} MB outside budgets`),
      card('Budgeted total', `${fmtBig(m.total_memory_mb)} MB`, `${fmt(m.usage_percentage, 1)}% used`),
      card('Worst state', m.worst_state, `${m.budgets.length} budgets`, { NORMAL: 'ok', WARNING: 'warn', CRITICAL: 'crit' }[m.worst_state]),
    );
    const bars = $('#mem-bars');
    bars.replaceChildren(...m.budgets.map((b) => {
      const bar = el('div', { className: 'bar' });
      const fill = el('div', { className: 'fill ' + b.state });
      fill.style.width = Math.min(100, 100 * b.usage_fraction) + '%';
      const w = el('div', { className: 'mark w', title: `warning ${fmt(100 * b.warning_threshold, 0)}%` });
      w.style.left = (100 * b.warning_threshold) + '%';
      const c = el('div', { className: 'mark c', title: `critical ${fmt(100 * b.critical_threshold, 0)}%` });
      c.style.left = `calc(${100 * b.critical_threshold}% - 2px)`;
      bar.append(fill, w, c, el('span', { className: 'label' }, `${fmt(b.current_usage_mb, 0)} / ${fmt(b.max_memory_mb, 0)} MB · ${fmt(100 * b.usage_fraction, 1)}%`));
      return el('div', { className: 'budget', dataset: { budget: b.name } },
        el('div', { className: 'title' }, el('b', null, b.name), badge('ms-' + b.state, b.state), el('span', { className: 'muted' }, `priority ${b.priority}${b.evicting ? ' · evicting' : ''} · allocated ${fmt(b.allocated_memory_mb, 0)} MB`)),
        bar,
        el('div', { className: 'levels' }, b.levels.length ? b.levels.map((l) => `${l.name} ${fmt(l.memory_mb, 0)} MB (${l.state})`).join(' · ') : 'no levels allocated'));
    }));
    if (!m.budgets.length) bars.append(el('p', { className: 'muted' }, 'No budget yet: create one below.'));
    setOptions($('#alloc-budget'), m.budgets.map((b) => b.name), true);
  }

  // ----- performance -------------------------------------------------------------
  function drawSpark(c, values, target, hitches, label) {
    const dpr = resizeCanvas(c);
    const g = c.getContext('2d');
    g.clearRect(0, 0, c.width, c.height);
    if (!values || !values.length) return;
    const max = Math.max(...values, hitches ? Math.max(target * 1.3, 20) : 1) * 1.1;
    if (label) {
      g.font = `${10 * dpr}px ui-monospace, monospace`;
      g.fillStyle = '#e6edf3';
      g.fillText(`${label}  latest ${fmtBig(values[values.length - 1])} · max ${fmtBig(Math.max(...values))}`, 6 * dpr, 12 * dpr);
    }
    const n = values.length;
    const bw = c.width / Math.max(n, 60);
    const room = c.height - (label ? 18 * dpr : 2);
    for (let i = 0; i < n; i++) {
      const v = values[i];
      const h = v / max * room;
      g.fillStyle = hitches ? (v > 33.3 || v > 2 * target ? '#f85149' : v > target ? '#d29922' : '#3fb950') : '#4fb3ff';
      g.fillRect(i * bw, c.height - h, Math.max(1, bw - 0.5 * dpr), h);
    }
    if (hitches) {
      g.strokeStyle = '#ffffff55'; g.setLineDash([4 * dpr, 3 * dpr]);
      const y = c.height - target / max * (c.height - 2);
      g.beginPath(); g.moveTo(0, y); g.lineTo(c.width, y); g.stroke(); g.setLineDash([]);
    }
  }

  function drawChart() {
    const c = $('#perf-chart');
    const dpr = resizeCanvas(c);
    const g = c.getContext('2d');
    g.clearRect(0, 0, c.width, c.height);
    const values = state.metrics.frame_times;
    const target = state.metrics.target_frame_time_ms;
    const left = 44 * dpr, bottom = 18 * dpr, top = 8 * dpr;
    const w = c.width - left - 8 * dpr, h = c.height - bottom - top;
    const max = Math.max(40, ...values) * 1.08;
    const y = (v) => top + h - v / max * h;
    g.font = `${10 * dpr}px ui-monospace, monospace`;
    g.fillStyle = '#7d8590';
    const step = max > 200 ? 50 : max > 80 ? 20 : 10;
    for (let v = 0; v <= max; v += step) {
      g.strokeStyle = '#1b1f27'; g.beginPath(); g.moveTo(left, y(v)); g.lineTo(left + w, y(v)); g.stroke();
      g.fillText(String(v), 6 * dpr, y(v) + 3 * dpr);
    }
    const n = values.length;
    const slots = Math.max(n, state.metrics.window_size || n, 60);
    const bw = w / slots;
    let hitches = 0;
    for (let i = 0; i < n; i++) {
      const v = values[i];
      const hitch = v > 33.3 || v > 2 * target;
      if (hitch) hitches++;
      g.fillStyle = hitch ? '#f85149' : v > 16.7 ? '#d29922' : '#3fb950';
      const x = left + (slots - n + i) * bw;
      g.fillRect(x, y(v), Math.max(1, bw - (bw > 3 ? dpr : 0)), top + h - y(v));
      if (hitch) { g.fillStyle = '#f8514933'; g.fillRect(x - bw, top, bw * 3, h); }
    }
    for (const [v, label] of [[16.7, '16.7 ms (60 fps)'], [33.3, '33.3 ms (30 fps)']]) {
      g.strokeStyle = v < 20 ? '#d29922' : '#f85149'; g.setLineDash([6 * dpr, 4 * dpr]);
      g.beginPath(); g.moveTo(left, y(v)); g.lineTo(left + w, y(v)); g.stroke(); g.setLineDash([]);
      g.fillStyle = g.strokeStyle; g.fillText(label, left + w - 110 * dpr, y(v) - 3 * dpr);
    }
    g.fillStyle = '#7d8590';
    g.fillText(`${n} frames · ${hitches} hitches (> 33.3 ms or > 2× target)`, left + 4 * dpr, c.height - 4 * dpr);
    return hitches;
  }

  function renderPerformance() {
    const st = state.metrics.stats;
    const ft = st.FRAME_TIME;
    const hitches = drawChart();
    const fps = ft.mean > 0 ? 1000 / ft.mean : 0;
    $('#perf-cards').replaceChildren(
      card('p50', `${fmt(ft.p50, 2)} ms`, `mean ${fmt(ft.mean, 2)} ms · ${fmt(fps, 0)} fps`),
      card('p95', `${fmt(ft.p95, 2)} ms`, `max ${fmt(ft.max, 2)} ms`),
      card('p99', `${fmt(ft.p99, 2)} ms`, `target ${fmt(state.metrics.target_frame_time_ms, 2)} ms`, ft.p99 > 33.3 ? 'crit' : ft.p99 > state.metrics.target_frame_time_ms ? 'warn' : 'ok'),
      card('Hitches', fmtInt(hitches), `in the last ${ft.count} frames`, hitches ? 'warn' : 'ok'),
      card('Draw calls', fmtBig(st.DRAW_CALLS.latest), `p95 ${fmtBig(st.DRAW_CALLS.p95)} · max ${fmtBig(st.DRAW_CALLS.max)}`),
      card('Triangles', fmtBig(st.TRIANGLE_COUNT.latest), `p95 ${fmtBig(st.TRIANGLE_COUNT.p95)} · max ${fmtBig(st.TRIANGLE_COUNT.max)}`),
      card('Warning', state.metrics.performance_warning ? 'ACTIVE' : 'none', `${state.metrics.frames_over_target} frames over target`, state.metrics.performance_warning ? 'crit' : 'ok'),
    );
    fillBody($('#perf-metrics'), Object.entries(st).map(([name, s]) => el('tr', null,
      el('td', null, `${name} `, el('span', { className: 'muted' }, s.unit)),
      ...['latest', 'min', 'mean', 'p50', 'p95', 'p99', 'max'].map((k) => el('td', { className: 'r' }, s.unit === 'count' ? fmtBig(s[k]) : fmt(s[k], 2))),
      el('td', { className: 'r', title: `${s.lifetime_count} since start` }, String(s.count)))));
    drawSpark($('#perf-dc'), state.metrics.draw_calls, 0, false, 'draw calls');
    drawSpark($('#perf-tri'), state.metrics.triangles, 0, false, 'triangles');
  }

  // ----- loading screens ---------------------------------------------------------
  function renderLoading() {
    const list = $('#ls-list');
    if (editing(list)) return;
    list.replaceChildren(...state.loading_screens.map((s) => {
      const bar = el('div', { className: 'bar' });
      const fill = el('div', { className: 'fill' });
      fill.style.width = (100 * s.progress) + '%';
      bar.append(fill, el('span', { className: 'label' }, `${s.assets_loaded} / ${s.total_assets} · ${fmt(100 * s.progress, 0)}%`));
      const input = el('input', { type: 'number', min: '0', step: '1', value: String(s.assets_loaded) });
      return el('div', { className: 'panel screen', dataset: { screen: String(s.id) } },
        el('div', null, el('span', { className: 'title' }, `#${s.id} ${s.title} `), s.visible ? badge('st-ACTIVE', 'VISIBLE') : badge('st-UNLOADED', 'HIDDEN'),
          s.bound_levels.length ? el('span', { className: 'muted' }, `  bound to ${s.bound_levels.map((l) => l.name + (l.done ? ' ✓' : '')).join(', ')}`) : null),
        el('div', { className: 'ctl' },
          el('button', { dataset: { action: 'show', screen: String(s.id) }, onclick: () => act(`show #${s.id}`, 'show_loading_screen', { screen: s.id }) }, 'Show'),
          el('button', { dataset: { action: 'hide', screen: String(s.id) }, onclick: () => act(`hide #${s.id}`, 'hide_loading_screen', { screen: s.id }) }, 'Hide'),
          s.bound_levels.length ? null : input,
          s.bound_levels.length ? null : el('button', { dataset: { action: 'progress', screen: String(s.id) }, onclick: () => act(`progress #${s.id}`, 'set_loading_progress', { screen: s.id, assets_loaded: Number(input.value) }) }, 'Set progress'),
          s.bound_levels.length ? null : el('button', { className: 'small', onclick: () => act(`progress #${s.id}`, 'set_loading_progress', { screen: s.id, assets_loaded: Math.min(s.total_assets, s.assets_loaded + 1) }) }, '+1')),
        el('div', { className: 'desc' }, s.description || ''),
        bar,
        el('div', { className: 'mono' }, `elapsed ${fmt(s.elapsed_seconds, 1)} s · ETA ${s.eta_seconds === null ? '–' : fmt(s.eta_seconds, 1) + ' s'}${s.auto_hidden ? ' · hid itself' : ''}`,
          s.current_tip ? el('span', { className: 'tip' }, `  “${s.current_tip}”`) : null));
    }));
    if (!state.loading_screens.length) list.append(el('p', { className: 'muted' }, 'No loading screen yet.'));
  }

  // ----- forms -------------------------------------------------------------------
  const num = (v) => (v === '' || v === undefined ? undefined : Number(v));
  function onSubmit(id, build) {
    $(id).addEventListener('submit', (e) => {
      e.preventDefault();
      const f = e.target;
      const [label, name, args] = build(f);
      act(label, name, args).catch(() => {});
    });
  }
  onSubmit('#f-create-volume', (f) => ['create volume ' + f.name.value, 'create_volume', {
    name: f.name.value, level: f.level.value,
    center: { x: num(f.x.value), y: num(f.y.value), z: num(f.z.value) },
    radius: num(f.radius.value), load_distance: num(f.load_distance.value),
    unload_distance: num(f.unload_distance.value), priority: f.priority.value,
  }]);
  onSubmit('#f-adjust-volume', (f) => ['adjust ' + f.volume.value, 'set_volume_distances', {
    volume: f.volume.value, radius: num(f.radius.value), load_distance: num(f.load_distance.value), unload_distance: num(f.unload_distance.value),
  }]);
  onSubmit('#f-create-budget', (f) => ['create budget ' + f.name.value, 'create_budget', {
    name: f.name.value, max_memory_mb: num(f.max_memory_mb.value), priority: f.priority.value,
  }]);
  onSubmit('#f-allocate', (f) => [`allocate ${f.level.value}`, 'allocate_level', {
    budget: f.budget.value, level: f.level.value, memory_mb: num(f.memory_mb.value),
  }]);
  onSubmit('#f-target', (f) => ['target frame time', 'set_target_frame_time', { frame_time_ms: num(f.frame_time_ms.value) }]);
  onSubmit('#f-create-screen', (f) => {
    const levels = f.levels.value.split(',').map((s) => s.trim()).filter(Boolean);
    const args = { title: f.title.value, description: f.description.value };
    if (levels.length) args.levels = levels; else args.total_assets = num(f.total_assets.value) || 0;
    return ['create loading screen', 'create_loading_screen', args];
  });
  $('#f-lod-calc').addEventListener('submit', (e) => {
    e.preventDefault();
    const f = e.target;
    command('calculate_optimal_lod', { distance: num(f.distance.value), available_memory_mb: num(f.available_memory_mb.value), frame_time_ms: num(f.frame_time_ms.value) })
      .then((r) => { $('#lod-calc-result').textContent = `→ ${r.lod} (textures ${r.quality.texture_quality}, draw distance ${r.quality.draw_distance})`; },
        (err) => toast(err.message, true));
  });
  $('#token-form').addEventListener('submit', (e) => {
    e.preventDefault();
    token = $('#token-input').value.trim();
    sessionStorage.setItem('lsm-token', token);
    failures = 0;
    if (ws) ws.close(); else connect();
  });

  // ----- event log ---------------------------------------------------------------
  const events = [];
  let paused = false;
  let heldBack = 0;
  const KINDS = ['level_state_changed', 'load_failed', 'request_failed', 'streaming_complete', 'memory_state_changed',
    'load_deferred', 'level_evicted', 'lod_changed', 'performance_warning', 'performance_recovered', 'loading_screen_hidden',
    'source_teleported', 'stream_around_complete', 'source_streaming_state_changed'];
  $('#ev-kind').append(...KINDS.map((k) => el('option', { value: k }, k.replace(/_/g, ' '))));
  function describe(e) {
    const lv = e.level_name || `level ${e.level}`;
    switch (e.type) {
      case 'level_state_changed': return `${lv}: ${e.from} → ${e.to}`;
      case 'load_failed': return `${lv}: load failed (attempt ${e.attempts})${e.will_retry ? ', will retry' : ', gave up'}`;
      case 'request_failed': return `${lv}: ${e.kind} failed (attempt ${e.attempts})`;
      case 'streaming_complete': return 'streaming complete: every wanted level is in';
      case 'memory_state_changed': return `budget ${e.budget_name || e.budget}: ${e.from} → ${e.to} (${fmt(100 * e.usage_fraction, 1)}%)`;
      case 'load_deferred': return `${lv}: load deferred, needs ${fmt(e.needed_mb, 0)} MB, ${fmt(e.available_mb, 0)} MB free in ${e.budget_name || e.budget}`;
      case 'level_evicted': return `${lv}: evicted from ${e.budget_name || e.budget}`;
      case 'lod_changed': return `${lv}: LOD ${e.from} → ${e.to}`;
      case 'performance_warning': return `frame time ${fmt(e.frame_time_ms, 1)} ms over ${fmt(e.target_ms, 1)} ms for ${e.consecutive_frames} frames`;
      case 'performance_recovered': return `performance recovered (${e.consecutive_frames} frames within ${fmt(e.target_ms, 1)} ms)`;
      case 'loading_screen_hidden': return `loading screen #${e.screen} hid itself: its levels are active`;
      case 'source_teleported': return `source ${e.source} teleported ${fmt(e.distance, 0)} units`;
      case 'stream_around_complete': return `stream_around #${e.handle} complete${e.failed_levels ? ` (${e.failed_levels} failed)` : ''}`;
      case 'source_streaming_state_changed': return `source ${e.source} streaming: ${e.from} → ${e.to}`;
      default: return JSON.stringify(e);
    }
  }
  let lastEventSeq = 0;
  function addEvents(list) {
    let added = 0;
    for (const e of list) {
      // The hello's history and the first update can overlap: keep each once.
      if (typeof e.seq === 'number') {
        if (e.seq <= lastEventSeq) continue;
        lastEventSeq = e.seq;
      }
      e.text = describe(e);
      events.push(e);
      added++;
    }
    if (!added) return;
    if (events.length > MAX_EVENTS) events.splice(0, events.length - MAX_EVENTS);
    if (paused) heldBack += added; else renderEvents();
  }
  function renderEvents() {
    const q = $('#ev-filter').value.trim().toLowerCase();
    const kind = $('#ev-kind').value;
    const shown = events.filter((e) => (!kind || e.type === kind) && (!q || e.text.toLowerCase().includes(q) || e.type.includes(q)));
    const items = shown.slice(-300).reverse().map((e) => el('li', { className: 'k-' + e.type, title: e.type },
      el('span', { className: 't' }, 'f' + e.frame), el('span', null, e.text)));
    $('#ev-list').replaceChildren(...items);
    $('#ev-count').textContent = `${shown.length}/${events.length}${paused && heldBack ? ` · ${heldBack} held` : ''}`;
  }
  $('#ev-pause').addEventListener('click', (e) => {
    paused = !paused;
    e.target.textContent = paused ? 'Resume' : 'Pause';
    e.target.classList.toggle('paused', paused);
    if (!paused) { heldBack = 0; renderEvents(); } else renderEvents();
  });
  $('#ev-clear').addEventListener('click', () => { events.length = 0; heldBack = 0; renderEvents(); });
  $('#ev-filter').addEventListener('input', renderEvents);
  $('#ev-kind').addEventListener('change', renderEvents);

  window.addEventListener('resize', queueRender);
  document.body.dataset.tab = currentTab;
  connect();
})();
