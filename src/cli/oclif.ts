/**
 * oclif, loaded once for the whole CLI from its one-file bundle (core/vendor.ts): every command,
 * the hook and bin/run.js take it from here, so the classes they extend and the errors they test
 * with `instanceof` are one instance. Types still come from the package (`import type`).
 */
import type * as Oclif from '@oclif/core'
import {requireVendored} from '../core/vendor.js'

const oclif = requireVendored<typeof Oclif>('@oclif/core')

export const {Args, Command, Errors, Flags, execute} = oclif
