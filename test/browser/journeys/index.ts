// The journeys of issue 16's services (subscriptions, service registration, support, quotes,
// surveys, testimonials), each a function run against one served shop and one browser, so the
// suite starts the shop and Chromium once for all of them. Add a journey here: one line each.
import type { ServedShop } from '../served-shop.ts';
import { testimonialsJourney } from './testimonials.ts';
import { quoteJourney } from './quote.ts';
import { surveyJourney } from './survey.ts';
import { supportJourney } from './support.ts';
import { serviceRegistration } from './service-registration.ts';
import { subscriptionsJourney } from './subscriptions.ts';
import { telecomJourney } from './telecom.ts';
import { analyticsJourney } from './analytics.ts';

export interface Journey {
  name: string;
  run(shop: ServedShop): Promise<void>;
}

export const journeys: Journey[] = [testimonialsJourney, quoteJourney, surveyJourney, supportJourney, serviceRegistration, subscriptionsJourney, telecomJourney];
journeys.push(analyticsJourney);
