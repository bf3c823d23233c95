/**
 * A minimal progress bar with ETA on stderr. On a TTY it redraws one line; otherwise it prints a line
 * every 10 % so logs stay short.
 */
export interface Progress {
  /** Advances by `n` items (default 1). */
  tick(n?: number): void;
  /** Finishes the bar (prints the final state and a newline). */
  done(): void;
}

/** Formats seconds as `m:ss` or `h:mm:ss`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${String(r).padStart(2, '0')}` : `${m}:${String(r).padStart(2, '0')}`;
}

/**
 * @param total number of items (≥ 0)
 * @param label text before the bar
 * @param stream output (default `process.stderr`); pass `null` to disable
 */
export function createProgress(total: number, label: string, stream: NodeJS.WriteStream | null = process.stderr): Progress {
  const start = Date.now();
  let done = 0;
  let lastDecile = -1;
  const tty = !!stream?.isTTY;
  const render = (final: boolean) => {
    if (!stream) return;
    const frac = total > 0 ? done / total : 1;
    const elapsed = (Date.now() - start) / 1000;
    const eta = done > 0 ? (elapsed / done) * (total - done) : NaN;
    const width = 30;
    const bar = '#'.repeat(Math.round(frac * width)).padEnd(width, '.');
    const rate = elapsed > 0 ? done / elapsed : 0;
    const line = `${label} [${bar}] ${done}/${total} ${(frac * 100).toFixed(0)}% ${rate.toFixed(1)}/s elapsed ${formatDuration(elapsed)} ETA ${final ? '0:00' : formatDuration(eta)}`;
    if (tty) stream.write(`\r${line}${final ? '\n' : ''}`);
    else {
      const decile = Math.floor(frac * 10);
      if (final || decile > lastDecile) { lastDecile = decile; stream.write(line + '\n'); }
    }
  };
  return {
    tick(n = 1) { done = Math.min(total, done + n); render(false); },
    done() { render(true); },
  };
}
