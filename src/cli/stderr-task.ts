/**
 * One listr2 task whose output goes to stderr, so stdout stays clean for results and --json.
 * A terminal gets the live renderer; `plain` (a pipe, CI) gets the simple line renderer.
 */
import {Listr, ListrLogger, ProcessOutput} from 'listr2'

export async function runStderrTask<T>(
  title: string,
  opts: {plain: boolean; persistentOutput: boolean},
  work: (setOutput: (text: string) => void) => Promise<T>,
): Promise<T> {
  const logger = new ListrLogger({processOutput: new ProcessOutput(process.stderr, process.stderr)})
  let result: T | undefined
  const list = new Listr(
    [
      {
        title,
        task: async (_ctx, task) => {
          result = await work((text) => (task.output = text))
        },
        rendererOptions: {outputBar: 1, persistentOutput: opts.persistentOutput},
      },
    ],
    {
      renderer: 'default',
      rendererOptions: {logger},
      fallbackRenderer: 'simple',
      fallbackRendererOptions: {logger},
      fallbackRendererCondition: opts.plain,
      exitOnError: true,
      registerSignalListeners: false,
    },
  )
  await list.run()
  return result as T
}
