// The public entry of the CLI: the runner (src/cli/main.ts is the program).
// Any other file here is internal (decision 0032).


// Used only by tests outside the module (the whole-app tests, other modules' tests).
export { runCli } from './run.ts';
