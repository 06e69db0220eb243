// The public entry of the CLI: the runner, which tests call as the program does (src/cli/main.ts
// is the program). Any other file here is internal (decision 0032).
export { runCli } from './run.ts';
