// The operator's pages under /betrieb in a real browser: login with the operator token, every
// page with axe-core at zero violations (WCAG 2.1 A/AA), no CSP violation or script error,
// screenshots at desktop and phone size, and logout.
import { test } from "node:test";
import assert from "node:assert/strict";
import { launch, demo, checkA11y, screenshots, watchConsole } from "./lib.mjs";

test("operator pages: login, overview, node, offer findings, quarantine, coverage", async () => {
  const info = demo();
  const browser = await launch();
  try {
    const page = await browser.newPage();
    const hub = info.hub_url.replace(/\/$/, "");

    // Not signed in: the overview leads to the login form.
    await page.goto(`${hub}/betrieb`);
    assert.match(page.url(), /\/betrieb\/anmelden$/);
    await checkA11y(page, "login");
    await screenshots(page, "betrieb-anmelden");

    // A wrong token is refused with a message.
    await page.fill("#token", "lotse_falsch");
    await page.click("form button[type=submit]");
    assert.equal(await page.locator(".notice--error").count(), 1);
    await checkA11y(page, "login with error");
    // Watched from here on: the refused login above answers 401 on purpose, and the browser's
    // favicon request (404) happens on the first page; both show as console errors.
    const console = watchConsole(page);

    await page.fill("#token", info.operator_token);
    await Promise.all([page.waitForURL(/\/betrieb$/), page.click("main form button[type=submit]")]);
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === "lotse_betrieb");
    assert.ok(session && session.httpOnly, "an HttpOnly session cookie");
    assert.equal(await page.locator("h1").count(), 1);
    await checkA11y(page, "overview");
    await screenshots(page, "betrieb-uebersicht");

    // One node, then one of its offers.
    const node = info.nodes[0];
    await page.goto(`${hub}/betrieb/knoten/${encodeURIComponent(node.id)}`);
    assert.ok((await page.locator("table tbody tr").count()) > 0, "the node's offers are listed");
    await checkA11y(page, "node");
    await screenshots(page, "betrieb-knoten");
    await Promise.all([page.waitForURL(/\/betrieb\/angebote\//), page.locator("table tbody tr th a").first().click()]);
    assert.match(await page.locator("main").innerText(), /\/ 100/);
    await checkA11y(page, "offer findings");
    await screenshots(page, "betrieb-angebot");

    await page.goto(`${hub}/betrieb/quarantaene`);
    await checkA11y(page, "quarantine");
    await screenshots(page, "betrieb-quarantaene");

    await page.goto(`${hub}/betrieb/abdeckung`);
    await page.selectOption("#offer-type", { index: 1 });
    await Promise.all([page.waitForURL(/offer_type=/), page.click("main form.search-bar button[type=submit]")]);
    assert.ok((await page.locator("svg.map path").count()) > 40, "the municipality map is drawn");
    await checkA11y(page, "coverage");
    await screenshots(page, "betrieb-abdeckung");

    // English.
    await page.goto(`${hub}/betrieb?lang=en`);
    assert.equal(await page.getAttribute("html", "lang"), "en");
    await checkA11y(page, "overview (en)");

    // Logging out ends the session.
    await Promise.all([page.waitForURL(/\/betrieb\/anmelden/), page.click("form.logout button[type=submit]")]);
    await page.goto(`${hub}/betrieb`);
    assert.match(page.url(), /\/betrieb\/anmelden/);
    console.assertClean();
  } finally {
    await browser.close();
  }
});
