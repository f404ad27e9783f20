/**
 * Exit codes that scripts can rely on, and the error that carries one out of a command.
 */

/** The command did what was asked: the code is valid, the secret or URI was written. */
export const EXIT_OK = 0
/** The input was well formed but the code did not verify (or a resync found no counter). */
export const EXIT_INVALID = 1
/** The command line or the input was wrong: nothing was checked. */
export const EXIT_USAGE = 2

/**
 * A usage or input error: its message is printed after the command's name, with a pointer to the
 * command's --help, and the process exits with EXIT_USAGE. Like OtpError messages, it never holds a
 * secret.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError'
}
