/**
 * Splits a byte stream into JSON values, as OVSDB's JSON-RPC framing requires (RFC 7047 §4: messages are JSON
 * objects sent back to back over a stream, with no other delimiter). The splitter tracks nesting depth outside
 * strings, byte by byte, and skips string contents with a byte search for the next quote or backslash (every
 * structural character is ASCII, so multi-byte UTF-8 sequences split across chunks are safe), and hands each complete
 * top-level object to `JSON.parse`. It never swallows bad input: anything that
 * is not whitespace between values, an unparsable value, or a value larger than `maxMessageBytes` throws
 * `JsonFramingError`, and the splitter stays failed so the session that owns it must close.
 */

export class JsonFramingError extends Error {
  /** Byte offset in the stream where the problem was found. */
  readonly offset: number;
  constructor(message: string, offset: number, options?: ErrorOptions) {
    super(`malformed JSON-RPC stream at byte ${offset}: ${message}`, options);
    this.name = 'JsonFramingError';
    this.offset = offset;
  }
}

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function isWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

export interface JsonStreamOptions {
  /** Largest single message accepted (default 64 MiB). */
  maxMessageBytes?: number;
}

export class JsonStreamSplitter {
  readonly #maxBytes: number;
  #parts: Buffer[] = [];
  #partBytes = 0;
  #depth = 0;
  #inString = false;
  #escaped = false;
  #streamOffset = 0;
  #failed: JsonFramingError | undefined;

  constructor(options: JsonStreamOptions = {}) {
    this.#maxBytes = options.maxMessageBytes ?? 64 * 1024 * 1024;
  }

  /** True when a partial value is buffered (the stream ended mid-message if it closes now). */
  get pending(): boolean {
    return this.#depth > 0 || this.#partBytes > 0;
  }

  /** Feeds one chunk; returns the complete values it finished, in order. Throws `JsonFramingError` on bad input. */
  push(chunk: Buffer): unknown[] {
    if (this.#failed) throw this.#failed;
    try {
      return this.#scan(chunk);
    } catch (error) {
      this.#failed = error as JsonFramingError;
      throw error;
    }
  }

  /** Call at end of stream: throws if a value was left incomplete. */
  end(): void {
    if (this.#failed) throw this.#failed;
    if (this.pending) {
      this.#failed = new JsonFramingError('stream ended inside a message', this.#streamOffset);
      throw this.#failed;
    }
  }

  #scan(chunk: Buffer): unknown[] {
    const values: unknown[] = [];
    let start = 0; // start of the not-yet-buffered part of the current value within `chunk`
    let nextBackslash = -2; // index of the next backslash at or after the scan position; -1: none left; -2: unknown
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i] as number;
      if (this.#depth === 0) {
        if (isWhitespace(byte)) {
          start = i + 1;
          continue;
        }
        if (byte !== OPEN_BRACE && byte !== OPEN_BRACKET) {
          throw new JsonFramingError(`unexpected byte 0x${byte.toString(16)} between messages`, this.#at(i));
        }
        start = i;
        this.#depth = 1;
        continue;
      }
      if (this.#inString) {
        if (this.#escaped) {
          this.#escaped = false;
          continue;
        }
        // Jump to the string's next quote or backslash (memchr) instead of stepping through its bytes.
        if (nextBackslash !== -1 && nextBackslash < i) nextBackslash = chunk.indexOf(BACKSLASH, i);
        const quote = chunk.indexOf(QUOTE, i);
        const stop = nextBackslash !== -1 && (quote === -1 || nextBackslash < quote) ? nextBackslash : quote;
        if (stop === -1) {
          i = chunk.length - 1; // the string goes on in the next chunk
          continue;
        }
        i = stop;
        if (chunk[i] === BACKSLASH) this.#escaped = true;
        else this.#inString = false;
        continue;
      }
      if (byte === QUOTE) this.#inString = true;
      else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) this.#depth++;
      else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
        this.#depth--;
        if (this.#depth === 0) {
          values.push(this.#finish(chunk.subarray(start, i + 1), i));
          start = i + 1;
        }
      }
    }
    if (this.#depth > 0) {
      const rest = chunk.subarray(start);
      this.#partBytes += rest.length;
      if (this.#partBytes > this.#maxBytes) {
        throw new JsonFramingError(`message exceeds ${this.#maxBytes} bytes`, this.#at(chunk.length));
      }
      this.#parts.push(rest);
    }
    this.#streamOffset += chunk.length;
    return values;
  }

  #finish(tail: Buffer, endIndex: number): unknown {
    const bytes = this.#parts.length === 0 ? tail : Buffer.concat([...this.#parts, tail]);
    this.#parts = [];
    this.#partBytes = 0;
    if (bytes.length > this.#maxBytes) {
      throw new JsonFramingError(`message exceeds ${this.#maxBytes} bytes`, this.#at(endIndex));
    }
    try {
      return JSON.parse(bytes.toString('utf8')) as unknown;
    } catch (cause) {
      throw new JsonFramingError((cause as Error).message, this.#at(endIndex), { cause });
    }
  }

  #at(index: number): number {
    return this.#streamOffset + index;
  }
}
