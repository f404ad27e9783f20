/**
 * What every `otp` subcommand provides to the dispatcher in main.ts.
 */

/** One subcommand. */
export interface Command {
  /** The word after `otp`. */
  readonly name: string
  /** One line for `otp --help`. */
  readonly summary: string
  /** The full text of `otp NAME --help`. */
  readonly help: string
  /**
   * Runs the command on the arguments after its name and resolves to the exit code. Usage and input
   * errors are thrown (UsageError, OtpError); main.ts prints them and exits with EXIT_USAGE.
   */
  run(argv: string[]): Promise<number>
}
