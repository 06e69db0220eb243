import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { PrivacySetupError } from '../refusals.ts';
import { type fidesDocument, fidesYaml } from './fides-export.ts';
import { loadDataMap, readDataMapFiles, validateDataMap } from './load.ts';
import { policyVersionAt, retentionDays } from './policy.ts';
import { fideslangTaxonomy } from './taxonomy.ts';

const demoDir = fileURLToPath(new URL('../../../datamap/', import.meta.url));

function rawDemo(): Record<string, any> {
  return structuredClone(readDataMapFiles(demoDir).raw) as Record<string, any>;
}

function problemsOf(raw: Record<string, unknown>): string {
  try {
    validateDataMap(raw);
  } catch (err) {
    assert.ok(err instanceof PrivacySetupError, String(err));
    return err.message;
  }
  assert.fail('the data map was accepted');
}

test('the demo data map declares every purpose and category the seeds name', () => {
  const map = loadDataMap(demoDir);
  for (const purpose of [
    'fulfillment',
    'order-status',
    'billing',
    'support',
    'recommendations',
    'newsletters',
    'software-registration',
    'online-software',
    'monitoring',
    'account',
    'quotes',
    'mailing-list',
    'emergency',
  ]) {
    assert.ok(map.purposes.has(purpose), `purpose ${purpose}`);
  }
  // P004-03: name, company, address, phone, email, location, billing information.
  for (const category of [
    'user.name',
    'user.contact.organization',
    'user.contact.address',
    'user.contact.phone_number',
    'user.contact.email',
    'user.location.precise',
    'user.financial.bank_account',
    'user.payment',
    'user.telecom.cpni',
  ]) {
    assert.ok(map.categories.get(category)?.storable, `category ${category}`);
  }
  for (const subject of ['customer', 'vendor-contact', 'staff', 'mailing-list-member', 'service-contact', 'visitor']) {
    assert.ok(map.subjects.has(subject), `subject ${subject}`);
  }
  assert.equal(map.categories.get('user.financial.credit_card')?.storable, false);
  assert.equal(map.categories.get('user.telecom.cpni')?.cpni, true);
  assert.equal(map.purposes.get('newsletters')?.legalBasis, 'consent');
  assert.equal(map.residency.region, 'us');
});

test('a data map cannot declare a sale or marketing-list basis or purpose', () => {
  const withSaleBasis = rawDemo();
  withSaleBasis.recipients[0].bases.push('sale');
  assert.match(problemsOf(withSaleBasis), /sale is not a disclosure basis/);

  const withListBasis = rawDemo();
  withListBasis.recipients[1].bases.push('marketing-list');
  assert.match(problemsOf(withListBasis), /marketing-list is not a disclosure basis/);

  const withSalePurpose = rawDemo();
  withSalePurpose.purposes.push({ ...withSalePurpose.purposes[0], id: 'customer-list-sale', name: 'Selling the customer list' });
  assert.match(problemsOf(withSalePurpose), /sells personal data or customer lists/);

  const withThirdPartyUse = rawDemo();
  withThirdPartyUse.purposes.push({ ...withThirdPartyUse.purposes[0], id: 'partners', name: 'Partners', data_use: 'third_party_sharing' });
  assert.match(problemsOf(withThirdPartyUse), /shares or sells data to third parties/);
});

test('the data map must declare the fulfillment and order-status purposes', () => {
  const raw = rawDemo();
  raw.purposes = raw.purposes.filter((p: { id: string }) => p.id !== 'order-status');
  raw.roles = raw.roles.map((r: { purposes: string[] }) => ({ ...r, purposes: r.purposes.filter((p) => p !== 'order-status') }));
  raw.self_service.purposes = raw.self_service.purposes.filter((p: string) => p !== 'order-status');
  assert.match(problemsOf(raw), /must declare the purpose order-status/);
});

test('data map validation names the file and path of each problem', () => {
  const raw = rawDemo();
  raw.data_categories.push({ key: 'user.contact.carrier_pigeon', description: 'x' });
  raw.purposes[0].categories.push('user.not_declared');
  raw.recipients[0].receives.push('user.financial.credit_card');
  raw.purposes[1].legal_basis = 'because';
  const message = problemsOf(raw);
  assert.match(message, /data_categories\[\d+\]\.key: user\.contact\.carrier_pigeon is not a fideslang data category/);
  assert.match(message, /purposes\[0\]\.categories: user\.not_declared is not a category/);
  assert.match(message, /recipients\[0\]\.receives: user\.financial\.credit_card is never stored/);
  assert.match(message, /purposes\[1\]\.legal_basis: must be one of/);
});

test('what data collected before a purpose needs: consent by default, an opt-out window only for an opt-out purpose, 30 to 365 days', () => {
  const map = loadDataMap(demoDir);
  assert.deepEqual(map.purposes.get('recommendations')?.priorData, { choice: 'opt-out-window', days: 30 });
  assert.deepEqual(map.purposes.get('newsletters')?.priorData, { choice: 'consent' });
  const raw = rawDemo();
  const at = (id: string) => raw.purposes.findIndex((p: { id: string }) => p.id === id);
  Object.assign(raw.purposes[at('newsletters')], { prior_data: 'opt-out-window', opt_out_window_days: 30 });
  raw.purposes[at('recommendations')].opt_out_window_days = 7;
  Object.assign(raw.purposes[at('offers')], { prior_data: 'silence' });
  const message = problemsOf(raw);
  assert.match(message, new RegExp(`purposes\\[${at('newsletters')}\\]\\.prior_data: an opt-out window is only for a legitimate-interest purpose with an opt-out`));
  assert.match(message, new RegExp(`purposes\\[${at('recommendations')}\\]\\.opt_out_window_days: must be a whole number of days from 30 to 365`));
  assert.match(message, new RegExp(`purposes\\[${at('offers')}\\]\\.prior_data: must be consent or opt-out-window`));
});

test('a source of inbound data provides only declared categories of the purposes it serves, on a legal basis', () => {
  const map = loadDataMap(demoDir);
  assert.deepEqual([...map.sources.get('credit-agency')!.provides], ['user.financial.credit_history']);
  const raw = rawDemo();
  raw.sources.push(
    { id: 'data-broker', name: 'A broker', description: 'x', provides: ['user.financial.credit_card'], purposes: ['no-such-purpose'], basis: 'because' },
    { id: 'bank', name: 'A bank', description: 'x', provides: ['user.contact.email'], purposes: ['credit-check'], basis: 'contract' },
  );
  const message = problemsOf(raw);
  assert.match(message, /sources\[1\]\.provides: user\.financial\.credit_card is never stored/);
  assert.match(message, /sources\[1\]\.purposes: no-such-purpose is not a declared purpose/);
  assert.match(message, /sources\[1\]\.basis: must be one of/);
  assert.match(message, /sources\[2\]\.provides: user\.contact\.email is not a category of the purpose credit-check/);
  const { sources: _none, ...without } = rawDemo();
  assert.equal(validateDataMap(without).sources.size, 0, 'a map without sources keeps no inbound data');
});

test('policy versions have effective dates and the one in force is chosen by date', () => {
  const map = loadDataMap(demoDir);
  assert.equal(policyVersionAt(map, new Date('2024-06-01'))?.version, '2024.1');
  assert.equal(policyVersionAt(map, new Date('2025-03-01'))?.version, '2025.1');
  assert.equal(policyVersionAt(map, new Date('2023-01-01')), null);
  const raw = rawDemo();
  raw.policy_versions[1].effective = '2023-06-01';
  assert.match(problemsOf(raw), /must take effect after the version before it/);
  assert.deepEqual(
    map.policyVersions.map((v) => v.material),
    [false, true],
  );
  delete raw.policy_versions[0].material;
  raw.policy_versions[1].material = 'yes';
  assert.match(problemsOf(raw), /policy_versions\[0\]\.material: must be true or false/);
  assert.match(problemsOf(raw), /policy_versions\[1\]\.material: must be true or false/);
});

test('retention is declared per category and purpose, most specific rule first', () => {
  const map = loadDataMap(demoDir);
  assert.equal(retentionDays(map, 'user.content.private', 'support').days, 730);
  assert.equal(retentionDays(map, 'user.contact.email', 'quotes').days, 365);
  assert.equal(retentionDays(map, 'user.contact.email', 'fulfillment').days, map.retention.defaultDays);
});

test('fides export: every key is in the fideslang taxonomy or declared as an extension', () => {
  const map = loadDataMap(demoDir);
  const doc = parse(fidesYaml(map)) as ReturnType<typeof fidesDocument> & Record<string, any>;
  const taxonomy = fideslangTaxonomy();
  const extCategories = new Set<string>(doc.data_category.map((c: { fides_key: string }) => c.fides_key));
  const extSubjects = new Set<string>(doc.data_subject.map((c: { fides_key: string }) => c.fides_key));
  const extUses = new Set<string>(doc.data_use.map((c: { fides_key: string }) => c.fides_key));
  const category = (key: string) => assert.ok(taxonomy.dataCategories.has(key) || extCategories.has(key), `data category ${key}`);
  for (const ext of doc.data_category) {
    assert.ok(!taxonomy.dataCategories.has(ext.fides_key), `${ext.fides_key} redeclares a default key`);
    assert.ok(taxonomy.dataCategories.has(ext.parent_key) || extCategories.has(ext.parent_key), `parent ${ext.parent_key}`);
  }
  let declarations = 0;
  for (const system of doc.system) {
    for (const flow of system.egress) flow.data_categories.forEach(category);
    for (const d of system.privacy_declarations) {
      declarations++;
      assert.ok(taxonomy.dataUses.has(d.data_use) || extUses.has(d.data_use), `data use ${d.data_use}`);
      d.data_categories.forEach(category);
      d.shared_categories.forEach(category);
      for (const s of d.data_subjects) assert.ok(taxonomy.dataSubjects.has(s) || extSubjects.has(s), `data subject ${s}`);
      assert.ok(['Consent', 'Contract', 'Legal obligations', 'Vital interests', 'Public interest', 'Legitimate interests'].includes(d.legal_basis_for_processing));
    }
  }
  assert.equal(declarations, map.purposes.size);
  for (const dataset of doc.dataset) for (const c of dataset.collections) for (const f of c.fields) f.data_categories.forEach(category);
  assert.ok(extCategories.has('user.telecom.cpni'));
});

test('the privacy officer’s contact needs a real channel: a map with neither an email nor a postal address does not load, naming the field (P003-25)', () => {
  const map = validateDataMap(rawDemo());
  assert.deepEqual(map.organization.dpoContact, {
    name: 'Privacy Officer',
    email: 'privacy@shop.example',
    phone: '',
    postalAddress: 'Custodian Demo Shop Inc., Attn: Privacy Officer, 100 Example Avenue, Springfield, IL 62701, United States',
  });
  // The fides export's System.dpo carries the email.
  assert.equal((parse(fidesYaml(map)) as { system: { dpo: string }[] }).system[0]!.dpo, 'privacy@shop.example');

  const none = rawDemo();
  none.organization.dpo_contact = { name: 'Privacy Officer' };
  assert.match(problemsOf(none), /organization\.dpo_contact\.email: or dpo_contact\.postal_address must be given/);
  const placeholder = rawDemo();
  placeholder.organization.dpo_contact = 'privacy officer (staff role dpo), reachable through /privacy/contact';
  assert.match(problemsOf(placeholder), /organization\.dpo_contact: must be a mapping with name, email, postal_address/);
  const bad = rawDemo();
  bad.organization.dpo_contact = { name: 'Privacy Officer', email: 'not an address', phone: 'call us' };
  const problems = problemsOf(bad);
  assert.match(problems, /organization\.dpo_contact\.email: must be an email address/);
  assert.match(problems, /organization\.dpo_contact\.phone: must be a phone number/);
  // A postal address alone is enough, and then the export falls back to it.
  const post = rawDemo();
  post.organization.dpo_contact = { name: 'Privacy Officer', postal_address: '1 Example Road, Springfield' };
  const postal = validateDataMap(post);
  assert.equal((parse(fidesYaml(postal)) as { system: { dpo: string }[] }).system[0]!.dpo, '1 Example Road, Springfield');
});

test('aggregate data is about no one: no user category, no data subject or purpose; a map without it keeps none (decision 0061)', () => {
  const map = validateDataMap(rawDemo());
  const siteUse = map.aggregates.get('site-use');
  assert.ok(siteUse, 'the demo map declares site-use statistics');
  assert.ok([...siteUse.dataCategories].every((c) => !c.startsWith('user')));
  const personal = rawDemo();
  personal.aggregate_data[0].data_categories = ['user.behavior.browsing_history'];
  personal.aggregate_data[0].data_subjects = ['visitor'];
  const problems = problemsOf(personal);
  assert.match(problems, /aggregate_data\[0\]\.data_categories: user\.behavior\.browsing_history is personal data/);
  assert.match(problems, /aggregate_data\[0\]\.data_subjects: aggregate data has no data subject/);
  const without = rawDemo();
  delete without.aggregate_data;
  assert.equal(validateDataMap(without).aggregates.size, 0);
});
