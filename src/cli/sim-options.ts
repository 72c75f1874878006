/** Simulator options from the configured device models (simulators take plain options, not config). */
import type { LoadedConfig } from '../config/load-config.js';
import { leafBoundariesMm } from '../config/mlc-model.js';
import type { SimRoomOptions } from '../../simulators/sim-room.js';

export function simOptionsFrom(cfg: LoadedConfig, timeScale = cfg.bridge.simulation.timeScale): SimRoomOptions {
  const { mlc, couch } = cfg;
  return {
    timeScale,
    couchUnitId: cfg.bridge.links.couch.unitId,
    mlc: { model: mlc.id, leafPairs: mlc.leafPairs, maxLeafSpeedMmPerS: mlc.maxLeafSpeedMmPerS, minGapMm: mlc.minGapMm, interdigitation: mlc.interdigitation, travel: mlc.travel },
    couch: {
      ranges: {
        lateralMm: couch.rangeMm.lateral, longitudinalMm: couch.rangeMm.longitudinal, verticalMm: couch.rangeMm.vertical,
        pitchDeg: couch.rangeDeg.pitch, rollDeg: couch.rangeDeg.roll, yawDeg: couch.rangeDeg.yaw,
      },
      translationMmPerS: couch.speed.translationMmPerS,
      rotationDegPerS: couch.speed.rotationDegPerS,
      translationMmPerS2: couch.acceleration.translationMmPerS2,
      rotationDegPerS2: couch.acceleration.rotationDegPerS2,
      noise: { translationMm: 0.02, rotationDeg: 0.005 },
      watchdogMs: cfg.bridge.links.couch.heartbeatMs * 5,
    },
    beam: { watchdogMs: cfg.bridge.links.beam.heartbeatMs * 3 },
    epid: { leafBoundariesMm: leafBoundariesMm(mlc) },
  };
}
