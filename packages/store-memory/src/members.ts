import type { Entry } from './entry.ts'
import type { Registration } from '@rendezvous/store'

/** Up to this many draws, the indexes drawn so far are checked by a linear scan rather than a Set */
const SCAN_DRAWS = 64

/**
 * The registrations of one namespace in one record format in no particular order, for uniform sampling
 * in O(limit).
 *
 * Three parallel arrays (entries, their registrations, their expiries) kept dense by swap-remove: a sample
 * draws random indexes and reads an expiry and a registration pointer at each, without visiting the
 * entries, so a large store costs about two cache misses per registration returned.
 */
export class Members {
  private readonly entries: Entry[] = []
  private readonly registrations: Array<Readonly<Registration>> = []
  private readonly expiries: number[] = []

  get size (): number {
    return this.entries.length
  }

  add (entry: Entry): void {
    entry.memberIndex = this.entries.length
    this.entries.push(entry)
    this.registrations.push(entry.registration)
    this.expiries.push(entry.expiresAt)
  }

  /** The entry has a new registration object */
  updateRegistration (entry: Entry): void {
    this.registrations[entry.memberIndex] = entry.registration
  }

  /** The entry's expiry changed */
  updateExpiry (entry: Entry): void {
    this.expiries[entry.memberIndex] = entry.expiresAt
  }

  remove (entry: Entry): void {
    const index = entry.memberIndex
    const last = this.entries.length - 1

    if (index !== last) {
      const moved = this.entries[last]
      this.entries[index] = moved
      this.registrations[index] = this.registrations[last]
      this.expiries[index] = this.expiries[last]
      moved.memberIndex = index
    }

    this.entries.pop()
    this.registrations.pop()
    this.expiries.pop()
    entry.memberIndex = -1
  }

  /** The registration at an index (0 to size - 1) */
  registrationAt (index: number): Readonly<Registration> {
    return this.registrations[index]
  }

  /** The expiry of the registration at an index (0 to size - 1) */
  expiryAt (index: number): number {
    return this.expiries[index]
  }

  /**
   * At most `limit` registrations live at `now`, each live one equally likely, without repeats. See
   * {@link sampleMembers}.
   */
  sample (limit: number, now: number, random: () => number, allLive = false): Array<Readonly<Registration>> {
    return sampleMembers([this], limit, now, random, allLive)
  }
}

/**
 * At most `limit` registrations live at `now` among several {@link Members} (a namespace's formats), each
 * live one equally likely, without repeats: the groups are read as one array of their concatenation.
 *
 * Draws distinct random indexes and keeps the live ones: the sequence of distinct uniform draws is a
 * uniformly random ordering, and keeping the live ones in it keeps it uniform over them. When the draws
 * find mostly expired registrations (expire() has not run for a while) or `limit` is close to the size,
 * a partial Fisher-Yates shuffle of the indexes takes over, from scratch and with fresh randomness, so the
 * result stays uniform and the cost stays O(size) at worst.
 *
 * `allLive` says nothing in the store has expired (the caller knows from its expiry heap): then no
 * expiry is read, which saves a cache miss per registration in a large store.
 */
export function sampleMembers (groups: readonly Members[], limit: number, now: number, random: () => number, allLive = false): Array<Readonly<Registration>> {
  let size = 0

  for (const group of groups) {
    size += group.size
  }

  const sample: Array<Readonly<Registration>> = []

  if (limit === 0 || size === 0) {
    return sample
  }

  if (limit * 2 >= size) {
    return shuffleSample(groups, size, limit, now, random)
  }

  // past this many draws (never more than there are indexes), the shuffle is cheaper than more luck
  const maxDraws = Math.min(size, limit * 4 + 16)
  const drawn: number[] = []
  let drawnSet: Set<number> | undefined

  while (sample.length < limit) {
    if (drawn.length >= maxDraws) {
      return shuffleSample(groups, size, limit, now, random)
    }

    const index = Math.floor(random() * size)

    if (drawnSet == null ? drawn.includes(index) : drawnSet.has(index)) {
      continue
    }

    drawn.push(index)

    if (drawnSet != null) {
      drawnSet.add(index)
    } else if (drawn.length === SCAN_DRAWS) {
      drawnSet = new Set(drawn)
    }

    visit(groups, index, now, allLive, sample)
  }

  return sample
}

/** A partial Fisher-Yates shuffle over a copy of the indexes: O(size), for small namespaces and many expired */
function shuffleSample (groups: readonly Members[], size: number, limit: number, now: number, random: () => number): Array<Readonly<Registration>> {
  const order = new Uint32Array(size)
  const sample: Array<Readonly<Registration>> = []

  for (let i = 0; i < size; i++) {
    order[i] = i
  }

  for (let i = 0; i < size && sample.length < limit; i++) {
    const j = i + Math.floor(random() * (size - i))
    const index = order[j]
    order[j] = order[i]
    visit(groups, index, now, false, sample)
  }

  return sample
}

/** Add the registration at an index of the groups' concatenation to the sample if it is live */
function visit (groups: readonly Members[], index: number, now: number, allLive: boolean, sample: Array<Readonly<Registration>>): void {
  let group = 0

  // a namespace has a few formats at most: a linear walk finds the group
  while (index >= groups[group].size) {
    index -= groups[group].size
    group++
  }

  const members = groups[group]

  if (allLive || members.expiryAt(index) > now) {
    sample.push(members.registrationAt(index))
  }
}
