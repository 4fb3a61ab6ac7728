// What a diagnosis answers (the body of GET /api/registries/{host}/diagnose): its steps, each with
// facts, a sentence, the requests as sent and the curl that reproduces them; and the scrubbing
// every string of it goes through before it leaves, so that no secret does.
import type { ErrorCode } from '../errors';
import type { TlsFacts } from '../net/http';
import { REDACTED, type RecordedRequest } from '../net/record';

export type DiagnosisStatus = 'ok' | 'warning' | 'failed' | 'skipped';
export type DiagnosisStepId = 'address' | 'ping' | 'auth' | 'catalog' | 'repository' | 'rate-limits';

export interface DiagnosisFact {
  label: string;
  value: string;
}

/** One HTTP request of a step, as it was sent (its authorization redacted), and how it ended. */
export interface DiagnosisRequest extends Omit<RecordedRequest, 'method'> {
  method: 'GET' | 'HEAD' | 'POST';
}

/** A parsed WWW-Authenticate challenge. */
export interface DiagnosisChallenge {
  scheme: string;
  realm?: string;
  /** The realm resolved against the URL that sent it, when it was relative. */
  realmUrl?: string;
  service?: string;
  scope?: string;
  error?: string;
}

/** One scope asked of the token service, beside what the token carries for it. */
export interface DiagnosisAccess {
  /** As asked, e.g. "registry:catalog:*". */
  scope: string;
  /** The actions the token grants on that resource; [] for nothing. */
  granted: string[];
  /** Every action asked for is granted. */
  covered: boolean;
}

export interface DiagnosisRateLimit {
  header: string;
  value: string;
  /** The request that carried it: "GET /v2/team/app/tags/list". */
  from: string;
}

export interface DiagnosisStep {
  id: DiagnosisStepId;
  title: string;
  status: DiagnosisStatus;
  ms: number;
  /** What this step found, in plain words, and what to do about it. */
  sentence: string;
  facts: DiagnosisFact[];
  requests: DiagnosisRequest[];
  /** Shell commands that reproduce the step; secrets are $PASSWORD and $TOKEN. */
  curl?: string;
  /** The error Berth's other views answer with for what this step met. */
  error?: { code: ErrorCode; message: string };
  challenges?: DiagnosisChallenge[];
  access?: DiagnosisAccess[];
  tls?: TlsFacts;
  rateLimits?: DiagnosisRateLimit[];
}

export interface Diagnosis {
  host: string;
  /** The origin Berth talks to for this host, when the policy allows it. */
  baseUrl?: string;
  /** Who it ran as; null when anonymous. */
  username: string | null;
  repository?: string;
  startedAt: string;
  ms: number;
  /** The worst status of any step. */
  status: Exclude<DiagnosisStatus, 'skipped'>;
  /** The sentence of the first step that failed, else of the first warning, else that all is well. */
  summary: string;
  steps: DiagnosisStep[];
}

/** Replaces every secret inside any string of `value` (deeply) with •••. */
export function scrubSecrets<T>(value: T, secrets: readonly string[]): T {
  const list = [...new Set(secrets.filter((s) => s.length >= 3))].sort((a, b) => b.length - a.length);
  if (list.length === 0) return value;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return list.reduce((text, secret) => text.split(secret).join(REDACTED), v);
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}
