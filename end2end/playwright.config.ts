import { defineConfig } from "@playwright/test";
import { execFileSync } from "node:child_process";
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

// Two more servers on one fresh Postgres database, for the multi-instance test (live stories
// published on one instance reach a browser on the other). Created once, in the main process.
const postgresAdmin = process.env.RAPPORT_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";
if (process.env.RAPPORT_E2E_PG_DB === undefined) {
  const name = `rapport_e2e_${Date.now().toString(36)}`;
  try {
    // Databases of earlier runs (their servers are gone) are dropped here rather than at the
    // end, because Playwright stops the web servers only after a global teardown.
    const stale = execFileSync("psql", [postgresAdmin, "-Atc", "SELECT datname FROM pg_database WHERE datname LIKE 'rapport_e2e_%'"], { encoding: "utf8" });
    for (const old of stale.split("\n").filter(Boolean)) {
      execFileSync("psql", [postgresAdmin, "-q", "-c", `DROP DATABASE IF EXISTS ${old} WITH (FORCE)`], { stdio: "pipe" });
    }
    execFileSync("psql", [postgresAdmin, "-q", "-c", `CREATE DATABASE ${name}`], { stdio: "pipe" });
    process.env.RAPPORT_E2E_PG_DB = name;
  } catch (error) {
    if (process.env.RAPPORT_REQUIRE_POSTGRES === "1") throw new Error(`Postgres is required for the multi-instance browser test: ${error}`);
    console.warn(`!!!! the multi-instance browser test will be skipped: cannot create a Postgres database (${error}) !!!!`);
    process.env.RAPPORT_E2E_PG_DB = "";
  }
  process.env.RAPPORT_E2E_PG_PORT ??= String(Number(process.env.RAPPORT_E2E_PORT) + 500);
  process.env.RAPPORT_E2E_PG_DATA ??= mkdtempSync(join(tmpdir(), "rapport-e2e-pg-"));
}
const postgresUrl = process.env.RAPPORT_E2E_PG_DB ? `${postgresAdmin.replace(/\/[^/]*$/, "")}/${process.env.RAPPORT_E2E_PG_DB}` : "";
// The reconnect test starts (and stops) one more instance on the same database itself.
process.env.RAPPORT_E2E_PG_URL = postgresUrl;
const pgPort = Number(process.env.RAPPORT_E2E_PG_PORT);
const pgData = process.env.RAPPORT_E2E_PG_DATA!;
function postgresInstance(offset: number, command: string) {
  return {
    command,
    cwd: __dirname,
    url: `http://127.0.0.1:${pgPort + offset}/readyz`,
    timeout: 90_000,
    reuseExistingServer: false,
    stdout: "pipe" as const,
    stderr: "pipe" as const,
    env: {
      RAPPORT_BIND: `127.0.0.1:${pgPort + offset}`,
      RAPPORT_DATA_DIR: `${pgData}/instance-${offset}`,
      RAPPORT_DATABASE_URL: postgresUrl,
      // One secret for all instances, as in a real deployment.
      RAPPORT_SESSION_SECRET: "e2e-multi-instance-secret-0123456789abcdef",
      LEPTOS_SITE_ROOT: "../target/site",
      RAPPORT_LOG: "warn",
    },
  };
}
const postgresServers = postgresUrl
  ? [
      postgresInstance(0, "../target/debug/rapport seed-demo --customers 30 --threads 5 && ../target/debug/rapport serve"),
      // The second instance waits for the first (its migrations and demo data).
      postgresInstance(1, `until curl -fs http://127.0.0.1:${pgPort}/readyz >/dev/null; do sleep 0.3; done; ../target/debug/rapport serve`),
    ]
  : [];

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
  // No retries: a test that fails once is a bug to find (the last flake, a page that never
  // hydrated, was a static file taking the page's Content-Security-Policy; see the README).
  retries: 0,
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
  webServer: [{
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
  }, ...postgresServers],
});
