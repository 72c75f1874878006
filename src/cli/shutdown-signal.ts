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
