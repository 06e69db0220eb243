// One served shop and one Chromium for every journey in ./journeys (issue 16's services), each run
// as its own subtest so a failure names its journey.
import { testEachDatabase } from '../../src/platform/testing/databases.ts';
import { journeys } from './journeys/index.ts';
import { servedShop } from './served-shop.ts';

testEachDatabase('browser: the services journeys (subscriptions, service registration, support, quotes, surveys, testimonials)', async (database, t) => {
  if (journeys.length === 0) return;
  const shop = await servedShop(database, t);
  for (const journey of journeys) await t.test(journey.name, () => journey.run(shop));
});
