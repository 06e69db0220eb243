// The checks, in the order they are reported. One file each.
import type { Check } from '../findings.ts';
import { auditCheck } from './audit.ts';
import { cookiesCheck } from './cookies.ts';
import { dependenciesCheck } from './dependencies.ts';
import { headersCheck } from './headers.ts';
import { jobsCheck } from './jobs.ts';
import { keyringCheck } from './keyring.ts';
import { secretsCheck } from './secrets.ts';
import { staffCheck } from './staff.ts';
import { tlsCheck } from './tls.ts';

export const CHECKS: readonly Check[] = [headersCheck, cookiesCheck, tlsCheck, secretsCheck, keyringCheck, staffCheck, auditCheck, jobsCheck, dependenciesCheck];
