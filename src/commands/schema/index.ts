import {Args} from '../../cli/oclif.js'
import {BaseCommand} from '../../cli/base-command.js'
import {loadSchema, type SchemaName} from '../../document/schema-files.js'

export default class Schema extends BaseCommand {
  static override description = 'Print the JSON Schema of bot specs or strategy specs.'
  static override enableJsonFlag = false
  static override examples = ['<%= config.bin %> schema bot > bot.schema.json', '<%= config.bin %> schema strategy']
  static override args = {
    kind: Args.string({description: 'Which schema.', options: ['bot', 'strategy'], required: true}),
  }

  async run(): Promise<void> {
    const {args} = await this.parse(Schema)
    this.log(JSON.stringify(loadSchema(args.kind as SchemaName), null, 2))
  }
}
