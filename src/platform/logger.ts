// One pino logger; every log object and message passes through `redact` before it is written,
// so personal data cannot reach the logs whatever a caller passes in.
import { pino, type Logger, type DestinationStream } from 'pino';
import { redact, scrubString } from './redact.ts';

export type { Logger };

export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: {
      log: (obj) => redact(obj) as Record<string, unknown>,
    },
    hooks: {
      logMethod(args, method) {
        const scrubbed = args.map((a) => (typeof a === 'string' ? scrubString(a) : a));
        return method.apply(this, scrubbed as Parameters<typeof method>);
      },
    },
    serializers: {
      err: (err: Error) => redact(err),
      error: (err: Error) => redact(err),
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
