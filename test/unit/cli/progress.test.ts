import { describe, expect, it } from 'vitest';
import { ProgressMeter, megabytes, noProgress, progressLine } from '../../../src/cli/progress.js';

/** A clock the test moves by hand. */
function fakeClock(start = 1000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

describe('progress meter', () => {
  it('[17.1.6] rate over the window, no time left before 2 s of work, then the time left at that rate', () => {
    const c = fakeClock();
    const m = new ProgressMeter('simulate', 'contests', 2000, c.now);
    expect(m.line()).toBe('simulate  0/2,000 contests');
    c.advance(500);
    m.update(30);
    // a rate at once, no ETA yet: half a second of data says little
    expect(m.line()).toBe('simulate  30/2,000 contests  60.0/s');
    c.advance(1500);
    m.update(120);
    expect(m.rate()).toBeCloseTo(60, 9);
    expect(m.eta()).toBeCloseTo(1880 / 60, 9);
    expect(m.line()).toBe('simulate  120/2,000 contests  60.0/s  ETA 31s');
  });

  it('[17.1.7] the rate follows the current pace: samples older than 10 s leave the window', () => {
    const c = fakeClock();
    const m = new ProgressMeter('sweep', 'cells', 10_000, c.now);
    for (let i = 1; i <= 20; i++) {
      c.advance(1000);
      m.update(i * 100); // 100/s for 20 s
    }
    expect(m.rate()).toBeCloseTo(100, 9);
    for (let i = 1; i <= 12; i++) {
      c.advance(1000);
      m.update(2000 + i * 10); // then 10/s
    }
    expect(m.rate()).toBeCloseTo(10, 9);
    expect(m.line()).toBe(`sweep  2,120/10,000 cells  10.0/s  ETA 13m08s`);
  });

  it('[17.1.8] formats: large rates whole, small with two decimals, hours and minutes, megabytes; no total, no ETA', () => {
    const c = fakeClock();
    const m = new ProgressMeter('import data.csv', 'MB', 25_000_000, c.now, megabytes);
    c.advance(2500);
    m.update(500_000);
    c.advance(500);
    m.update(600_000);
    expect(m.line()).toBe('import data.csv  0.6/25.0 MB  200,000/s  ETA 2m02s');
    const slow = new ProgressMeter('study st-1', 'trials', 10_000, c.now);
    c.advance(4000);
    slow.update(1);
    c.advance(4000);
    slow.update(2);
    expect(slow.line()).toBe('study st-1  2/10,000 trials  0.25/s  ETA 11h06m');
    const open = new ProgressMeter('backup', 'files', undefined, c.now);
    c.advance(3000);
    open.update(3);
    c.advance(3000);
    open.update(6);
    expect(open.line()).toBe('backup  6 files  1.00/s');
  });

  it('[17.1.9] the line is redrawn at most ten times a second, the last state always; cleared for a message, stopped at the end', () => {
    const c = fakeClock();
    const calls: string[] = [];
    const view = {
      text: '',
      render: () => calls.push(`render ${view.text}`),
      clear: () => calls.push('clear'),
      stop: () => calls.push('stop'),
    };
    const p = progressLine(view, new ProgressMeter('simulate', 'contests', 100, c.now), c.now);
    for (let i = 1; i <= 99; i++) {
      c.advance(5); // 200 updates a second
      p.update(i);
    }
    // 495 ms of updates: the first draw and one per 100 ms after it
    expect(calls.filter((x) => x.startsWith('render simulate')).length).toBe(5);
    c.advance(5);
    p.update(100, undefined, '  almost');
    expect(calls.at(-1)).toBe('render simulate  100/100 contests  200/s  almost');
    p.clear();
    expect(calls.at(-1)).toBe('clear');
    p.stop();
    p.stop(); // once only
    p.update(100);
    p.clear(); // nothing after the stop
    expect(calls.slice(-2)).toEqual(['clear', 'stop']);
    noProgress.update(1);
    noProgress.stop();
  });
});
