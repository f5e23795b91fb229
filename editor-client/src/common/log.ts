/** The logger the modules write to: the extension's LogOutputChannel in the editor, a fake in
 * unit tests. */

export interface Logger {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string | Error): void;
}
