import { PassThrough } from 'node:stream';
import { main, parseSchedule } from './index';
import { progressBar } from './format';

/** Runs the CLI in-process against nothing: for what it decides before any request. */
async function runCli(args: string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', chunk => (out += chunk));
  stderr.on('data', chunk => (err += chunk));
  const code = await main(args, { env: { DIACHRONIC_URL: 'http://127.0.0.1:9' }, stdout, stderr });
  return { code, out, err };
}

describe('the diachronic CLI', () => {
  it('reads a schedule as percentages and holds', () => {
    expect(parseSchedule('20:5m,50:90s,75:1.5h,100')).toEqual([
      { percent: 20, pauseMs: 300_000 },
      { percent: 50, pauseMs: 90_000 },
      { percent: 75, pauseMs: 5_400_000 },
      { percent: 100, pauseMs: 0 },
    ]);
    expect(() => parseSchedule('20:5 minutes')).toThrow('--schedule: "20:5 minutes" is not <percent>[:<duration>], e.g. 20:5m');
  });

  it('draws the live percentage as a bar of 20 cells', () => {
    expect(progressBar(0)).toBe(`[${'░'.repeat(20)}]   0%`);
    expect(progressBar(50)).toBe(`[${'█'.repeat(10)}${'░'.repeat(10)}]  50%`);
    expect(progressBar(100)).toBe(`[${'█'.repeat(20)}] 100%`);
  });

  it('answers usage errors with exit 1 and the usage, help with 0', async () => {
    expect(await runCli(['--help'])).toMatchObject({ code: 0, out: expect.stringContaining('Usage: diachronic') });
    expect(await runCli([])).toMatchObject({ code: 1 });
    expect(await runCli(['list', '--frobnicate'])).toMatchObject({ code: 1, err: expect.stringContaining("Unknown option '--frobnicate'") });
    expect(await runCli(['start', 'component:default/orders', '--version', '0000002', '--schedule', 'soon'])).toMatchObject({
      code: 1,
      err: expect.stringContaining('--schedule: "soon" is not'),
    });
    expect(await runCli(['start', 'component:default/orders'])).toMatchObject({ code: 1, err: expect.stringContaining('--version is required') });
  });
});
