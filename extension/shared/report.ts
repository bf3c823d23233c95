/**
 * "Report wrong verdict": the user's corrections, stored locally (nothing is uploaded) and exported as a
 * manifest TSV in the training format (`training/data/manifest.ts`), so maintainers can turn reports into
 * regression and training data:
 *
 *     path	label	generator	source_repo	crop	notes
 *
 * `path` is the image URL (to be downloaded before training), `label` the user's label, `generator`
 * `real` for real images and `unknown` for synthetic ones (the user cannot know it), `source_repo`
 * `user-report`, `crop` empty, `notes` the model's verdict and context as `key=value` pairs joined by `; `.
 */
import type { VerdictLabel } from './verdict';
import { ListStore, compactUrl, type KeyValueStore } from './history';

/** `storage.local` key of the report array. */
export const REPORTS_KEY = 'reports';
/** Most reports kept (oldest dropped first). */
export const REPORTS_CAP = 1000;
/** The TSV header row, in column order. */
export const MANIFEST_COLUMNS = ['path', 'label', 'generator', 'source_repo', 'crop', 'notes'] as const;
/** `source_repo` of every exported row. */
export const REPORT_SOURCE = 'user-report';

/** What the user says the image is. */
export type UserLabel = 'real' | 'synthetic';

/** One "wrong verdict" report. */
export interface WrongVerdictReport {
  /** Image URL (compacted like history URLs). */
  url: string;
  /** Page the image was on. */
  pageUrl: string;
  /** The verdict the extension showed. */
  verdict: VerdictLabel;
  /** The calibrated probability of "synthetic" shown, in [0, 1]. */
  probability: number;
  /** Model id `name@version` (as in `Verdict.model`). */
  model: string;
  /** Extension version (`runtime.getManifest().version`). */
  version: string;
  /** The user's correction. */
  userLabel: UserLabel;
  /** When reported, milliseconds since the Unix epoch. */
  time: number;
}

const VERDICTS = new Set<string>(['real', 'synthetic', 'unsure']);

/** True when `v` is a well-formed report. */
export function isReport(v: unknown): v is WrongVerdictReport {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return (
    typeof r.url === 'string' && r.url.length > 0 &&
    typeof r.pageUrl === 'string' &&
    typeof r.verdict === 'string' && VERDICTS.has(r.verdict) &&
    typeof r.probability === 'number' && Number.isFinite(r.probability) && r.probability >= 0 && r.probability <= 1 &&
    typeof r.model === 'string' &&
    typeof r.version === 'string' &&
    (r.userLabel === 'real' || r.userLabel === 'synthetic') &&
    typeof r.time === 'number' && Number.isFinite(r.time) && r.time >= 0
  );
}

/** Validates a stored value: well-formed reports, oldest first, the latest per URL, at most `cap` (newest kept). */
export function normalizeReports(stored: unknown, cap = REPORTS_CAP): WrongVerdictReport[] {
  if (!Array.isArray(stored)) return [];
  const latest = new Map<string, WrongVerdictReport>();
  for (const r of stored.filter(isReport)) {
    const prev = latest.get(r.url);
    if (!prev || r.time >= prev.time) {
      latest.set(r.url, {
        url: r.url, pageUrl: r.pageUrl, verdict: r.verdict, probability: r.probability,
        model: r.model, version: r.version, userLabel: r.userLabel, time: r.time,
      });
    }
  }
  return [...latest.values()].sort((a, b) => a.time - b.time).slice(-cap);
}

/**
 * Appends a report (URLs compacted); an earlier report for the same URL is replaced (the user changed
 * their mind); the oldest are dropped beyond `cap`. Pure.
 * @throws {TypeError} for a malformed report
 */
export function addReport(list: readonly WrongVerdictReport[], report: WrongVerdictReport, cap = REPORTS_CAP): WrongVerdictReport[] {
  const r = { ...report, url: compactUrl(report.url), pageUrl: compactUrl(report.pageUrl) };
  if (!isReport(r)) throw new TypeError(`malformed report for ${String(report.url).slice(0, 80)}`);
  return [...list.filter((x) => x.url !== r.url), r].slice(-Math.max(1, cap));
}

/** The list without the report for `url`. Pure. */
export function removeReport(list: readonly WrongVerdictReport[], url: string): WrongVerdictReport[] {
  const key = compactUrl(url);
  return list.filter((x) => x.url !== key);
}

/** One TSV field: every run of tabs, CRs and newlines becomes one space; the result is trimmed. */
export function tsvField(value: string): string {
  return value.replace(/[\t\r\n]+/g, ' ').trim();
}

/** True for URLs a maintainer cannot download later (`blob:` dies with its page; compacted `data:`). */
function notRefetchable(url: string): boolean {
  return /^blob:/i.test(url) || (/^data:/i.test(url) && url.includes('…['));
}

/** The TSV cells of one report, in `MANIFEST_COLUMNS` order (already escaped). */
export function reportToRow(r: WrongVerdictReport): string[] {
  const notes = [
    `verdict=${r.verdict}`,
    `p=${r.probability.toFixed(3)}`,
    `model=${r.model}`,
    `ext=${r.version}`,
    `page=${r.pageUrl}`,
    `time=${new Date(r.time).toISOString()}`,
    ...(notRefetchable(r.url) ? ['url-not-refetchable'] : []),
  ]
    .map(tsvField)
    .join('; ');
  return [r.url, r.userLabel, r.userLabel === 'real' ? 'real' : 'unknown', REPORT_SOURCE, '', notes].map(tsvField);
}

/**
 * The manifest TSV of `reports`: the header row, then one row per report in the given order; rows end
 * with `\n` (also the last).
 */
export function reportsToManifestTsv(reports: readonly WrongVerdictReport[]): string {
  return [MANIFEST_COLUMNS.join('\t'), ...reports.map((r) => reportToRow(r).join('\t'))].join('\n') + '\n';
}

/** Reports, persisted. */
export class ReportStore {
  private readonly inner: ListStore<WrongVerdictReport>;

  constructor(store: KeyValueStore, readonly cap = REPORTS_CAP) {
    this.inner = new ListStore(store, REPORTS_KEY, (s) => normalizeReports(s, cap));
  }

  /** Reports, oldest first. */
  list(): Promise<WrongVerdictReport[]> {
    return this.inner.list();
  }

  /** Stores one report (see `addReport`). @returns the new list */
  add(report: WrongVerdictReport): Promise<WrongVerdictReport[]> {
    return this.inner.update((l) => addReport(l, report, this.cap));
  }

  /** Withdraws the report for `url`. @returns the new list */
  remove(url: string): Promise<WrongVerdictReport[]> {
    return this.inner.update((l) => removeReport(l, url));
  }

  /** Deletes all reports. */
  clear(): Promise<void> {
    return this.inner.clear();
  }

  /** The stored reports as a manifest TSV (`reportsToManifestTsv`). */
  async exportTsv(): Promise<string> {
    return reportsToManifestTsv(await this.list());
  }
}
