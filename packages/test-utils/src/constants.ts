/** The environment variable naming the file a README example's printed values are captured in */
export const CAPTURE_FILE_ENV = 'RENDEZVOUS_EXAMPLE_CAPTURE'

/** How long a README example may run before it is killed, in milliseconds */
export const EXAMPLE_TIMEOUT_MS = 60_000

/**
 * The words a README code block's info string may carry after its language to say it is not run, and why:
 * a `signature` lists declarations, a `template` is a file to copy into another package, an `excerpt` is a
 * part of a file that runs elsewhere
 */
export const NOT_RUN = ['signature', 'template', 'excerpt'] as const

/** How long {@link waitFor} waits by default, in milliseconds */
export const WAIT_TIMEOUT_MS = 10_000
