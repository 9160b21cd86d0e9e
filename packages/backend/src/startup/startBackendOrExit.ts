/*
 * Starting the backend so that a failed start ends the process.
 */

import type { createBackend } from '@backstage/backend-defaults';

type StartableBackend = Pick<ReturnType<typeof createBackend>, 'start'>;

/**
 * Starts the backend; when the start fails, logs the reason and exits with code 1.
 *
 * Backstage's `backend.start()` rejects when a plugin or module fails to initialise (for
 * example the loser of two replicas racing in the migrations of an empty database), but
 * the HTTP server is already listening and Backstage handles unhandled rejections by
 * logging them, so without this the process would stay up answering readiness 503 forever
 * instead of letting its orchestrator restart it.
 */
export async function startBackendOrExit(
  backend: StartableBackend,
): Promise<void> {
  try {
    await backend.start();
  } catch (error) {
    const reason =
      error instanceof Error ? error.stack ?? error.message : String(error);
    // The root logger may be the thing that failed, so this goes straight to stderr.
    process.stderr.write(
      `Backend start failed, exiting with code 1: ${reason}\n`,
    );
    process.exit(1);
  }
}
