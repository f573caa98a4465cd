// The browser test of the web pages of `wsoa serve`, in real headless Chromium (Debian's
// /usr/bin/chromium) driven by playwright-core, with axe-core checking every page visited.
// tests/tests/browser.rs starts a server on a demo ledger, makes the tokens and runs this script;
// it can also be run by hand against any server holding a demo ledger:
//
//   WSOA_URL=http://127.0.0.1:8080 WSOA_OFFICER_TOKEN=wsoa_... WSOA_AUDITOR_TOKEN=wsoa_... \
//   WSOA_SCREENSHOTS=target/screenshots WSOA_DOWNLOADS=/tmp/dl node tests/browser/run.mjs
//
// The scenario: signed out, / sends you to /login; an officer signs in, sees the plan, opens an
// action in progress, records a status change through its form and sees it in the action's
// history, on the dashboard and in the timeline; a note sent empty comes back with an error
// summary that takes focus; the officer uploads a file of random bytes as evidence and downloads
// it byte-identical from /evidence; opens the narrative and downloads it; visits the diff and the
// recording forms; signs out. An auditor signs in, sees no recording forms, and runs a full
// verification on /verify, which reports the ledger intact. Later plans are started, given a
// workstream, submitted and reviewed; a measure is given a trajectory; an evidence pack is made
// and downloaded (the Rust side checks the file verifies and that the ledger records sending it). The skip link is the first thing Tab
// reaches. Every page gets an axe-core check (WCAG 2.0/2.1/2.2 A and AA): any serious or critical
// violation fails the run, with the rule, the page and the elements. Screenshots of the dashboard
// and the action page go to $WSOA_SCREENSHOTS.
//
// Exit code 0 when everything passed, 1 otherwise (the failures are printed).

import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);

/** The axe-core tags that fail the run: WCAG 2.0, 2.1 and 2.2, levels A and AA. */
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
/** Impacts that fail the run. */
const BLOCKING = new Set(['serious', 'critical']);
/** The whole run may take this long before it gives up (the Rust side waits a little longer). */
const RUN_LIMIT_MS = 240_000;
/** Any one wait for the page (an element, a navigation, a download). */
const STEP_LIMIT_MS = 30_000;

/** Chromium's flags: headless, no sandbox (root in CI), and nothing that reaches the network. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-quic',
  '--disable-sync',
];

function required(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`run.mjs: the environment variable ${name} is not set (tests/tests/browser.rs sets it; see the top of this file)`);
    process.exit(2);
  }
  return value;
}

const config = {
  url: required('WSOA_URL').replace(/\/+$/, ''),
  officerToken: required('WSOA_OFFICER_TOKEN'),
  auditorToken: required('WSOA_AUDITOR_TOKEN'),
  screenshots: required('WSOA_SCREENSHOTS'),
  downloads: required('WSOA_DOWNLOADS'),
  officerName: process.env.WSOA_OFFICER_NAME || null,
  auditorName: process.env.WSOA_AUDITOR_NAME || null,
  chromium: process.env.WSOA_CHROMIUM || '/usr/bin/chromium',
};

/** What went wrong, gathered so the report lists every page's problems, not just the first. */
const failures = [];
/** One line per page checked by axe, for the summary. */
const axeSummary = [];
/** The screenshots written. */
const screenshotsTaken = [];
/** The pages axe checked, once each. */
const checkedPages = new Set();
/**
 * Things worth knowing that do not fail the run (axe findings below serious, console messages,
 * error responses), each with the pages it was seen on, so a finding on every page shows once.
 */
const notes = new Map();
function note(text, where) {
  if (!notes.has(text)) notes.set(text, []);
  notes.get(text).push(where);
}
let stepsPassed = 0;

/** Runs one step of the scenario, printing its name and time; a failure stops the scenario. */
async function step(name, body) {
  const started = Date.now();
  try {
    const result = await body();
    stepsPassed += 1;
    console.log(`ok   ${name} (${Date.now() - started} ms)`);
    return result;
  } catch (err) {
    console.log(`FAIL ${name} (${Date.now() - started} ms)`);
    const message = err instanceof Error ? err.message : String(err);
    // Only the lines of this script: Playwright's own frames say nothing about the page.
    const trace = (err instanceof Error && err.stack ? err.stack : '')
      .split('\n')
      .filter((line) => /^\s+at .*run\.mjs/.test(line))
      .join('\n');
    throw new StepFailure(`step "${name}" failed: ${message}\n${trace}`);
  }
}

/** A step that failed, with its message already written for the report. */
class StepFailure extends Error {}

/** The path of a page on the server. */
function at(pathname) {
  return `${config.url}${pathname}`;
}

/** Whether the page is at this path (ignoring the query and the fragment). */
function isAt(page, pathname) {
  return new URL(page.url()).pathname === pathname;
}

/**
 * Runs axe-core on the page as it is now and records the result: serious and critical WCAG
 * violations are failures (each with its rule, help and the CSS targets of the failing
 * elements), anything else is a note.
 */
async function checkAccessibility(page, label) {
  const violations = await page.evaluate(async (tags) => {
    // axe is injected into every document by the context's init script (see `launch`).
    const results = await window.axe.run(document, {
      runOnly: { type: 'tag', values: [...tags, 'best-practice'] },
      resultTypes: ['violations'],
    });
    return results.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      helpUrl: violation.helpUrl,
      tags: violation.tags,
      nodes: violation.nodes.map((node) => ({
        target: node.target.join(' '),
        html: node.html.slice(0, 200),
        summary: (node.failureSummary || '').replace(/\s+/g, ' ').trim(),
      })),
    }));
  }, WCAG_TAGS);
  const where = `${label} (${new URL(page.url()).pathname})`;
  let blocking = 0;
  for (const violation of violations) {
    const wcag = violation.tags.some((tag) => WCAG_TAGS.includes(tag));
    const kind = wcag ? 'WCAG' : 'best practice';
    const nodes = violation.nodes.map((node) => `    at ${node.target}: ${node.html}\n      ${node.summary}`);
    if (wcag && BLOCKING.has(violation.impact)) {
      blocking += 1;
      failures.push([`axe ${violation.impact} ${violation.id} (${kind}) on ${where}: ${violation.help} (${violation.helpUrl})`, ...nodes].join('\n'));
    } else {
      note([`axe ${violation.impact} ${violation.id} (${kind}): ${violation.help} (${violation.helpUrl})`, ...nodes].join('\n'), where);
    }
  }
  checkedPages.add(where);
  axeSummary.push(`${where}: ${blocking} serious or critical, ${violations.length - blocking} other`);
}

/** Checks the page has loaded as a page of the service (not an error page) with this heading. */
async function expectHeading(page, name) {
  const heading = page.getByRole('heading', { level: 1, name });
  await heading.waitFor();
  const errorMessage = page.getByTestId('error-message');
  if (await errorMessage.count()) {
    throw new Error(`${page.url()} is an error page: ${await errorMessage.innerText()}`);
  }
}

/** Opens one change of the action page (one form at a time) by its link. */
async function openChange(page, words) {
  await page.getByTestId('change-links').getByRole('link', { name: words, exact: true }).click();
  await page.waitForURL((url) => url.searchParams.has('change'));
}

/** Fills the GOV.UK date input whose fieldset's legend is `legend`. */
async function fillDate(scope, legend, day, month, year) {
  const group = scope.getByRole('group', { name: legend });
  await group.getByLabel('Day').fill(String(day));
  await group.getByLabel('Month').fill(String(month));
  await group.getByLabel('Year').fill(String(year));
}

/** The flash message left by the last form (the notification banner). */
async function flash(page) {
  const banner = page.getByTestId('flash');
  await banner.waitFor();
  return (await banner.innerText()).trim();
}

/** Signs in on /login with a token; ends on the dashboard. */
async function signIn(page, token, role, name) {
  await page.goto(at('/login'));
  await expectHeading(page, 'Sign in');
  await checkAccessibility(page, 'sign-in page');
  await page.getByLabel('Access token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  // Either the dashboard (signed in) or the form again with the problem.
  const refused = page.getByTestId('error-summary');
  await page.getByTestId('signed-in-as').or(refused).waitFor();
  if (await refused.count()) {
    throw new Error(`signing in as ${role} was refused: ${(await refused.innerText()).replace(/\s+/g, ' ')}`);
  }
  await page.waitForURL(at('/'));
  const who = await page.getByTestId('signed-in-as').innerText();
  assert.match(who, new RegExp(`\\(${role}\\)`), `the header should say the role: ${who}`);
  if (name) {
    assert.ok(who.includes(name), `the header should name ${name}: ${who}`);
  }
}

/** Clicks something that starts a download and returns the download, saved under `name`. */
async function download(page, trigger, name) {
  const [started] = await Promise.all([page.waitForEvent('download'), trigger.click()]);
  const failure = await started.failure();
  assert.equal(failure, null, `the download of ${started.url()} failed: ${failure}`);
  const saved = path.join(config.downloads, name);
  await started.saveAs(saved);
  return { saved, suggested: started.suggestedFilename(), bytes: await readFile(saved) };
}

/** A full-page screenshot into $WSOA_SCREENSHOTS. */
async function screenshot(page, name) {
  await mkdir(config.screenshots, { recursive: true });
  const file = path.join(config.screenshots, name);
  await page.screenshot({ path: file, fullPage: true });
  screenshotsTaken.push(file);
}

function sha256(bytes) {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Starts Chromium with a fresh, empty profile and axe injected into every document. */
async function launch(profile) {
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: config.chromium,
    headless: true,
    args: [...CHROMIUM_ARGS, '--lang=en-GB'],
    // A British browser: date fields show day/month/year, as the people using the service see them.
    env: { ...process.env, LANG: 'en_GB.UTF-8', LANGUAGE: 'en_GB' },
    acceptDownloads: true,
    viewport: { width: 1280, height: 900 },
    locale: 'en-GB',
    timezoneId: 'Europe/London',
  });
  // The pages' Content-Security-Policy (script-src 'self') refuses inline scripts, so axe is not
  // added with a <script> tag (`page.addScriptTag`) but as an init script, which the browser
  // runs in every document outside the page's policy. The policy itself stays in force.
  await context.addInitScript({ path: require.resolve('axe-core/axe.min.js') });
  context.setDefaultTimeout(STEP_LIMIT_MS);
  context.setDefaultNavigationTimeout(STEP_LIMIT_MS);
  return context;
}

/** The scenario; throws at the first step that fails. */
async function scenario(context) {
  const page = context.pages()[0] ?? (await context.newPage());
  const pageErrors = [];
  page.on('pageerror', (err) => pageErrors.push(`uncaught exception on ${page.url()}: ${err.message}`));
  page.on('console', (message) => {
    const text = `console ${message.type()}: ${message.text()}`;
    if (/Content.Security.Policy/i.test(message.text())) {
      pageErrors.push(`${text} (on ${page.url()})`);
    } else if (/^Failed to load resource/.test(message.text())) {
      // Reported with its address by the response handler below.
    } else if (message.type() === 'error' || message.type() === 'warning') {
      note(text, new URL(page.url()).pathname);
    }
  });
  page.on('response', (response) => {
    const url = new URL(response.url());
    // 422 is the form sent empty on purpose; every other error response is worth a look.
    if (response.status() >= 400 && response.status() !== 422) {
      note(`HTTP ${response.status()} for ${response.request().method()} ${url.pathname}`, new URL(page.url()).pathname);
    }
  });

  await step('signed out, / redirects to /login', async () => {
    await page.goto(at('/'));
    await page.waitForURL(at('/login'));
  });

  await step('an officer signs in with a token', async () => {
    await signIn(page, config.officerToken, 'officer', config.officerName);
  });

  const plan = await step('the dashboard shows the plan: areas of weakness and their actions', async () => {
    await expectHeading(page, 'Written Statement of Action');
    const area = (await page.locator('main .govuk-caption-m').first().innerText()).trim();
    assert.ok(area.length > 0, 'the dashboard names the local area above its heading');
    // Each area of weakness is a region named by its heading ("Area of significant weakness W1 ...").
    const weakness = page.getByRole('region', { name: /^Area of significant weakness W1\b/ });
    await weakness.waitFor();
    const weaknessHeading = (await weakness.getByRole('heading', { level: 2 }).innerText()).trim();
    const weaknessTitle = weaknessHeading.replace(/^Area of significant weakness W1\s*/, '').trim();
    assert.ok(weaknessTitle.length > 0, `weakness W1 has a title: ${weaknessHeading}`);
    const rows = page.locator('[data-testid^="action-row-"]');
    assert.ok((await rows.count()) >= 1, 'the dashboard lists actions');
    // An action in progress, so that "blocked" is certainly a change.
    const row = rows.filter({ has: page.locator('[data-status="in-progress"]') }).first();
    await row.waitFor();
    const id = (await row.getAttribute('data-testid')).replace(/^action-row-/, '');
    await checkAccessibility(page, 'dashboard');
    return { area, weaknessTitle, action: id };
  });
  const action = plan.action;

  await step('keyboard: Tab first reaches the skip link, which moves focus to the main content', async () => {
    await page.goto(at('/'));
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');
    assert.ok(focused.includes('Skip'), `the first Tab should reach the skip link, but reached "${focused}"`);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.id === 'main-content');
  });

  const before = await step(`open action ${action} from the dashboard`, async () => {
    const row = page.getByTestId(`action-row-${action}`);
    await row.getByRole('link', { name: action, exact: true }).click();
    await page.waitForURL(at(`/actions/${action}`));
    await page.getByTestId('action-title').waitFor();
    const status = await page.getByTestId('action-status').locator('[data-status]').getAttribute('data-status');
    assert.equal(status, 'in-progress', `action ${action} was in progress on the dashboard`);
    await checkAccessibility(page, 'action page');
    return { status };
  });

  const note = `Browser test: blocked while the provider's contract is renegotiated (${randomBytes(4).toString('hex')})`;
  const statusEvent = await step(`change action ${action}'s status to blocked (RAG red) through the form`, async () => {
    await openChange(page, 'Change the status');
    const form = page.locator('#status-form');
    // Status and RAG are radios, each group named by its legend.
    await form.getByRole('group', { name: 'Status', exact: true }).getByLabel('Blocked', { exact: true }).check();
    await form.getByRole('group', { name: 'RAG rating' }).getByLabel('Red', { exact: true }).check();
    await form.getByLabel('Update (optional)').fill(note);
    await form.getByRole('button', { name: 'Change the status' }).click();
    await page.waitForURL(at(`/actions/${action}`));
    const message = await flash(page);
    const seq = message.match(/\(event (\d+)\)/)?.[1];
    assert.ok(seq, `the flash should name the event recorded: "${message}"`);
    assert.match(message, /blocked/i, `the flash should give the new status: "${message}"`);
    return seq;
  });

  await step('the action page shows the new status and the change in its history', async () => {
    const status = await page.getByTestId('action-status').locator('[data-status]').getAttribute('data-status');
    assert.equal(status, 'blocked');
    const rag = await page.getByTestId('action-rag').locator('[data-rag]').getAttribute('data-rag');
    assert.equal(rag, 'red');
    const entry = page.getByTestId(`history-${statusEvent}`);
    await entry.waitFor();
    assert.equal(await entry.getAttribute('data-kind'), 'action_status_changed');
    assert.equal(await entry.locator(`[data-status="${before.status}"]`).count(), 1, 'the history shows the old status');
    assert.equal(await entry.locator('[data-status="blocked"]').count(), 1, 'the history shows the new status');
    const text = await entry.innerText();
    assert.ok(text.includes(note), `the history entry should carry the note: ${text}`);
    if (config.officerName) {
      assert.ok(text.includes(config.officerName), `the change is recorded as the signed-in officer: ${text}`);
    }
    await checkAccessibility(page, 'action page after a status change');
  });

  await step('a note sent empty comes back with an error summary that takes focus', async () => {
    await page.goto(at(`/actions/${action}`));
    await openChange(page, 'Add a note');
    const form = page.locator('#note-form');
    await form.getByRole('button', { name: 'Add the note' }).click();
    const summary = page.getByTestId('error-summary');
    await summary.waitFor();
    assert.match(await page.title(), /^Error: /, 'the page title starts with "Error: "');
    await page.waitForFunction(() => document.activeElement?.dataset?.module === 'govuk-error-summary');
    // The summary's link leads to the field, with its label in view above it.
    await summary.getByRole('link').first().click();
    await page.waitForFunction(() => document.activeElement?.id === 'note-text');
    const labelTop = await page.evaluate(() => document.querySelector("label[for='note-text']").getBoundingClientRect().top);
    assert.ok(labelTop >= 0, `the field's label should be in view, not scrolled above it (top ${labelTop})`);
    await checkAccessibility(page, 'action page with a form error');
  });

  await step(`the dashboard shows action ${action} as blocked`, async () => {
    await page.goto(at('/'));
    await expectHeading(page, 'Written Statement of Action');
    const row = page.getByTestId(`action-row-${action}`);
    assert.equal(await row.locator('[data-status]').getAttribute('data-status'), 'blocked');
    assert.equal((await row.locator('[data-status]').innerText()).trim(), 'Blocked', 'the tag says its meaning in words');
    await screenshot(page, 'dashboard.png');
  });

  await step('the timeline shows the change, newest first', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Timeline' }).click();
    await page.waitForURL(at('/timeline'));
    await expectHeading(page, 'Timeline');
    const entry = page.getByTestId(`entry-${statusEvent}`);
    await entry.waitFor();
    assert.equal(await entry.getAttribute('data-kind'), 'action_status_changed');
    const text = await entry.innerText();
    assert.ok(text.includes(note), `the timeline entry should carry the note: ${text}`);
    const first = page.locator('[data-testid="timeline"] tbody tr').first();
    assert.equal(await first.getAttribute('data-testid'), `entry-${statusEvent}`, 'the newest event comes first');
    await checkAccessibility(page, 'timeline');
  });

  const upload = {
    name: `browser-evidence-${randomBytes(4).toString('hex')}.bin`,
    bytes: randomBytes(256 * 1024 + 17),
  };
  upload.path = path.join(config.downloads, upload.name);
  await writeFile(upload.path, upload.bytes);
  const evidence = await step(`upload ${upload.bytes.length} random bytes as evidence for action ${action}`, async () => {
    await page.goto(at(`/actions/${action}`));
    await openChange(page, 'Attach evidence');
    const form = page.locator('#evidence-form');
    await form.getByLabel('What it is').fill('Browser test upload: provider contract letter');
    await form.getByLabel('File').setInputFiles(upload.path);
    await form.getByRole('button', { name: 'Attach the file' }).click();
    await page.waitForURL(at(`/actions/${action}`));
    const message = await flash(page);
    const id = message.match(/Evidence (\S+) was attached/)?.[1];
    assert.ok(id, `the flash should name the evidence attached: "${message}"`);
    const item = page.locator(`[id="evidence-${id}"]`);
    await item.waitFor();
    assert.ok((await item.innerText()).includes(upload.name), 'the action page lists the file');
    await screenshot(page, 'action.png');
    await checkAccessibility(page, 'action page after an upload');
    return id;
  });

  await step(`download evidence ${evidence} from /evidence: byte-identical to the upload`, async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Evidence' }).click();
    await page.waitForURL(at('/evidence'));
    await expectHeading(page, 'Evidence');
    await checkAccessibility(page, 'evidence');
    const row = page.getByTestId(`evidence-row-${evidence}`);
    const link = row.getByRole('link', { name: `Download ${upload.name} (evidence ${evidence})` });
    const got = await download(page, link, `downloaded-${upload.name}`);
    assert.equal(got.suggested, upload.name, 'the download keeps the file name');
    assert.equal(got.bytes.length, upload.bytes.length, 'the download has the size uploaded');
    assert.equal(sha256(got.bytes), sha256(upload.bytes), 'the download is byte-identical to the upload');
  });

  await step('the narrative names the area and its weaknesses, and downloads as HTML and Markdown', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Narrative' }).click();
    await page.waitForURL(at('/narrative'));
    await page.getByTestId('narrative-title').waitFor();
    const main = await page.getByRole('main').innerText();
    assert.ok(main.includes(plan.area), `the narrative names the area "${plan.area}"`);
    assert.ok(main.includes(plan.weaknessTitle), `the narrative covers weakness W1 "${plan.weaknessTitle}"`);
    await checkAccessibility(page, 'narrative');
    const downloads = page.getByTestId('narrative-downloads');
    const html = await download(page, downloads.getByRole('link', { name: /HTML/ }), 'narrative.html');
    assert.equal(html.suggested, 'narrative.html');
    assert.ok(html.bytes.toString('utf8').includes(plan.weaknessTitle), 'the HTML download covers weakness W1');
    const md = await download(page, downloads.getByRole('link', { name: /Markdown/ }), 'narrative.md');
    assert.equal(md.suggested, 'narrative.md');
    assert.ok(md.bytes.toString('utf8').includes(plan.weaknessTitle), 'the Markdown download covers weakness W1');
  });

  await step('what changed since the last visit', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'What changed' }).click();
    await page.waitForURL(at('/diff'));
    await page.getByRole('heading', { level: 1 }).waitFor();
    assert.ok((await page.getByRole('main').innerText()).includes(action), `the changes since the last visit include action ${action}`);
    await checkAccessibility(page, 'what changed');
  });

  await step('a tile lists the actions it counts', async () => {
    await page.goto(at('/'));
    await page.getByTestId('count-blocked').getByRole('link').click();
    await page.waitForURL((url) => url.pathname === '/' && url.searchParams.get('status') === 'blocked');
    await page.getByTestId('matching').waitFor();
    assert.equal(await page.getByTestId(`action-row-${action}`).count(), 1, `the blocked list holds action ${action}`);
    const statuses = await page.locator('[data-testid^="action-row-"] [data-status]').evaluateAll((tags) => tags.map((tag) => tag.dataset.status));
    assert.ok(statuses.length > 0 && statuses.every((status) => status === 'blocked'), `only blocked actions: ${statuses}`);
    await checkAccessibility(page, 'plan filtered by a tile');
  });

  await step('the plan as it was yesterday: a banner, no recording links, and actions opened at that date', async () => {
    const yesterday = new Date(Date.now() - 86_400_000);
    await page.goto(at('/'));
    const form = page.locator('#as-of-form');
    await form.getByLabel('Day').fill(String(yesterday.getUTCDate()));
    await form.getByLabel('Month').fill(String(yesterday.getUTCMonth() + 1));
    await form.getByLabel('Year').fill(String(yesterday.getUTCFullYear()));
    await form.getByRole('button', { name: 'Show the plan on this date' }).click();
    await page.getByTestId('past-banner').waitFor();
    assert.equal(await page.getByTestId('record-links').count(), 0, 'nothing is recorded from the past view');
    await checkAccessibility(page, 'plan at a past date');
    await page.getByTestId(`action-row-${action}`).getByRole('link', { name: action, exact: true }).click();
    await page.waitForURL((url) => url.pathname === `/actions/${action}` && url.searchParams.has('as_of'));
    await page.getByTestId('past-banner').waitFor();
    const status = await page.getByTestId('action-status').locator('[data-status]').getAttribute('data-status');
    assert.equal(status, before.status, 'yesterday the action had not yet been blocked');
    assert.equal(await page.locator('main form[method="post"]').count(), 0, 'no recording forms in the past view');
    await checkAccessibility(page, 'action at a past date');
    await page.getByTestId('back-to-today').click();
    await page.waitForURL(at(`/actions/${action}`));
  });

  await step('the timeline counts late entries and lists them alone', async () => {
    await page.goto(at('/timeline?late=only'));
    await page.getByTestId('late-count').waitFor();
    assert.ok(await page.getByRole('checkbox', { name: 'Late entries only' }).isChecked());
    await checkAccessibility(page, 'timeline, late entries only');
  });

  await step('a date missing its month: one message for the group, and the summary link focuses the month', async () => {
    await page.goto(at('/visits/new'));
    const form = page.locator('#visit-form');
    await form.getByLabel('Who visited').fill('DfE SEND adviser');
    await form.getByLabel('Month').fill('');
    await form.getByLabel('Their overall view (optional)').fill('Browser test: steady progress');
    await form.getByRole('button', { name: 'Record the visit' }).click();
    const summary = page.getByTestId('error-summary');
    await summary.waitFor();
    assert.equal(await page.locator('.govuk-error-message').count(), 1, 'one error message for the date');
    await summary.getByRole('link', { name: /must include a month/ }).click();
    await page.waitForFunction(() => document.activeElement?.id === 'visit-on-month');
    const legendTop = await page.evaluate(() => document.activeElement.closest('fieldset').querySelector('legend').getBoundingClientRect().top);
    assert.ok(legendTop >= 0, `the date's question should be in view (top ${legendTop})`);
    await screenshot(page, 'date-error.png');
    await checkAccessibility(page, 'a form with a date error');
  });

  await step('a visit with a point tied to a weakness and its letter is recorded in one step', async () => {
    await page.goto(at('/visits/new'));
    const form = page.locator('#visit-form');
    await form.getByLabel('Who visited').fill('DfE SEND adviser (browser test)');
    await form.getByLabel('Concerns').fill('[W2] Browser test: plans are still late');
    await form.getByLabel('Their letter (optional)').setInputFiles({
      name: 'browser-visit-letter.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('Dear Director, thank you for welcoming us.'),
    });
    await form.getByRole('button', { name: 'Record the visit' }).click();
    await page.waitForURL((url) => url.pathname === '/diff');
    assert.ok((await page.textContent('body')).includes('was recorded'), 'the visit is recorded');
    await page.goto(at('/evidence'));
    assert.ok((await page.textContent('body')).includes('Monitoring visit letter'), 'its letter is kept as evidence');
    await page.goto(at('/narrative'));
    const narrative = await page.textContent('body');
    assert.ok(narrative.includes('Browser test: plans are still late'), 'the point is in the narrative');
    await checkAccessibility(page, 'the narrative after a visit with its letter');
  });

  for (const [link, pathname] of [
    ['Add an action', '/actions/new'],
    ['Record a monitoring visit', '/visits/new'],
    ['Record a board review', '/reviews/new'],
    ["Record a measure's value", '/measures/values/new'],
  ]) {
    await step(`form page: ${link}`, async () => {
      await page.goto(at('/'));
      await page.getByTestId('record-links').getByRole('link', { name: link }).click();
      await page.waitForURL(at(pathname));
      await page.getByRole('heading', { level: 1 }).waitFor();
      const form = page.locator('main form[method="post"]');
      assert.equal(await form.count(), 1, 'the page has one recording form');
      assert.equal(await form.locator('input[type="hidden"][name="csrf"]').count(), 1, 'the form carries a CSRF token');
      await checkAccessibility(page, `form "${link}"`);
    });
  }

  const laterForms = [
    ['Record an inspection', '/inspections/new'],
    ['Add a finding of an inspection', '/findings/new'],
    ['Record what families said (you said, we did)', '/coproduction/new'],
    ['Start a plan (an Accelerated Progress Plan, a priority action or improvement plan)', '/plans/new'],
    ['Add a workstream to a plan', '/workstreams/new'],
    ['Record a DfE and NHS England monitoring review of a plan', '/plans/review'],
    ["Change a measure's definition, period or trajectory", '/measures/amend'],
    ['Make an evidence pack', '/packs/new'],
  ];
  for (const [link, pathname] of laterForms) {
    await step(`form page: ${link}`, async () => {
      await page.goto(at('/'));
      await page.getByTestId('record-links').getByRole('link', { name: link }).click();
      await page.waitForURL(at(pathname));
      await page.getByRole('heading', { level: 1 }).waitFor();
      assert.equal(await page.getByTestId('back-link').count(), 1, 'a form page has a back link');
      await checkAccessibility(page, `form "${link}"`);
    });
  }

  await step('record a 2023 inspection through its form: the plan shows its outcome in the framework\'s words', async () => {
    await page.goto(at('/inspections/new'));
    const form = page.locator('#inspection-form');
    await form.getByRole('group', { name: 'Framework' }).getByLabel('2023 framework (since January 2023)').check();
    await form.getByRole('group', { name: 'Kind of inspection' }).getByLabel('Full inspection').check();
    await form.getByRole('group', { name: 'Outcome' }).getByLabel('Inconsistent experiences and outcomes').check();
    // The published date missing: one message, the summary first.
    await fillDate(form, 'First day on site', 2, 10, 2023);
    await fillDate(form, 'Last day on site', 6, 10, 2023);
    await form.getByRole('button', { name: 'Record the inspection' }).click();
    await page.getByTestId('error-summary').waitFor();
    assert.ok((await page.getByTestId('error-summary').innerText()).includes('Enter the date of the report'));
    await checkAccessibility(page, 'inspection form with an error');
    await fillDate(page.locator('#inspection-form'), 'Date the report was published', 20, 11, 2023);
    await page.locator('#inspection-form').getByRole('button', { name: 'Record the inspection' }).click();
    await page.waitForURL((url) => url.pathname === '/');
    assert.match(await flash(page), /2023 framework, full inspection published on 20 November 2023 was recorded/);
    const inspections = page.getByTestId('inspections');
    assert.ok((await inspections.innerText()).includes('Inconsistent experiences and outcomes'), 'the outcome is shown');
    await checkAccessibility(page, 'plan with a 2023 inspection');
  });

  await step('add an area for priority action and what families said about it', async () => {
    await page.goto(at('/findings/new'));
    const form = page.locator('#finding-form');
    await form.getByRole('group', { name: 'Type of finding' }).getByLabel('Area for priority action (2023 framework)').check();
    await form.getByLabel('Reference').fill('AP1');
    await form.getByLabel('Title', { exact: true }).fill('Timeliness of EHC plans');
    await form.getByLabel('The finding (optional)').fill('Too few plans are issued within 20 weeks.');
    await form.getByRole('button', { name: 'Add the finding' }).click();
    await page.waitForURL((url) => url.pathname === '/');
    assert.match(await flash(page), /Area for priority action AP1 was added/);
    await page.getByRole('region', { name: /^Area for priority action AP1\b/ }).waitFor();
    await page.goto(at('/coproduction/new'));
    const voice = page.locator('#coproduction-form');
    await voice.getByLabel('What it is about').selectOption('AP1');
    await voice.getByLabel('Whose voice it is').fill('Parent carer forum survey');
    await voice.getByLabel('How many responded (optional)').fill('212');
    await voice.getByLabel('You said').fill('We wait too long for plans');
    await voice.getByLabel('We did').fill('Two more EHC coordinators');
    await voice.getByRole('button', { name: 'Record it' }).click();
    await page.waitForURL((url) => url.pathname === '/');
    assert.match(await flash(page), /What families said about AP1 was recorded/);
    const section = page.getByTestId('coproduction-AP1');
    assert.ok((await section.innerText()).includes('Parent carer forum survey (212 respondents)'));
    await checkAccessibility(page, 'plan with a finding and the families\' voice');
  });

  await step('start a priority action plan answering AP1: the plan page lists every plan', async () => {
    await page.goto(at('/plans/new'));
    await expectHeading(page, 'Start a plan');
    const form = page.locator('#plan-start-form');
    await form.getByRole('group', { name: 'Kind of plan' }).getByLabel('Priority action plan').check();
    await form.getByLabel('Reference').fill('PAP1');
    await form.getByLabel('Title', { exact: true }).fill('Priority action plan: timeliness of EHC plans');
    // No finding ticked: the problem beside the checkboxes, what was typed kept.
    await form.getByRole('button', { name: 'Start the plan' }).click();
    await page.getByTestId('error-summary').waitFor();
    assert.ok((await page.getByTestId('error-summary').innerText()).includes('Tick at least one finding the plan answers'));
    await checkAccessibility(page, 'start a plan with an error');
    const again = page.locator('#plan-start-form');
    assert.equal(await again.getByLabel('Reference').inputValue(), 'PAP1', 'what was typed is kept');
    await again.getByRole('group', { name: 'Findings it answers' }).getByLabel(/^AP1:/).check();
    await again.getByRole('button', { name: 'Start the plan' }).click();
    await page.waitForURL((url) => url.pathname === '/');
    assert.match(await flash(page), /The priority action plan PAP1 was started/);
    const plans = page.getByTestId('plans');
    await page.getByTestId('plan-PAP1').waitFor();
    assert.ok((await plans.innerText()).includes('Written Statement of Action'), 'the WSoA is listed beside it');
    await checkAccessibility(page, 'plan with its plans');
  });

  await step('add a workstream to PAP1 and record the plan submitted', async () => {
    await page.goto(at('/'));
    await page.getByTestId('plan-links-PAP1').getByRole('link', { name: 'Add a workstream to PAP1' }).click();
    await page.waitForURL((url) => url.pathname === '/workstreams/new');
    const form = page.locator('#workstream-form');
    assert.equal(await form.getByLabel('Plan', { exact: true }).inputValue(), 'PAP1', 'the plan is chosen');
    await form.getByLabel('Reference').fill('WS20');
    await form.getByLabel('Title', { exact: true }).fill('EHC plan timeliness recovery');
    await form.getByLabel('Sponsor').fill('Director of Education');
    await form.getByRole('group', { name: 'Findings it answers' }).getByLabel(/^AP1:/).check();
    await checkAccessibility(page, 'workstream form');
    await form.getByRole('button', { name: 'Add the workstream' }).click();
    await page.waitForURL((url) => url.pathname === '/');
    assert.match(await flash(page), /Workstream WS20 was added to plan PAP1/);
    await page.goto(at('/'));
    await page.getByTestId('plan-links-PAP1').getByRole('link', { name: /^Record that PAP1 was submitted/ }).click();
    await page.waitForURL((url) => url.pathname === '/plans/step');
    const step = page.locator('#plan-step-form');
    assert.ok(await step.getByRole('group', { name: 'What happened' }).getByLabel('Submitted').isChecked(), 'the next step is chosen');
    await checkAccessibility(page, 'plan step form');
    await step.getByRole('button', { name: 'Record the step' }).click();
    await page.waitForURL((url) => url.pathname === '/');
    assert.match(await flash(page), /Plan PAP1 was recorded as submitted/);
    assert.ok((await page.getByTestId('plan-stage-PAP1').innerText()).includes('Submitted'));
  });

  await step('record a monitoring review of PAP1: its workstream\'s monitoring ends', async () => {
    await page.goto(at('/plans/review'));
    await expectHeading(page, 'Record a monitoring review');
    await checkAccessibility(page, 'monitoring review: which plan');
    await page.getByLabel('Which plan was reviewed').selectOption('PAP1');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL((url) => url.pathname === '/plans/review' && url.searchParams.get('plan') === 'PAP1');
    const form = page.locator('#monitoring-form');
    await form.getByLabel('Who reviewed').fill('DfE and NHS England advisers');
    await form.getByLabel('Their conclusion').fill('Timeliness has recovered and is sustained');
    // Ticked both ways: refused beside the field.
    await form.getByRole('group', { name: 'Monitoring continues for' }).getByLabel(/^WS20:/).check();
    await form.getByRole('group', { name: 'Monitoring ends for' }).getByLabel(/^WS20:/).check();
    await form.getByRole('button', { name: 'Record the review' }).click();
    await page.getByTestId('error-summary').waitFor();
    await checkAccessibility(page, 'monitoring review with an error');
    const again = page.locator('#monitoring-form');
    await again.getByRole('group', { name: 'Monitoring continues for' }).getByLabel(/^WS20:/).uncheck();
    await again.getByRole('button', { name: 'Record the review' }).click();
    await page.waitForURL((url) => url.pathname === '/');
    assert.match(await flash(page), /The review of plan PAP1 was recorded .*monitoring ended for 1 workstream/);
    assert.ok((await page.getByTestId('plan-workstream-WS20').innerText()).includes('Monitoring ended'));
    assert.ok((await page.getByTestId('plan-review-PAP1').innerText()).includes('Timeliness has recovered'));
  });

  await step('set M1\'s trajectory: the chart draws it and the latest value is judged against it', async () => {
    await page.goto(at('/'));
    await page.getByRole('link', { name: 'Change the definition, period or trajectory of M1' }).click();
    await page.waitForURL((url) => url.pathname === '/measures/amend' && url.searchParams.get('measure') === 'M1');
    const form = page.locator('#measure-amend-form');
    await form.getByLabel('Trajectory').fill('31/03/2022 50\n31/13/2022 65');
    await form.getByRole('button', { name: 'Save the changes' }).click();
    await page.getByTestId('error-summary').waitFor();
    assert.ok((await page.getByTestId('error-summary').innerText()).includes('Line 2'));
    await checkAccessibility(page, 'trajectory form with an error');
    const again = page.locator('#measure-amend-form');
    await again.getByLabel('Trajectory').fill('31/03/2022 50\n30/09/2022 65');
    await again.getByLabel('What each value covers').selectOption('month');
    await again.getByRole('button', { name: 'Save the changes' }).click();
    await page.waitForURL((url) => url.pathname === '/');
    assert.match(await flash(page), /Measure M1 was changed/);
    assert.ok((await page.getByTestId('measure-against-M1').innerText()).includes('Below trajectory'));
    assert.equal(await page.getByTestId('chart-M1').locator('.chart__trajectory').count(), 1, 'the trajectory is drawn');
    await checkAccessibility(page, 'plan with a trajectory');
  });

  await step('make an evidence pack from the evidence page: it downloads and is listed as sent', async () => {
    await page.goto(at('/evidence'));
    await page.getByTestId('make-pack').click();
    await page.waitForURL(at('/packs/new'));
    await expectHeading(page, 'Make an evidence pack');
    const form = page.locator('#pack-form');
    await form.getByRole('button', { name: 'Make and download the pack' }).click();
    await page.getByTestId('error-summary').waitFor();
    await checkAccessibility(page, 'pack form with an error');
    const again = page.locator('#pack-form');
    await again.getByLabel('What it is for').fill('Priority action plan review');
    await again.getByLabel('Who it is sent to').fill('DfE SEND adviser');
    const pack = await download(page, again.getByRole('button', { name: 'Make and download the pack' }), 'pack.wsoa');
    assert.match(pack.suggested, /^pack-\d{4}-\d{2}-\d{2}\.wsoa$/);
    assert.equal(pack.bytes.subarray(0, 14).toString('latin1'), 'WSOA-BUNDLE 1\n', 'the pack is a bundle');
    await page.goto(at('/evidence'));
    assert.match(await flash(page), /The evidence pack for Priority action plan review was made/);
    const row = page.getByTestId('pack-row-1');
    assert.ok((await row.innerText()).includes('DfE SEND adviser'));
    assert.ok((await row.innerText()).includes(pack.suggested));
    await checkAccessibility(page, 'evidence with a pack sent');
  });

  await step(`add a milestone to action ${action} and record it missed, with why`, async () => {
    await page.goto(at(`/actions/${action}`));
    await openChange(page, 'Add a milestone');
    const form = page.locator('#milestone-form');
    await form.getByLabel('Reference').fill('BT1');
    await form.getByLabel('What is to be in place').fill('Provider contract signed');
    await form.getByLabel('Or the deadline as written in the plan').fill('TBC');
    await form.getByRole('button', { name: 'Add the milestone' }).click();
    await page.waitForURL(at(`/actions/${action}`));
    assert.match(await flash(page), /Milestone BT1 was added/);
    await openChange(page, 'Record a milestone met or missed');
    const outcome = page.locator('#milestone-outcome-form');
    await outcome.getByRole('group', { name: 'Milestone' }).getByLabel(/^BT1:/).check();
    await outcome.getByRole('group', { name: 'Was it met?' }).getByLabel('Missed').check();
    await outcome.getByRole('button', { name: 'Record it' }).click();
    await page.getByTestId('error-summary').waitFor();
    await checkAccessibility(page, 'milestone form with an error');
    await page.locator('#milestone-outcome-form').getByLabel('What shows it was met, or why it was missed').fill('The provider withdrew');
    await page.locator('#milestone-outcome-form').getByRole('button', { name: 'Record it' }).click();
    await page.waitForURL(at(`/actions/${action}`));
    assert.match(await flash(page), /Milestone BT1 of action .* was recorded as missed/);
    const state = await page.getByTestId('milestone-BT1').locator('[data-milestone-state]').getAttribute('data-milestone-state');
    assert.equal(state, 'missed');
    await checkAccessibility(page, 'action page with a missed milestone');
  });

  await step('record a correction from a row of the timeline: the new event is shown', async () => {
    await page.goto(at('/timeline'));
    const row = page.locator('[data-testid^="entry-"]').first();
    const seq = (await row.getAttribute('data-testid')).replace(/^entry-/, '');
    await row.getByRole('link', { name: `Record a correction of event ${seq}` }).click();
    await page.waitForURL(at(`/events/${seq}/correct`));
    await expectHeading(page, 'Record a correction');
    await checkAccessibility(page, 'correction form');
    await page.getByRole('button', { name: 'Record the correction' }).click();
    await page.getByTestId('error-summary').waitFor();
    await checkAccessibility(page, 'correction form with an error');
    await page.getByLabel('What was wrong, and what is right').fill(`Browser test: event ${seq} named the wrong milestone`);
    await page.getByRole('button', { name: 'Record the correction' }).click();
    await page.waitForURL((url) => url.pathname === '/timeline' && url.searchParams.has('event'));
    assert.match(await flash(page), new RegExp(`The correction of event ${seq} was recorded as event \\d+`));
    await checkAccessibility(page, 'the correction on the timeline');
  });

  await step('attach evidence to a workstream from the evidence page', async () => {
    await page.goto(at('/evidence'));
    await page.getByTestId('attach-evidence').click();
    await page.waitForURL(at('/evidence/new'));
    await expectHeading(page, 'Attach evidence');
    const form = page.locator('#evidence-form');
    const supports = form.getByLabel('What it supports');
    const workstream = (await supports.locator('option').evaluateAll((options) => options.map((o) => o.value))).find((value) => value.startsWith('workstream:'));
    assert.ok(workstream, 'the list offers workstreams');
    // Sent without a title first: the problem beside the field, the file asked for again.
    await supports.selectOption(workstream);
    await form.getByLabel('File').setInputFiles(upload.path);
    await form.getByRole('button', { name: 'Attach the file' }).click();
    await page.getByTestId('error-summary').waitFor();
    await checkAccessibility(page, 'evidence form with an error');
    const again = page.locator('#evidence-form');
    await again.getByLabel('What it is').fill('Browser test upload: workstream terms of reference');
    await again.getByLabel('File').setInputFiles(upload.path);
    await again.getByRole('button', { name: 'Attach the file' }).click();
    await page.waitForURL((url) => url.pathname === '/evidence');
    assert.match(await flash(page), /Evidence \S+ was attached/);
    await checkAccessibility(page, 'evidence after attaching to a workstream');
  });

  await step('what changed: the moments are chosen from the ledger\'s visits and board reviews, or a date', async () => {
    await page.goto(at('/diff'));
    const form = page.locator('#diff-form');
    const options = await form.getByLabel('From', { exact: true }).locator('option').allInnerTexts();
    assert.ok(options.some((text) => text.startsWith('Monitoring visit 1 on')), `visits are offered: ${options}`);
    await fillDate(form, 'Or from a date', 1, 1, 2022);
    await form.getByRole('button', { name: 'Compare' }).click();
    await page.waitForURL((url) => url.pathname === '/diff' && url.searchParams.get('from_date-year') === '2022');
    assert.ok((await page.getByTestId('diff-summary').innerText()).includes('1 January 2022'));
    await checkAccessibility(page, 'what changed since a date');
  });

  await step('at 320 px wide (WCAG 1.4.10 Reflow), no page scrolls sideways, every scroll region can be reached and is named, and date inputs stay on one line', async () => {
    await page.setViewportSize({ width: 320, height: 640 });
    const problems = [];
    try {
      for (const pathname of ['/', '/?list=all', `/actions/${action}`, `/actions/${action}?change=status`, `/actions/${action}?change=amend`, `/actions/${action}?change=milestone`, '/timeline', '/diff', '/evidence', '/narrative', '/verify', '/actions/new', '/visits/new', '/reviews/new', '/measures/values/new', '/inspections/new', '/findings/new', '/coproduction/new', '/events/1/correct', '/evidence/new', '/plans/new', '/plans/step?plan=PAP1', '/plans/review', '/plans/review?plan=PAP1', '/workstreams/new', '/measures/amend?measure=M1', '/packs/new', '/accessibility', '/privacy']) {
        await page.goto(at(pathname));
        const found = await page.evaluate(() => {
          const width = document.documentElement.clientWidth;
          const out = [];
          if (document.documentElement.scrollWidth > width) {
            // The outermost elements that stick out, outside the regions meant to scroll.
            const culprits = [...document.querySelectorAll('main *, header *, footer *')]
              .filter((el) => el.getBoundingClientRect().right > width + 1 && !el.closest('[data-scroll-region]'))
              .filter((el) => !el.parentElement || el.parentElement.getBoundingClientRect().right <= width + 1)
              .slice(0, 5)
              .map((el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className && typeof el.className === 'string' ? `.${el.className.trim().split(/\s+/).join('.')}` : ''}`);
            out.push(`the page is ${document.documentElement.scrollWidth} px wide: ${culprits.join(', ')}`);
          }
          // GOV.UK's date input keeps day, month and year on one line, even at 320 px.
          for (const group of document.querySelectorAll('.govuk-date-input')) {
            const tops = [...group.querySelectorAll('input')].map((input) => Math.round(input.getBoundingClientRect().top));
            if (new Set(tops).size > 1) out.push(`the date input #${group.id} does not keep day, month and year side by side (tops ${tops.join(', ')})`);
          }
          for (const region of document.querySelectorAll('[data-scroll-region]')) {
            if (region.scrollWidth > region.clientWidth) {
              if (region.tabIndex < 0) out.push(`a scroll region cannot be reached with the keyboard: ${region.outerHTML.slice(0, 120)}`);
              if (!region.getAttribute('aria-label') && !region.getAttribute('aria-labelledby')) out.push(`a scroll region has no name: ${region.outerHTML.slice(0, 120)}`);
            }
          }
          return out;
        });
        for (const problem of found) problems.push(`${pathname}: ${problem}`);
        if (pathname === '/' || pathname === `/actions/${action}`) {
          await screenshot(page, pathname === '/' ? 'plan-320.png' : 'action-320.png');
          await checkAccessibility(page, `${pathname === '/' ? 'dashboard' : 'action page'} at 320 px`);
        }
      }
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
    assert.deepEqual(problems, [], `at 320 px:\n${problems.join('\n')}`);
  });

  await step('the footer links to the accessibility statement and the privacy notice', async () => {
    await page.goto(at('/'));
    const footer = page.getByRole('contentinfo');
    await footer.getByRole('link', { name: 'Accessibility statement' }).click();
    await page.waitForURL(at('/accessibility'));
    await expectHeading(page, 'Accessibility statement for the WSoA ledger');
    await checkAccessibility(page, 'accessibility statement');
    await page.getByRole('contentinfo').getByRole('link', { name: 'Privacy notice' }).click();
    await page.waitForURL(at('/privacy'));
    await expectHeading(page, 'Privacy notice');
    await checkAccessibility(page, 'privacy notice');
    await page.getByTestId('back-link').click();
    await page.waitForURL(at('/'));
  });

  await step('sign out: the session ends', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(at('/login'));
    await page.goto(at('/'));
    await page.waitForURL(at('/login'));
  });

  await step('an auditor signs in and sees no recording forms', async () => {
    await signIn(page, config.auditorToken, 'auditor', config.auditorName);
    assert.equal(await page.getByTestId('record-links').count(), 0, 'no "Record a change" links for an auditor');
    await page.goto(at(`/actions/${action}`));
    await page.getByTestId('action-title').waitFor();
    assert.equal(await page.locator('form[action^="/actions/"]').count(), 0, 'no recording forms on the action page for an auditor');
  });

  await step('the auditor runs a full verification: the ledger is intact', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Verify' }).click();
    await page.waitForURL(at('/verify'));
    await expectHeading(page, 'Verification');
    await checkAccessibility(page, 'verification');
    await page.getByRole('button', { name: 'Run full verification' }).click();
    await page.waitForURL((url) => url.pathname === '/verify');
    const message = await flash(page);
    assert.match(message, /the ledger is intact/i, `the flash should say the ledger is intact: "${message}"`);
    const result = await page.getByTestId('verification-result').innerText();
    assert.match(result, /Intact/, `the report should say intact: ${result}`);
    await checkAccessibility(page, 'verification after a run');
  });

  await step('the auditor downloads the whole ledger as a bundle from /verify', async () => {
    const bundle = await download(page, page.getByTestId('download-bundle'), 'ledger.wsoa');
    assert.equal(bundle.suggested, 'ledger.wsoa');
    assert.ok(bundle.bytes.subarray(0, 14).toString('latin1') === 'WSOA-BUNDLE 1\n', 'the download is a bundle');
  });

  assert.ok(isAt(page, '/verify'));
  assert.deepEqual(pageErrors, [], `the pages raised errors:\n${pageErrors.join('\n')}`);
}

async function main() {
  const watchdog = setTimeout(() => {
    console.error(`run.mjs: gave up after ${RUN_LIMIT_MS / 1000} s`);
    process.exit(1);
  }, RUN_LIMIT_MS);
  watchdog.unref();
  await mkdir(config.downloads, { recursive: true });
  await rm(path.join(config.screenshots, 'failure.png'), { force: true });
  const profile = await mkdtemp(path.join(tmpdir(), 'wsoa-chromium-profile-'));
  let context;
  try {
    context = await launch(profile);
    console.log(`Chromium ${context.browser()?.version() ?? ''} (${config.chromium}), fresh profile ${profile}`);
    await scenario(context);
  } catch (err) {
    let failure = err instanceof StepFailure ? err.message : String(err && err.stack ? err.stack : err);
    // What the browser showed when the step failed, for a person to look at.
    const page = context?.pages()[0];
    if (page) {
      const shot = path.join(config.screenshots, 'failure.png');
      await mkdir(config.screenshots, { recursive: true });
      if (await page.screenshot({ path: shot, fullPage: true }).then(() => true, () => false)) {
        failure += `\nThe page at that moment (${page.url()}): ${shot}`;
      }
    }
    failures.unshift(failure);
  } finally {
    if (context) await context.close().catch(() => {});
    await rm(profile, { recursive: true, force: true }).catch(() => {});
  }
  console.log('\naxe-core (WCAG 2.0/2.1/2.2 A and AA; serious and critical fail):');
  for (const line of axeSummary) console.log(`  ${line}`);
  if (notes.size) {
    console.log('\nNotes (these do not fail the run):');
    for (const [text, pages] of notes) {
      const seen = [...new Set(pages)];
      const everywhere = seen.length === checkedPages.size && seen.every((where) => checkedPages.has(where));
      console.log(`  ${text}\n    seen on ${everywhere ? `every page checked (${seen.length})` : seen.join(', ')}`);
    }
  }
  if (screenshotsTaken.length) console.log(`\nScreenshots: ${screenshotsTaken.join(', ')}`);
  if (failures.length) {
    console.log(`\n${failures.length} problem(s):`);
    for (const failure of failures) console.log(`\n${failure}`);
  }
  console.log(`\n${stepsPassed} passed, ${failures.length} failed`);
  process.exitCode = failures.length ? 1 : 0;
}

await main();
