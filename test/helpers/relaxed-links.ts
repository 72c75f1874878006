/**
 * Link timing with more room than the default (heartbeat 250 ms, stale after 400 ms instead of
 * 100/150 ms, evidence 800 ms; all within the config's rules), for tests about something other than
 * link timing: on a loaded 2-core machine a 150 ms stale limit holds a beam mid-test. Link timing
 * has its own tests and `npm run bench -- hil`. Takes a config object (parsed or raw JSON).
 */
export function relaxedLinks(b: any): void {
  for (const l of [b.links.mlc, b.links.beam, b.links.couch]) Object.assign(l, { heartbeatMs: 250, staleAfterMs: 400 });
  b.tolerances.evidenceMaxAgeMs = 800;
}
