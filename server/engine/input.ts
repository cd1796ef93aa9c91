/** Turning bytes from disk into text the engine can parse, or a reason not to. */

const BINARY_SNIFF_BYTES = 8000;

export type DecodedSource = { text: string; notice?: string } | { skip: string };

/** Decodes a file's bytes as UTF-8. Binary files are refused; invalid UTF-8 is decoded lossily. */
export function decodeSource(bytes: Uint8Array, maxBytes: number): DecodedSource {
  if (bytes.length > maxBytes) {
    return { skip: `skipped: ${bytes.length} bytes is over the ${maxBytes}-byte limit (maxFileBytes)` };
  }
  if (bytes.subarray(0, BINARY_SNIFF_BYTES).includes(0)) return { skip: 'skipped: binary file (contains NUL bytes)' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return {
      text: new TextDecoder('utf-8').decode(bytes),
      notice: 'invalid UTF-8: undecodable bytes were read as U+FFFD',
    };
  }
}
