/**
 * Resolves on the first SIGINT or SIGTERM. Call it before printing a "ready"
 * line: a supervisor that reads that line may signal at once, and a signal
 * that arrives before the handler is installed kills the process instead.
 */
export function shutdownSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (sig: NodeJS.Signals) => () => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve(sig);
    };
    const onInt = on('SIGINT');
    const onTerm = on('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
  });
}

/** Why a command must stop now, and the exit code it then ends with. */
export interface StopRequest {
  readonly reason: string;
  readonly exitCode: number;
}

/** Exit codes of a run stopped from outside or by a bug (documented in src/cli/README.md). */
export const STOP_EXIT = { SIGINT: 130, SIGTERM: 143, parentExited: 129, internalError: 70 } as const;

/** How often the launching process is checked (npx exits on SIGTERM without passing it on). */
const PARENT_CHECK_MS = 250;

/**
 * Every way out that is not the command's own end: SIGINT, SIGTERM, an
 * uncaught exception or an unhandled rejection, or the launching process
 * exiting (npm's `npx` exits on SIGTERM and leaves its child running,
 * re-parented: treated like a hangup). `requested` resolves on the
 * first; later ones are ignored while the command stops safely (a second
 * Ctrl-C does not cut the hold short; the stop is bounded). `dispose()`
 * removes the handlers.
 */
export function stopTriggers(): { requested: Promise<StopRequest>; dispose(): void } {
  let resolve!: (r: StopRequest) => void;
  const requested = new Promise<StopRequest>((r) => (resolve = r));
  let fired = false;
  const fire = (r: StopRequest): void => {
    if (!fired) resolve(r);
    fired = true;
  };
  const onInt = (): void => fire({ reason: 'SIGINT', exitCode: STOP_EXIT.SIGINT });
  const onTerm = (): void => fire({ reason: 'SIGTERM', exitCode: STOP_EXIT.SIGTERM });
  const onError = (e: unknown): void => {
    process.stderr.write(`linac-bridge: internal error, stopping safely: ${(e as Error)?.stack ?? String(e)}\n`);
    fire({ reason: `internal error: ${(e as Error)?.message ?? String(e)}`, exitCode: STOP_EXIT.internalError });
  };
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  process.on('uncaughtException', onError);
  process.on('unhandledRejection', onError);
  const parent = process.ppid;
  const watch = setInterval(() => process.ppid !== parent && fire({ reason: `the launching process ${parent} exited`, exitCode: STOP_EXIT.parentExited }), PARENT_CHECK_MS);
  watch.unref();
  return {
    requested,
    dispose() {
      clearInterval(watch);
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      process.off('uncaughtException', onError);
      process.off('unhandledRejection', onError);
    },
  };
}
