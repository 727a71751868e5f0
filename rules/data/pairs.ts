/**
 * Acquire/release pair knowledge for the `unreleased` rule: well-known kernel
 * pairs, pairs derived from names, and pairs the patch itself introduces.
 * Derived pairs for ambiguous names (`*_get`, `*_init`, `*_add`, ...) count
 * only when the patch shows the release name somewhere, because `get_*` and
 * `*_init` just as often name plain getters and initialisers that take
 * nothing (Documentation/core-api/kref.rst shows the real get/put shape).
 */

/** What is acquired, for the wording of the reply. */
export type PairKind = "alloc" | "register" | "lock" | "ref" | "init" | "create" | "add" | "enable" | "map" | "request" | "set" | "start" | "open";

/** Where the acquired object is named: the call's result, its first argument, or nowhere (a global lock). */
export type HandleSource = "result" | "arg" | "none";

export interface PairInfo {
  kind: PairKind;
  /** Release functions; the first one is what the reply suggests. */
  release: string[];
  handle: HandleSource;
  /** The release is needed even when the acquisition itself fails (kobject_init_and_add). */
  releaseOnOwnFailure?: boolean;
  /**
   * Acquire and release are one function told apart by a flag argument
   * (`ftrace_set_filter_ip(ops, ip, 0, 0)` adds, `..., 1, 0)` removes): the
   * call acquires only with an `acquire` value at `arg`, and the same call
   * with any other value there is the release. `say` words the release.
   */
  flag?: { arg: number; acquire: readonly string[]; say: string };
}

interface KnownPair extends PairInfo {
  acquire: string[];
}

const KFREE = ["kfree", "kvfree", "kfree_sensitive", "kfree_const", "kvfree_sensitive"];

const KNOWN: KnownPair[] = [
  {
    acquire: [
      "kmalloc",
      "kzalloc",
      "kcalloc",
      "kmalloc_array",
      "kmalloc_node",
      "kzalloc_node",
      "kcalloc_node",
      "kstrdup",
      "kstrndup",
      "kmemdup",
      "kmemdup_nul",
      "kasprintf",
      "kvasprintf",
      "kvmalloc",
      "kvzalloc",
      "kvcalloc",
      "kvmalloc_array",
      "kstrdup_const",
    ],
    kind: "alloc",
    release: KFREE,
    handle: "result",
  },
  { acquire: ["vmalloc", "vzalloc", "vcalloc", "vmalloc_user"], kind: "alloc", release: ["vfree", "kvfree"], handle: "result" },
  { acquire: ["kmem_cache_alloc", "kmem_cache_zalloc"], kind: "alloc", release: ["kmem_cache_free"], handle: "result" },
  { acquire: ["kmem_cache_create"], kind: "create", release: ["kmem_cache_destroy"], handle: "result" },
  { acquire: ["alloc_pages", "alloc_page"], kind: "alloc", release: ["__free_pages", "__free_page", "put_page"], handle: "result" },
  { acquire: ["__get_free_pages", "__get_free_page", "get_zeroed_page"], kind: "alloc", release: ["free_pages", "free_page"], handle: "result" },
  { acquire: ["bitmap_zalloc", "bitmap_alloc"], kind: "alloc", release: ["bitmap_free"], handle: "result" },
  { acquire: ["alloc_percpu", "__alloc_percpu"], kind: "alloc", release: ["free_percpu"], handle: "result" },
  {
    acquire: ["alloc_workqueue", "alloc_ordered_workqueue", "create_workqueue", "create_singlethread_workqueue"],
    kind: "create",
    release: ["destroy_workqueue"],
    handle: "result",
  },
  { acquire: ["kthread_create", "kthread_run"], kind: "create", release: ["kthread_stop"], handle: "result" },
  { acquire: ["dma_alloc_coherent"], kind: "alloc", release: ["dma_free_coherent"], handle: "result" },
  { acquire: ["klp_shadow_alloc", "klp_shadow_get_or_alloc"], kind: "alloc", release: ["klp_shadow_free", "klp_shadow_free_all"], handle: "result" },
  { acquire: ["kobject_create_and_add"], kind: "create", release: ["kobject_put"], handle: "result" },
  { acquire: ["kobject_init_and_add"], kind: "init", release: ["kobject_put"], handle: "arg", releaseOnOwnFailure: true },
  {
    acquire: ["kobject_add", "device_add"],
    kind: "add",
    release: ["kobject_del", "device_del", "kobject_put", "put_device", "device_unregister"],
    handle: "arg",
  },
  { acquire: ["device_register"], kind: "register", release: ["device_unregister", "put_device"], handle: "arg", releaseOnOwnFailure: true },
  { acquire: ["misc_register"], kind: "register", release: ["misc_deregister"], handle: "arg" },
  { acquire: ["sysfs_create_group"], kind: "create", release: ["sysfs_remove_group"], handle: "arg" },
  { acquire: ["sysfs_create_groups"], kind: "create", release: ["sysfs_remove_groups"], handle: "arg" },
  { acquire: ["sysfs_create_file"], kind: "create", release: ["sysfs_remove_file"], handle: "arg" },
  { acquire: ["sysfs_create_link"], kind: "create", release: ["sysfs_remove_link"], handle: "arg" },
  { acquire: ["sysfs_create_bin_file"], kind: "create", release: ["sysfs_remove_bin_file"], handle: "arg" },
  { acquire: ["sysfs_create_files"], kind: "create", release: ["sysfs_remove_files"], handle: "arg" },
  { acquire: ["sysfs_merge_group"], kind: "add", release: ["sysfs_unmerge_group"], handle: "arg" },
  { acquire: ["sysfs_add_file_to_group"], kind: "add", release: ["sysfs_remove_file_from_group"], handle: "arg" },
  { acquire: ["sysfs_add_link_to_group"], kind: "add", release: ["sysfs_remove_link_from_group"], handle: "arg" },
  { acquire: ["sysfs_create_mount_point"], kind: "create", release: ["sysfs_remove_mount_point"], handle: "arg" },
  { acquire: ["device_create_file"], kind: "create", release: ["device_remove_file"], handle: "arg" },
  { acquire: ["device_create_bin_file"], kind: "create", release: ["device_remove_bin_file"], handle: "arg" },
  { acquire: ["driver_create_file"], kind: "create", release: ["driver_remove_file"], handle: "arg" },
  { acquire: ["class_create_file"], kind: "create", release: ["class_remove_file"], handle: "arg" },
  { acquire: ["bus_create_file"], kind: "create", release: ["bus_remove_file"], handle: "arg" },
  { acquire: ["cdev_add"], kind: "add", release: ["cdev_del"], handle: "arg" },
  { acquire: ["device_create"], kind: "create", release: ["device_destroy"], handle: "result" },
  { acquire: ["class_create"], kind: "create", release: ["class_destroy"], handle: "result" },
  { acquire: ["alloc_chrdev_region", "register_chrdev_region"], kind: "register", release: ["unregister_chrdev_region"], handle: "none" },
  { acquire: ["idr_alloc", "idr_alloc_cyclic"], kind: "alloc", release: ["idr_remove"], handle: "arg" },
  {
    acquire: ["ida_alloc", "ida_alloc_range", "ida_alloc_min", "ida_alloc_max", "ida_simple_get"],
    kind: "alloc",
    release: ["ida_free", "ida_simple_remove"],
    handle: "arg",
  },
  { acquire: ["get_device"], kind: "ref", release: ["put_device"], handle: "arg" },
  {
    acquire: [
      "of_node_get",
      "of_find_node_by_name",
      "of_find_node_by_path",
      "of_find_compatible_node",
      "of_get_child_by_name",
      "of_get_parent",
      "of_parse_phandle",
    ],
    kind: "ref",
    release: ["of_node_put"],
    handle: "result",
  },
  { acquire: ["kobject_get"], kind: "ref", release: ["kobject_put"], handle: "arg" },
  { acquire: ["try_module_get", "__module_get"], kind: "ref", release: ["module_put"], handle: "arg" },
  { acquire: ["get_task_struct"], kind: "ref", release: ["put_task_struct"], handle: "arg" },
  { acquire: ["pci_dev_get"], kind: "ref", release: ["pci_dev_put"], handle: "arg" },
  { acquire: ["dget"], kind: "ref", release: ["dput"], handle: "arg" },
  { acquire: ["fget"], kind: "ref", release: ["fput"], handle: "result" },
  { acquire: ["get_pid", "find_get_pid"], kind: "ref", release: ["put_pid"], handle: "result" },
  { acquire: ["mmgrab"], kind: "ref", release: ["mmdrop"], handle: "arg" },
  { acquire: ["kref_get", "kref_get_unless_zero"], kind: "ref", release: ["kref_put"], handle: "arg" },
  { acquire: ["bus_find_device", "class_find_device", "bus_find_device_by_name"], kind: "ref", release: ["put_device"], handle: "result" },
  {
    acquire: ["mutex_lock", "mutex_lock_nested", "mutex_lock_interruptible", "mutex_lock_killable", "mutex_lock_io"],
    kind: "lock",
    release: ["mutex_unlock"],
    handle: "arg",
  },
  { acquire: ["down_read", "down_read_killable", "down_read_interruptible"], kind: "lock", release: ["up_read"], handle: "arg" },
  { acquire: ["down_write", "down_write_killable"], kind: "lock", release: ["up_write"], handle: "arg" },
  { acquire: ["down", "down_interruptible", "down_killable"], kind: "lock", release: ["up"], handle: "arg" },
  { acquire: ["rcu_read_lock"], kind: "lock", release: ["rcu_read_unlock"], handle: "none" },
  { acquire: ["rcu_read_lock_bh"], kind: "lock", release: ["rcu_read_unlock_bh"], handle: "none" },
  { acquire: ["preempt_disable"], kind: "lock", release: ["preempt_enable", "preempt_enable_no_resched"], handle: "none" },
  { acquire: ["local_irq_disable"], kind: "lock", release: ["local_irq_enable"], handle: "none" },
  { acquire: ["local_irq_save"], kind: "lock", release: ["local_irq_restore"], handle: "none" },
  { acquire: ["cpus_read_lock", "get_online_cpus"], kind: "lock", release: ["cpus_read_unlock", "put_online_cpus"], handle: "none" },
  { acquire: ["request_irq", "request_threaded_irq", "request_any_context_irq"], kind: "request", release: ["free_irq"], handle: "arg" },
  { acquire: ["request_firmware", "request_firmware_direct"], kind: "request", release: ["release_firmware"], handle: "arg" },
  { acquire: ["request_mem_region"], kind: "request", release: ["release_mem_region"], handle: "arg" },
  { acquire: ["request_region"], kind: "request", release: ["release_region"], handle: "arg" },
  { acquire: ["gpio_request"], kind: "request", release: ["gpio_free"], handle: "arg" },
  { acquire: ["clk_prepare_enable"], kind: "enable", release: ["clk_disable_unprepare"], handle: "arg" },
  { acquire: ["clk_enable"], kind: "enable", release: ["clk_disable"], handle: "arg" },
  { acquire: ["clk_prepare"], kind: "enable", release: ["clk_unprepare"], handle: "arg" },
  { acquire: ["regulator_enable"], kind: "enable", release: ["regulator_disable"], handle: "arg" },
  { acquire: ["pm_runtime_enable"], kind: "enable", release: ["pm_runtime_disable"], handle: "arg" },
  { acquire: ["pci_enable_device", "pci_enable_device_mem"], kind: "enable", release: ["pci_disable_device"], handle: "arg" },
  { acquire: ["ioremap", "ioremap_wc", "ioremap_cache", "of_iomap"], kind: "map", release: ["iounmap"], handle: "result" },
  { acquire: ["memremap"], kind: "map", release: ["memunmap"], handle: "result" },
  { acquire: ["pci_iomap"], kind: "map", release: ["pci_iounmap"], handle: "result" },
  { acquire: ["vmap"], kind: "map", release: ["vunmap"], handle: "result" },
  { acquire: ["kmap"], kind: "map", release: ["kunmap"], handle: "arg" },
  { acquire: ["dma_map_single"], kind: "map", release: ["dma_unmap_single"], handle: "result" },
  { acquire: ["dma_map_page"], kind: "map", release: ["dma_unmap_page"], handle: "result" },
  { acquire: ["dma_map_sg"], kind: "map", release: ["dma_unmap_sg"], handle: "arg" },
  { acquire: ["register_kprobe"], kind: "register", release: ["unregister_kprobe"], handle: "arg" },
  { acquire: ["register_ftrace_function"], kind: "register", release: ["unregister_ftrace_function"], handle: "arg" },
  { acquire: ["register_chrdev"], kind: "register", release: ["unregister_chrdev"], handle: "arg" },
  // include/linux/ftrace.h: a filter set on an ops stays (and its hash stays allocated) until
  // the same call removes it or ftrace_free_filter() drops them all.
  {
    acquire: ["ftrace_set_filter_ip"],
    kind: "set",
    release: ["ftrace_set_filter_ip", "ftrace_free_filter"],
    handle: "arg",
    flag: { arg: 2, acquire: ["0", "false"], say: "remove = 1" },
  },
  {
    acquire: ["ftrace_set_filter_ips"],
    kind: "set",
    release: ["ftrace_set_filter_ips", "ftrace_free_filter"],
    handle: "arg",
    flag: { arg: 3, acquire: ["0", "false"], say: "remove = 1" },
  },
  { acquire: ["ftrace_set_filter", "ftrace_set_notrace"], kind: "set", release: ["ftrace_free_filter"], handle: "arg" },
];

const BY_NAME = new Map<string, PairInfo>();
for (const p of KNOWN) {
  const { acquire, ...info } = p;
  for (const a of acquire) BY_NAME.set(a, info);
}

/** Acquisitions that take nothing: initialisers of embedded objects and the like. */
const TAKES_NOTHING =
  /^(mutex_init|spin_lock_init|raw_spin_lock_init|rwlock_init|init_rwsem|init_completion|init_waitqueue_head|kref_init|refcount_set|timer_setup|ida_init|idr_init|xa_init|xa_init_flags|hash_init|seqcount_init|atomic_\w+|atomic64_\w+|INIT_\w+|__init_\w+|lockdep_\w+|might_lock\w*|lockdep_assert\w*|\w+_lock_init|\w+_trylock\w*|\w+_is_locked|\w+_lock_held|\w+_lockdep\w*)$/;

/** Managed (device-resource) APIs release by themselves when the device goes away. */
export const MANAGED = /^(devm_|pcim_|drmm_|dmam_|devres_|managed_)/;

function lockRelease(name: string): string[] | null {
  const m = /^(\w*?)(^|_)lock(_irq|_irqsave|_bh|_nested|_interruptible|_killable)?$/.exec(name);
  if (!m) return null;
  const base = `${m[1] ?? ""}${m[2] ?? ""}`;
  const suffix = m[3] === "_irqsave" ? "_irqrestore" : m[3] === "_irq" || m[3] === "_bh" ? m[3] : "";
  return [`${base}unlock${suffix}`];
}

/** Release names derived from an acquisition's name, with the kind; `strong` needs no evidence. */
function derived(name: string): { kind: PairKind; release: string[]; handle: HandleSource; strong: boolean } | null {
  let m: RegExpExecArray | null;
  const locks = lockRelease(name);
  if (locks) return { kind: "lock", release: locks, handle: "arg", strong: true };
  if ((m = /^(\w+)_register$/.exec(name))) return { kind: "register", release: [`${m[1]}_unregister`, `${m[1]}_deregister`], handle: "arg", strong: true };
  if ((m = /^register_(\w+)$/.exec(name))) return { kind: "register", release: [`unregister_${m[1]}`], handle: "arg", strong: true };
  if ((m = /^(\w+)_alloc(_\w+)?$/.exec(name)))
    return {
      kind: "alloc",
      release: [`${m[1]}_free${m[2] ?? ""}`, `${m[1]}_free`, `${m[1]}_put`, `${m[1]}_release`, `${m[1]}_destroy`],
      handle: "result",
      strong: false,
    };
  if ((m = /^alloc_(\w+)$/.exec(name)))
    return { kind: "alloc", release: [`free_${m[1]}`, `put_${m[1]}`, `release_${m[1]}`, `${m[1]}_free`], handle: "result", strong: false };
  if ((m = /^(\w+)_get$/.exec(name))) return { kind: "ref", release: [`${m[1]}_put`], handle: "arg", strong: false };
  if ((m = /^get_(\w+)$/.exec(name))) return { kind: "ref", release: [`put_${m[1]}`], handle: "arg", strong: false };
  // `_end` closes an `_init` as often as `_exit` does (a decoder state set up by `foo_init()` is freed by `foo_end()`).
  if ((m = /^(\w+)_init$/.exec(name)))
    return {
      kind: "init",
      release: [
        `${m[1]}_destroy`,
        `${m[1]}_exit`,
        `${m[1]}_deinit`,
        `${m[1]}_uninit`,
        `${m[1]}_cleanup`,
        `${m[1]}_fini`,
        `${m[1]}_free`,
        `${m[1]}_end`,
        `${m[1]}_teardown`,
      ],
      handle: "arg",
      strong: false,
    };
  if ((m = /^init_(\w+)$/.exec(name)))
    return { kind: "init", release: [`destroy_${m[1]}`, `exit_${m[1]}`, `cleanup_${m[1]}`, `deinit_${m[1]}`, `end_${m[1]}`], handle: "arg", strong: false };
  if ((m = /^(\w+)_setup$/.exec(name)))
    return { kind: "init", release: [`${m[1]}_teardown`, `${m[1]}_cleanup`, `${m[1]}_destroy`], handle: "arg", strong: false };
  if ((m = /^setup_(\w+)$/.exec(name))) return { kind: "init", release: [`teardown_${m[1]}`, `cleanup_${m[1]}`], handle: "arg", strong: false };
  // Brackets around a stretch of work: a transaction, a walk, a batch. An error inside must close it (or abort it).
  if ((m = /^(\w+)_begin$/.exec(name)))
    return { kind: "start", release: [`${m[1]}_end`, `${m[1]}_finish`, `${m[1]}_abort`, `${m[1]}_cancel`], handle: "arg", strong: false };
  if ((m = /^begin_(\w+)$/.exec(name))) return { kind: "start", release: [`end_${m[1]}`, `finish_${m[1]}`, `abort_${m[1]}`], handle: "arg", strong: false };
  if ((m = /^(\w+)_start$/.exec(name))) return { kind: "start", release: [`${m[1]}_finish`, `${m[1]}_end`], handle: "arg", strong: false };
  if ((m = /^start_(\w+)$/.exec(name))) return { kind: "start", release: [`finish_${m[1]}`, `end_${m[1]}`], handle: "arg", strong: false };
  if ((m = /^(\w+)_open$/.exec(name))) return { kind: "open", release: [`${m[1]}_close`, `${m[1]}_release`], handle: "arg", strong: false };
  if ((m = /^open_(\w+)$/.exec(name))) return { kind: "open", release: [`close_${m[1]}`, `release_${m[1]}`], handle: "arg", strong: false };
  if ((m = /^(\w+)_create(_\w+)?$/.exec(name)))
    return {
      kind: "create",
      // `foo_create_attr()` is undone by `foo_remove_attr()` as often as by a destroy.
      release: [`${m[1]}_destroy${m[2] ?? ""}`, `${m[1]}_remove${m[2] ?? ""}`, `${m[1]}_destroy`, `${m[1]}_remove`, `${m[1]}_free`, `${m[1]}_delete`],
      handle: "result",
      strong: false,
    };
  if ((m = /^create_(\w+)$/.exec(name))) return { kind: "create", release: [`destroy_${m[1]}`, `remove_${m[1]}`], handle: "result", strong: false };
  if ((m = /^(\w+)_add$/.exec(name))) return { kind: "add", release: [`${m[1]}_del`, `${m[1]}_remove`, `${m[1]}_delete`], handle: "arg", strong: false };
  if ((m = /^add_(\w+)$/.exec(name))) return { kind: "add", release: [`del_${m[1]}`, `remove_${m[1]}`], handle: "arg", strong: false };
  if ((m = /^(\w+)_enable$/.exec(name))) return { kind: "enable", release: [`${m[1]}_disable`], handle: "arg", strong: false };
  if ((m = /^enable_(\w+)$/.exec(name))) return { kind: "enable", release: [`disable_${m[1]}`], handle: "arg", strong: false };
  if ((m = /^(\w+)_map$/.exec(name))) return { kind: "map", release: [`${m[1]}_unmap`], handle: "arg", strong: false };
  if ((m = /^request_(\w+)$/.exec(name))) return { kind: "request", release: [`release_${m[1]}`, `free_${m[1]}`], handle: "arg", strong: false };
  return null;
}

type Derived = ReturnType<typeof derived>;

/** Derivations asked for lately: every call of every function asks, and most names repeat. Cleared when full. */
const derivedCache = new Map<string, Derived>();
const DERIVED_CACHE_SIZE = 4096;

function derivedOf(name: string): Derived {
  let d = derivedCache.get(name);
  if (d === undefined) {
    if (derivedCache.size >= DERIVED_CACHE_SIZE) derivedCache.clear();
    d = derived(name);
    derivedCache.set(name, d);
  }
  return d;
}

/**
 * What `name` acquires and how it is released, or null when it is not an
 * acquisition we know. `evidence` holds every identifier the patch (and its
 * series) shows; derived pairs for ambiguous names need their release there.
 */
export function pairFor(name: string, evidence: { has(name: string): boolean }): PairInfo | null {
  if (MANAGED.test(name) || TAKES_NOTHING.test(name)) return null;
  const known = BY_NAME.get(name);
  if (known) return known;
  const d = derivedOf(name);
  if (!d) return null;
  const seen = d.release.filter((r) => evidence.has(r));
  if (!d.strong && seen.length === 0) return null;
  const release = d.strong ? [...new Set([...seen, ...d.release])] : [...new Set(seen)];
  return { kind: d.kind, release, handle: d.handle };
}

let knownReleases: Set<string> | undefined;

/** Every release name the pair tables know, for recognising releases by name. */
export function isKnownRelease(name: string): boolean {
  // Built on first use (the tables are complete by then): rules ask for every call on every error path.
  knownReleases ??= new Set(KNOWN.flatMap((p) => p.release));
  return knownReleases.has(name);
}

/** Past participles for the reply: "the hook registered by ... is never unregistered". */
export const WORDING: Record<PairKind, { done: string; undone: string }> = {
  alloc: { done: "allocated", undone: "freed" },
  register: { done: "registered", undone: "unregistered" },
  lock: { done: "taken", undone: "released" },
  ref: { done: "taken", undone: "dropped" },
  init: { done: "initialised", undone: "torn down" },
  create: { done: "created", undone: "destroyed" },
  add: { done: "added", undone: "removed" },
  enable: { done: "enabled", undone: "disabled" },
  map: { done: "mapped", undone: "unmapped" },
  request: { done: "requested", undone: "released" },
  set: { done: "set", undone: "cleared" },
  start: { done: "started", undone: "ended" },
  open: { done: "opened", undone: "closed" },
};

/** True when `call` acquires by `info`: always, except for a flag pair called with its release value. */
export function acquiresWith(info: PairInfo, args: readonly string[]): boolean {
  if (!info.flag) return true;
  const v = (args[info.flag.arg] ?? "").replace(/\s+/g, "");
  return info.flag.acquire.includes(v);
}

/**
 * Iterator macros that hold a reference on the current node while the body
 * runs and drop it when they step on; leaving the loop early (return, goto)
 * keeps that reference unless the body drops it (Documentation/devicetree/
 * kernel-api.rst: "of_node_put() ... when breaking out of the loop"). `arg`
 * is the position of the iterator variable in the macro's arguments. The
 * `_scoped` variants release by themselves and are not listed.
 */
export const ITERATOR_REFS: ReadonlyMap<string, { arg: number; release: string }> = new Map([
  ["for_each_child_of_node", { arg: 1, release: "of_node_put" }],
  ["for_each_available_child_of_node", { arg: 1, release: "of_node_put" }],
  ["for_each_node_by_name", { arg: 0, release: "of_node_put" }],
  ["for_each_node_by_type", { arg: 0, release: "of_node_put" }],
  ["for_each_compatible_node", { arg: 0, release: "of_node_put" }],
  ["for_each_matching_node", { arg: 0, release: "of_node_put" }],
  ["for_each_matching_node_and_match", { arg: 0, release: "of_node_put" }],
  ["for_each_node_with_property", { arg: 0, release: "of_node_put" }],
  ["device_for_each_child_node", { arg: 1, release: "fwnode_handle_put" }],
  ["fwnode_for_each_child_node", { arg: 1, release: "fwnode_handle_put" }],
  ["fwnode_for_each_available_child_node", { arg: 1, release: "fwnode_handle_put" }],
]);
