#!/bin/sh
":" //; young=; case "$1" in live|twin) ;; *) export GLIBC_TUNABLES="glibc.malloc.hugetlb=1:glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=268435456${GLIBC_TUNABLES:+:$GLIBC_TUNABLES}" ;; esac; case "$1:$NODE_OPTIONS" in backtest:*semi-space*) ;; backtest:*) young=--max-semi-space-size=4 ;; esac; tls=; case "$1" in validate|backtest|data|strategies|schema|check|runs|help|--help|-h|--version|-v|"") ;; add|disable|enable|list|logs|remove|status|trades|update) if [ -n "$BOTS_REGISTRY" ]; then tls=1; else case " $* " in *" --registry"*) tls=1 ;; esac; fi ;; *) tls=1 ;; esac; if [ -z "$tls" ] && [ -n "${NODE_EXTRA_CA_CERTS+set}" ]; then export BOTS_LAUNCHER_CA_CERTS="$NODE_EXTRA_CA_CERTS"; unset NODE_EXTRA_CA_CERTS; fi; exec node $young "$0" "$@"
// Run as a program, the line above is shell (for JavaScript it is a string and a comment): it
// starts Node on this file with glibc's malloc asking for transparent huge pages (madvise), where
// the kernel offers them only on request (Debian's and Ubuntu's default). A backtest touches
// hundreds of megabytes of fresh typed arrays, and a first touch costs a page fault per 4 KB
// page: in 2 MB pages a 1M-bar backtest takes ~10% less time (README, Speed). It also keeps
// what is freed for reuse instead of handing it back to the kernel to be faulted in afresh
// (glibc's defaults suit long-lived processes): blocks under 32 MB (a million bars' columns, the
// largest glibc accepts everywhere) come from the heap rather than from a mapping of their own
// each, and up to 256 MB freed at the heap's top stays there. Setting either alone stops glibc
// adapting the other, which faults more than the defaults; both: ~16% fewer page faults for a
// 1M-bar backtest. DuckDB allocates through its own jemalloc, which none of this touches. Your own
// GLIBC_TUNABLES come after ours, so yours win; elsewhere (musl, macOS) the variable means nothing.
// Not for the long-running services (`live`, `twin`), whose memory is many small, long-lived
// allocations.
// `backtest` also gets V8's young generation capped at 4 MB semi-spaces (V8's default grows them
// to 16 MB): its garbage is then collected in the same few pages instead of ever fresh ones (1M
// bars: ~25 MB less peak memory, ~6,000 fewer page faults, less CPU; README, Speed). Only there:
// any V8 flag makes V8 refuse Node's own built-in code cache (~20 ms more start-up), which a short
// command such as `validate` would feel; the build writes our bundles' caches for the flag too
// (vendor.ts). A --max-semi-space-size of yours in NODE_OPTIONS is kept instead.
// Commands that open no network connection (validate, backtest, data, strategies, schema, check,
// runs, help) start without NODE_EXTRA_CA_CERTS: Node 20 reads and parses every certificate of
// that file while it starts, whether or not the process ever speaks TLS (a 144-certificate
// bundle: 30-70 ms of every start here). The variable is put back below, before any of our code
// runs, so child processes see the environment the user gave; only this process's own TLS would
// miss those certificates, and these commands have none. The management commands (add, list,
// status, …) too, unless they go to a PostgreSQL registry (--registry or $BOTS_REGISTRY), which
// may be over TLS. `live`, `twin`, `parity` (it may reach an exchange) and anything else keep it.
// `node bin/run.js …` skips the line and runs the same CLI without any of this.

// oclif's index checks the Node version against its own `engines` (Node 18+) with semver, which
// costs start-up time on every command; package.json already requires Node 20+, so the check can
// never warn. The variable is set only around the import, so child processes see the environment
// the user gave. oclif comes from its one-file bundle (dist/cli/oclif.js), one instance for all.
const launcherCaCerts = process.env.BOTS_LAUNCHER_CA_CERTS
if (launcherCaCerts !== undefined) {
  process.env.NODE_EXTRA_CA_CERTS = launcherCaCerts
  delete process.env.BOTS_LAUNCHER_CA_CERTS
}

const skipEngineCheck = process.env.OCLIF_DISABLE_ENGINE_WARNING === undefined
if (skipEngineCheck) process.env.OCLIF_DISABLE_ENGINE_WARNING = 'true'
const {execute} = await import('../dist/cli/oclif.js')
if (skipEngineCheck) delete process.env.OCLIF_DISABLE_ENGINE_WARNING

await execute({dir: import.meta.url})
