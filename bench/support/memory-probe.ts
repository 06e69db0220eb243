// Preloaded by bench/memory.ts (`node --import`) into the shop and, through fork's execArgv, the
// sandbox processor: on SIGUSR2 it writes process.memoryUsage() to MEMORY_PROBE_DIR/PID.json, so the
// benchmark can split resident memory into V8 heap, external (PGlite's WebAssembly memory is there)
// and the rest (compiled code, native libraries, allocator).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.MEMORY_PROBE_DIR;
if (dir) {
  process.on('SIGUSR2', () => {
    writeFileSync(join(dir, `${process.pid}.json`), JSON.stringify(process.memoryUsage()));
  });
}
