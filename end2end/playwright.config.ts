import { defineConfig } from "@playwright/test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// A fresh SQLite database and a free port for every run. Chosen once in the main process and
// passed to the workers through the environment (they re-read this file).
process.env.RAPPORT_E2E_PORT ??= String(3900 + Math.floor(Math.random() * 500));
process.env.RAPPORT_E2E_DATA ??= mkdtempSync(join(tmpdir(), "rapport-e2e-"));
const port = Number(process.env.RAPPORT_E2E_PORT);
const dataDir = process.env.RAPPORT_E2E_DATA;
const baseURL = `http://127.0.0.1:${port}`;

const chromium = {
  executablePath: "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
};

export default defineConfig({
  testDir: "./tests",
  outputDir: "./test-results",
  timeout: 30_000,
  workers: 2,
  // The known rare stall (README, "Known open problems") also hits browser tests now and then
  // (a page that never hydrates). One retry keeps CI usable; Playwright lists such a test as
  // "flaky", so it stays visible.
  retries: 1,
  reporter: [["list"]],
  use: {
    baseURL,
    launchOptions: chromium,
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
  },
  projects: [
    { name: "js", testIgnore: /\.nojs\.spec\.ts$/, use: { javaScriptEnabled: true } },
    { name: "no-js", testMatch: /\.nojs\.spec\.ts$/, use: { javaScriptEnabled: false } },
  ],
  webServer: {
    // The server binary from `cargo leptos build`, serving target/site; demo data is seeded first.
    command: `../target/debug/rapport seed-demo --customers 60 --threads 20 && ../target/debug/rapport serve`,
    cwd: __dirname,
    url: `${baseURL}/readyz`,
    timeout: 60_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      RAPPORT_BIND: `127.0.0.1:${port}`,
      RAPPORT_DATA_DIR: dataDir,
      RAPPORT_DATABASE_URL: `sqlite://${dataDir}/rapport.db`,
      LEPTOS_SITE_ROOT: "../target/site",
      RAPPORT_LOG: "warn",
      // The journey test moves the scheduler's clock forward by writing seconds into this file.
      RAPPORT_TEST_CLOCK_FILE: `${dataDir}/clock-offset-seconds`,
    },
  },
});
