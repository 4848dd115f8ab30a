// Shared helpers of the browser tests: Debian's Chromium driven by playwright-core, axe-core
// for accessibility, screenshots at desktop and phone size, and a watch on the console so that
// a Content-Security-Policy violation or a script error fails the test.
import { readFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

/** Launches headless Chromium with the flags this kind of machine needs (no network besides loopback). */
export async function launch() {
  return chromium.launch({
    executablePath: process.env.LOTSE_CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
    ],
  });
}

/** The running demo: {hub_url, operator_token, nodes: [{id, name, url, steward_token}]}. */
export function demo() {
  const file = process.env.LOTSE_DEMO_INFO;
  if (!file) throw new Error("LOTSE_DEMO_INFO is not set (the Rust test crates/lotse-cli/tests/browser.rs sets it)");
  return JSON.parse(readFileSync(file, "utf8"));
}

/**
 * Fails on page errors, on CSP violations and on console errors, collected per page.
 * Call `assertClean()` at the end of a test.
 */
export function watchConsole(page) {
  const problems = [];
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (msg) => {
    if (msg.type() === "error") problems.push(`console error: ${msg.text()}`);
  });
  return {
    problems,
    assertClean() {
      if (problems.length) throw new Error(`problems on ${page.url()}:\n${problems.join("\n")}`);
    },
  };
}

/**
 * Runs axe-core (WCAG 2.0/2.1 A and AA) on the page and throws with every violation listed.
 * axe is evaluated through the DevTools protocol, which the page's CSP does not govern, so the
 * page keeps its real policy while it is checked.
 */
export async function checkA11y(page, label) {
  await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    return await axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
  });
  if (result.violations.length) {
    const lines = result.violations.map(
      (v) => `- ${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.slice(0, 5).map((n) => n.target.join(" ")).join("\n    ")}`,
    );
    throw new Error(`axe found ${result.violations.length} violation(s) on ${label} (${page.url()}):\n${lines.join("\n")}`);
  }
}

/** Writes `<name>-desktop.png` (1280×800) and `<name>-phone.png` (390×844), then restores the viewport. */
export async function screenshots(page, name) {
  const dir = process.env.LOTSE_SCREENSHOT_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  const before = page.viewportSize();
  for (const [suffix, size] of [["desktop", { width: 1280, height: 800 }], ["phone", { width: 390, height: 844 }]]) {
    await page.setViewportSize(size);
    await page.waitForTimeout(150);
    await page.screenshot({ path: path.join(dir, `${name}-${suffix}.png`) });
  }
  if (before) await page.setViewportSize(before);
}
