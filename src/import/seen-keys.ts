/**
 * The keys a file has used so far, with the line that first used each: a million external ids in a JS Map cost
 * about 80 MB, too much next to the import's memory budget (BENCHMARKS.md). This keeps a 64-bit fingerprint and a line
 * per key in typed arrays (open addressing, about 24 bytes per key). Two different keys share a fingerprint with
 * odds of about 1 in 3·10⁷ for a million keys; no library offers a compact string→int map, hence by hand.
 */
export class SeenKeys {
  private high = new Uint32Array(1 << 12);
  private low = new Uint32Array(1 << 12);
  private lines = new Int32Array(1 << 12); // 0 = empty slot (lines start at 2)
  private size = 0;

  /** The line that first used `key`, or undefined after recording `line` as its first. */
  firstLine(key: string, line: number): number | undefined {
    if ((this.size + 1) * 2 > this.lines.length) this.grow();
    const [high, low] = fingerprint(key);
    const mask = this.lines.length - 1;
    for (let slot = low & mask; ; slot = (slot + 1) & mask) {
      if (this.lines[slot] === 0) {
        this.high[slot] = high;
        this.low[slot] = low;
        this.lines[slot] = line;
        this.size++;
        return undefined;
      }
      if (this.high[slot] === high && this.low[slot] === low) return this.lines[slot];
    }
  }

  private grow() {
    const { high, low, lines } = this;
    this.high = new Uint32Array(lines.length * 2);
    this.low = new Uint32Array(lines.length * 2);
    this.lines = new Int32Array(lines.length * 2);
    const mask = this.lines.length - 1;
    for (let i = 0; i < lines.length; i++) {
      if (lines[i] === 0) continue;
      let slot = low[i]! & mask;
      while (this.lines[slot] !== 0) slot = (slot + 1) & mask;
      this.high[slot] = high[i]!;
      this.low[slot] = low[i]!;
      this.lines[slot] = lines[i]!;
    }
  }
}

/** Two independent 32-bit FNV-1a hashes (different offsets) of the key's UTF-16 code units. */
function fingerprint(key: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 15);
  }
  return [b >>> 0, a >>> 0];
}
