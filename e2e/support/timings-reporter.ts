/** Prints and saves how long each scenario took: e2e/test-results/timings.md. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FullResult, Reporter, TestCase, TestResult } from '@playwright/test/reporter';

const reportFile = join(dirname(fileURLToPath(import.meta.url)), '..', 'test-results', 'timings.md');

export default class TimingsReporter implements Reporter {
  private readonly rows: string[] = [];
  private readonly startedAt = Date.now();

  onTestEnd(test: TestCase, result: TestResult): void {
    this.rows.push(
      `| ${test.titlePath().slice(2).join(' › ')} | ${result.status} | ${(result.duration / 1000).toFixed(1)} s |`,
    );
  }

  onEnd(result: FullResult): void {
    const total = ((Date.now() - this.startedAt) / 1000).toFixed(0);
    const text = [
      `# e2e timings (${new Date().toISOString()})`,
      '',
      '| scenario | result | duration |',
      '| --- | --- | --- |',
      ...this.rows,
      '',
      `Whole run, system start included: ${total} s (${result.status}).`,
      '',
    ].join('\n');
    mkdirSync(dirname(reportFile), { recursive: true });
    writeFileSync(reportFile, text);
    process.stdout.write(`\n${text}`);
  }
}
