/** Progress goes to stderr, keeping stdout for the tables */
export function progress (text: string): void {
  process.stderr.write(`${text}\n`)
}
