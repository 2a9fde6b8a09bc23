/**
 * The parts of the CNI specification (1.0.0, with results also rendered for 0.3.x/0.4.0 configs) that kovn-cni and
 * the kubelet-lite share: the versions we speak, the well-known error codes, the error object printed on stdout
 * with a non-zero exit, and the result shape. Pure.
 */

export const CNI_VERSION = '1.0.0';
/** Versions whose results we can render (0.1/0.2 had another result shape). */
export const SUPPORTED_VERSIONS = ['0.3.0', '0.3.1', '0.4.0', '1.0.0'] as const;

/** Well-known error codes (spec §"Error"). */
export const CniCode = {
  IncompatibleVersion: 1,
  UnsupportedField: 2,
  UnknownContainer: 3,
  InvalidEnvironment: 4,
  IoFailure: 5,
  DecodingFailure: 6,
  InvalidNetworkConfig: 7,
  TryAgainLater: 11,
} as const;

/** A failure to report as a CNI error object. */
export class CniError extends Error {
  readonly code: number;
  readonly details: string;
  constructor(code: number, msg: string, details = '', options?: ErrorOptions) {
    super(msg, options);
    this.name = 'CniError';
    this.code = code;
    this.details = details;
  }
  toJSON(cniVersion: string = CNI_VERSION): CniErrorObject {
    return {
      cniVersion,
      code: this.code,
      msg: this.message,
      ...(this.details ? { details: this.details } : {}),
    };
  }
}

export interface CniErrorObject {
  cniVersion: string;
  code: number;
  msg: string;
  details?: string;
}

export interface CniInterface {
  name: string;
  mac?: string;
  sandbox?: string;
}

export interface CniIpConfig {
  /** `ip/prefix`. */
  address: string;
  gateway?: string;
  /** Index into `interfaces`. */
  interface?: number;
  /** Only in 0.3.x/0.4.0 results: "4" or "6". */
  version?: '4' | '6';
}

export interface CniRoute {
  dst: string;
  gw?: string;
}

export interface CniResult {
  cniVersion: string;
  interfaces?: CniInterface[];
  ips?: CniIpConfig[];
  routes?: CniRoute[];
  dns?: { nameservers?: string[]; domain?: string; search?: string[]; options?: string[] };
}

export function isSupportedVersion(v: string): boolean {
  return (SUPPORTED_VERSIONS as readonly string[]).includes(v);
}

/** Is `v` at least `min` (dotted numbers)? */
export function versionAtLeast(v: string, min: string): boolean {
  const a = v.split('.').map(Number);
  const b = min.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d > 0;
  }
  return true;
}

/** Is a JSON document a CNI error object? */
export function isCniErrorObject(value: unknown): value is CniErrorObject {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { code?: unknown }).code === 'number' &&
    typeof (value as { msg?: unknown }).msg === 'string'
  );
}
