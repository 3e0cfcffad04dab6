import { readFile, writeFile } from 'node:fs/promises'
import type { Cell, CellVerdict } from './matrix.ts'

/** The markers around the published matrix of one implementation in docs/interop.md */
export function matrixMarkers (implementation: string): { start: string, end: string } {
  return { start: `<!-- interop-matrix:${implementation}:start -->`, end: `<!-- interop-matrix:${implementation}:end -->` }
}

/** The section markers are missing or out of order */
export class MissingMarkersError extends Error {
  static name = 'MissingMarkersError'
  override name = 'MissingMarkersError'
}

const VERDICT_TEXT: Record<CellVerdict, string> = {
  pass: 'pass',
  deviation: 'expected deviation',
  FAIL: '**FAIL**'
}

/** Table cells must not break the row */
function escapeCell (text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ')
}

/** Row and column labels in first-seen order */
function axes (cells: readonly Cell[]): { rows: Array<{ id: string, title: string }>, columns: string[] } {
  const rows = new Map<string, string>()
  const columns = new Set<string>()
  for (const cell of cells) {
    rows.set(cell.caseId, cell.caseTitle)
    columns.add(cell.pair)
  }
  return { rows: [...rows].map(([id, title]) => ({ id, title })), columns: [...columns] }
}

/** The matrix as a Markdown table: a row per case, a column per pair */
export function renderMatrixTable (cells: readonly Cell[]): string {
  const { rows, columns } = axes(cells)
  const lines = [
    `| case | ${columns.map(escapeCell).join(' | ')} |`,
    `|---|${columns.map(() => '---').join('|')}|`
  ]
  for (const row of rows) {
    const values = columns.map(column => {
      const cell = cells.find(c => c.caseId === row.id && c.pair === column)
      return cell == null ? '—' : VERDICT_TEXT[cell.verdict]
    })
    lines.push(`| ${escapeCell(row.title)} | ${values.join(' | ')} |`)
  }
  return lines.join('\n')
}

/** What each cell observed */
export function renderDetails (cells: readonly Cell[]): string {
  const lines = ['| case | pair | result | observed | ms |', '|---|---|---|---|---:|']
  for (const cell of cells) {
    lines.push(`| ${escapeCell(cell.caseId)} | ${escapeCell(cell.pair)} | ${VERDICT_TEXT[cell.verdict]} | ${escapeCell(cell.detail)} | ${cell.ms} |`)
  }
  return lines.join('\n')
}

/**
 * The error answers side by side per server: status code and text each server answered (from the first
 * cell with that server), and whether the codes agree. Rows are the cases that report a `status`.
 */
export function renderStatusComparison (cells: readonly Cell[]): string {
  const reporting = new Set(cells.filter(c => c.data?.status != null).map(c => c.caseId))
  const errorCells = cells.filter(c => reporting.has(c.caseId))
  if (errorCells.length === 0) {
    return '(no error case in this run)'
  }
  const servers = [...new Set(errorCells.map(c => c.server))]
  const { rows } = axes(errorCells)
  const lines = [
    `| error case | ${servers.map(s => `${escapeCell(s)} server`).join(' | ')} | same code |`,
    `|---|${servers.map(() => '---').join('|')}|---|`
  ]
  for (const row of rows) {
    const answers = servers.map(server => errorCells.find(c => c.caseId === row.id && c.server === server && c.data != null)?.data)
    const shown = answers.map(a => a == null ? 'no answer' : `${String(a.status)} "${escapeCell(String(a.statusText))}"`)
    const codes = new Set(answers.map(a => a?.status))
    lines.push(`| ${escapeCell(row.title)} | ${shown.join(' | ')} | ${codes.size === 1 && !codes.has(undefined) ? 'yes' : '**no**'} |`)
  }
  return lines.join('\n')
}

export interface ReportInfo {
  /** When the run started */
  date: Date
  /** Seconds the matrix took (the Go build excluded) */
  seconds: number
  /** The toolchain that built the foreign peer, e.g. `go1.26.8` or `cargo 1.95.0` */
  toolchain?: string
  nodeVersion?: string
}

/** The whole published block: summary, matrix, REGISTER status comparison, per-cell observations */
export function renderReport (cells: readonly Cell[], info: ReportInfo): string {
  const count = (verdict: CellVerdict): number => cells.filter(c => c.verdict === verdict).length
  const runtime = [info.toolchain, info.nodeVersion == null ? undefined : `node ${info.nodeVersion}`].filter(v => v != null).join(', ')
  return [
    `Last run: ${info.date.toISOString()}, ${info.seconds.toFixed(1)} s${runtime === '' ? '' : ` (${runtime})`}. ` +
      `${cells.length} cells: ${count('pass')} pass, ${count('deviation')} expected deviation, ${count('FAIL')} FAIL.`,
    '',
    renderMatrixTable(cells),
    '',
    '### Error answers: status code and text per server',
    '',
    renderStatusComparison(cells),
    '',
    '### What each cell observed',
    '',
    renderDetails(cells)
  ].join('\n')
}

/**
 * Replace what lies between the markers with `content`.
 *
 * @throws {MissingMarkersError}
 */
export function replaceBetweenMarkers (text: string, content: string, start: string, end: string): string {
  const from = text.indexOf(start)
  const to = text.indexOf(end)
  if (from < 0 || to < from) {
    throw new MissingMarkersError(`the document must contain ${start} followed by ${end}`)
  }
  return `${text.slice(0, from + start.length)}\n${content}\n${text.slice(to)}`
}

/**
 * Replace what lies between the markers in the document at `path` with `content` (a block a run
 * publishes: an interop matrix, the benchmark's results).
 *
 * @throws {MissingMarkersError}
 */
export async function writeBetweenMarkers (path: string, content: string, start: string, end: string): Promise<void> {
  const text = await readFile(path, 'utf8')
  await writeFile(path, replaceBetweenMarkers(text, content, start, end))
}

/** Publish `content` between the markers of `implementation`'s matrix in the document at `path` */
export async function writeReport (path: string, implementation: string, content: string): Promise<void> {
  const { start, end } = matrixMarkers(implementation)
  await writeBetweenMarkers(path, content, start, end)
}
