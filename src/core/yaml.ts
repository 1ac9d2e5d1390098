/**
 * The `yaml` package's functions, from its bundle when the build made one (core/vendor.ts): its
 * 72 CommonJS files cost ~25 ms of every start-up that reads a spec. Import yaml's values from
 * here; its types still come from 'yaml'.
 */
import type * as Yaml from 'yaml'
import {requireVendored} from './vendor.js'

const yaml = requireVendored<typeof Yaml>('yaml')

export const {parse, parseAllDocuments, isMap, isPair, isScalar, visit} = yaml
export const YamlLineCounter = yaml.LineCounter
