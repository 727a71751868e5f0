/** What typo rule suites expect of one misspelling finding: message `from -> to` at `line` (in `file`, when given). */
export function typoAt(line: number, from: string, to: string, file?: string) {
  return { messageId: "misspelling", line, data: { from, to }, fix: { from, to }, ...(file ? { file } : {}) };
}
