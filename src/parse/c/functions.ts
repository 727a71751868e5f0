import type { FileDiff } from "../../model.js";
import type { CFunction } from "./types.js";

/**
 * The functions the new side of a file diff shows. Placeholder until the C
 * structure pass lands: returns nothing, so C-aware rules stay quiet.
 */
export function extractFunctions(file: FileDiff): CFunction[] {
  void file;
  return [];
}
