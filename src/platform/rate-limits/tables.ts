export interface RateLimitTable {
  /** HMAC-SHA-256 of the client's key (its address) under a key derived from the keyring. */
  key_digest: Buffer;
  /** The end of the key's current window: its first request in the window plus the window's length. */
  window_end: Date;
  hits: number;
}

export interface RateLimitsTables {
  rate_limits: RateLimitTable;
}
