// `npm start`: the shop (src/start.ts), started with glibc's malloc set to give freed memory back,
// before any other module is loaded (src/platform/lean-malloc.ts, decision 0069).
import { restartWithLeanMalloc } from './platform/lean-malloc.ts';

restartWithLeanMalloc();
await import('./start.ts');
