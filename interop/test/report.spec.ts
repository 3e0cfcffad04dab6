import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'aegir/chai'
import { MissingMarkersError, matrixMarkers, renderDetails, renderMatrixTable, renderReport, renderStatusComparison, replaceBetweenMarkers, writeBetweenMarkers } from '../src/report.ts'
import type { Cell } from '../src/matrix.ts'

function cell (caseId: string, pair: string, verdict: Cell['verdict'], data?: Record<string, unknown>): Cell {
  const [client, server] = pair.split(' → ')
  return { caseId, caseTitle: `title of ${caseId}`, pair, client, server, verdict, detail: `detail | ${caseId}`, ms: 12, data }
}

const cells: Cell[] = [
  cell('a', 'ts → go', 'pass'),
  cell('a', 'go → ts', 'deviation'),
  cell('b', 'ts → go', 'FAIL'),
  cell('error-x', 'ts → go', 'pass', { status: 101, statusText: 'invalid peer record' }),
  cell('error-x', 'go → ts', 'pass', { status: 101, statusText: 'invalid | record' }),
  cell('error-y', 'ts → go', 'pass', { status: 100, statusText: 'x' }),
  cell('error-y', 'go → ts', 'pass', { status: 102, statusText: 'y' })
]

/** A Markdown table's header and its first two rows (the separator line left out) */
function rows (table: string): string[] {
  const lines = table.split('\n')
  return [lines[0], lines[2], lines[3]]
}

describe('report', () => {
  const tables = [
    {
      // a cell that was not run is marked, not left empty
      what: 'renders a row per case and a column per pair, in first-seen order, with the three verdicts',
      render: renderMatrixTable,
      rows: ['| case | ts → go | go → ts |', '| title of a | pass | expected deviation |', '| title of b | **FAIL** | — |']
    },
    {
      what: 'compares the REGISTER error codes per server and flags disagreement',
      render: renderStatusComparison,
      rows: ['| error case | go server | ts server | same code |', '| title of error-x | 101 "invalid peer record" | 101 "invalid \\| record" | yes |', '| title of error-y | 100 "x" | 102 "y" | **no** |']
    }
  ]
  for (const table of tables) {
    it(table.what, () => {
      expect(rows(table.render(cells))).to.deep.equal(table.rows)
    })
  }

  it('escapes pipes so a detail cannot break the table', () => {
    expect(renderDetails(cells)).to.include('detail \\| a')
  })

  it('says so when no case reported a status', () => {
    expect(renderStatusComparison(cells.slice(0, 3))).to.equal('(no error case in this run)')
  })

  it('summarises the counts', () => {
    const report = renderReport(cells, { date: new Date(0), seconds: 1.25, toolchain: 'go1.26.8' })
    expect(report).to.match(/^Last run: 1970-01-01T00:00:00.000Z, 1.3 s \(go1.26.8\). 7 cells: 5 pass, 1 expected deviation, 1 FAIL./)
  })

  it('replaces only what lies between the markers', () => {
    const { start: MATRIX_START, end: MATRIX_END } = matrixMarkers('go-waku-rendezvous')
    const doc = `# Title\n\nbefore\n${MATRIX_START}\nold\ntable\n${MATRIX_END}\nafter\n`
    const updated = replaceBetweenMarkers(doc, 'new', MATRIX_START, MATRIX_END)
    expect(updated).to.equal(`# Title\n\nbefore\n${MATRIX_START}\nnew\n${MATRIX_END}\nafter\n`)
    expect(replaceBetweenMarkers(updated, 'new', MATRIX_START, MATRIX_END)).to.equal(updated)
  })

  it('refuses a document without markers or with them out of order', () => {
    const { start, end } = matrixMarkers('rust-libp2p')
    expect(() => replaceBetweenMarkers('no markers', 'x', start, end)).to.throw(MissingMarkersError)
    expect(() => replaceBetweenMarkers(`${end}\n${start}`, 'x', start, end)).to.throw(MissingMarkersError)
  })

  it('rewrites the block of a document on disk, and leaves a document without it as it was', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'interop-report-'))
    try {
      const start = '<!-- block:start -->'
      const end = '<!-- block:end -->'
      const doc = join(dir, 'doc.md')
      await writeFile(doc, `before\n${start}\nold\n${end}\nafter\n`)
      await writeBetweenMarkers(doc, 'new', start, end)
      expect(await readFile(doc, 'utf8')).to.equal(`before\n${start}\nnew\n${end}\nafter\n`)

      const other = join(dir, 'other.md')
      await writeFile(other, 'no block here\n')
      await expect(writeBetweenMarkers(other, 'new', start, end)).to.eventually.be.rejectedWith(MissingMarkersError)
      expect(await readFile(other, 'utf8')).to.equal('no block here\n')
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
