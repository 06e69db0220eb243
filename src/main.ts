// `npm start`: the shop (src/start.ts), started with glibc's malloc arenas capped first, before
// any other module is loaded (src/platform/malloc-arenas.ts, decision 0069).
import { restartWithFewMallocArenas } from './platform/malloc-arenas.ts';

restartWithFewMallocArenas();
await import('./start.ts');
