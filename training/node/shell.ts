/**
 * POSIX-shell quoting for recording reproducible commands in reports.
 * @returns `arg` unchanged when it has only safe characters, else single-quoted with `'` escaped
 */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Joins arguments into one shell command line. */
export function shellJoin(args: string[]): string {
  return args.map(shellQuote).join(' ');
}
