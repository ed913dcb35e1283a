#!/usr/bin/env python3
"""wave_names.py FILE NAME...: exit 0 when the waveform FILE (an FST from Verilator or a VCD from
Icarus) declares a signal called each NAME. Reads FST's hierarchy block (gzip or LZ4; not the
double-LZ4 form fstapi uses for very large hierarchies, which reads as no names) itself, so it
needs nothing beyond Python's standard library."""
import struct
import sys
import zlib


def lz4_block(src, size):
    """Decompress one raw LZ4 block (the format FST's LZ4 hierarchy uses)."""
    out, i = bytearray(), 0
    while i < len(src) and len(out) < size:
        token = src[i]
        i += 1
        n = token >> 4
        if n == 15:
            while True:
                b = src[i]
                i += 1
                n += b
                if b != 255:
                    break
        out += src[i:i + n]
        i += n
        if i >= len(src) or len(out) >= size:
            break
        off = src[i] | src[i + 1] << 8
        i += 2
        m = token & 15
        if m == 15:
            while True:
                b = src[i]
                i += 1
                m += b
                if b != 255:
                    break
        m += 4
        for _ in range(m):
            out.append(out[-off])
    return bytes(out)


def fst_hierarchy(data):
    """The text of an FST's hierarchy block (names of scopes and signals), or b'' if none."""
    i = 0
    if not data or data[0] != 0:
        return b""
    while i + 9 <= len(data):
        kind = data[i]
        length = struct.unpack(">Q", data[i + 1:i + 9])[0]
        body = data[i + 9:i + 1 + length]
        if kind == 4:  # FST_BL_HIER: gzip
            return zlib.decompress(body[8:], 47)
        if kind == 6:  # FST_BL_HIER_LZ4
            return lz4_block(body[8:], struct.unpack(">Q", body[:8])[0])
        if length == 0:
            break
        i += 1 + length
    return b""


def main():
    data = open(sys.argv[1], "rb").read()
    text = data if sys.argv[1].endswith(".vcd") else fst_hierarchy(data)
    missing = [n for n in sys.argv[2:] if n.encode() not in text]
    if missing:
        print(f"{sys.argv[1]}: no signal {', '.join(missing)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
