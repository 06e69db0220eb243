// The published privacy policy: the version in force at /privacy, every published version at
// /privacy/versions/:version. Rendered per request from the data map and the settings, so it
// changes with them and a version starts showing on its effective date without a restart.
import type { FastifyPluginAsync } from 'fastify';
import { notFound } from '../../platform/errors.ts';
import { sendPage } from '../../web/page.ts';
import { policyEdition, publishedVersions } from './edition.ts';
import { notYetInForcePage, policyPage, versionsPage } from './page.ts';
import { html } from '../../web/template.ts';
import { transferNotice } from '../transfer/page.ts';
import { currentTransfer } from '../transfer/transfer.ts';

const versionParams = {
  type: 'object',
  required: ['version'],
  // The data map's own shape of a version id.
  properties: { version: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$' } },
} as const;

export const policyRoutes: FastifyPluginAsync = async (app) => {
  const map = app.privacy.map;
  const rights = app.config.rights;

  app.get('/privacy', { schema: { hide: true } }, async (request, reply) => {
    const edition = policyEdition(map, new Date());
    if (!edition) return sendPage(request, reply, notYetInForcePage(map));
    const page = policyPage(map, edition, rights, app.wiring.cookies, app.config.analyticsMinCount);
    const notice = transferNotice(await currentTransfer(app.db), app.config.shopName);
    return sendPage(request, reply, notice ? { ...page, body: html`${notice}${page.body}` } : page);
  });

  app.get('/privacy/versions', { schema: { hide: true } }, async (request, reply) => {
    const published = publishedVersions(map, new Date());
    return sendPage(request, reply, published.length ? versionsPage(published) : notYetInForcePage(map));
  });

  app.get<{ Params: { version: string } }>('/privacy/versions/:version', { schema: { hide: true, params: versionParams } }, async (request, reply) => {
    const edition = policyEdition(map, new Date(), request.params.version);
    if (!edition) throw notFound('This version of the privacy policy');
    return sendPage(request, reply, policyPage(map, edition, rights, app.wiring.cookies, app.config.analyticsMinCount));
  });
};
