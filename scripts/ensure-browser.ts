/**
 * Makes sure the end-to-end suite has a browser: Debian's Chromium at
 * /usr/bin/chromium (or $CHROMIUM_PATH). Installs it with apt when it is
 * missing and we are root (as on CI and a fresh dev machine); otherwise says
 * how to install it. Playwright's own browser download is not used: this
 * machine cannot reach it.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (existsSync(chromium)) process.exit(0);

if (process.getuid?.() === 0 && existsSync("/usr/bin/apt-get")) {
  console.log("Chromium is missing: installing Debian's chromium package (once)…");
  execFileSync("apt-get", ["update"], { stdio: "inherit" });
  execFileSync("apt-get", ["install", "-y", "chromium"], {
    stdio: "inherit",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
  if (existsSync(chromium)) process.exit(0);
}
console.error(
  `The end-to-end tests need Chromium at ${chromium}. Install it (Debian/Ubuntu: sudo apt-get install -y chromium) or set CHROMIUM_PATH.`,
);
process.exit(1);
