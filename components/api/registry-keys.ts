/**
 * Every query about one registry lives under ['registry', host], so signing in or out of a
 * registry can drop exactly its cached data.
 */
export const registryKeys = {
  all: ['registry'] as const,
  host: (host: string) => ['registry', host] as const,
};
