import { SingleBar } from 'cli-progress';

/**
 * A progress bar for the command-line tools (`npm run demo`, `npm run import`), drawn by
 * cli-progress: maintained, no dependencies of its own beyond string-width, and it does what
 * the two hand-written bars did wrong or not at all — an ETA smoothed over the last updates
 * (`etaBuffer`) instead of the rate since the start, the line redrawn in place on a terminal,
 * one line every few seconds when the output is a file or a CI log, the cursor given back.
 */
export function progressBar(stream: NodeJS.WriteStream, format: string): SingleBar {
  return new SingleBar({
    stream,
    format,
    barsize: 30,
    barCompleteChar: '█',
    barIncompleteChar: '░',
    // The ETA is the pace over the last 20 updates: steady, yet it follows a change of pace.
    etaBuffer: 20,
    emptyOnZero: true,
    hideCursor: true,
    noTTYOutput: true,
    notTTYSchedule: 10_000,
    formatTime: formatSeconds,
  });
}

/**
 * Seconds as m:ss or h:mm:ss, rounded once as a whole. cli-progress's own formatter rounds the
 * seconds part alone (to 5 for the ETA), so 119 s reads "1m60s" — the "6:60" the import printed
 * was the same mistake; its ETA is a string ("INF", "NULL") while the pace is unknown: "--:--".
 */
export function formatSeconds(value: number | string): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '--:--';
  const total = Math.max(0, Math.round(value));
  const [hours, minutes, seconds] = [Math.floor(total / 3600), Math.floor((total % 3600) / 60), total % 60];
  const two = (n: number) => String(n).padStart(2, '0');
  return hours > 0 ? `${hours}:${two(minutes)}:${two(seconds)}` : `${minutes}:${two(seconds)}`;
}
