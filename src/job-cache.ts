/**
 * A cache whose entries last for the current job: the synchronous run that
 * filled it, up to the next microtask. A rule run is one job (the engine's
 * walk over a patch, or a worker's task with every part of a series), so
 * whatever the rules work out about a function, a statement or a patch is
 * shared by all of them and by the parts of a series, then forgotten.
 *
 * Not a module-level WeakMap, which is what these caches were: V8's
 * young-generation collector treats the values of a table that has moved
 * to the old generation as live, so every value put into such a map (and
 * all it points to: a patch's functions, their diff lines, parsed bodies)
 * survived the collections that run during and after its patch, was copied
 * into the old generation and died only at the next full collection. In a
 * plain parse-and-rules loop that was about 90 MB promoted per 10 MB of
 * mbox, and 18 MB with these caches. Each job gets a fresh Map instead,
 * young like the objects it holds, and dropped as a whole.
 */

/** What is to run when the current job ends. */
const atEnd: (() => void)[] = [];

/**
 * Ends the current job: queued once per job as a microtask, and called
 * directly by a synchronous run that holds several jobs (a worker's task
 * runs many unrelated patches and series in one go, and without this every
 * cache would keep all of them alive to the task's end; the queued
 * microtask then finds nothing left to do).
 */
export function endJobNow(): void {
  // Taken off first: a callback that asks for the next job's end queues it afresh.
  for (const fn of atEnd.splice(0)) fn();
}

/**
 * Runs `fn` when the current job ends (one microtask for all of a job's
 * callbacks). Also what forgets the parsed bodies of a job's functions
 * (src/parse/c/functions.ts).
 */
export function whenJobEnds(fn: () => void): void {
  if (atEnd.length === 0) queueMicrotask(endJobNow);
  atEnd.push(fn);
}

export class JobCache<K extends object, V> {
  #map: Map<K, V> | null = null;

  get(key: K): V | undefined {
    return this.#map === null ? undefined : this.#map.get(key);
  }

  has(key: K): boolean {
    return this.#map !== null && this.#map.has(key);
  }

  set(key: K, value: V): this {
    let map = this.#map;
    if (map === null) {
      map = new Map<K, V>();
      this.#map = map;
      whenJobEnds(() => this.clear());
    }
    map.set(key, value);
    return this;
  }

  /** Forgets every entry now (the job's end does this for all caches). */
  clear(): void {
    this.#map = null;
  }
}
