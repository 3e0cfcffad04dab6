/** The protocol two chat peers open one stream of per message: the message, then the reply */
export const CHAT_PROTOCOL = '/rendezvous-example/chat/1.0.0'

/** Longest chat message or reply read, in bytes */
export const MAX_CHAT_BYTES = 4096

/** What a browser node answers to a chat message: this prefix and the message */
export const REPLY_PREFIX = 'got: '
