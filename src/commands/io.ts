/** Where a command reads and writes; process streams in the CLI, buffers in tests. */
export interface CommandIo {
  stdin: NodeJS.ReadableStream;
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
  env: NodeJS.ProcessEnv;
}
