// Pins every @backstage package in the lockfile to one release line, as yarn `resolutions` do in the
// Backstage template: for each package, the highest stable version published by the release's date.
// Usage: node scripts/pin-backstage-release.mjs 2026-09-19, then npm install; repeat until nothing changes.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const cutoff = process.argv[2];
if (!/^\d{4}-\d{2}-\d{2}$/.test(cutoff ?? '')) {
  console.error('usage: node scripts/pin-backstage-release.mjs <YYYY-MM-DD, the day after the release>');
  process.exit(2);
}

const compare = (a, b) => {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
  return 0;
};

const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
const names = new Set(
  Object.keys(lock.packages)
    .map(path => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length))
    .filter(name => name.startsWith('@backstage/')),
);

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const overrides = { ...pkg.overrides };
for (const name of [...names].sort()) {
  const times = JSON.parse(execFileSync('npm', ['view', name, 'time', '--json'], { encoding: 'utf8' }));
  const candidates = Object.entries(times)
    .filter(([version, at]) => /^\d+\.\d+\.\d+$/.test(version) && at.slice(0, 10) < cutoff)
    .map(([version]) => version)
    .sort(compare);
  const version = candidates.at(-1);
  if (!version) {
    // Only a later release line depends on it; it leaves the tree once its dependents are pinned.
    console.log(`${name} (no release before ${cutoff}; not pinned, run again after npm install)`);
    continue;
  }
  overrides[name] = version;
  console.log(`${name} ${version}`);
}
pkg.overrides = Object.fromEntries(Object.entries(overrides).sort(([a], [b]) => a.localeCompare(b)));
writeFileSync('package.json', `${JSON.stringify(pkg, null, 2)}\n`);
