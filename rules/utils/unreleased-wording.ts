import { WORDING } from "../data/pairs.js";
import type { PairInfo } from "../data/pairs.js";

/**
 * How the `unreleased` rule names what was acquired and how it is undone,
 * in a reviewer's words.
 */

/** The verb for "this error path {undoes} only the current item". */
export const UNDOES: Record<PairInfo["kind"], string> = {
  alloc: "frees",
  register: "unregisters",
  lock: "releases",
  ref: "drops",
  init: "tears down",
  create: "destroys",
  add: "removes",
  enable: "disables",
  map: "unmaps",
  request: "releases",
  set: "clears",
  start: "ends",
  open: "closes",
};

/** The object in the reviewer's words: "the hook registered by klp_hook_register()". */
export function whatOf(info: PairInfo, handle: string, acquire: string): string {
  const done = WORDING[info.kind].done;
  let noun = "";
  if (info.kind === "request" && acquire.includes("irq")) noun = "IRQ";
  else if (acquire.includes("firmware")) noun = "firmware";
  else if (acquire.includes("region")) noun = "region";
  else if (acquire.includes("filter")) noun = "filter";
  else if (info.kind === "alloc") noun = "memory";
  else if (info.kind === "lock") noun = "lock";
  else if (info.kind === "ref") noun = "reference";
  else if (/->|\./.test(handle)) {
    const last = handle.split(/->|\./).pop() ?? "";
    if (/^[a-z][a-z_]{2,}$/.test(last) && !/^(dev|data|priv|ptr|obj)$/.test(last)) noun = last.replace(/_/g, " ");
  }
  return noun ? `the ${noun} ${done} by ${acquire}()` : `what ${acquire}() ${done}`;
}
