/**
 * Progress of long work for a person at a terminal: `simulate  1,234/2,000 contests  61.7/s  ETA 12s`,
 * the rate and time left from a moving window, drawn by an ora spinner on stderr, its text changed
 * at most ten times a second. Nothing at all when stderr is not a terminal or with -q.
 */

/** How progress reads the time, in milliseconds; tests pass a fake one. */
export type MonotonicClock = () => number;

/** Samples older than this leave the rate: it follows the work's current pace, not its start. */
const WINDOW_MS = 10_000;
/** No time left is shown before the work has run this long, or with fewer samples than this. */
const ETA_AFTER_MS = 2_000;
const ETA_AFTER_SAMPLES = 3;
/** At most one redraw per this many milliseconds (the last one is always drawn). */
const REDRAW_MS = 100;

/** Counts and time: rate over a moving window, time left once there is enough data. */
export class ProgressMeter {
  private readonly samples: Array<{ t: number; done: number }> = [];
  private readonly start: number;
  done = 0;

  constructor(
    readonly label: string,
    readonly unit: string,
    public total: number | undefined,
    private readonly now: MonotonicClock = () => performance.now(),
    /** how counts are written (bytes read as megabytes) */
    private readonly count: (n: number) => string = (n) => n.toLocaleString('en-US'),
  ) {
    this.start = now();
    this.samples.push({ t: this.start, done: 0 });
  }

  /** Records `done` (and a total that became known); returns the time of the sample. */
  update(done: number, total?: number): number {
    const t = this.now();
    this.done = done;
    if (total !== undefined) this.total = total;
    this.samples.push({ t, done });
    while (this.samples.length > 2 && this.samples[0]!.t < t - WINDOW_MS) this.samples.shift();
    return t;
  }

  /** Units per second over the window, or undefined before any time has passed. */
  rate(): number | undefined {
    const first = this.samples[0]!;
    const last = this.samples.at(-1)!;
    const span = last.t - first.t;
    return span > 0 ? ((last.done - first.done) * 1000) / span : undefined;
  }

  /** Seconds left, once the work has run long enough for the rate to mean something. */
  eta(): number | undefined {
    const r = this.rate();
    const last = this.samples.at(-1)!;
    if (this.total === undefined || r === undefined || r <= 0) return undefined;
    if (last.t - this.start < ETA_AFTER_MS || this.samples.length < ETA_AFTER_SAMPLES) return undefined;
    return Math.max(0, (this.total - this.done) / r);
  }

  /** `simulate  1,234/2,000 contests  61.7/s  ETA 12s` */
  line(): string {
    const parts = [this.label, `${this.count(this.done)}${this.total === undefined ? '' : `/${this.count(this.total)}`} ${this.unit}`];
    const r = this.rate();
    if (r !== undefined) parts.push(`${formatRate(r)}/s`);
    const eta = this.eta();
    if (eta !== undefined) parts.push(`ETA ${formatDuration(eta)}`);
    return parts.join('  ');
  }
}

/** `61.7`, `1,234`, `0.25`: three significant figures below 100, whole numbers above. */
function formatRate(perSecond: number): string {
  if (perSecond >= 100) return Math.round(perSecond).toLocaleString('en-US');
  if (perSecond >= 10) return perSecond.toFixed(1);
  return perSecond.toFixed(2);
}

/** `12s`, `4m05s`, `2h03m`. */
function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** Megabytes with one decimal, for byte counts: `12.3 MB`'s number. */
export function megabytes(bytes: number): string {
  return (bytes / 1_000_000).toFixed(1);
}

/** What a long command reports its progress to. */
export interface Progress {
  /** `done` units of work finished (of `total`, when it became known); `detail` goes at the end of the line */
  update(done: number, total?: number, detail?: string): void;
  /** the line erased until the next update (a message is about to be written) */
  clear(): void;
  /** the progress line erased, for the command's result or an error */
  stop(): void;
}

export const noProgress: Progress = { update() {}, clear() {}, stop() {} };

/** Where a progress line is drawn: an ora spinner on a terminal (tests pass a fake one). */
export interface ProgressView {
  text: string;
  /** draws the line now */
  render(): unknown;
  /** erases the line (the spinner draws it again on its next frame) */
  clear(): unknown;
  /** erases the line and stops drawing it */
  stop(): unknown;
}

/** A progress line on `view` (ora on a terminal), its text redrawn at most ten times a second. */
export function progressLine(view: ProgressView, meter: ProgressMeter, now: MonotonicClock = () => performance.now()): Progress {
  let drawn = -Infinity;
  let stopped = false;
  return {
    update(done, total, more) {
      meter.update(done, total);
      const t = now();
      const finished = meter.total !== undefined && done >= meter.total;
      if (stopped || (t - drawn < REDRAW_MS && !finished)) return;
      drawn = t;
      view.text = `${meter.line()}${more ?? ''}`;
      view.render();
    },
    clear() {
      if (!stopped) view.clear();
    },
    stop() {
      if (stopped) return;
      stopped = true;
      view.stop();
    },
  };
}
