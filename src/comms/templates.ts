// Mail templates: declared by the module that owns the mail as its Module's `mailTemplates` (names
// are `<module>.<what>`, e.g. `accounts.password-reset`) and collected by the composition root into
// `wiring.mailTemplates`, where the send job finds a queued message's template by name (decision
// 0034). A template renders a subject line, a plain text body and optionally an HTML body (through
// html``, which escapes every value). It sees the non-personal parameters stored in the outbox, the
// shop's name and address, and the personal values read through the privacy kernel at send time,
// by category.
import type { Module } from '../platform/module.ts';
import type { PersonalValue } from '../privacy/index.ts';
import type { SafeHtml } from '../web/template.ts';
import type { MailKind } from './kinds.ts';
import type { TemplateParams } from './tables.ts';

export interface TemplateInput {
  params: Readonly<TemplateParams>;
  /** Values of the categories the request named in `personal`, by category (missing: not stored). */
  personal: Readonly<Record<string, PersonalValue | undefined>>;
  shop: { name: string; url: string };
}

export interface RenderedMail {
  /** One line; line breaks are replaced by spaces. */
  subject: string;
  text: string;
  html?: SafeHtml;
}

export interface MailTemplate {
  name: string;
  /** What the message is, for the person's own list of mail sent to them (default: the name). */
  title?: string;
  /** Default 'transactional'; a request of another kind is refused. */
  kind?: MailKind;
  /** Parameter names the template needs; a request that lacks one or adds another is refused. */
  params?: readonly string[];
  /**
   * Those of `params` that carry a one-time token (a link to confirm, reset or download). The
   * outbox keeps them sealed under the recipient's key by the kernel, never readable (decision 0025).
   */
  secretParams?: readonly string[];
  /** Categories the template reads (e.g. user.name); a request must name each of them in `personal`. */
  personal?: readonly string[];
  render(input: TemplateInput): RenderedMail;
}

const TEMPLATE_NAME = /^[a-z0-9]+(?:[-_][a-z0-9]+)*(?:\.[a-z0-9]+(?:[-_][a-z0-9]+)*)+$/;
const PARAM_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

/** Every module's templates by name (`wiring.mailTemplates`). */
export type MailTemplates = ReadonlyMap<string, MailTemplate>;

declare module '../platform/module.ts' {
  interface Module {
    /** The mail templates this module queues mail with. */
    mailTemplates?: readonly MailTemplate[];
  }
  interface Wiring {
    /** Every module's mail templates by name: what the send job renders a queued message with. */
    mailTemplates: MailTemplates;
  }
}

/** Throws when a template's name or parameter names are malformed: a mistake in the code that declares it. */
export function checkTemplate(template: MailTemplate): void {
  if (template.name.length > 200 || !TEMPLATE_NAME.test(template.name)) {
    throw new Error(`Mail template name "${template.name}" must look like module.what (lowercase letters, digits, - and _)`);
  }
  for (const name of template.params ?? []) {
    if (!PARAM_NAME.test(name)) throw new Error(`Mail template ${template.name}: parameter name "${name}" must be a letter then letters, digits or _`);
  }
  for (const name of template.secretParams ?? []) {
    if (!(template.params ?? []).includes(name)) throw new Error(`Mail template ${template.name}: secret parameter ${name} is not one of its params`);
  }
}

/** The templates `modules` declare, by name; the same object declared twice is harmless, two under one name stop start. */
export function mailTemplatesOf(modules: readonly Module[]): MailTemplates {
  const byName = new Map<string, MailTemplate>();
  const owner = new Map<string, string>();
  for (const module of modules) {
    for (const template of module.mailTemplates ?? []) {
      checkTemplate(template);
      const taken = byName.get(template.name);
      if (taken && taken !== template) throw new Error(`Mail template ${template.name} is declared by both module ${owner.get(template.name)} and module ${module.name}`);
      byName.set(template.name, template);
      owner.set(template.name, module.name);
    }
  }
  return byName;
}

export function isParamName(name: string): boolean {
  return PARAM_NAME.test(name);
}
