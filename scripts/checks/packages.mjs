// The packages a user installs, built and packed as `npm publish` would: for the install checks.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Every publishable workspace, in dependency order (each builds after what it imports). */
export const PUBLISHED = [
  'packages/contract',
  'packages/temporal-connection',
  'packages/routing',
  'packages/migrate',
  'packages/signaler',
  'plugins/diachronic-common',
  'plugins/diachronic-backend',
  'plugins/diachronic',
  'worker',
];

const run = (command, args, cwd) => execFileSync(command, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });

/**
 * Builds (declarations with the root tsc, then each package's build) and packs every published package
 * into `outDir`. Resolves to { name → { tarball, bytes } }.
 */
export function buildAndPack(rootDir, outDir) {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  run('npx', ['tsc'], rootDir);
  const packed = {};
  for (const dir of PUBLISHED) {
    const { name, private: isPrivate } = JSON.parse(readFileSync(join(rootDir, dir, 'package.json'), 'utf8'));
    if (isPrivate) throw new Error(`${dir}/package.json is private: it cannot be published`);
    run('npm', ['run', 'build', '--workspaces=false'], join(rootDir, dir));
    const before = new Set(readdirSync(outDir));
    run('npm', ['pack', '--workspaces=false', '--silent', '--pack-destination', outDir], join(rootDir, dir));
    const written = readdirSync(outDir).find(file => !before.has(file));
    if (!written) throw new Error(`npm pack of ${dir} wrote no tarball`);
    // Named by its content: a project installed from an earlier pack (same name, same version) sees a new
    // path in its lockfile and installs this one, instead of keeping what it has.
    const hash = createHash('sha256').update(readFileSync(join(outDir, written))).digest('hex').slice(0, 12);
    const tarball = written.replace(/\.tgz$/, `-${hash}.tgz`);
    renameSync(join(outDir, written), join(outDir, tarball));
    packed[name] = { tarball: join(outDir, tarball), bytes: statSync(join(outDir, tarball)).size };
  }
  return packed;
}
