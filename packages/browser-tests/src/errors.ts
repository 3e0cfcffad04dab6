/** No relay listed in the relay namespace could be reached, or none gave a reservation in time */
export class NoRelayFoundError extends Error {
  static name = 'NoRelayFoundError'
  name = 'NoRelayFoundError'
}

/** No peer of a namespace could be reached, or there is no open connection to the peer */
export class NotReachableError extends Error {
  static name = 'NotReachableError'
  name = 'NotReachableError'
}

/** A chat message or reply is longer than allowed */
export class ChatTooLongError extends Error {
  static name = 'ChatTooLongError'
  name = 'ChatTooLongError'
}

/** There is no Chromium where the tests look for it; `.ci/chromium.sh` installs it */
export class ChromiumMissingError extends Error {
  static name = 'ChromiumMissingError'
  name = 'ChromiumMissingError'
}
