// Types of the public API (lib/index.js). The addon's own generated types
// are in ../index.d.ts.

/** The kind of a decision: the same strings on every unicors surface. */
export type Kind = 'not_cors' | 'preflight' | 'actual' | 'rejected'

/** The decision for one request (frozen: decisions are cached and shared). */
export interface Decision {
  kind: Kind
  /** The status to answer with now (a preflight), or undefined: the app answers. */
  status?: number
  /** The headers to set, replacing any of the same name: [name, value] pairs. */
  headers: Array<[string, string]>
  /** The names to append to Vary, joined with ', ' ('' for none). */
  vary: string
  /** The stable reason code of a rejection (e.g. 'origin_not_allowed'). */
  reason?: string
  /** A one-line explanation of a rejection, without request bytes. */
  reasonMessage?: string
}

/** One problem found in a policy. */
export interface Problem {
  severity: 'error' | 'warning'
  code: string
  /** `allowOrigins[2]` for options, `allow_origins[2]` for documents. */
  field: string
  value: string
  message: string
}

/** The policy keys, in camelCase. */
export interface PolicyOptions {
  allowOrigins?: string[]
  allowOriginRegex?: string | string[]
  allowNullOrigin?: boolean
  allowMethods?: string[]
  allowHeaders?: string[]
  exposeHeaders?: string[]
  allowCredentials?: boolean
  maxAge?: number
  allowPrivateNetwork?: boolean
  preflightStatus?: number
  preflightContinue?: boolean
  rejectedPreflightStatus?: number
  dangerouslyAllowInsecureOrigins?: boolean
  dangerouslyAllowPublicSuffixWildcards?: boolean
  routes?: Array<Omit<PolicyOptions, 'routes'> & { path: string }>
}

/** Request headers as Node and fetch hand them over (an object's names lowercase, as in `req.headers`). */
export type RequestHeaders =
  | Record<string, string | string[] | undefined>
  | string[]
  | Array<[string, string]>
  | { entries(): IterableIterator<[string, string]>; get(name: string): unknown }

/** A policy with problems (`code` is 'ERR_UNICORS_CONFIG'). */
export declare class ConfigError extends Error {
  readonly code: 'ERR_UNICORS_CONFIG'
  readonly errors: Problem[]
  readonly warnings: Problem[]
}

/** A validated, immutable CORS policy. */
export declare class Policy {
  constructor (options?: PolicyOptions)
  static fromFile (path: string): Policy
  static fromToml (text: string): Policy
  static fromJson (text: string): Policy
  readonly warnings: Problem[]
  evaluate (method: string, headers: RequestHeaders, path?: string | null, originAllowed?: boolean | null): Decision
  /** This policy's decision and, report-only, `shadow`'s, with what differs. */
  evaluateShadowed (shadow: Policy, method: string, headers: RequestHeaders, path?: string | null,
    originAllowed?: boolean | null): ShadowedDecision
}

/** What may differ between two decisions. */
export type DifferencePart = 'kind' | 'reason' | 'status' | 'headers' | 'vary'

/** A request decided by an enforced and a report-only policy. */
export interface ShadowedDecision {
  readonly decision: Decision
  readonly shadow: Decision
  /** What differs, in this order; empty when the browser would see the same response. */
  readonly difference: readonly DifferencePart[]
}

/** What `onDifference` receives. */
export interface ShadowDifference extends ShadowedDecision {
  readonly method: string
  readonly path?: string
  /** The request's Origin (request bytes: quote it when logging). */
  readonly origin?: string
}

/** The counter names, in order (`not_cors`, `preflight`, …, `shadow.differences`). */
export declare const COUNTER_NAMES: readonly string[]

/**
 * The enforced policy and an optional report-only one, swappable while
 * serving, with counts of the decisions. Pass it as `policy` to an adapter.
 */
export declare class LivePolicy {
  constructor (policy: Policy | string, options?: {
    shadowPolicy?: Policy | string | null
    onDifference?: (report: ShadowDifference) => void
  })
  static fromFile (path: string, options?: { shadowFile?: string | null, onDifference?: (report: ShadowDifference) => void }): LivePolicy
  readonly policy: Policy
  readonly shadowPolicy: Policy | null
  setPolicy (policy: Policy | string): void
  setShadowPolicy (policy: Policy | string | null): void
  /** Re-reads the policy files and swaps both at once; a bad file throws ConfigError and changes nothing. */
  reload (): Problem[]
  evaluate (method: string, headers: RequestHeaders, path?: string | null, originAllowed?: boolean | null): Decision
  counters (): Record<string, number>
}

/** The only request headers a decision reads (lowercase). */
export declare const REQUEST_HEADER_NAMES: readonly string[]

/** What an origin function answers. */
export type OriginAnswer = boolean | string | RegExp | Array<string | RegExp>

/** Options of the `cors` package (and @fastify/cors), as the adapters take them. */
export interface CorsOptions {
  /**
   * A unicors Policy instead of the options below. Only `origin` may go with
   * it, as a function (its answer is the host's verdict) or RegExps (they
   * admit what they match, besides the policy's origins).
   */
  policy?: Policy | LivePolicy
  /** A report-only policy (or its file): decided beside the enforced one, never applied. */
  shadowPolicy?: Policy | string
  /** Called when the report-only policy would answer differently (default: a console.info line). */
  onShadowDifference?: (report: ShadowDifference) => void
  /**
   * RegExps match the whole origin (`g`/`y` ignored). A function's answer:
   * true admits; a string, RegExp or array admits the origins it names or
   * matches; an error, a throw or a rejected Promise refuses the origin.
   */
  origin?: boolean | string | RegExp | Array<string | RegExp> |
    ((origin: string | undefined, callback: (error: Error | null, allow?: OriginAnswer) => void) => void | Promise<OriginAnswer>)
  methods?: string | string[]
  allowedHeaders?: string | string[]
  headers?: string | string[]
  exposedHeaders?: string | string[]
  credentials?: boolean
  maxAge?: number
  preflightContinue?: boolean
  optionsSuccessStatus?: number
  /** fastify only: add the `OPTIONS *` route (default true); preflights are answered either way. */
  preflight?: boolean
}

/** The response methods the adapters use. */
export interface HeaderTarget {
  statusCode: number
  getHeader (name: string): unknown
  setHeader (name: string, value: string): unknown
  removeHeader (name: string): unknown
  end (): unknown
}

/** express/connect middleware (Express 4 and 5). */
export declare function cors (options?: CorsOptions):
  (req: { method?: string, url?: string, headers: Record<string, string | string[] | undefined> }, res: HeaderTarget, next: (error?: unknown) => void) => void

/** node:http: true when the request was answered (a preflight), false to go on. */
export declare function handle (policy: Policy | LivePolicy,
  req: { method?: string, url?: string, headers: Record<string, string | string[] | undefined> },
  res: HeaderTarget, originAllowed?: boolean | null): boolean

/** The fastify plugin: `fastify.register(fastifyCors, options)`. */
export declare const fastifyCors: (instance: any, options: CorsOptions, done: (error?: Error) => void) => void
