/**
 * The few Protocol Buffers encodings ONNX files need, written by hand so that exporting a
 * model adds no dependency: varints (int64 two's complement for negatives), 32-bit floats,
 * and length-delimited strings, bytes and nested messages. Repeated fields are written one
 * element per tag (the unpacked form every parser accepts).
 */

const VARINT = 0;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

/** Builds one message; `finish()` returns its bytes. */
export class ProtoWriter {
  private readonly chunks: number[] = [];

  private raw(value: bigint): void {
    let v = BigInt.asUintN(64, value);
    do {
      const byte = Number(v & 0x7fn);
      v >>= 7n;
      this.chunks.push(v ? byte | 0x80 : byte);
    } while (v);
  }

  private tag(field: number, wire: number): void {
    this.raw(BigInt((field << 3) | wire));
  }

  /** An int32, int64 or enum field (negative values as 64-bit two's complement, as protobuf does). */
  int(field: number, value: number): this {
    this.tag(field, VARINT);
    this.raw(BigInt(value));
    return this;
  }

  float(field: number, value: number): this {
    this.tag(field, FIXED32);
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    this.chunks.push(...bytes);
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.tag(field, LENGTH_DELIMITED);
    this.raw(BigInt(value.length));
    for (let i = 0; i < value.length; i++) this.chunks.push(value[i]!);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  /** A nested message, built by `build` on a fresh writer. */
  message(field: number, build: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    build(inner);
    return this.bytes(field, inner.finish());
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.chunks);
  }
}
