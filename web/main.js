// @ts-check
/**
 * The console page: login, the live connection, and the wiring of readback to panels and of buttons
 * to commands. Every command button is disabled unless the live connection is up (and the readback
 * allows it); a dropped socket greys the page and shows DISCONNECTED until the hello of a reconnect.
 */
import { login, sendCommand } from './api-client.js';
import { drawBeamEyeView } from './bev-canvas.js';
import { approvedRegistration, commandAvailability, sessionPhase } from './command-availability.js';
import { applyMessage, emptyModel } from './console-state.js';
import { renderCouch } from './couch-panel.js';
import { LiveConnection } from './live-connection.js';
import { renderBeamStatus, renderInterlocks, renderJournal, renderLinks, renderMu, renderSession } from './panels.js';
import { renderRegistrations } from './registrations-panel.js';
import { RenderLoop } from './render-loop.js';

/** @param {string} id */
const el = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
const model = emptyModel();
let connected = false;
/** Every button that sends a command: the command bar, registration review, interlock acknowledgements. */
const COMMAND_BUTTONS = 'button[data-cmd], #registration-list button, #interlock-panel button';
let token = sessionStorage.getItem('linac-bridge-token');

const loop = new RenderLoop(draw);
const live = new LiveConnection({
  url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/v1/live`,
  token: () => token,
  onMessage: (msg) => loop.mark(applyMessage(model, msg)),
  onStatus: (s) => {
    connected = s.state === 'connected';
    document.body.classList.toggle('connected', connected);
    document.body.classList.toggle('disconnected', !connected);
    el('connection-status').textContent = connected ? 'connected' : 'DISCONNECTED';
    el('disconnected-detail').textContent = connected ? '' : disconnectedDetail(s);
    // every command is disabled in the same instant as the banner, not a frame later
    if (!connected) for (const b of /** @type {NodeListOf<HTMLButtonElement>} */ (document.querySelectorAll(COMMAND_BUTTONS))) b.disabled = true;
    loop.mark(['commands']);
  },
  onAuthFailed: () => showLogin('the session token was refused: log in again'),
});

/** @param {import('./live-connection.js').LinkStatus} s */
function disconnectedDetail(s) {
  const retry = s.retryInMs !== undefined ? `; reconnecting in ${(s.retryInMs / 1000).toFixed(1)} s (attempt ${s.attempt})` : s.state === 'connecting' ? '; connecting…' : '';
  return `no live readback: the values below are not current and every command is disabled${s.reason ? ` (${s.reason})` : ''}${retry}`;
}

/** @param {Set<string>} topics */
function draw(topics) {
  const s = model.snapshot;
  if (s) {
    if (topics.has('session')) renderSession(s);
    if (topics.has('beam') || topics.has('journal')) renderBeamStatus(s);
    if (topics.has('interlocks')) renderInterlocks(s.interlocks, (id) => run('acknowledgeInterlock', { id }));
    if (topics.has('beam')) renderMu(s.beam);
    if (topics.has('links')) renderLinks(s.links);
    if (topics.has('couch')) renderCouch(s.couch);
    if (topics.has('mlc')) drawBeamEyeView(/** @type {HTMLCanvasElement} */ (el('beam-eye-view')), s.mlc);
    if (topics.has('journal')) renderJournal(s.journalTail);
  }
  if (topics.has('identity')) el('who').textContent = model.user ? `${model.user} (${model.role})` : 'not logged in';
  // availability depends on nearly everything: recomputed every frame, cheap
  const avail = commandAvailability(s, { connected, role: model.role });
  for (const b of /** @type {NodeListOf<HTMLButtonElement>} */ (document.querySelectorAll('button[data-cmd]'))) {
    const a = avail[/** @type {string} */ (b.dataset.cmd)] ?? { enabled: connected, why: '' };
    b.disabled = !a.enabled;
    b.title = a.why;
    // a button for one phase only (repositionMlc: a held beam) is shown in it, disabled like any other
    if (b.dataset.shownIn) b.hidden = sessionPhase(s?.session) !== b.dataset.shownIn;
  }
  for (const b of /** @type {NodeListOf<HTMLButtonElement>} */ (document.querySelectorAll('#interlock-panel button.ack'))) b.disabled = !connected;
  if (s) renderRegistrations(s.registrations, { approve: (id) => run('approveRegistration', { registrationId: id }), reject: (id) => run('rejectRegistration', { registrationId: id, reason: /** @type {HTMLInputElement} */ (el('reject-reason')).value || 'rejected at the console' }), enabled: { approve: avail.approveRegistration.enabled, reject: avail.rejectRegistration.enabled }, role: model.role });
}

/** @param {string} type @param {Record<string, unknown>} [args] */
async function run(type, args = {}) {
  if (!connected || !token) return;
  const out = el('command-result');
  out.textContent = `${type}: sent…`;
  const r = await sendCommand(token, type, model.stateVersion, args);
  out.textContent = r.ok ? `${type}: accepted (state version ${r.stateVersion})` : `${type}: REFUSED ${r.code}: ${r.message}`;
  if (!r.ok && r.status === 401) showLogin('your session has expired: log in again');
}

/** Arguments a command button takes from the page. @param {string} cmd */
async function argsFor(cmd) {
  if (cmd === 'loadPlan') {
    const file = /** @type {HTMLInputElement} */ (el('plan-file')).files?.[0];
    if (file) return { plan: JSON.parse(await file.text()) };
    const planId = /** @type {HTMLInputElement} */ (el('plan-id')).value.trim();
    if (!planId) throw new Error('choose a plan file or enter a plan id');
    return { planId };
  }
  if (cmd === 'selectBeam') return { beamIndex: Number(/** @type {HTMLInputElement} */ (el('beam-index')).value) };
  if (cmd === 'moveCouch') return { registrationId: approvedRegistration(model.snapshot)?.id };
  if (cmd === 'reset') return { reason: /** @type {HTMLInputElement} */ (el('reset-reason')).value.trim() };
  return {};
}

/** @param {string} [message] */
function showLogin(message) {
  token = null;
  sessionStorage.removeItem('linac-bridge-token');
  live.stop();
  document.body.classList.remove('logged-in');
  el('login-form').hidden = false;
  el('console').hidden = true;
  el('beam-buttons').hidden = true;
  el('logout').hidden = true;
  el('login-error').textContent = message ?? '';
  /** @type {HTMLInputElement} */ (el('login-user')).focus();
}

function showConsole() {
  document.body.classList.add('logged-in');
  el('login-form').hidden = true;
  el('console').hidden = false;
  el('beam-buttons').hidden = false;
  el('logout').hidden = false;
  live.start();
}

el('login-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const form = /** @type {HTMLFormElement} */ (ev.currentTarget);
  const data = new FormData(form);
  const r = await login(String(data.get('username')), String(data.get('password')));
  if (!r.ok) {
    el('login-error').textContent = r.message;
    return;
  }
  token = r.token;
  sessionStorage.setItem('linac-bridge-token', r.token);
  /** @type {HTMLInputElement} */ (el('login-password')).value = '';
  showConsole();
});
el('logout').addEventListener('click', () => showLogin());
for (const b of /** @type {NodeListOf<HTMLButtonElement>} */ (document.querySelectorAll('button[data-cmd]'))) {
  b.disabled = true;
  b.addEventListener('click', async () => {
    let args;
    try {
      args = await argsFor(/** @type {string} */ (b.dataset.cmd));
    } catch (e) {
      el('command-result').textContent = `${b.dataset.cmd}: bad input: ${e instanceof Error ? e.message : String(e)}`;
      return;
    }
    await run(/** @type {string} */ (b.dataset.cmd), args);
  });
}
if (token) showConsole();
else showLogin();
