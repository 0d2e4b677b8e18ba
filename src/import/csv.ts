import { Readable } from "node:stream";
import { parse } from "csv-parse";
import iconv from "iconv-lite";

/** One data row of a CSV file: its line number (as an editor shows it) and its cells by header. */
export interface CsvRow {
  line: number;
  cells: Record<string, string>;
}

export type CsvEncoding = "utf-8" | "windows-1251";

export interface CsvOptions {
  /** Default: detected. UTF-8 with or without BOM, else Windows-1251 (a Russian Excel export). */
  encoding?: CsvEncoding;
  /** Default: detected from the header line (the more frequent of `;` and `,` outside quotes). */
  delimiter?: "," | ";";
}

const SAMPLE_BYTES = 64 * 1024;

/**
 * Streams a CSV file as rows, as people have them: comma or semicolon, UTF-8 (BOM or not) or Windows-1251,
 * quoted fields with embedded newlines. Parsing is csv-parse's and decoding iconv-lite's; this only decides which
 * encoding and delimiter the file uses, from its first bytes.
 */
export async function* readCsv(input: AsyncIterable<Buffer | string> | Buffer, options: CsvOptions = {}): AsyncGenerator<CsvRow> {
  const chunks = Buffer.isBuffer(input) ? singleChunk(input) : bytes(input);
  const { head, rest } = await takeSample(chunks);
  const encoding = options.encoding ?? detectEncoding(head);
  const decoded = decode(encoding, head, rest);
  const first = await decoded.next();
  const text = first.done ? "" : first.value;
  const delimiter = options.delimiter ?? detectDelimiter(text);
  const parser = parse({
    delimiter,
    bom: true,
    columns: (header: string[]) => header.map((h) => h.trim()),
    relax_column_count: false,
    skip_empty_lines: true,
    info: true,
  });
  const source = Readable.from((async function* () {
    yield text;
    for await (const piece of { [Symbol.asyncIterator]: () => decoded }) yield piece;
  })());
  source.pipe(parser);
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      yield { line: info.lines, cells: record };
    }
  } catch (error) {
    const { lines, message } = error as { lines?: number; message: string };
    throw new CsvFormatError(lines ?? 0, message);
  }
}

/** The file itself is malformed (a row with more cells than the header, an unclosed quote): nothing can be read past it. */
export class CsvFormatError extends Error {
  constructor(readonly line: number, reason: string) {
    super(`line ${line}: ${reason}`);
  }
}

export function detectEncoding(sample: Buffer): CsvEncoding {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return "utf-8";
  // A sample may end inside a multi-byte character: only the last three bytes may be incomplete.
  for (const cut of [0, 1, 2, 3]) {
    try {
      new TextDecoder("utf-8", { fatal: true }).decode(sample.subarray(0, sample.length - cut));
      return "utf-8";
    } catch {
      // try a shorter prefix
    }
  }
  return "windows-1251";
}

export function detectDelimiter(text: string): "," | ";" {
  let inQuotes = false;
  let commas = 0;
  let semicolons = 0;
  for (const char of text) {
    if (char === '"') inQuotes = !inQuotes;
    else if (!inQuotes && (char === "\n" || char === "\r")) break;
    else if (!inQuotes && char === ",") commas++;
    else if (!inQuotes && char === ";") semicolons++;
  }
  return semicolons > commas ? ";" : ",";
}

async function* decode(encoding: CsvEncoding, head: Buffer, rest: AsyncIterator<Buffer>): AsyncGenerator<string> {
  const decoder = iconv.getDecoder(encoding);
  yield decoder.write(head);
  for (;;) {
    const next = await rest.next();
    if (next.done) break;
    yield decoder.write(next.value);
  }
  const tail = decoder.end();
  if (tail) yield tail;
}

async function takeSample(chunks: AsyncIterator<Buffer>): Promise<{ head: Buffer; rest: AsyncIterator<Buffer> }> {
  const parts: Buffer[] = [];
  let size = 0;
  while (size < SAMPLE_BYTES) {
    const next = await chunks.next();
    if (next.done) break;
    parts.push(next.value);
    size += next.value.length;
  }
  return { head: Buffer.concat(parts), rest: chunks };
}

async function* bytes(input: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer> {
  for await (const chunk of input) yield typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
}

async function* singleChunk(buffer: Buffer): AsyncGenerator<Buffer> {
  yield buffer;
}
