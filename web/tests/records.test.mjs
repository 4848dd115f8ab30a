// Standard 1.1 in a real browser against `lotse demo`: an institution on the Essen node, a
// network on the Dortmund node that lists it as a member (a reference across nodes) and a
// project with the institution as partner, published through the nodes' steward APIs; then the
// hub's pages of each (institution, network, project, the project map, the lists) and the
// steward's pages of the new kinds. axe-core checks every page at zero violations; screenshots
// go to LOTSE_SCREENSHOT_DIR.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";

import { launch, demo, checkA11y, screenshots, watchConsole } from "./lib.mjs";

const info = demo();
const HUB = info.hub_url;
const essen = info.nodes.find((n) => n.id === "essen");
const dortmund = info.nodes.find((n) => n.id === "dortmund");
const stamp = Date.now().toString(36);
const ORG = `bt-kita-${stamp}`;
const NET = `bt-netz-${stamp}`;
const PROJECT = `bt-projekt-${stamp}`;
let browser;

async function push(node, plural, record) {
  const r = await fetch(`${node.url}/api/v1/${plural}/${record.id}`, {
    method: "PUT",
    headers: { authorization: `Bearer ${node.steward_token}`, "content-type": "application/json" },
    body: JSON.stringify(record),
  });
  assert.ok(r.ok, `PUT ${plural}/${record.id}: ${r.status} ${await r.text()}`);
}

/** Waits until the hub serves the record and, for the network, resolves its member. */
async function atHub(path, ready = () => true) {
  const deadline = Date.now() + 30000;
  for (;;) {
    const r = await fetch(`${HUB}/api/v1/${path}`);
    if (r.ok && ready(await r.json())) return;
    assert.ok(Date.now() < deadline, `${path} reaches the hub within 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

before(async () => {
  await push(essen, "organizations", {
    id: ORG,
    name: { de: `Kita Sonnenblume ${stamp}`, en: `Sunflower day-care ${stamp}` },
    kind: "kita",
    description: { de: "Städtische Kindertageseinrichtung mit Sprachförderung." },
    locations: [{
      name: "Haupthaus", street: "Kopstadtplatz 1", postcode: "45127", city: "Essen", ags: "05113000",
      lat: 51.4569, lon: 7.0123,
      opening_hours: [{ days: ["mo", "tu", "we", "th", "fr"], opens: "07:00", closes: "16:30" }],
      accessibility: ["rollstuhlgerecht"],
    }],
    contact: { email: "kita@example.org", phone: "+49 201 123456" },
    links: [{ purpose: "registration", url: "https://kita.example.org/anmeldung" }],
    languages: ["de", "tr"],
    life_phases: ["kita_3_6"],
  });
  await push(essen, "projects", {
    id: PROJECT,
    title: { de: `Sprachbrücke Kita–Schule ${stamp}` },
    summary: { de: "Sprachförderung am Übergang von der Kita in die Grundschule." },
    life_phases: ["kita_3_6", "grundschule_6_10"],
    period: { start: "2025-08-01" },
    status: "running",
    partners: [ORG],
    service_area: ["05113000"],
  });
  await push(dortmund, "networks", {
    id: NET,
    name: { de: `Netzwerk Frühe Bildung ${stamp}` },
    topic: { de: "Frühe Bildung im Ruhrgebiet" },
    coordinators: [{ name: "Dana Beispiel", role: "Koordination", email: "dana@example.org" }],
    members: [`essen/${ORG}`],
    service_area: ["05913000", "05113000"],
    how_to_join: { de: "Schreiben Sie der Koordination." },
  });
  await atHub(`organizations/essen/${ORG}`);
  await atHub(`projects/essen/${PROJECT}`);
  await atHub(`networks/dortmund/${NET}`, (v) => v.references.length === 1 && v.references[0].resolved);
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

async function visit(url, label, shot) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: "de-DE" });
  const console = watchConsole(page);
  const response = await page.goto(url);
  assert.equal(response.status(), 200, `${label}: ${url}`);
  await checkA11y(page, label);
  if (shot) await screenshots(page, shot);
  return { page, console };
}

test("the hub's pages of an institution, a network and a project, linked across nodes", async () => {
  const org = await visit(`${HUB}/einrichtungen/essen/${ORG}`, "institution page", "einrichtung");
  await org.page.getByRole("heading", { level: 1, name: `Kita Sonnenblume ${stamp}` }).waitFor();
  assert.ok(await org.page.getByRole("link", { name: `Netzwerk Frühe Bildung ${stamp}` }).count(), "its network, on another node");
  assert.ok(await org.page.getByRole("link", { name: `Sprachbrücke Kita–Schule ${stamp}` }).count(), "its project");
  const ld = JSON.parse(await org.page.locator('script[type="application/ld+json"]').textContent());
  assert.equal(ld["@type"], "EducationalOrganization");
  await org.page.close();

  const net = await visit(`${HUB}/netzwerke/dortmund/${NET}`, "network page", "netzwerk");
  assert.equal(await net.page.getByRole("link", { name: "dana@example.org" }).getAttribute("href"), "mailto:dana@example.org");
  await net.page.getByRole("link", { name: `Kita Sonnenblume ${stamp}` }).click();
  await net.page.waitForURL(new RegExp(`/einrichtungen/essen/${ORG}$`));
  await net.page.close();

  const project = await visit(`${HUB}/projekte/essen/${PROJECT}`, "project page", "projekt");
  const projectLd = JSON.parse(await project.page.locator('script[type="application/ld+json"]').textContent());
  assert.equal(projectLd["@type"], "Project");
  await project.page.close();

  const map = await visit(`${HUB}/projekte?gemeinde=05113000&status=running`, "project map", "projekte");
  assert.ok(await map.page.getByRole("link", { name: `Sprachbrücke Kita–Schule ${stamp}` }).count(), "the project in the filtered table");
  await map.page.close();
  const changes = await visit(`${HUB}/projekte?seit=2020-01-01`, "project changes");
  await changes.page.getByRole("table", { name: /Neue, abgeschlossene und entfernte Projekte/ }).waitFor();
  await changes.page.close();

  for (const [path, label] of [["/einrichtungen?gemeinde=05113000", "institution list"], ["/netzwerke", "network list"]]) {
    const list = await visit(`${HUB}${path}`, label);
    await list.page.close();
  }
});

test("the steward's pages of the new kinds", async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`${dortmund.url}/anmelden`);
  await page.getByLabel("Token", { exact: true }).fill(dortmund.steward_token);
  await page.getByRole("button", { name: "Mit Token anmelden" }).click();
  await page.waitForURL(/\/angebote/);
  await page.getByRole("link", { name: "Netzwerke", exact: true }).click();
  await page.waitForURL(/\/netzwerke$/);
  await page.getByRole("link", { name: `Netzwerk Frühe Bildung ${stamp}` }).waitFor();
  await checkA11y(page, "steward networks");
  await screenshots(page, "steward-netzwerke");
  await page.getByRole("link", { name: `Netzwerk Frühe Bildung ${stamp}` }).click();
  await page.waitForURL(new RegExp(`/netzwerke/${NET}$`));
  assert.equal(await page.locator('input[name="/members"]').inputValue(), `essen/${ORG}`);
  await checkA11y(page, "steward network form");
  await screenshots(page, "steward-netzwerk");
  await page.goto(`${dortmund.url}/projekte/neu`);
  await checkA11y(page, "steward new project");
  await page.close();
});
