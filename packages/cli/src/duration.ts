/** Seconds as the help text shows them: 7200 as 2h, 90 as 90s */
export function formatDuration (seconds: number): string {
  for (const [unit, size] of [['d', 86400], ['h', 3600], ['m', 60]] as const) {
    if (seconds % size === 0 && seconds >= size) {
      return `${seconds / size}${unit}`
    }
  }
  return `${seconds}s`
}
