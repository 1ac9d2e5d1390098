import {Flags} from '@oclif/core'

/** Extra strategy plugin folders; shared by every command that loads strategies. */
export const strategiesFlag = Flags.string({
  description: 'Extra folder of strategy plugins (repeatable). Also: BOTS_STRATEGIES, `strategies:` in bots.config.yaml.',
  multiple: true,
  helpValue: 'DIR',
})
