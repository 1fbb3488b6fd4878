import { parentPort } from "node:worker_threads";

/**
 * A thread of the worker pool (pool.ts): imports task modules on first use and runs the exported functions
 * that messages name, either signalling completion through shared memory (blocking tasks) or posting the
 * result back (asynchronous tasks; a typed-array result's buffer is transferred).
 */
type TaskFunction = (args: unknown) => unknown;
const modules = new Map<string, Promise<Record<string, unknown>>>();

async function taskFunction(module: string, fn: string): Promise<TaskFunction> {
  let m = modules.get(module);
  if (!m) modules.set(module, (m = import(module) as Promise<Record<string, unknown>>));
  const f = (await m)[fn];
  if (typeof f !== "function") throw new TypeError(`${module} exports no function ${fn}`);
  return f as TaskFunction;
}

const port = parentPort!;
port.on("message", async (m) => {
  if (m.kind === "start") {
    Atomics.store(m.flag, 0, 1);
    Atomics.notify(m.flag, 0);
  } else if (m.kind === "blocking") {
    try {
      (await taskFunction(m.module, m.fn))(m.args);
      Atomics.store(m.done, 0, 1);
    } catch (e) {
      const text = new TextEncoder().encode(e instanceof Error ? (e.stack ?? e.message) : String(e));
      (m.error as Uint8Array).set(text.subarray(0, m.error.length));
      Atomics.store(m.done, 0, 2);
    }
    Atomics.notify(m.done, 0);
  } else if (m.kind === "task") {
    try {
      const result = await (await taskFunction(m.module, m.fn))(m.args);
      const transfer =
        ArrayBuffer.isView(result) && !(result.buffer instanceof SharedArrayBuffer) ? [result.buffer] : [];
      port.postMessage({ id: m.id, result }, transfer as ArrayBuffer[]);
    } catch (e) {
      port.postMessage({ id: m.id, error: e instanceof Error ? e.message : String(e) });
    }
  }
});
