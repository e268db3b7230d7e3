import { execFileSync } from "node:child_process";

// Drops the multi-instance test's Postgres database (the servers have stopped by now).
export default function teardown() {
  const name = process.env.RAPPORT_E2E_PG_DB;
  if (!name) return;
  const admin = process.env.RAPPORT_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";
  try {
    execFileSync("psql", [admin, "-q", "-c", `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`], { stdio: "pipe" });
  } catch (error) {
    console.warn(`could not drop the e2e database ${name}: ${error}`);
  }
}
