/** A README code block's info string names neither a runnable language nor one of the reasons not to run it */
export class UnknownCodeBlockError extends Error {
  static name = 'UnknownCodeBlockError'
  override name = 'UnknownCodeBlockError'
}

/** A README example exited with a non-zero code, by a signal, or ran out of time */
export class ExampleFailedError extends Error {
  static name = 'ExampleFailedError'
  override name = 'ExampleFailedError'
}

/** What a test waited for did not happen in time */
export class WaitTimeoutError extends Error {
  static name = 'WaitTimeoutError'
  override name = 'WaitTimeoutError'
}
