import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatSeconds, progressBar } from '@infra/local/progress-bar';

/** The command-line tools' progress bar (cli-progress) and its time format. */
describe('the progress bar of npm run demo and npm run import', () => {
  afterEach(() => vi.useRealTimers());

  it('formats seconds rounded once as a whole: never a 60th second', () => {
    expect(formatSeconds(0)).toBe('0:00');
    expect(formatSeconds(59.6)).toBe('1:00');
    expect(formatSeconds(119)).toBe('1:59');
    expect(formatSeconds(419.7)).toBe('7:00');
    expect(formatSeconds(3599.5)).toBe('1:00:00');
    expect(formatSeconds(3725)).toBe('1:02:05');
    for (let seconds = 0; seconds < 7200; seconds += 0.25) expect(formatSeconds(seconds)).not.toMatch(/:6\d/);
    expect(formatSeconds('INF')).toBe('--:--');
    expect(formatSeconds(Number.NaN)).toBe('--:--');
  });

  it('draws counts and an ETA from the recent pace, as lines on a stream that is not a terminal', () => {
    vi.useFakeTimers({ now: new Date('2026-12-05T12:00:00Z') });
    const written: string[] = [];
    const stream = { isTTY: false, write: (chunk: string) => written.push(chunk) } as unknown as NodeJS.WriteStream;
    const bar = progressBar(stream, '{bar} {value}/{total} lines · {failed} bad · ETA {eta_formatted}');
    bar.start(1400, 0, { failed: 0 });
    // 30 s at 5 lines a second, then 50 a second: the ETA follows the recent pace, not the average since the start.
    for (let second = 1; second <= 30; second++) {
      vi.advanceTimersByTime(1000);
      bar.update(second * 5, { failed: 0 });
    }
    for (let second = 1; second <= 25; second++) {
      vi.advanceTimersByTime(1000);
      bar.update(150 + second * 50, { failed: 1 });
    }
    bar.stop();
    const lines = written.join('').trim().split('\n');
    expect(lines.at(-1)).toMatch(/^█{30} 1400\/1400 lines · 1 bad · ETA 0:00$/);
    // A line every 10 s off a terminal. At 1100 of 1400 after 19 s at 50 lines a second: 6 s left
    // (the average since the start, 22 lines a second, would say 14).
    expect(lines).toContain(`${'█'.repeat(24)}${'░'.repeat(6)} 1100/1400 lines · 1 bad · ETA 0:06`);
  });
});
