/**
 * The C view of a patch that rules work on: the functions the new side of a
 * diff shows (complete or partial), line by line. Built by ./functions.ts.
 */

export interface CLine {
  /** New-side line number. */
  newLine: number;
  /** The line without its diff prefix. */
  text: string;
  /** True when the patch adds this line. */
  added: boolean;
}

export interface CFunction {
  /** Path of the file in the patch. */
  file: string;
  name: string;
  /** The declaration up to (not including) the opening brace, whitespace folded. */
  signature: string;
  /** Return type text, e.g. `static int`, `void`, `struct klp_object *`. */
  returnType: string;
  /** True when the function returns void (not `void *`). */
  isVoid: boolean;
  /** Parameter names in order. */
  params: string[];
  /** New-side lines from the signature to the closing brace, as far as the diff shows them. */
  lines: CLine[];
  /** True when the diff shows every line from the signature to the closing brace. */
  complete: boolean;
  startLine: number;
  endLine: number;
  /** The kernel-doc comment (`/** ... *\/`) right above the function, when the diff shows it. */
  kernelDoc: CLine[] | null;
}
