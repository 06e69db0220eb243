// The surveys module's pages: the staff's survey list, a survey's questions and its service report,
// and the respondent's answer page (every question optional, said so) and thanks. No JavaScript.
import { errorSummary, form, input, radios, select, textarea, type FormState } from '../web/form.ts';
import type { Page } from '../web/page.ts';
import { renderText } from '../web/plain-text.ts';
import { table } from '../web/table.ts';
import { html, type SafeHtml } from '../web/template.ts';
import type { QuestionReport } from './report.ts';
import { TEXT_MAX as TEXT_LIMIT } from './answers.ts';
import type { Question, Survey } from './surveys.ts';

const timeOf = (d: Date | null) => (d ? `${new Date(d).toISOString().slice(0, 16).replace('T', ' ')} UTC` : '—');
const kindLabels = { text: 'Free text', choice: 'One choice of a list', rating: 'Rating from 1 to 5' } as const;
const sharedLabels: Record<string, string> = { none: 'No contact details', name: 'Name', 'name-address': 'Name and postal address' };
export const categoryLabels: Record<string, string> = { 'user.name': 'your name', 'user.contact.address': 'your postal address' };

export interface SurveysView {
  surveys: readonly Survey[];
  runners: readonly { id: string; name: string }[];
  recipientName: (id: string | null) => string;
  state: FormState;
}

export function surveysPage(v: SurveysView): Page {
  const { state } = v;
  return {
    audience: 'staff',
    title: 'Surveys',
    body: html`<h1>Surveys</h1>
<p>Surveys are voluntary: they go only to customers who turned surveys on, every question can be skipped, and the answers feed the service report without names. A survey run by an intermediary sends it only the answers and details declared here, and only for respondents who agree on the survey page.</p>
${table({
  caption: 'Surveys',
  columns: [{ label: 'Title' }, { label: 'Run by' }, { label: 'Status' }, { label: 'Invited', numeric: true }, { label: 'Written' }],
  rows: v.surveys.map((s) => [html`<a href="/staff/surveys/${s.id}">${s.title}</a>`, v.recipientName(s.recipient), s.status, s.invited, timeOf(s.created_at)]),
  empty: 'No survey yet.',
})}
<h2>New survey</h2>
${errorSummary(state, { title: 'Title', intro: 'Introduction', recipient: 'Run by', shared: 'Contact details the intermediary receives' })}
${form(
  { action: '/staff/surveys', csrf: state.csrf, novalidate: true },
  html`${input(state, { name: 'title', label: 'Title', maxlength: 200 })}
${textarea(state, { name: 'intro', label: 'Introduction', maxlength: 2000, rows: 3, required: false, hint: 'Why you ask; the mail and the page add that answering is optional.' })}
${radios(state, { name: 'recipient', legend: 'Run by', choices: [{ value: '', label: 'The shop itself (nothing is shared)' }, ...v.runners.map((r) => ({ value: r.id, label: r.name }))] })}
${select(state, { name: 'shared', label: 'Contact details the intermediary receives', choices: Object.entries(sharedLabels).map(([value, label]) => ({ value, label })), hint: 'Only for a survey run by an intermediary, and only from respondents who agree.' })}
<p><button type="submit">Save as draft</button></p>`,
)}`,
  };
}

export interface SurveyView {
  s: Survey;
  questions: readonly Question[];
  recipientName: string;
  tally: { invited: number; answered: number; declined: number; shared: number };
  csrf: string;
  question: FormState;
  open: FormState;
}

export function surveyPage(v: SurveyView): Page {
  const { s } = v;
  return {
    audience: 'staff',
    title: `Survey: ${s.title}`,
    body: html`<h1>${s.title}</h1>
<p>Status: <strong>${s.status}</strong>. Run by: ${v.recipientName}.${
      s.recipient
        ? html` Declared for it: the answers marked “shared” below${
            s.shared_categories.length
              ? html` and ${s.shared_categories
                  .map((c) => categoryLabels[c] ?? c)
                  .join(', ')
                  .replace(/your /g, 'the respondent’s ')}`
              : ''
          }.`
        : ''
    }</p>
${s.intro ? html`<div class="survey-intro">${renderText(s.intro)}</div>` : ''}
<p>Invited ${v.tally.invited}; answered ${v.tally.answered}; declined ${v.tally.declined}${s.recipient ? html`; shared with the intermediary ${v.tally.shared}` : ''}. <a href="/staff/surveys/${s.id}/report">Service report</a></p>
${table({
  caption: 'Questions',
  columns: [{ label: 'No.' }, { label: 'Question' }, { label: 'Kind' }, { label: 'Choices' }, { label: 'Shared with the intermediary' }],
  rows: v.questions.map((q) => [q.position, q.prompt, kindLabels[q.kind], q.choices.join(', ') || '—', s.recipient ? (q.shared ? 'yes' : 'no') : '—']),
  empty: 'No question yet.',
})}
${
  s.status === 'draft'
    ? html`<h2>Add a question</h2>
${errorSummary(v.question, { kind: 'Kind', prompt: 'Question', choices: 'Choices', shared: 'Shared with the intermediary' })}
${form(
  { action: `/staff/surveys/${s.id}/questions`, csrf: v.csrf, novalidate: true },
  html`${select(v.question, { name: 'kind', label: 'Kind', choices: Object.entries(kindLabels).map(([value, label]) => ({ value, label })) })}
${input(v.question, { name: 'prompt', label: 'Question', maxlength: 300 })}
${textarea(v.question, { name: 'choices', label: 'Choices', maxlength: 1200, rows: 3, required: false, hint: 'For a choice question: one per line.' })}
${
  s.recipient
    ? select(v.question, {
        name: 'shared',
        label: 'Shared with the intermediary',
        choices: [
          { value: 'no', label: 'No: the answer stays with the shop' },
          { value: 'yes', label: 'Yes: declared, sent if the respondent agrees' },
        ],
      })
    : html`<input type="hidden" name="shared" value="no">`
}
<p><button type="submit">Add the question</button></p>`,
)}
${errorSummary(v.open, { prompt: 'Questions' })}
${form({ action: `/staff/surveys/${s.id}/open`, csrf: v.csrf }, html`<p><button type="submit">Open and invite customers</button></p>`)}`
    : s.status === 'open'
      ? form({ action: `/staff/surveys/${s.id}/close`, csrf: v.csrf }, html`<p><button type="submit">Close the survey</button></p>`)
      : ''
}
<p><a href="/staff/surveys">All surveys</a></p>`,
  };
}

export function reportPage(s: Survey, tally: { invited: number; answered: number; declined: number }, report: readonly QuestionReport[], showTexts: boolean): Page {
  return {
    audience: 'staff',
    title: `Report: ${s.title}`,
    body: html`<h1>Service report: ${s.title}</h1>
<p>Invited ${tally.invited}; answered ${tally.answered}; declined ${tally.declined}. Counts only, and text answers without names, in alphabetical order.</p>
${report.map(
  (r) => html`<section class="survey-report">
<h2>${r.question.position}. ${r.question.prompt}</h2>
<p>${r.answered} answered.${r.average !== null ? html` Average rating: <strong>${r.average.toFixed(1)}</strong> of 5.` : ''}</p>
${r.question.kind === 'choice' ? table({ caption: 'Answers', hideCaption: true, columns: [{ label: 'Choice' }, { label: 'Answers', numeric: true }], rows: r.choices.map((c) => [c.choice, c.n]) }) : ''}
${
  r.question.kind !== 'text'
    ? ''
    : !showTexts
      ? html`<p>The text answers are shown to owners only: they are the respondents’ own words.</p>`
      : r.texts.length
        ? html`<ul class="survey-texts">${r.texts.map((t) => html`<li>${t}</li>`)}</ul>`
        : html`<p>No text answer.</p>`
}
</section>`,
)}
<p><a href="/staff/surveys/${s.id}">Back to the survey</a></p>`,
  };
}

function questionField(q: Question, state: FormState): SafeHtml {
  const name = `q-${q.id}`;
  const value = state.values?.[name] ?? '';
  const error = state.errors?.[name];
  const err = error ? html`<span class="error" id="f-${name}-error">${error}</span>` : '';
  if (q.kind === 'text') return textarea(state, { name, label: `${q.position}. ${q.prompt}`, maxlength: TEXT_LIMIT, rows: 4, required: false, hint: 'Optional.' });
  const options =
    q.kind === 'choice' ? q.choices.map((c) => ({ value: c, label: c })) : ['1', '2', '3', '4', '5'].map((n) => ({ value: n, label: n === '1' ? '1 (poor)' : n === '5' ? '5 (excellent)' : n }));
  return html`<fieldset class="field survey-question${error ? ' field-error' : ''}" id="f-${name}">
<legend>${q.position}. ${q.prompt}</legend>
<span class="hint">Optional.</span>
${options.map((o, i) => html`<p><input type="radio" id="f-${name}-${i}" name="${name}" value="${o.value}"${o.value === value ? html` checked` : ''}> <label for="f-${name}-${i}">${o.label}</label></p>`)}
<p><input type="radio" id="f-${name}-skip" name="${name}" value=""${value === '' ? html` checked` : ''}> <label for="f-${name}-skip">No answer</label></p>
${err}
</fieldset>`;
}

export interface AnswerView {
  s: Survey;
  questions: readonly Question[];
  token: string;
  state: FormState;
  recipientName: string | null;
}

export function answerPage(v: AnswerView): Page {
  const { s } = v;
  const shared = v.questions.filter((q) => q.shared);
  const labels = Object.fromEntries(v.questions.map((q) => [`q-${q.id}`, `Question ${q.position}`]));
  return {
    audience: 'storefront',
    title: s.title,
    body: html`<h1>${s.title}</h1>
${s.intro ? html`<div class="survey-intro">${renderText(s.intro)}</div>` : ''}
<p class="notice"><strong>Answering is optional.</strong> Every question can be skipped; you may also send the form with nothing filled in, and we note only that you declined. We use the answers to improve our service${v.recipientName ? '' : ' and share them with nobody'}.</p>
${errorSummary(v.state, labels)}
${form(
  { action: '/survey', csrf: v.state.csrf, novalidate: true, hidden: { token: v.token } },
  html`${v.questions.map((q) => questionField(q, v.state))}
${
  v.recipientName
    ? html`<fieldset class="field survey-share"><legend>Sharing with ${v.recipientName}</legend>
<p>This survey is run for us by ${v.recipientName}. If you agree, it receives ${shared.length ? html`your answers to question${shared.length > 1 ? 's' : ''} ${shared.map((q) => q.position).join(', ')}` : 'no answer'}${s.shared_categories.length ? html` and ${s.shared_categories.map((c) => categoryLabels[c] ?? c).join(' and ')}` : ''}, nothing else, and may use them for this survey only. Without your agreement it receives nothing.</p>
<p><input type="checkbox" id="f-share" name="share" value="yes"${v.state.values?.share === 'yes' ? html` checked` : ''}> <label for="f-share">Share the answers and details named above with ${v.recipientName}</label></p>
</fieldset>`
    : ''
}
<p><button type="submit">Send</button></p>`,
)}`,
  };
}

export function thanksPage(declined: boolean, shared: boolean): Page {
  return {
    audience: 'storefront',
    title: 'Thank you',
    body: html`<h1>Thank you</h1>
<p>${declined ? 'You sent no answer, which is fine: we noted that you declined and will not ask again for this survey.' : `We received your answers.${shared ? ' The answers you agreed to share went to the survey service, recorded in your privacy centre under “Who received your data”.' : ''}`}</p>
<p><a href="/">Back to the shop</a></p>`,
  };
}

export function answeredPage(): Page {
  return {
    audience: 'storefront',
    title: 'Survey answered',
    body: html`<h1>You answered this survey already</h1>
<p>Thank you. Your answers are in your <a href="/account/privacy">privacy centre</a> with the rest of your data.</p>`,
  };
}
