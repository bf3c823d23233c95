/**
 * Reading files out of bare git repositories with the `git` command: locating a snapshot, listing a commit's
 * tree or its whole reachable history, and reading blobs in one `git cat-file --batch` process.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';

/** One file of a commit (or of its history). */
export interface GitFile {
  /** Repository path, `/`-separated. */
  path: string;
  /** Blob id (40 hex). */
  oid: string;
  /** Bytes, or -1 when the blob is absent from the snapshot (large files dropped by the snapshot tool). */
  size: number;
  /** For a member of a zip archive: the member's name inside the archive (`oid` is the archive's blob). */
  member?: string;
}

/**
 * The files of a zip archive blob, named `<archivePath>!<member>` (directories skipped).
 * @throws {GitError} when the blob is absent; fflate's error when it is not a zip
 */
export function listArchive(gitDir: string, archive: GitFile): GitFile[] {
  const bytes = git(gitDir, ['cat-file', 'blob', archive.oid]);
  const out: GitFile[] = [];
  unzipSync(bytes, {
    filter: (f) => {
      if (!f.name.endsWith('/')) out.push({ path: `${archive.path}!${f.name}`, oid: archive.oid, size: f.originalSize, member: f.name });
      return false;
    },
  });
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** One member of a zip archive's bytes, or `undefined` when it is not there. */
export function archiveMember(zip: Uint8Array, member: string): Uint8Array | undefined {
  return unzipSync(zip, { filter: (f) => f.name === member })[member];
}

/** Thrown when git fails; the message carries git's stderr. */
export class GitError extends Error {
  override name = 'GitError';
}

function git(gitDir: string, args: string[], input?: string): Buffer {
  const r = spawnSync('git', ['--git-dir', gitDir, ...args], { input, maxBuffer: 1 << 30 });
  if (r.error) throw new GitError(`git ${args.join(' ')}: ${r.error.message}`);
  if (r.status !== 0) throw new GitError(`git ${args.join(' ')} (in ${gitDir}): ${r.stderr.toString().trim()}`);
  return r.stdout;
}

function isGitDir(dir: string): boolean {
  return existsSync(join(dir, 'HEAD')) && existsSync(join(dir, 'objects')) && statSync(join(dir, 'objects')).isDirectory();
}

/**
 * Finds the bare git directory of `repo` (`owner/name`) under `snapshots`: `<snapshots>/<owner>+<name>/`
 * (itself, or any folder inside it up to two levels deep, e.g. `repo/`), or `<snapshots>/<owner>+<name>.git`.
 * @returns the git directory, or `undefined` when there is none
 */
export function findGitDir(snapshots: string, repo: string): string | undefined {
  const base = repo.replace('/', '+');
  for (const cand of [join(snapshots, base), join(snapshots, `${base}.git`)]) {
    if (!existsSync(cand) || !statSync(cand).isDirectory()) continue;
    if (isGitDir(cand)) return cand;
    const queue = [cand];
    for (let depth = 0; depth < 2; depth++) {
      const next: string[] = [];
      for (const d of queue) {
        for (const e of readdirSync(d, { withFileTypes: true })) {
          if (!e.isDirectory()) continue;
          const p = join(d, e.name);
          if (isGitDir(p)) return p;
          next.push(p);
        }
      }
      queue.splice(0, queue.length, ...next);
    }
  }
  return undefined;
}

/**
 * Clones `https://github.com/<repo>` bare into `<snapshots>/<owner>+<name>.git` (for users with the internet)
 * and makes sure `commit` is present.
 * @returns the git directory
 * @throws {GitError} when the clone or fetch fails
 */
export function cloneBare(snapshots: string, repo: string, commit: string): string {
  const dir = join(snapshots, `${repo.replace('/', '+')}.git`);
  if (!existsSync(dir)) {
    const r = spawnSync('git', ['clone', '--bare', '--quiet', `https://github.com/${repo}.git`, dir], { stdio: ['ignore', 'inherit', 'inherit'] });
    if (r.status !== 0) throw new GitError(`git clone ${repo} failed`);
  }
  if (!hasCommit(dir, commit)) git(dir, ['fetch', '--quiet', 'origin', commit]);
  return dir;
}

/** Is `commit` present in the repository? */
export function hasCommit(gitDir: string, commit: string): boolean {
  const r = spawnSync('git', ['--git-dir', gitDir, 'cat-file', '-e', `${commit}^{commit}`]);
  return r.status === 0;
}

/** Sizes of blobs (`-1` when absent) by `git cat-file --batch-check`. */
function blobSizes(gitDir: string, oids: string[]): Map<string, number> {
  const out = new Map<string, number>();
  if (oids.length === 0) return out;
  const text = git(gitDir, ['cat-file', '--batch-check'], oids.join('\n') + '\n').toString();
  for (const line of text.split('\n')) {
    if (!line) continue;
    const [oid, type, size] = line.split(' ');
    out.set(oid!, type === 'missing' ? -1 : type === 'blob' ? Number(size) : -2);
  }
  return out;
}

/**
 * Every file (blob) of `commit`'s tree, sorted by path.
 * @throws {GitError} when the commit is absent
 */
export function listTree(gitDir: string, commit: string): GitFile[] {
  const raw = git(gitDir, ['ls-tree', '-r', '-z', '--full-tree', commit]).toString('utf8');
  const entries: Array<{ path: string; oid: string }> = [];
  for (const rec of raw.split('\0')) {
    if (!rec) continue;
    const tab = rec.indexOf('\t');
    const [, type, oid] = rec.slice(0, tab).split(' ');
    if (type !== 'blob') continue; // submodules (commit) are skipped
    entries.push({ path: rec.slice(tab + 1), oid: oid! });
  }
  const sizes = blobSizes(gitDir, entries.map((e) => e.oid));
  return entries.map((e) => ({ ...e, size: sizes.get(e.oid) ?? -1 })).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * Every distinct blob reachable from `commit` (all versions of all paths), each under the path `git rev-list
 * --objects` first names it with (newest commit first), sorted by path then oid. Absent blobs are dropped.
 * @throws {GitError} when the commit is absent
 */
export function listHistory(gitDir: string, commit: string): GitFile[] {
  // Object names may hold spaces; the first space separates id and name. Commits have no name. Blobs the
  // snapshot lacks (files ≥ 4 MiB) are listed and then dropped by the size check below.
  const named = git(gitDir, ['rev-list', '--objects', '--missing=allow-any', commit]).toString('utf8');
  const nameOf = new Map<string, string>();
  for (const line of named.split('\n')) {
    const sp = line.indexOf(' ');
    if (sp < 0) continue;
    const oid = line.slice(0, sp);
    if (!nameOf.has(oid)) nameOf.set(oid, line.slice(sp + 1));
  }
  const sizes = blobSizes(gitDir, [...nameOf.keys()]);
  const out: GitFile[] = [];
  for (const [oid, path] of nameOf) {
    const size = sizes.get(oid);
    if (size === undefined || size < 0) continue; // trees (-2) and absent blobs (-1)
    out.push({ path, oid, size });
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.oid < b.oid ? -1 : 1));
}

/**
 * Reads blobs through one long-lived `git cat-file --batch` process. Call `close()` when done.
 */
export class BlobReader {
  private proc;
  private buf = Buffer.alloc(0);
  private waiting: Array<{ resolve: (b: Buffer | undefined) => void; reject: (e: Error) => void }> = [];
  private failed: Error | undefined;

  constructor(gitDir: string) {
    this.proc = spawn('git', ['--git-dir', gitDir, 'cat-file', '--batch'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stdout.on('data', (d: Buffer) => { this.buf = Buffer.concat([this.buf, d]); this.drain(); });
    this.proc.on('error', (e) => this.fail(e));
    this.proc.on('exit', (code) => { if (this.waiting.length) this.fail(new GitError(`git cat-file exited with ${code}`)); });
  }

  private fail(e: Error) {
    this.failed = e;
    for (const w of this.waiting.splice(0)) w.reject(e);
  }

  private drain() {
    while (this.waiting.length) {
      const nl = this.buf.indexOf(10);
      if (nl < 0) return;
      const header = this.buf.subarray(0, nl).toString();
      if (header.endsWith(' missing')) {
        this.buf = this.buf.subarray(nl + 1);
        this.waiting.shift()!.resolve(undefined);
        continue;
      }
      const size = Number(header.split(' ')[2]);
      if (this.buf.length < nl + 1 + size + 1) return;
      const body = Buffer.from(this.buf.subarray(nl + 1, nl + 1 + size));
      this.buf = this.buf.subarray(nl + 1 + size + 1);
      this.waiting.shift()!.resolve(body);
    }
  }

  /**
   * @param oid blob id
   * @returns the blob's bytes, or `undefined` when the object is absent
   */
  read(oid: string): Promise<Buffer | undefined> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.proc.stdin.write(`${oid}\n`);
    });
  }

  close(): void {
    this.proc.stdin.end();
  }
}
