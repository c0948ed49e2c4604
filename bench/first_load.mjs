// First load of the web UI as a new visitor sees it (issue 14 item 10), in Debian's Chromium against
// the real server binary on the demo data (web/e2e/server.mjs starts both the way the e2e suite
// does):
//   1. the bytes transferred (headers and bodies, as Chromium counts them) to show the login page
//      with an empty cache: index.html, scripts, styles, icon, and the requests the page makes;
//   2. the time from pressing "log in" as a salesperson to the first row of the customer list.
// Each of RUNS cold runs uses a new browser context (empty cache, no cookies); the medians are
// printed, with every run's numbers and, with --waterfall, the requests of the last run on a time
// line (start → end in ms after the click).
//
//   cd web && npm run build && node ../bench/first_load.mjs [--runs 7] [--customers 2000]
//      [--user zhang.wei] [--password demo1234] [--waterfall] [--width 1440 --height 900]
//      [--web-root DIR] [--profile FILE.cpuprofile]
//   env GUANXI_BIN: the server binary (default build/release/server/guanxi)
//   --web-root: the built UI to serve (default web/dist), e.g. an older build to compare with
//   --profile: the last run's CPU profile from the click to the first row (open it in Chromium's
//      DevTools, Performance panel; best from a build without minifying: `npx vite build --minify
//      false --outDir /tmp/plain`), and its heaviest functions printed
// The numbers go to docs/PERFORMANCE.md "First load". Not a test: nothing here fails on time.
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { DEFAULT_BIN, startServer } from "../web/e2e/server.mjs";

const require = createRequire(new URL("../web/package.json", import.meta.url));
const { chromium } = require("playwright-core");

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const RUNS = Number(arg("runs", 7));
const CUSTOMERS = Number(arg("customers", 2000)); // scripts/setup.sh's demo data set
const USER = arg("user", "zhang.wei");
const PASSWORD = arg("password", "demo1234");
const WIDTH = Number(arg("width", 1440));
const HEIGHT = Number(arg("height", 900));
const WATERFALL = process.argv.includes("--waterfall");
const WEB_ROOT = arg("web-root", undefined);
const PROFILE = arg("profile", undefined);
// A row showing a customer: its name links to the customer (not a row drawn before the fields).
const FIRST_ROW =
  '.meta-table .el-table__body-wrapper tbody tr a[href^="/customers/"]';

const median = (values) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Records every request of `page` through the DevTools protocol: URL, timing, encoded bytes. */
async function recordNetwork(context, page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: false });
  const requests = new Map();
  cdp.on("Network.requestWillBeSent", (e) => {
    requests.set(e.requestId, {
      url: e.request.url,
      method: e.request.method,
      start: performance.now(),
      acceptEncoding: e.request.headers["Accept-Encoding"] ?? "",
    });
  });
  cdp.on("Network.requestWillBeSentExtraInfo", (e) => {
    // The headers as sent, Accept-Encoding included (added below the page's own).
    const r = requests.get(e.requestId);
    if (r)
      r.acceptEncoding =
        e.headers["Accept-Encoding"] ?? e.headers["accept-encoding"] ?? "";
  });
  cdp.on("Network.responseReceived", (e) => {
    const r = requests.get(e.requestId);
    if (!r) return;
    r.status = e.response.status;
    r.encoding =
      e.response.headers["content-encoding"] ??
      e.response.headers["Content-Encoding"];
  });
  cdp.on("Network.loadingFinished", (e) => {
    const r = requests.get(e.requestId);
    if (!r) return;
    r.end = performance.now();
    r.bytes = e.encodedDataLength;
  });
  cdp.on("Network.loadingFailed", (e) => {
    const r = requests.get(e.requestId);
    if (r) r.failed = e.errorText;
  });
  return requests;
}

/** The functions with the most time of their own in a CPU profile, as lines of text. */
function heaviest(profile, count = 25) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const deltas = profile.timeDeltas;
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]);
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url ? `${url.split("/").pop()}:${lineNumber + 1}` : "";
    const key = `${functionName || "(anonymous)"} ${where}`;
    self.set(key, (self.get(key) ?? 0) + (deltas[i + 1] ?? 0) / 1000);
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  return [
    `  ${Math.round(total)} ms sampled; most time of their own:`,
    ...[...self.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([key, ms]) => `  ${ms.toFixed(1).padStart(7)} ms  ${key}`),
  ];
}

async function oneRun(browser, base, profile = false) {
  const context = await browser.newContext({
    viewport: { width: WIDTH, height: HEIGHT },
  });
  const page = await context.newPage();
  const requests = await recordNetwork(context, page);
  // To the customer list, as before the to-do page became where login leads (#15): the figures
  // stay comparable across versions.
  await page.goto(`${base}/login?redirect=/customers`, { waitUntil: "networkidle" });
  await page.getByTestId("login-username").waitFor();
  const loginRequests = [...requests.values()];
  const loginBytes = loginRequests.reduce((sum, r) => sum + (r.bytes ?? 0), 0);

  await page.getByTestId("login-username").fill(USER);
  await page.getByTestId("login-password").fill(PASSWORD);
  // Timed in the page, on its own clock: from the click on "log in" to the frame that first
  // shows a customer row (the animation frame after the row is in the document).
  await page.evaluate((selector) => {
    const times = (window.__firstLoad = {});
    document.addEventListener(
      "click",
      () => (times.click ??= performance.now()),
      { capture: true },
    );
    new MutationObserver((_, observer) => {
      if (times.rows || !document.querySelector(selector)) return;
      observer.disconnect();
      requestAnimationFrame(() => (times.rows = performance.now()));
    }).observe(document.body, { childList: true, subtree: true });
  }, FIRST_ROW);
  let profiler = null;
  if (profile) {
    profiler = await context.newCDPSession(page);
    await profiler.send("Profiler.enable");
    await profiler.send("Profiler.setSamplingInterval", { interval: 100 });
    await profiler.send("Profiler.start");
  }
  await page.getByTestId("login-submit").click();
  await page
    .locator(FIRST_ROW)
    .first()
    .waitFor({ state: "visible", timeout: 30000 });
  await page.waitForFunction(() => window.__firstLoad.rows !== undefined);
  const cpu = profiler ? (await profiler.send("Profiler.stop")).profile : null;
  const { times, after } = await page.evaluate(() => ({
    times: window.__firstLoad,
    after: performance
      .getEntriesByType("resource")
      .filter((r) => r.startTime >= window.__firstLoad.click)
      .map((r) => ({ url: r.name, start: r.startTime, end: r.responseEnd })),
  }));
  const toRows = times.rows - times.click;
  // The web's own part: from the login's answer (the password checked) to the first row.
  const login = after.find(
    (r) => new URL(r.url).pathname === "/api/v1/auth/login",
  );
  const signedInToRows = login ? times.rows - login.end : NaN;
  await context.close();
  return {
    loginBytes,
    loginRequests,
    toRows,
    signedInToRows,
    after,
    clicked: times.click,
    cpu,
  };
}

const server = await startServer({
  bin: process.env.GUANXI_BIN || DEFAULT_BIN,
  customers: CUSTOMERS,
  webRoot: WEB_ROOT,
});
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
  ],
});
try {
  await oneRun(browser, server.base); // warms the server's caches and the disk, not the browser's
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    runs.push(await oneRun(browser, server.base, PROFILE && i === RUNS - 1));
  }
  const last = runs.at(-1);
  const path = (url) => new URL(url).pathname + new URL(url).search;
  console.log(`login page, empty cache: ${last.loginRequests.length} requests`);
  for (const r of last.loginRequests) {
    console.log(
      `  ${String(r.bytes ?? 0).padStart(9)} B  ${(r.encoding ?? "-").padEnd(5)} ${r.status ?? r.failed} ${path(r.url)}`,
    );
  }
  console.log(
    `  (the browser sent Accept-Encoding: ${last.loginRequests[0]?.acceptEncoding})`,
  );
  if (WATERFALL) {
    console.log(
      `after "log in" (ms after the click: start → end), then the first row:`,
    );
    for (const r of last.after.sort((a, b) => a.start - b.start)) {
      const at = (t) => String(Math.round(t - last.clicked)).padStart(4);
      console.log(`  ${at(r.start)} → ${at(r.end)}  ${path(r.url)}`);
    }
    console.log(
      `  ${String(Math.round(last.toRows)).padStart(4)}         first row shown`,
    );
  }
  if (last.cpu) {
    writeFileSync(PROFILE, JSON.stringify(last.cpu));
    console.log(`CPU profile of the last run (${PROFILE}):`);
    for (const line of heaviest(last.cpu)) console.log(line);
  }
  const bytes = runs.map((r) => r.loginBytes);
  const times = runs.map((r) => Math.round(r.toRows));
  const web = runs.map((r) => Math.round(r.signedInToRows));
  console.log(
    `runs: bytes ${bytes.join(" ")}; login → first rows ms ${times.join(" ")}`,
  );
  console.log(
    `  of which after the login's answer (the password checked) ms ${web.join(" ")}`,
  );
  console.log(
    `first load of the login page: ${median(bytes)} bytes transferred (median of ${RUNS})`,
  );
  console.log(
    `login → first rows of the customer list (${USER}, ${WIDTH}×${HEIGHT}): ${median(times)} ms median (min ${Math.min(...times)}, max ${Math.max(...times)})`,
  );
  console.log(
    `  after the login's answer: ${median(web)} ms median (min ${Math.min(...web)}, max ${Math.max(...web)})`,
  );
} finally {
  await browser.close();
  await server.stop();
}
