// @ts-check
/**
 * The registration queue: each registration with its source, classification, correction and status;
 * pending ones get Approve and Reject buttons (`approve-<id>`, `reject-<id>`). The buttons send the
 * registration id; the bridge refuses a superseded one.
 */
import { approvalAvailability } from './command-availability.js';
import { fmt } from './console-state.js';

/** @param {any} c */
export function correctionText(c) {
  if (!c) return 'no correction';
  return `lat ${fmt(c.lateralMm, 1)}, long ${fmt(c.longitudinalMm, 1)}, vert ${fmt(c.verticalMm, 1)} mm; yaw ${fmt(c.yawDeg, 2)}, pitch ${fmt(c.pitchDeg, 2)}, roll ${fmt(c.rollDeg, 2)}°`;
}

/**
 * @param {any[]} regs
 * @param {{ approve: (id: string) => void, reject: (id: string) => void, enabled: { approve: boolean, reject: boolean }, role?: string }} actions
 */
export function renderRegistrations(regs, actions) {
  const list = /** @type {HTMLElement} */ (document.getElementById('registration-list'));
  const seen = new Set();
  for (const r of Array.isArray(regs) ? regs : []) {
    const id = String(r.id);
    seen.add(id);
    let li = /** @type {HTMLElement | null} */ (list.querySelector(`li[data-id="${CSS.escape(id)}"]`));
    if (!li) {
      li = document.createElement('li');
      li.dataset.id = id;
      li.innerHTML = '<div class="reg-head"></div><div class="reg-corr"></div><div class="row"><button type="button" class="approve">Approve</button><button type="button" class="reject">Reject</button></div>';
      const approve = /** @type {HTMLButtonElement} */ (li.querySelector('button.approve'));
      const reject = /** @type {HTMLButtonElement} */ (li.querySelector('button.reject'));
      approve.setAttribute('data-testid', `approve-${id}`);
      reject.setAttribute('data-testid', `reject-${id}`);
      approve.setAttribute('aria-label', `Approve registration ${id}`);
      reject.setAttribute('aria-label', `Reject registration ${id}`);
      approve.addEventListener('click', () => actions.approve(id));
      reject.addEventListener('click', () => actions.reject(id));
      list.prepend(li);
    }
    li.dataset.status = String(r.status);
    const head = `${id} · ${r.source ?? '?'} · ${String(r.classification ?? '?').toUpperCase()}${r.classification === 'review' ? ' (physician review)' : ''} · ${String(r.status).toUpperCase()}${r.approvedBy ? ` by ${r.approvedBy.user} (${r.approvedBy.role})` : ''}${r.moved ? ' · couch moved' : ''}`;
    setText(/** @type {HTMLElement} */ (li.querySelector('.reg-head')), head);
    setText(/** @type {HTMLElement} */ (li.querySelector('.reg-corr')), correctionText(r.correction));
    const pending = r.status === 'pending';
    const approve = /** @type {HTMLButtonElement} */ (li.querySelector('button.approve'));
    const may = approvalAvailability(r, actions.role);
    approve.disabled = !actions.enabled.approve || !may.enabled;
    approve.title = may.why;
    /** @type {HTMLButtonElement} */ (li.querySelector('button.reject')).disabled = !pending || !actions.enabled.reject;
  }
  for (const li of [...list.children]) if (!li.classList.contains('empty') && !seen.has(/** @type {HTMLElement} */ (li).dataset.id ?? '')) li.remove();
  if (!seen.size && !list.querySelector('.empty')) list.innerHTML = '<li class="empty">no registration received</li>';
  else if (seen.size) list.querySelector('.empty')?.remove();
}

/** @param {HTMLElement} node @param {string} text */
function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}
