/** Counters of what the client received and refused */
export interface RendezvousClientStats {
  /** Requests sent */
  requests: number
  /** Requests that failed (timeouts, unreachable points, protocol errors, error statuses excluded) */
  failedRequests: number
  /** Responses thrown away whole: garbage, over-size or truncated frames, wrong message types */
  droppedResponses: number
  /** Registrations dropped because their record did not verify or was for another namespace */
  droppedRecords: number
  /** `droppedRecords` by reason: the codec error's name (`InvalidSignatureError`, …) or `NamespaceMismatch` */
  droppedRecordsByReason: Record<string, number>
}

/** The client's counters, written by the exchange and by whatever verifies records */
export class Counters implements RendezvousClientStats {
  requests = 0
  failedRequests = 0
  droppedResponses = 0
  droppedRecords = 0
  droppedRecordsByReason: Record<string, number> = {}

  /** Count a registration dropped for `reason` */
  dropRecord (reason: string): void {
    this.droppedRecords++
    this.droppedRecordsByReason[reason] = (this.droppedRecordsByReason[reason] ?? 0) + 1
  }

  /** A copy that later counting does not change */
  snapshot (): RendezvousClientStats {
    return {
      requests: this.requests,
      failedRequests: this.failedRequests,
      droppedResponses: this.droppedResponses,
      droppedRecords: this.droppedRecords,
      droppedRecordsByReason: { ...this.droppedRecordsByReason }
    }
  }
}
