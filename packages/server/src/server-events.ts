import { TypedEventEmitter } from '@libp2p/interface'
import { RequestHandler } from './request-handler.ts'
import type { PeerId } from '@libp2p/interface'
import type { Dialect, RendezvousRequest, RendezvousResponse } from '@rendezvous/codec'

/** One request the server answered (UNREGISTER, which has no answer, with status `-`) */
export interface RequestEventDetail {
  /** The dialect's name, e.g. `rendezvous/1.0.0` */
  dialect: string
  type: RendezvousRequest['type']
  /** The namespace asked about; `''` is a DISCOVER of every namespace in `rendezvous/1.0.0` */
  namespace: string
  /** The answer's status name (`OK`, `E_INVALID_TTL`, ...), `-` for UNREGISTER */
  status: string
  /** The requester */
  peer: PeerId
  /** Milliseconds from the decoded request to its answer */
  durationMs: number
  /** A REGISTER's granted TTL in seconds, when accepted */
  ttl?: number
  /** A DISCOVER's number of registrations answered */
  registrations?: number
}

/** An expiry pass deleted registrations */
export interface ExpiredEventDetail {
  /** How many it deleted */
  count: number
}

/**
 * The events of a {@link RendezvousServer}, on its `events` property. Every request answered is a
 * `request`, and also one of `registered`, `unregistered`, `discovered` (status OK) or `rejected`
 * (any other status); `expired` follows an expiry pass that deleted something. Nothing is built for an
 * event type nobody listens to, so an idle event target costs the server nothing.
 */
export interface RendezvousServerEvents {
  request: CustomEvent<RequestEventDetail>
  registered: CustomEvent<RequestEventDetail>
  unregistered: CustomEvent<RequestEventDetail>
  discovered: CustomEvent<RequestEventDetail>
  rejected: CustomEvent<RequestEventDetail>
  expired: CustomEvent<ExpiredEventDetail>
}

const OUTCOME: Record<RendezvousRequest['type'], 'registered' | 'unregistered' | 'discovered'> = {
  REGISTER: 'registered',
  UNREGISTER: 'unregistered',
  DISCOVER: 'discovered'
}

/** The server's event target */
export class ServerEvents extends TypedEventEmitter<RendezvousServerEvents> {
  /** Report an expiry pass */
  expired (count: number): void {
    if (count > 0 && this.listenerCount('expired') > 0) {
      this.safeDispatchEvent('expired', { detail: { count } })
    }
  }

  /** Report a request and its answer */
  answered (dialect: Dialect, request: RendezvousRequest, response: RendezvousResponse | undefined, peer: PeerId, durationMs: number): void {
    const status = response == null ? '-' : dialect.statusName(response.status)
    const outcome = status === 'OK' || status === '-' ? OUTCOME[request.type] : 'rejected'
    if (this.listenerCount('request') === 0 && this.listenerCount(outcome) === 0) {
      return
    }
    const detail: RequestEventDetail = { dialect: dialect.name, type: request.type, namespace: request.ns, status, peer, durationMs }
    if (response?.type === 'REGISTER_RESPONSE' && status === 'OK' && response.ttl != null) {
      detail.ttl = Number(response.ttl)
    }
    if (response?.type === 'DISCOVER_RESPONSE') {
      detail.registrations = response.registrations.length
    }
    this.safeDispatchEvent('request', { detail })
    this.safeDispatchEvent(outcome, { detail })
  }
}

/** A request handler that reports every answer to the server's events */
export class ObservedRequestHandler extends RequestHandler {
  events?: ServerEvents

  override async handle (dialect: Dialect, request: RendezvousRequest, remotePeer: PeerId): Promise<RendezvousResponse | undefined> {
    const started = performance.now()
    const response = await super.handle(dialect, request, remotePeer)
    this.events?.answered(dialect, request, response, remotePeer, performance.now() - started)
    return response
  }
}
