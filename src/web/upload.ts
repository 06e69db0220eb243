// How a multipart form's file reaches a route: read whole into memory (up to the route's size
// limit, 10 MB for images) as a plain value, so the route's schema and checks see it like any
// other field. `truncated` tells the route the file was cut at the limit, to refuse it by name.
import type { MultipartFile } from '@fastify/multipart';

export interface UploadedFile {
  data: Buffer;
  truncated: boolean;
  /** The name the browser gave the file (untrusted: clean it before use). */
  filename: string;
}

export async function readUpload(part: MultipartFile): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of part.file) chunks.push(chunk as Buffer);
  const value: UploadedFile = { data: Buffer.concat(chunks), truncated: part.file.truncated, filename: part.filename ?? '' };
  (part as unknown as { value: UploadedFile }).value = value;
}

/** Route options for a form that takes one file of at most `maxBytes`. */
export function acceptsOneFile(maxBytes: number) {
  return { multipartOptions: { limits: { files: 1, fileSize: maxBytes } } };
}

export type DocumentType = 'application/pdf' | 'image/png' | 'image/jpeg';

/** What an uploaded document is, from its first bytes (the browser's claim is not trusted), or null. */
export function documentTypeOf(data: Buffer): DocumentType | null {
  if (data.length >= 5 && data.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  if (data.length >= 8 && data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'image/jpeg';
  return null;
}
