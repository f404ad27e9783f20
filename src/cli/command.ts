/**
 * What every `otp` subcommand provides to the dispatcher (dispatch.ts), which also holds each
 * command's one-line summary for `otp --help`, so that the overview loads no command.
 */

/** One subcommand. */
export interface Command {
  /** The word after `otp`. */
  readonly name: string
  /** The full text of `otp NAME --help`. */
  readonly help: string
  /**
   * Runs the command on the arguments after its name and resolves to the exit code. Usage and input
   * errors are thrown (UsageError, OtpError); main.ts prints them and exits with EXIT_USAGE.
   */
  run(argv: string[]): Promise<number>
}
