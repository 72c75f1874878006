/**
 * A portal (EPID) image as the MLC checks analyse it, and where one comes
 * from. Pixel sizes are at the isocentre plane (a panel at SID s with pitch p
 * gives p · SAD / s). Simulated images put X_b along the columns and Y_b along
 * the rows; a real image's orientation is found by the analysis (or given).
 */
export interface EpidImage {
  readonly rows: number;
  readonly cols: number;
  /** Row-major signal, larger = more dose (an inverted panel image is flipped before analysis). */
  readonly data: Float32Array | Float64Array;
  /** Pixel size at the isocentre plane, mm. */
  readonly pixelMm: number;
  /** Centre of pixel (0, 0): column j is at x0Mm + j·pixelMm, row i at y0Mm + i·pixelMm (isocentre plane). */
  readonly x0Mm: number;
  readonly y0Mm: number;
}

/**
 * An integrating imager: `begin` starts an acquisition, `read` returns the image
 * of everything delivered since. The simulated room's `EpidPanel` is one; on a
 * real machine an adapter fetches the acquired RT Image (`rt-image.ts`).
 */
export interface EpidImageSource {
  begin(): Promise<void> | void;
  read(): Promise<EpidImage> | EpidImage;
}
