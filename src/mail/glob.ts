/**
 * A small path glob matcher for the watch path list (`kernel/livepatch/**`,
 * `arch/*\/include/asm/livepatch.h`). Node's `path.matchesGlob` is still
 * experimental on Node 20 and prints a warning, so we keep our own:
 * `**` spans any number of path segments (including none), `*` any run of
 * characters within one segment, `?` one character other than `/`.
 * Everything else matches literally.
 */
export function globToRegExp(glob: string): RegExp {
  let re = "^";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === "*") {
      if (glob[i + 1] === "*") {
        i++;
        if (glob[i + 1] === "/") {
          // `**/` matches zero or more whole segments.
          i++;
          re += "(?:[^/]*/)*";
        } else {
          re += ".*";
        }
      } else {
        re += "[^/]*";
      }
    } else if (c === "?") {
      re += "[^/]";
    } else {
      re += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
    }
  }
  return new RegExp(`${re}$`);
}

/** A matcher for a list of globs: true when any matches the path. */
export function globMatcher(globs: readonly string[]): (path: string) => boolean {
  const res = globs.map(globToRegExp);
  return (path) => res.some((r) => r.test(path));
}
