/**
 * A simulated portal imager (EPID) in integrating mode: while the beam is on it
 * records the MLC's TRUE leaf positions (not what the controller reports) with
 * the MU delivered through them; `read()` renders the integrated portal image
 * (`epid-render.ts`). Outside the wire protocols: the room hands it to whoever
 * asks for an image (the QA checks), as a physicist would fetch it from the
 * imaging workstation.
 */
import { renderPortalImage, type Aperture, type EpidRenderOptions, type Jaws, type RenderedImage } from './epid-render.js';
import type { Steppable } from './physics-loop.js';

export interface EpidLeafSource {
  readonly truePositions: { readonly bankAMm: readonly number[]; readonly bankBMm: readonly number[] };
}

export interface EpidBeamSource {
  readonly status: { readonly mu1: number };
}

/**
 * aS1000-like panel (1024 × 768 pixels of 0.392 mm) at SID 1000 mm, so 0.392 mm at the isocentre,
 * its long side across the leaves (Y_b) so every pair of a 40 cm bank is imaged; penumbra,
 * transmission and leakage: Millennium-like values, sources in docs/qa-mlc.md.
 */
export const defaultEpidOptions: Omit<EpidRenderOptions, 'leafBoundariesMm'> = {
  pixelMm: 0.392,
  widthMm: 301.1,
  heightMm: 401.4,
  leafEndPenumbraMm: 3.0,
  leafSidePenumbraMm: 3.0,
  jawPenumbraMm: 3.0,
  leafTransmission: 0.015,
  jawTransmission: 0.001,
  interleafLeakage: 0.01,
  interleafBandMm: 0.5,
  noiseRelative: 0,
  noiseSeed: 1,
};

/** Aperture changes below this (mm, any leaf) merge into one recorded aperture. */
const SAME_APERTURE_MM = 1e-3;

export class EpidPanel implements Steppable {
  private apertures: Array<{ bankAMm: number[]; bankBMm: number[]; mu: number }> = [];
  private lastMu = 0;
  /** Only between `begin` and `read` does the panel record (an idle room keeps nothing, however long it runs). */
  private acquiring = false;
  private jaws: Jaws;

  constructor(
    private readonly mlc: EpidLeafSource,
    private readonly beam: EpidBeamSource,
    readonly options: EpidRenderOptions,
    jaws?: Jaws,
  ) {
    const b = options.leafBoundariesMm;
    this.jaws = jaws ?? { x1Mm: -200, x2Mm: 200, y1Mm: b[0], y2Mm: b[b.length - 1] };
  }

  /** Starts a new integrated acquisition (the panel forgets what it saw), with these jaws if given. */
  begin(jaws?: Jaws): void {
    this.apertures = [];
    this.lastMu = this.beam.status.mu1;
    this.acquiring = true;
    if (jaws) this.jaws = jaws;
  }

  /** MU integrated since `begin`. */
  get integratedMu(): number {
    return this.apertures.reduce((s, a) => s + a.mu, 0);
  }

  /** Ends the acquisition and renders what it integrated since `begin` (isocentre plane; see `renderPortalImage`). */
  read(): RenderedImage {
    this.acquiring = false;
    return renderPortalImage(this.apertures as readonly Aperture[], this.jaws, this.options);
  }

  advance(): void {
    const mu = this.beam.status.mu1;
    const dMu = mu - this.lastMu;
    this.lastMu = mu;
    if (!this.acquiring || !(dMu > 0)) return; // idle, or a new beam was armed (its count restarts at 0)
    const { bankAMm, bankBMm } = this.mlc.truePositions;
    const last = this.apertures[this.apertures.length - 1];
    const same = last !== undefined && bankAMm.every((v, i) => Math.abs(v - last.bankAMm[i]) < SAME_APERTURE_MM) && bankBMm.every((v, i) => Math.abs(v - last.bankBMm[i]) < SAME_APERTURE_MM);
    if (same) last.mu += dMu;
    else this.apertures.push({ bankAMm: [...bankAMm], bankBMm: [...bankBMm], mu: dMu });
  }
}
