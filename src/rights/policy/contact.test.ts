// The privacy officer's published contact (P003-25): /privacy/contact gives the email and postal
// address the data map declares, the policy promises requests by exactly those channels (phone only
// when a phone is given), and a data map with no real channel stops the shop from starting.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildTestApp } from '../../platform/testing/app.ts';
import { testEachDatabase } from '../../platform/testing/databases.ts';
import { elementById, getPage, pageText } from './testing.ts';

const ADDRESS = 'Custodian Demo Shop Inc., Attn: Privacy Officer, 100 Example Avenue, Springfield, IL 62701, United States';

/** A copy of the shop's data map whose organization.dpo_contact is replaced by these YAML lines. */
function mapWithContact(lines: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'custodian-dpo-map-'));
  cpSync(fileURLToPath(new URL('../../../datamap/', import.meta.url)), dir, { recursive: true });
  const file = join(dir, 'organization.yml');
  const yaml = readFileSync(file, 'utf8');
  const replaced = yaml.replace(/ {2}dpo_contact:\n(?: {4}.*\n)+/, `  dpo_contact:\n${lines.replace(/^\n+/, '').trimEnd()}\n`);
  assert.notEqual(replaced, yaml, 'the contact was replaced');
  writeFileSync(file, replaced);
  return dir;
}

testEachDatabase('[P003-25] /privacy/contact publishes the privacy officer’s email and postal address, and the policy promises requests by exactly those channels', async (database) => {
  const { app } = await buildTestApp(database);
  try {
    const contact = await getPage(app, '/privacy/contact');
    assert.equal(contact.statusCode, 200);
    assert.match(contact.body, /<a href="mailto:privacy@shop\.example">privacy@shop\.example<\/a>/);
    assert.ok(contact.body.includes(`<address>${ADDRESS}</address>`), 'the postal address');
    assert.doesNotMatch(pageText(contact.body), /Phone/, 'no phone is published, so none is shown');
    assert.match(pageText(contact.body.slice(contact.body.indexOf('id="correct"'))), /write to the privacy officer by email or post/);
    const rights = pageText(elementById((await getPage(app, '/privacy')).body, 'rights', 'section'));
    assert.match(rights, /make any of these requests by email or post: our privacy officer accepts them/);
    assert.doesNotMatch(rights, /phone/i);
    assert.ok(rights.includes('privacy@shop.example') && rights.includes(ADDRESS), rights);
  } finally {
    await app.close();
  }
});

testEachDatabase('[P003-25] a phone given in the data map is published and promised; a map without an email or a postal address refuses to start, naming the field', async (database) => {
  const withPhone = mapWithContact(`
    name: Privacy Desk
    email: dpo@shop.example
    phone: +1 555 0100 200`);
  const { app } = await buildTestApp(database, { DATAMAP_DIR: withPhone });
  try {
    const contact = await getPage(app, '/privacy/contact');
    assert.match(contact.body, /<dt>Phone<\/dt><dd><a href="tel:\+15550100200">\+1 555 0100 200<\/a><\/dd>/);
    assert.match(contact.body, /mailto:dpo@shop\.example/);
    assert.doesNotMatch(contact.body, /<address>/, 'no postal address given, none shown');
    const rights = pageText(elementById((await getPage(app, '/privacy')).body, 'rights', 'section'));
    assert.match(rights, /make any of these requests by email or phone: our privacy officer/);
  } finally {
    await app.close();
  }
  const without = mapWithContact(`
    name: Privacy Officer`);
  await assert.rejects(buildTestApp(database, { DATAMAP_DIR: without }), (err: Error) => {
    assert.match(err.message, /organization\.dpo_contact\.email: or dpo_contact\.postal_address must be given/);
    return true;
  });
});
