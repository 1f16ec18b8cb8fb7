import { describe, expect, it } from 'vitest';
import { createProgressBar, formatDuration, progressWanted } from './progress.js';

describe('progress bar', () => {
  it('draws bar, count, running loss and ETA on an enabled stream', () => {
    let out = '';
    let now = 0;
    const bar = createProgressBar({ total: 100, enabled: true, stream: { write: (t: string) => (out += t), columns: 100 }, now: () => now });
    for (let i = 1; i <= 50; i++) {
      now = i * 100; // 10 steps/s
      bar.update(i, 0.5);
    }
    const last = out.split('\r').pop() as string;
    expect(last).toContain(' 50/100  50%');
    expect(last).toContain('loss 0.5000');
    expect(last).toContain('10.0 it/s');
    expect(last).toContain('ETA 5s');
    expect(last).toMatch(/\[#{10,}-{10,}\]/);
    bar.finish();
    expect(out.endsWith('\n')).toBe(true);
  });

  it('writes nothing when disabled, and auto mode is off in CI', () => {
    let out = '';
    const bar = createProgressBar({ total: 10, enabled: false, stream: { write: (t: string) => (out += t) } });
    bar.update(5, 1);
    bar.finish();
    expect(out).toBe('');
    const saved = process.env.CI;
    process.env.CI = 'true';
    expect(progressWanted()).toBe(false);
    if (saved === undefined) delete process.env.CI;
    else process.env.CI = saved;
  });

  it('formats durations', () => {
    expect(formatDuration(12.4)).toBe('12s');
    expect(formatDuration(187)).toBe('3m07s');
    expect(formatDuration(3720)).toBe('1h02m');
    expect(formatDuration(Number.NaN)).toBe('?');
  });
});

describe('progress bar with evaluation results', () => {
  it('shows the latest evaluation results until new ones arrive', () => {
    let out = '';
    let now = 0;
    const bar = createProgressBar({ total: 10, enabled: true, stream: { write: (t: string) => (out += t), columns: 120 }, now: () => (now += 1000) });
    bar.update(1, 2);
    expect(out.split('\r').pop()).not.toContain('valLoss');
    bar.update(2, 2, { valLoss: 1.23456 });
    bar.update(3, 2);
    expect(out.split('\r').pop()).toContain('valLoss 1.235');
    bar.finish();
  });
});
