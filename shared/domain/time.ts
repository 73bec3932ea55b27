/** A day in milliseconds: every rule that counts days (holds, windows, lateness) counts them with this. */
export const DAY_MS = 86_400_000;
