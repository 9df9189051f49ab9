/** The first bytes of a file: what sniffing a file's kind needs (a large stack is never read whole). */
import { open } from "node:fs/promises";

export async function readHead(path: string, n = 64 * 1024): Promise<Uint8Array> {
  const fh = await open(path, "r");
  try {
    const buf = new Uint8Array(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}
