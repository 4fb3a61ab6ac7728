// How the demo talks: a prefixed line, or a message and exit.
export const log = (msg: string) => console.log(`[demo] ${msg}`);

export function fail(msg: string): never {
  console.error(`\nBerth demo: ${msg}\n`);
  process.exit(1);
}
