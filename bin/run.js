#!/usr/bin/env node
// oclif's index checks the Node version against its own `engines` (Node 18+) with semver, whose
// loading costs ~15 ms of every command's start-up; package.json already requires Node 20+, so the
// check can never warn. The variable is set only around the import, so child processes see the
// environment the user gave.
const skipEngineCheck = process.env.OCLIF_DISABLE_ENGINE_WARNING === undefined
if (skipEngineCheck) process.env.OCLIF_DISABLE_ENGINE_WARNING = 'true'
const {execute} = await import('@oclif/core')
if (skipEngineCheck) delete process.env.OCLIF_DISABLE_ENGINE_WARNING

await execute({dir: import.meta.url})
