// Figures of the hub's search page in Debian's Chromium against a running `lotse demo`
// (LOTSE_DEMO_INFO names its info file), for docs/benchmarks.md:
//
// - first contentful paint and largest contentful paint of `/` on loopback, median of RUNS
//   fresh page loads (no cache);
// - bytes transferred for the search page with its map until the map shows its clusters,
//   compressed as sent (Chromium's encodedDataLength, headers included), first load;
// - typing latency: words typed into the search field at 90 ms per key (a quick typist); for
//   every keystroke that led to a search, the time from the keystroke's input event to the
//   frame after the results were replaced (the page records it in window.lotseTimings), p50
//   and p95.
//
//   LOTSE_DEMO_INFO=/tmp/demo.json node web/bench/search-page.mjs
import { launch, demo } from "../tests/lib.mjs";

const RUNS = Number(process.env.RUNS || 7);
const WORDS = ["Integrationskurs", "Sprachkurs Abend", "Beratung Anerkennung", "Migrationsberatung", "Kita Eltern",
  "Studienkolleg", "Alphabetisierung", "Jugendmigrationsdienst", "Berufssprachkurs B2", "Familienzentrum"];
const hub = demo().hub_url;
const browser = await launch();

function quantile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}
const median = (v) => quantile([...v].sort((a, b) => a - b), 0.5);

const fcp = [], lcp = [];
let bytes = 0;
for (let i = 0; i < RUNS; i++) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  let sum = 0;
  cdp.on("Network.loadingFinished", (e) => { sum += e.encodedDataLength; });
  await page.addInitScript(() => {
    window.__lcp = 0;
    new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__lcp = e.startTime; })
      .observe({ type: "largest-contentful-paint", buffered: true });
  });
  await page.goto(hub + "/");
  await page.waitForSelector("#map .marker-cluster");
  await page.waitForTimeout(300);
  const p = await page.evaluate(() => ({ fcp: performance.getEntriesByName("first-contentful-paint")[0]?.startTime, lcp: window.__lcp }));
  fcp.push(p.fcp);
  lcp.push(p.lcp);
  if (i === 0) bytes = sum;
  await context.close();
}

const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
const page = await context.newPage();
await page.goto(hub + "/");
await page.waitForSelector("#map .marker-cluster");
await page.locator("#q").click();
for (const word of WORDS) {
  await page.locator("#q").fill("");
  await page.waitForTimeout(200);
  await page.keyboard.type(word, { delay: 90 });
  await page.waitForFunction((w) => window.lotseTimings.some((t) => t.q === w), word);
  await page.waitForTimeout(200);
}
const timings = (await page.evaluate(() => window.lotseTimings.filter((t) => t.q !== "").map((t) => t.ms))).sort((a, b) => a - b);
await browser.close();

const answer = await (await fetch(hub + "/api/v1/search?page_size=1")).json();
console.log(`offers at the hub: ${answer.total}`);
console.log(`first contentful paint: median ${median(fcp).toFixed(0)} ms (runs: ${fcp.map((v) => v.toFixed(0)).join(", ")})`);
console.log(`largest contentful paint: median ${median(lcp).toFixed(0)} ms`);
console.log(`bytes for the search page with map (compressed, first load): ${bytes} (${(bytes / 1024).toFixed(0)} KiB)`);
console.log(`typing latency over ${timings.length} searches: p50 ${quantile(timings, 0.5).toFixed(0)} ms, p95 ${quantile(timings, 0.95).toFixed(0)} ms, max ${timings[timings.length - 1].toFixed(0)} ms`);
