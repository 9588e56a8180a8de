// JSON-RPC framing over a byte stream (`Content-Length: N\r\n\r\n` + N bytes of JSON) that survives a bad frame: a
// header whose length is missing, negative, not a number or absurd, or a body that is no JSON (its length was too
// small), costs that message, and reading resumes at the next `Content-Length:` header. vscode-jsonrpc's reader
// stops on such a frame, and every request after it went unanswered. A length too large would wait for bytes that
// never come: when more frames have come behind it and nothing completes it within STALL_MS, its body is given up
// at the first header inside it.
import { AbstractMessageReader, Disposable, type DataCallback, type Message } from 'vscode-languageserver/node';

const HEADER = Buffer.from('Content-Length:', 'ascii');
const END_OF_HEADERS = Buffer.from('\r\n\r\n', 'ascii');
/** No client sends a frame this big; a length beyond it is a broken header, not a frame to wait for. */
const MAX_FRAME = 512 << 20;
const STALL_MS = 2000;

export class ResyncingMessageReader extends AbstractMessageReader {
  private buffer: Buffer = Buffer.alloc(0);
  /** Pieces come after `buffer`, joined only once a frame can be whole: a big frame is copied once, not per piece. */
  private pieces: Buffer[] = [];
  private piecesLength = 0;
  /** Bytes `buffer` and `pieces` must hold together for the frame being read to be whole (0: not known yet). */
  private need = 0;
  private callback: DataCallback | undefined;
  private stallTimer: NodeJS.Timeout | undefined;

  /** `onDiscard` is told of each frame given up (the server logs it). */
  constructor(private readonly readable: NodeJS.ReadableStream, private readonly onDiscard: (why: string) => void = () => undefined) {
    super();
  }

  listen(callback: DataCallback): Disposable {
    this.callback = callback;
    const onData = (data: Buffer) => {
      this.pieces.push(data);
      this.piecesLength += data.length;
      if (this.buffer.length + this.piecesLength >= this.need) this.drain();
    };
    const onError = (e: Error) => this.fireError(e);
    const onClose = () => this.fireClose();
    this.readable.on('data', onData);
    this.readable.on('error', onError);
    this.readable.on('close', onClose);
    this.readable.on('end', onClose);
    return Disposable.create(() => {
      this.readable.off('data', onData);
      this.readable.off('error', onError);
      this.readable.off('close', onClose);
      this.readable.off('end', onClose);
      clearTimeout(this.stallTimer);
    });
  }

  private join(): void {
    if (this.pieces.length === 0) return;
    this.buffer = this.buffer.length === 0 && this.pieces.length === 1 ? this.pieces[0] : Buffer.concat([this.buffer, ...this.pieces]);
    this.pieces = [];
    this.piecesLength = 0;
  }

  /** Reads every whole frame in the buffer. */
  private drain(): void {
    clearTimeout(this.stallTimer);
    this.join();
    this.need = 0;
    for (;;) {
      const headersEnd = this.buffer.indexOf(END_OF_HEADERS);
      if (headersEnd < 0) {
        // Bytes before a header are garbage; keep only what could still become one.
        this.skipToHeader(false);
        return;
      }
      const length = this.lengthOf(this.buffer.subarray(0, headersEnd).toString('ascii'));
      if (length === undefined) {
        this.discard('a frame without a valid Content-Length header', headersEnd + END_OF_HEADERS.length);
        continue;
      }
      const bodyStart = headersEnd + END_OF_HEADERS.length;
      if (this.buffer.length < bodyStart + length) {
        this.need = bodyStart + length;
        this.watchForStall(bodyStart);
        return;
      }
      const body = this.buffer.subarray(bodyStart, bodyStart + length).toString('utf8');
      let message: Message;
      try {
        message = JSON.parse(body) as Message;
      } catch {
        // Too short a length cuts the JSON: the rest of it is garbage before the next header.
        this.discard(`a frame whose ${length}-byte body is no JSON`, bodyStart);
        continue;
      }
      this.buffer = this.buffer.subarray(bodyStart + length);
      this.callback?.(message);
    }
  }

  /** The Content-Length of a header block, if it has a valid one. */
  private lengthOf(headers: string): number | undefined {
    const start = headers.lastIndexOf('Content-Length:');
    if (start < 0) return undefined;
    const line = headers.slice(start + 'Content-Length:'.length).split('\r\n')[0].trim();
    if (!/^\d+$/.test(line)) return undefined;
    const n = Number(line);
    return n <= MAX_FRAME ? n : undefined;
  }

  /** Gives up the frame read so far: reading goes on at the first header at or after `from`. */
  private discard(why: string, from: number): void {
    this.onDiscard(why);
    this.buffer = this.buffer.subarray(from);
    this.skipToHeader(true);
  }

  /** Drops the bytes before the first `Content-Length:`; with none, all but a tail that may be its start. */
  private skipToHeader(any: boolean): void {
    const at = this.buffer.indexOf(HEADER);
    if (at > 0) this.buffer = this.buffer.subarray(at);
    else if (at < 0 && (any || this.buffer.length > 4096)) this.buffer = this.buffer.subarray(Math.max(0, this.buffer.length - HEADER.length));
  }

  /** A body still incomplete after STALL_MS, with frames behind it: its length was wrong. */
  private watchForStall(bodyStart: number): void {
    this.stallTimer = setTimeout(() => {
      this.join();
      const next = this.buffer.indexOf(HEADER, bodyStart);
      if (next < 0) return;
      this.onDiscard('a frame whose Content-Length is longer than what was sent');
      this.buffer = this.buffer.subarray(next);
      this.drain();
    }, STALL_MS);
  }
}
