/**
 * The blocks of docs/performance.md a run rewrites (with interop/src's marker rewrite, as
 * `pnpm test:interop` rewrites docs/interop.md).
 */
import { join } from 'node:path'
import { MissingMarkersError, writeBetweenMarkers } from '../src/report.ts'
import { ROOT } from './config.ts'
import { progress } from './output.ts'

const DOCS = join(ROOT, 'docs', 'performance.md')

export interface DocsBlock {
  start: string
  end: string
}

/** The main results block: a full, unfiltered, unprofiled run's tables */
export const RESULTS_BLOCK: DocsBlock = { start: '<!-- bench-results:start -->', end: '<!-- bench-results:end -->' }
/** The /rendezvous/1.0.0 comparison */
export const V1_BLOCK: DocsBlock = { start: '<!-- bench-1.0.0:start -->', end: '<!-- bench-1.0.0:end -->' }

/** Replace a block of docs/performance.md with this run's tables; a document without the block is left alone */
export async function updateDocs (markdown: string, block: DocsBlock): Promise<void> {
  try {
    await writeBetweenMarkers(DOCS, markdown, block.start, block.end)
  } catch (err: any) {
    if (err instanceof MissingMarkersError || err.code === 'ENOENT') {
      progress(`${DOCS} has no ${block.start} … ${block.end} block: not updated`)
      return
    }
    throw err
  }
  progress(`updated the results block of ${DOCS}`)
}
