/** The protocol two chat peers open one stream of per message: the message, then the reply */
export const CHAT_PROTOCOL = '/rendezvous-example/chat/1.0.0'

/** Longest chat message or reply read, in bytes */
export const MAX_CHAT_BYTES = 4096

/** What a browser node answers to a chat message: this prefix and the message */
export const REPLY_PREFIX = 'got: '

/** Where Debian's chromium package puts the browser */
export const DEFAULT_CHROMIUM = '/usr/bin/chromium'

/**
 * Chromium's flags besides `--headless` and `--user-data-dir` (which playwright-core adds): no sandbox (the
 * tests run as root), no GPU, no QUIC and none of the background traffic a fresh profile starts (updates,
 * sync, first-run pages), so the browser talks to loopback only
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run'
]
