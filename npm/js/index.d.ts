// Types of the package's entry (index.js): the glue's exports, with init and initSync wrapped.
export * from './pythreading_web.js';
import type { InitInput, InitOutput, SyncInitInput } from './pythreading_web.js';

/** What the glue's init takes, plus `timeout` (seconds, default 10; `Infinity`: no bound). */
export interface InitOptions {
  module_or_path?: InitInput | Promise<InitInput>;
  memory?: WebAssembly.Memory;
  thread_stack_size?: number;
  timeout?: number;
}

/** Loads the module on this thread within `timeout` seconds, or rejects naming the cause. */
export default function init(options?: InitOptions | InitInput | Promise<InitInput>): Promise<InitOutput>;

/** The glue's initSync (in the app's own workers: `initSync(sharedModule())`). */
export function initSync(
  module: { module: SyncInitInput; memory?: WebAssembly.Memory; thread_stack_size?: number } | SyncInitInput,
): InitOutput;
