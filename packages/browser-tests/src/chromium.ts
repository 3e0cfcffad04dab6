import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from 'playwright-core'
import { CHROMIUM_ARGS, DEFAULT_CHROMIUM } from './constants.ts'
import { ChromiumMissingError } from './errors.ts'
import type { BrowserContext } from 'playwright-core'

/** A headless Chromium with a fresh profile */
export interface LaunchedChromium {
  context: BrowserContext
  /** The profile directory, removed by {@link LaunchedChromium.close} */
  userDataDir: string
  close(): Promise<void>
}

/** Options of {@link launchChromium} */
export interface LaunchChromiumOptions {
  /** Default `RENDEZVOUS_CHROMIUM` or `/usr/bin/chromium` */
  executablePath?: string
  /** More flags, after {@link CHROMIUM_ARGS} (e.g. `--ignore-certificate-errors-spki-list=` for a test certificate) */
  args?: string[]
}

/**
 * Launch Debian's Chromium (never a browser download: playwright-core drives the one installed by
 * `.ci/chromium.sh`) headless with a fresh `--user-data-dir`
 *
 * @throws {ChromiumMissingError} when there is no Chromium at that path
 */
export async function launchChromium (options: LaunchChromiumOptions = {}): Promise<LaunchedChromium> {
  const executablePath = options.executablePath ?? process.env.RENDEZVOUS_CHROMIUM ?? DEFAULT_CHROMIUM
  if (!existsSync(executablePath)) {
    throw new ChromiumMissingError(`no Chromium at ${executablePath}: run .ci/chromium.sh (it installs Debian's chromium) or set RENDEZVOUS_CHROMIUM`)
  }
  const userDataDir = await mkdtemp(join(tmpdir(), 'rendezvous-chromium-'))
  let context: BrowserContext
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath,
      headless: true,
      args: [...CHROMIUM_ARGS, ...(options.args ?? [])]
    })
  } catch (err) {
    await rm(userDataDir, { recursive: true, force: true })
    throw err
  }
  return {
    context,
    userDataDir,
    close: async () => {
      try {
        await context.close()
      } finally {
        await rm(userDataDir, { recursive: true, force: true })
      }
    }
  }
}
