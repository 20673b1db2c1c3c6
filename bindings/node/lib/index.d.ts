// Types of the public API (lib/index.js). The addon's own generated types
// are in ../index.d.ts.

/** The kind of a decision: the same strings on every unicors surface. */
export type Kind = 'not_cors' | 'preflight' | 'actual' | 'rejected'

/** The decision for one request. */
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

/** Request headers as Node and fetch hand them over. */
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
}

/** The only request headers a decision reads (lowercase). */
export declare const REQUEST_HEADER_NAMES: readonly string[]
