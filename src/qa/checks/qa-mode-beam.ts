/**
 * The beam the MLC checks deliver with: a bridge session in QA mode on the rig's drivers
 * (docs/qa.md, "QA mode"), never the beam driver alone.
 *
 *   arm(beam)  ─▶ QA_SELECT_BEAM: the session arms the linac (an earlier beam's counts reset) and ends it at the preset
 *   beamOn()   ─▶ BEAM_ON through the QA permit: door, e-stop, links, dose channels… all apply;
 *                 a denial is PERMIT_DENIED naming the interlocks, and no beam
 *   resume() ─▶ after a hold: once the QA permit allows again (the interlock cleared), RESUME through it
 *   terminate()─▶ ABORT (the session terminates the beam, stops MLC and couch) and TERMINATE on the driver, both at once
 *   status(), snapshot$: the beam driver's readback
 *
 * One QA beam is one segment (QA mode ends a beam at its preset), so a check that images several
 * pickets delivers one QA beam per picket.
 */
import type { BridgeSession } from '../../bridge/bridge-session.js';
import { BridgeError } from '../../core/bridge-error.js';
import { BeamState, MU_LSB, type ArmRequest, type BeamStatus } from '../../protocol/beam-protocol.js';
import { qaPermitFor } from '../../interlock/qa-permit.js';
import type { SessionNotice } from '../../interlock/session-types.js';
import type { QaCheckOptions } from '../qa-rig.js';
import { waitFor } from '../wait.js';
import type { QaBeamLink } from './mlc-qa-links.js';

/** How long the session may take to act on an operator event (arm, beam on), ms of wall time. */
const SESSION_ACT_MS = 5_000;

export class QaModeBeam implements QaBeamLink {
  private readonly notices: SessionNotice[] = [];
  private beam: ArmRequest | undefined;

  private constructor(
    private readonly s: BridgeSession,
    private readonly o: QaCheckOptions,
  ) {
    s.notices$.subscribe((n) => this.notices.push(n));
  }

  /** Opens a session and enters QA mode as the run's physicist; a refusal is PERMIT_DENIED with the reason. */
  static async open(o: QaCheckOptions): Promise<QaModeBeam> {
    const g = new QaModeBeam(o.rig.openSession(), o);
    g.s.send({ type: 'ENTER_QA', operator: o.operator, role: 'physicist' });
    if (!(await waitFor(() => g.state().startsWith('qa.'), SESSION_ACT_MS))) {
      const refused = g.notices.find((n) => n.kind === 'qa-refused');
      g.s.stop({ reason: 'qa mode refused' });
      throw new BridgeError('PERMIT_DENIED', 'QA mode refused', { field: 'session.ENTER_QA', actual: refused?.kind === 'qa-refused' ? refused.reason : g.state() });
    }
    return g;
  }

  get snapshot$() {
    return this.o.rig.drivers.beam.snapshot$;
  }

  status(): Promise<BeamStatus> {
    return this.o.rig.drivers.beam.status();
  }

  async arm(a: ArmRequest): Promise<BeamStatus> {
    await this.settle('qa.idle', 'qa.ready');
    this.beam = a;
    this.s.send({ type: 'QA_SELECT_BEAM', operator: this.o.operator, beam: { beamId: a.beamId, presetMu: a.presetMu, doseRateMuPerMin: a.doseRateMuPerMin } });
    const d = this.o.rig.drivers.beam;
    const armed = (st: BeamStatus | undefined) => !!st && st.beamId === a.beamId && st.state === BeamState.Armed && Math.abs(st.presetMu - a.presetMu) <= MU_LSB && Math.abs(st.segmentEndMu - a.presetMu) <= MU_LSB;
    await this.until(() => armed(d.latest?.status), 'beam.arm');
    return d.latest!.status;
  }

  /**
   * Like a physicist waiting for the permit light before pressing beam-on: waits (bounded) until the
   * QA permit would allow, so a link that missed one heartbeat on a busy machine is waited out rather
   * than failing the check; the session still judges the permit on BEAM_ON itself.
   */
  async beamOn(): Promise<BeamStatus> {
    if (!this.beam) throw new BridgeError('INPUT_INVALID', 'no QA beam selected', { field: 'beam.beamOn' });
    await this.settle('qa.ready');
    await waitFor(() => this.permit().permitted, SESSION_ACT_MS);
    return this.start('BEAM_ON', 'qa.ready', 'beam.beamOn');
  }

  private permit() {
    return qaPermitFor(this.s.snapshot.context, { type: 'TICK', atMs: performance.now() });
  }

  async resume(): Promise<readonly string[]> {
    await this.settle('qa.beamHold');
    const causes = [...this.s.snapshot.context.holdCauses];
    if (!(await waitFor(() => this.permit().permitted, SESSION_ACT_MS))) throw new BridgeError('PERMIT_DENIED', 'the interlocks that held the QA beam did not clear', { field: 'beam.resume', actual: this.permit().causes.join(' '), limit: SESSION_ACT_MS, unit: 'ms' });
    await this.start('RESUME', 'qa.beamHold', 'beam.resume');
    return causes;
  }

  /** BEAM_ON or RESUME; resolves once the linac reports this beam on (or already complete), rejects on a denial. */
  private async start(type: 'BEAM_ON' | 'RESUME', from: string, field: string): Promise<BeamStatus> {
    const seen = this.notices.length;
    this.s.send({ type, operator: this.o.operator });
    const d = this.o.rig.drivers.beam;
    const denial = () => this.notices.slice(seen).find((n) => n.kind === 'permit-denied');
    const on = () => this.state() !== from && [BeamState.BeamOn, BeamState.Complete].includes(d.latest?.status.state as BeamState) && d.latest?.status.beamId === this.beam?.beamId;
    await this.until(() => on() || !!denial(), field);
    const denied = denial();
    if (denied?.kind === 'permit-denied') throw new BridgeError('PERMIT_DENIED', `the QA permit refused ${type}`, { field, actual: denied.unmet.join(' ') });
    return d.latest!.status;
  }

  async terminate(): Promise<unknown> {
    this.s.send({ type: 'ABORT', operator: this.o.operator }); // the session's own terminate and stops
    return this.o.rig.drivers.beam.terminate();
  }

  /** Leaves QA mode (to idle: no plan, nothing verified) and ends the session. */
  async close(): Promise<void> {
    await waitFor(() => ['qa.idle', 'qa.ready', 'fault', 'aborted'].includes(this.state()), SESSION_ACT_MS);
    if (this.state() === 'qa.idle' || this.state() === 'qa.ready') this.s.send({ type: 'EXIT_QA', operator: this.o.operator });
    this.s.stop({ reason: 'qa check done' });
  }

  private state(): string {
    return this.s.stateName;
  }

  /** Waits for the session to reach one of `states` (a beam just delivered takes an evidence cycle to be seen). */
  private async settle(...states: string[]): Promise<void> {
    await this.until(() => states.includes(this.state()), `session.${states.join('|')}`);
  }

  /** Waits for `cond`; a session that faults or aborts meanwhile, or too long a wait, is an error naming `field`. */
  private async until(cond: () => boolean, field: string): Promise<void> {
    const gone = () => this.state() === 'fault' || this.state() === 'aborted';
    const ok = await waitFor(() => cond() || gone(), SESSION_ACT_MS);
    if (ok && !gone()) return;
    const c = this.s.snapshot.context;
    const why = gone() ? `session ${this.state()}: ${c.faultReason ?? c.latchedFaults.join(' ')}` : `session ${this.state()}`;
    throw new BridgeError(gone() ? 'DEVICE_FAULT' : 'REQUEST_TIMEOUT', 'the QA-mode session did not do it', { field, actual: why, ...(ok ? {} : { limit: SESSION_ACT_MS, unit: 'ms' }) });
  }
}
