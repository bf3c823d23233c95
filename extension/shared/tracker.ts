/**
 * Wrong-verdict reports to the project's issue tracker (issue #12): a prefilled "new issue" link carrying only
 * the image's URL, the page URL, the scores and the model — never image bytes. The popup shows the exact text
 * to the user and opens the link only after they confirm.
 *
 * Pure functions (no browser APIs).
 */

/** The project's "new issue" page (GitHub accepts `title` and `body` query parameters). */
// Placeholder until the project has a public home: set it together with `homepage_url` in manifest.json.
export const TRACKER_NEW_ISSUE_URL = 'https://github.com/synthscreen/synthscreen/issues/new';
/** Longest URL put into a report (longer ones, e.g. `data:` URLs, are cut and marked). */
export const MAX_REPORT_URL_CHARS = 500;

/** What a wrong-verdict report says. */
export interface TrackerReport {
  /** The image's URL (`data:` / `blob:` URLs are not sent: they would carry or point at the bytes). */
  url: string;
  pageUrl: string;
  /** What SynthScreen said, e.g. "Unsure · AI score 52/100". */
  shown: string;
  /** The pixel detector's probability in [0, 1], when it ran. */
  probability?: number;
  /** The user's own label. */
  userLabel: 'real' | 'synthetic';
  /** Model id `name@version`. */
  model: string;
  /** Extension version. */
  version: string;
  /** Threshold and unsure band in force. */
  threshold: number;
  unsureBand: number;
}

/** A URL as it may appear in a report: no `data:` or `blob:` contents, at most `MAX_REPORT_URL_CHARS` characters. */
export function reportableUrl(url: string): string {
  if (/^data:/i.test(url)) return `(an image embedded in the page as a data: URL, ${url.length} characters, not sent)`;
  if (/^blob:/i.test(url)) return '(an image made by the page as a blob: URL, not sent)';
  return url.length > MAX_REPORT_URL_CHARS ? `${url.slice(0, MAX_REPORT_URL_CHARS - 1)}…` : url;
}

/**
 * The issue's title and body, exactly as the user is shown them before anything is opened.
 * @returns `{ title, body }` (plain text, Markdown list)
 */
export function trackerIssueText(r: TrackerReport): { title: string; body: string } {
  const said = r.userLabel === 'real' ? 'real' : 'AI-generated';
  const title = `Wrong verdict: SynthScreen said "${r.shown}", the image is ${said}`;
  const lines = [
    `- Image: ${reportableUrl(r.url)}`,
    `- Page: ${reportableUrl(r.pageUrl)}`,
    `- SynthScreen said: ${r.shown}`,
    `- AI score (pixel detector): ${r.probability === undefined ? 'not computed' : `${Math.round(r.probability * 100)}/100 (p = ${r.probability.toFixed(4)})`}`,
    `- The user says: ${said}`,
    `- Threshold ${r.threshold.toFixed(2)}, unsure band ${r.unsureBand.toFixed(2)}`,
    `- Model: ${r.model || 'none'}; extension ${r.version}`,
    '',
    'No image data is attached; only the URLs and scores above.',
  ];
  return { title, body: lines.join('\n') };
}

/** The prefilled "new issue" link for `r`. */
export function trackerIssueUrl(r: TrackerReport, base = TRACKER_NEW_ISSUE_URL): string {
  const { title, body } = trackerIssueText(r);
  const u = new URL(base);
  u.searchParams.set('title', title);
  u.searchParams.set('body', body);
  return u.href;
}
