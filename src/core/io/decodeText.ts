// Bytes of an uploaded text file to a string, whatever Unicode encoding a user's editor saved.
// Excel's "Unicode text" and Windows Notepad write UTF-16 with a byte-order mark, and
// Blob.text() / readFileSync(…, 'utf8') would turn that into NUL-riddled garbage.
// Bytes that are not text at all (an image) are decoded like the browser does (U+FFFD for each
// bad byte), so parsePromptSet can say so with a line number: one place gives that message.

export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be';

/** The encoding a byte-order mark names; else UTF-16 when the file is ASCII with every other byte NUL; else UTF-8. */
export function detectEncoding(bytes: Uint8Array): TextEncoding {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  // No mark: ASCII prompts saved as UTF-16 have a zero high byte in every pair.
  const head = bytes.subarray(0, Math.min(bytes.length, 512) & ~1);
  if (head.length >= 2) {
    const zeroAt = (parity: number) => head.every((b, i) => (i % 2 === parity) === (b === 0));
    if (zeroAt(1)) return 'utf-16le';
    if (zeroAt(0)) return 'utf-16be';
  }
  return 'utf-8';
}

/** The file's text without its byte-order mark (TextDecoder drops a BOM that matches). */
export function decodeText(bytes: Uint8Array): string {
  return new TextDecoder(detectEncoding(bytes)).decode(bytes);
}
