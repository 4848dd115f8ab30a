// A data steward in a real browser against `lotse demo`: logs in with the node's token, uploads
// a CSV with one bad row, reads the report, fixes the row, uploads again, confirms, and sees the
// offer appear on the hub. axe-core runs on every steward page; screenshots at 1280×800 and
// 390×844 go to LOTSE_SCREENSHOT_DIR.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { launch, demo, checkA11y, screenshots, watchConsole } from './lib.mjs';

const HEADER = [
  'id', 'offer_type', 'title_de', 'title_en', 'description_de', 'provider_name', 'provider_kind', 'status',
  'target_groups', 'languages', 'cost_kind', 'delivery', 'location_street', 'location_postcode',
  'location_city', 'location_ags', 'contact_email',
].join(';');

// One CSV row of a counselling offer at `place` (a location of one of the node's own offers, so
// that it lies in the node's municipality).
function row(id, title, offerType, place) {
  return [
    id, offerType, title, 'Counselling for newcomers', 'Offene Beratung für Zugewanderte, ohne Termin.',
    'Caritas', 'traeger', 'active', 'alle_zugewanderten|gefluechtete', 'de|ar', 'free', 'presential',
    place.street, place.postcode, place.city, place.ags, 'beratung@example.org',
  ].join(';');
}

async function firstLocation(node) {
  const r = await fetch(`${node.url}/api/v1/offers?limit=50`, {
    headers: { Authorization: `Bearer ${node.steward_token}` },
  });
  assert.equal(r.status, 200, 'the node lists its offers');
  const list = await r.json();
  for (const item of list.items) {
    const loc = (item.offer.locations || [])[0];
    if (loc) {
      return loc;
    }
  }
  throw new Error('the demo node has no offer with a location');
}

async function onHub(hubUrl, title, id, nodeId) {
  const deadline = Date.now() + 30000;
  while (Date.now() < deadline) {
    const r = await fetch(`${hubUrl}/api/v1/search?q=${encodeURIComponent(title)}`);
    if (r.ok) {
      const body = await r.json();
      if ((body.results || []).some((h) => h.id === `${nodeId}/${id}` || h.title === title)) {
        return true;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

test('a steward uploads, fixes a bad row, confirms and sees the offer on the hub', async () => {
  const info = demo();
  const node = info.nodes[0];
  const place = await firstLocation(node);
  const stamp = Date.now().toString(36);
  const goodId = `bt-${stamp}-1`;
  const fixedId = `bt-${stamp}-2`;
  const title = `Beratungscafé Browsertest ${stamp}`;
  const fixedTitle = `Sprechstunde Browsertest ${stamp}`;
  const dir = mkdtempSync(join(tmpdir(), 'lotse-steward-'));
  const badCsv = join(dir, 'angebote.csv');
  writeFileSync(badCsv, `${HEADER}\n${row(goodId, title, 'beratung', place)}\n${row(fixedId, fixedTitle, 'gibt_es_nicht', place)}\n`);
  const fixedCsv = join(dir, 'angebote-korrigiert.csv');
  writeFileSync(fixedCsv, `${HEADER}\n${row(goodId, title, 'beratung', place)}\n${row(fixedId, fixedTitle, 'beratung', place)}\n`);

  const browser = await launch();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const watcher = watchConsole(page);

    // Log in with the token.
    await page.goto(`${node.url}/anmelden`);
    await checkA11y(page, 'steward login');
    await screenshots(page, 'steward-login');
    // A wrong token first: the error is announced and linked to the field.
    await page.getByLabel('Token', { exact: true }).fill('lotse_falsch');
    await page.getByRole('button', { name: 'Mit Token anmelden' }).click();
    await page.getByRole('alert').getByText('Das Token ist nicht gültig.').waitFor();
    assert.equal(await page.getByLabel('Token', { exact: true }).getAttribute('aria-invalid'), 'true');
    await checkA11y(page, 'steward login with an error');
    // The refused login answers 401, which Chromium logs; that one entry is expected.
    const refused = watcher.problems.filter((p) => p.includes('401'));
    assert.equal(refused.length, 1, `one refused login: ${watcher.problems.join('; ')}`);
    watcher.problems.splice(watcher.problems.indexOf(refused[0]), 1);
    await page.getByLabel('Token', { exact: true }).fill(node.steward_token);
    await page.getByRole('button', { name: 'Mit Token anmelden' }).click();
    await page.waitForURL(/\/angebote/);
    await checkA11y(page, 'steward offers');
    await screenshots(page, 'steward-offers');

    // Upload the file with one bad row and read the report.
    await page.getByRole('link', { name: 'Datei hochladen' }).click();
    await page.waitForURL(/\/hochladen$/);
    await checkA11y(page, 'steward upload');
    await screenshots(page, 'steward-upload');
    await page.getByLabel('Datei (CSV, JSON oder NDJSON)').setInputFiles(badCsv);
    await page.getByRole('button', { name: 'Hochladen und prüfen' }).click();
    await page.waitForURL(/\/hochladen\/[0-9a-f]+$/);
    const table = page.getByRole('table', { name: 'Befunde je Datensatz' });
    await table.waitFor();
    const badRow = table.getByRole('row').filter({ hasText: 'offer_type' }).first();
    const cells = await badRow.getByRole('cell').allInnerTexts();
    assert.equal(cells[0].trim(), '2', 'the second record');
    assert.equal(cells[1].trim(), '3', 'line 3 of the file');
    assert.equal(cells[2].trim(), fixedId);
    assert.equal(cells[4].trim(), 'Fehler', 'the severity in words');
    assert.match(cells[6], /Werteliste/, 'how to fix it');
    await checkA11y(page, 'steward report');
    await screenshots(page, 'steward-report');

    // Fix the row and upload again; the report is clean; confirm.
    await page.getByRole('link', { name: 'Korrigierte Datei hochladen' }).click();
    await page.getByLabel('Datei (CSV, JSON oder NDJSON)').setInputFiles(fixedCsv);
    await page.getByRole('button', { name: 'Hochladen und prüfen' }).click();
    await page.waitForURL(/\/hochladen\/[0-9a-f]+$/);
    await page.getByText('Keine Befunde').waitFor();
    await page.getByRole('button', { name: /Alle speichern/ }).click();
    await page.getByRole('heading', { name: 'Import gespeichert' }).waitFor();
    await checkA11y(page, 'steward result');
    await screenshots(page, 'steward-result');

    // The offers appear on the hub (pushed by the node's ping, harvested by the hub).
    assert.ok(await onHub(info.hub_url, fixedTitle, fixedId, node.id), 'the fixed offer is found on the hub');
    assert.ok(await onHub(info.hub_url, title, goodId, node.id), 'the good offer is found on the hub');

    // The import log lists it.
    await page.getByRole('link', { name: 'Importprotokoll', exact: true }).click();
    await page.waitForURL(/\/importe$/);
    await checkA11y(page, 'steward import log');
    await screenshots(page, 'steward-imports');

    // The form: search the list, open the offer, type an invalid value and see the
    // standard's message next to the field, from the node's check while typing.
    await page.goto(`${node.url}/angebote?q=${encodeURIComponent(stamp)}`);
    await page.getByRole('link', { name: fixedTitle }).first().click();
    await page.waitForURL(/\/angebote\/bt-/);
    await checkA11y(page, 'steward offer form');
    await screenshots(page, 'steward-form');
    const email = page.getByLabel('E-Mail', { exact: true });
    await email.fill('keine-adresse');
    const error = page.locator('#f-contact-email-error');
    await error.getByText('E-Mail-Adresse').waitFor({ timeout: 5000 });
    assert.equal(await email.getAttribute('aria-invalid'), 'true');
    await checkA11y(page, 'steward offer form with a finding');
    await email.fill('beratung@example.org');
    await page.waitForFunction(() => document.querySelector('#f-contact-email-error').children.length === 0);

    // The delete confirmation (not confirmed here) and the English version of the list.
    await page.goto(`${node.url}/angebote/${goodId}/loeschen`);
    await checkA11y(page, 'steward delete confirmation');
    await screenshots(page, 'steward-delete');
    await page.goto(`${node.url}/angebote?lang=en`);
    await page.getByRole('heading', { name: 'Offers' }).waitFor();
    await checkA11y(page, 'steward offers, English');
    watcher.assertClean();
  } finally {
    await browser.close();
  }
});
