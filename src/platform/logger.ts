// One pino logger; every log object, message, format argument and child binding passes through
// `redact` before it is written, so personal data cannot reach the logs whatever a caller passes in.
import { pino, type Logger, type DestinationStream } from 'pino';
import { redact, scrubErrorText, scrubString } from './redact.ts';

export type { Logger };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

// pino fills a missing message from `err.message` after our formatters have run, so supply the
// scrubbed message ourselves.
function withMessage(args: unknown[]): unknown[] {
  const [first, second] = args;
  if (typeof second === 'string' || !isRecord(first)) return args;
  const err = first instanceof Error ? first : first.msg === undefined ? first.err : undefined;
  if (!isRecord(err) || typeof err.message !== 'string') return args;
  return [first, scrubErrorText(err.message), ...args.slice(1)];
}

const GENERATED_REQUEST_ID = /^req-[0-9a-z]{1,12}$/;

function isGeneratedRequestId(bindings: pino.Bindings): boolean {
  let keys = 0;
  for (const key in bindings) {
    if (++keys > 1 || key !== 'reqId') return false;
  }
  return keys === 1 && typeof bindings.reqId === 'string' && GENERATED_REQUEST_ID.test(bindings.reqId);
}

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
        const scrubbed = withMessage(args).map((a, i) => (typeof a === 'string' ? scrubString(a) : i > 0 ? redact(a) : a));
        return method.apply(this, scrubbed as Parameters<typeof method>);
      },
    },
    serializers: {
      err: (err: Error) => redact(err),
      error: (err: Error) => redact(err),
    },
  };
  const logger = destination ? pino(options, destination) : pino(options);
  // pino applies no formatter to child bindings; children inherit this override.
  // Fastify makes a child for every request, bound to nothing but the id it generated itself
  // (`req-` and a base-36 counter): that binding holds no personal data and skips the scrubbing.
  const child = logger.child;
  logger.child = function (this: Logger, bindings, childOptions) {
    return child.call(this, isGeneratedRequestId(bindings) ? bindings : (redact(bindings) as pino.Bindings), childOptions);
  } as typeof logger.child;
  return logger;
}
