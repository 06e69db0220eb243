// The kernel's internals (keyring, root database handle, key cache, blind indexer) for the
// kernel's own jobs, commands and tests. They are not part of the PrivacyKernel API: a module
// holds only the methods, and no file outside src/privacy may import this one (plugin.test.ts).
import type { KernelContext } from './context.ts';
import type { PrivacyKernel } from './kernel.ts';

const contexts = new WeakMap<PrivacyKernel, KernelContext>();

export function attachInternals(kernel: PrivacyKernel, ctx: KernelContext): PrivacyKernel {
  contexts.set(kernel, ctx);
  return kernel;
}

export function kernelInternals(kernel: PrivacyKernel): KernelContext {
  const ctx = contexts.get(kernel);
  if (!ctx) throw new Error('NOT_A_KERNEL: this object was not made by startKernel or kernelOf');
  return ctx;
}
