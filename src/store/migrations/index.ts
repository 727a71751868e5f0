import { initial } from "./001-initial.js";
import { etiquette } from "./002-etiquette.js";
import { draftLf } from "./003-draft-lf.js";
import type { Migration } from "./types.js";

export type { Migration } from "./types.js";

/** Every migration in version order; append new ones, never edit an applied one. */
export const MIGRATIONS: readonly Migration[] = [initial, etiquette, draftLf];
