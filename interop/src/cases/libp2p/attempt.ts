import { multiaddr } from '@multiformats/multiaddr'
import { encodeMessageFrame, openPeerRecord, sealPeerRecord } from '@rendezvous/codec'
import { check } from '../../case.ts'
import { decodeFrameHex, fromHex, toHex } from '../../responses.ts'
import type { CaseContext, CaseOutcome, Verdict } from '../../case.ts'
import type { ClientOpResult, ClientPeer, DiscoveredPeer, ErrorTextKind } from '../../implementation.ts'
import type { PrivateKey } from '@libp2p/interface'

/** What a REGISTER came to, however it was sent */
export interface RegisterAnswer {
  /** A REGISTER_RESPONSE came back */
  answered: boolean
  ok: boolean
  status?: number
  statusText?: string
  ttl?: number
  /** How the exchange ended without an answer (raw: reset, eof…; client: its error) */
  end?: string
  /** The client refused to send the request at all */
  refusedByClient?: string
}

/** The record format the server of the cell reads (the one a forged or foreign record is sealed in) */
export function serverFormat (ctx: CaseContext): string {
  return ctx.server.implementation.serverReads[0]
}

/** A signed record of `key` in `format`, with one loopback address */
export async function sealFor (key: PrivateKey, format: string): Promise<Uint8Array> {
  return sealPeerRecord(key, [multiaddr('/ip4/127.0.0.1/tcp/4001')], { format })
}

/**
 * REGISTER `ns` as the client would: as a frame the harness writes on the client's stream when the client
 * can write frames (so an empty namespace is sent as an empty ns field, and `envelope` can be anything),
 * else through the client's own API.
 */
export async function attemptRegister (ctx: CaseContext, client: ClientPeer, request: { ns: string, ttl?: number, envelope?: Uint8Array }): Promise<RegisterAnswer> {
  if (ctx.pair.client.client.raw) {
    const envelope = request.envelope ?? await sealFor(client.privateKey, serverFormat(ctx))
    const frame = encodeMessageFrame(ctx.dialect, { type: 'REGISTER', ns: request.ns, signedPeerRecord: envelope, ttl: request.ttl })
    const [result] = await client.raw([{ op: 'frame', hex: toHex(frame) }], ctx)
    if (result?.frame == null || result.frame === '') {
      return { answered: false, ok: false, end: result?.end ?? result?.error ?? 'nothing' }
    }
    const answer = decodeFrameHex(ctx.dialect, result.frame, 'the REGISTER answer')
    check(answer.type === 'REGISTER_RESPONSE', `answered ${answer.type}, expected REGISTER_RESPONSE`)
    return { answered: true, ok: answer.status === 0, status: answer.status, statusText: answer.statusText, ttl: answer.ttl }
  }
  check(request.envelope == null, `${ctx.pair.client.name} cannot send a record of the harness's making`)
  const [result] = await client.run([{ op: 'register', ns: request.ns, ttl: request.ttl }], ctx)
  return fromClientResult(result)
}

function fromClientResult (result: ClientOpResult | undefined): RegisterAnswer {
  if (result?.ok === true) {
    return { answered: true, ok: true, ttl: result.ttl }
  }
  if (result?.error?.startsWith('client:') === true) {
    return { answered: false, ok: false, refusedByClient: result.error }
  }
  if (result?.status != null) {
    // a client that reports no text (rust-libp2p's) leaves it undefined
    return { answered: true, ok: false, status: result.status, statusText: result.statusText }
  }
  return { answered: false, ok: false, end: result?.error ?? 'nothing' }
}

/**
 * An error answer carries the server's own text for `kind` (where the client reports texts: rust-libp2p's
 * client reports only codes)
 */
export function expectText (ctx: CaseContext, answer: RegisterAnswer, kind: ErrorTextKind): void {
  const expected = ctx.server.implementation.errorTexts?.[kind]
  if (expected == null || answer.statusText == null || !answer.answered || answer.ok) {
    return
  }
  check(answer.statusText === expected, `status text "${answer.statusText}", ${ctx.server.implementation.name}'s is "${expected}"`)
}

/** The answer as text for a cell's detail */
export function describeAnswer (answer: RegisterAnswer): string {
  if (answer.refusedByClient != null) {
    return `not sent: ${answer.refusedByClient}`
  }
  if (!answer.answered) {
    return `no answer (${answer.end})`
  }
  if (answer.ok) {
    return `OK, ttl ${answer.ttl}`
  }
  return answer.statusText == null ? `${answer.status} (the client reports no text)` : `${answer.status} "${answer.statusText}"`
}

/**
 * The answer for the matrix's table of error answers per server; undefined when the client could not see
 * the whole answer (no text reported), so the table takes another column's
 */
export function statusData (answer: RegisterAnswer): Record<string, unknown> | undefined {
  if (answer.refusedByClient != null) {
    // the server was not asked
    return undefined
  }
  if (!answer.answered) {
    return { status: 'no answer', statusText: answer.end ?? '' }
  }
  if (answer.ok) {
    return { status: 0, statusText: `OK, ttl ${answer.ttl}` }
  }
  return answer.statusText == null ? undefined : { status: answer.status, statusText: answer.statusText }
}

/** An error row's outcome: `verdict`, with the answer as the detail and as the figures of the table of error answers */
export function answerOutcome (verdict: Verdict, answer: RegisterAnswer): CaseOutcome {
  return { verdict, detail: describeAnswer(answer), data: statusData(answer) }
}

/** The protocol's refusal, as an error row passes: answered with `status` and the server's own text for `kind` */
export function expectRefused (ctx: CaseContext, answer: RegisterAnswer, status: number, kind: ErrorTextKind): CaseOutcome {
  check(answer.answered && answer.status === status, `${describeAnswer(answer)}, expected ${status}`)
  expectText(ctx, answer, kind)
  return answerOutcome('pass', answer)
}

/** A successful REGISTER through the client API; returns the TTL granted */
export function expectRegistered (result: ClientOpResult | undefined, what: string): number {
  check(result?.ok === true, `${what}: REGISTER failed (${result?.status ?? ''} ${result?.statusText ?? ''} ${result?.error ?? ''})`)
  check(typeof result.ttl === 'number' && result.ttl > 0, `${what}: granted ttl ${result.ttl}`)
  return result.ttl
}

/** A successful DISCOVER through the client API; returns what it found */
export function expectDiscovered (result: ClientOpResult | undefined, what: string): DiscoveredPeer[] {
  check(result?.ok === true && result.registrations != null, `${what}: DISCOVER failed (${result?.status ?? ''} ${result?.statusText ?? ''} ${result?.error ?? ''})`)
  check(result.error == null, `${what}: ${result.error}`)
  return result.registrations
}

/** Open a discovered envelope with the codec: the record must verify and belong to the registration's peer */
export async function recordFormatOf (registration: DiscoveredPeer, what: string): Promise<string> {
  check(registration.envelope != null && registration.envelope !== '', `${what}: the client reported no envelope for ${registration.peerId}`)
  try {
    const record = await openPeerRecord(fromHex(registration.envelope))
    check(record.peerId.toString() === registration.peerId, `${what}: the record is of ${record.peerId.toString()}, the registration of ${registration.peerId}`)
    return record.format.name
  } catch (err: any) {
    if (err.name === 'CaseFailure') {
      throw err
    }
    throw new Error(`${what}: the record of ${registration.peerId} does not verify: ${err.message}`)
  }
}
