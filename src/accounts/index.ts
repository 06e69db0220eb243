// The public entry of accounts: what other modules, the composition root and the whole-app tests
// use of it. Any other file here is internal (decision 0032).
export { commsMailerFor } from './comms-mailer.ts';
export { type AccountsDeps, type AgeStatement, checkAgeStatement, checkEmail } from './customers.ts';
export { ACCOUNT_PURPOSE, AGE, CREDENTIALS, EMAIL, NAME } from './identity.ts';
export { accountsModule } from './module.ts';
export { type DashboardCard, dashboardCardsOf } from './dashboard-cards.ts';
export { hashPassword } from './passwords.ts';
export { SESSION_COOKIE, sessionCookie } from './plugin.ts';
export { privacyOfficerActor } from './privacy-officer.ts';
export { throttleSecret } from './secrets.ts';
export { type ActiveSession, endVendorSessions, sessionLifetimes } from './sessions.ts';
export { createStaff } from './staff.ts';
export { TOKEN_SHAPE, digestToken, randomToken } from './tokens.ts';
export { activeStaffOf, activeVendorUsersOf, insertUser, staffRolesOf, usersOfSubjects } from './users.ts';

// Used only by tests outside the module (the whole-app tests, other modules' tests).
export { confirmSignUp, prepareSignUp, signUp } from './customers.ts';
export { findAccount } from './identity.ts';
export { MAIL_PER_ADDRESS } from './mail-throttle.ts';
export { currentParams, verifyPassword } from './passwords.ts';
export { finishEnrolment, startEnrolment } from './second-factor.ts';
export { stepAt, totpCode } from './totp.ts';
export { consentBoxes, consentFieldNames, consentFields, offeredConsents, recordCollectionConsents, tickedConsents } from './collection-consents.ts';

// Used by the security self-check (src/security): staff second factors and password ages.
export { type StaffPosture, staffPosture } from './posture.ts';
