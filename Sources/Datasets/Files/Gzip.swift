import CZlib
import Foundation

/// gzip streams inflated with zlib, never past a limit.
public enum Gzip {
    public static func inflate(_ data: Data, path: String, limit: Int = Int.max) throws(DatasetError) -> [UInt8] {
        let result: Result<[UInt8], DatasetError> = data.withUnsafeBytes { p in
            Result { () throws(DatasetError) in try inflate(p, path: path, limit: limit) }
        }
        return try result.get()
    }

    /// Inflates one or more concatenated gzip members. zlib checks each
    /// member's CRC-32 and length, so corruption cannot pass silently.
    public static func inflate(_ input: UnsafeRawBufferPointer, path: String, limit: Int = Int.max) throws(DatasetError) -> [UInt8] {
        // The trailer's ISIZE (size mod 2^32) is a good first capacity, but
        // only a hint: it is never trusted past the limit.
        var capacity = 1 << 16
        if input.count >= 4 {
            let isize = Int(input.loadUnaligned(fromByteOffset: input.count - 4, as: UInt32.self).littleEndian)
            capacity = max(capacity, isize)
        }
        if limit < Int.max { capacity = min(capacity, limit + 1) }
        var out = [UInt8](repeating: 0, count: capacity)
        var produced = 0
        var stream = z_stream()
        guard ffb_inflate_init_auto(&stream) == Z_OK else {
            throw .corruptCompressed(path: path, reason: "zlib could not start")
        }
        defer { inflateEnd(&stream) }
        var consumed = 0
        while true {
            if produced > limit { throw .tooLarge(path: path, limit: limit) }
            if produced == out.count {
                let grow = limit < Int.max ? min(out.count, limit + 1 - out.count) : out.count
                out.append(contentsOf: repeatElement(0, count: max(grow, 1)))
            }
            let status: Int32 = out.withUnsafeMutableBytes { o in
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress!.assumingMemoryBound(to: Bytef.self)) + consumed
                stream.avail_in = uInt(input.count - consumed)
                stream.next_out = o.baseAddress!.assumingMemoryBound(to: Bytef.self) + produced
                stream.avail_out = uInt(o.count - produced)
                let before = stream.avail_in, beforeOut = stream.avail_out
                let s = CZlib.inflate(&stream, Z_NO_FLUSH)
                consumed += Int(before - stream.avail_in)
                produced += Int(beforeOut - stream.avail_out)
                return s
            }
            switch status {
            case Z_STREAM_END:
                if produced > limit { throw .tooLarge(path: path, limit: limit) }
                // Another member may follow (gzip allows concatenation).
                if consumed < input.count, input[consumed] == 0x1f {
                    inflateReset(&stream)
                    continue
                }
                out.removeSubrange(produced...)
                return out
            case Z_OK:
                continue
            case Z_BUF_ERROR:
                if produced < out.count && consumed == input.count {
                    throw .corruptCompressed(path: path, reason: "unexpected end of file (truncated)")
                }
                continue
            default:
                let message = stream.msg.map { String(cString: $0) } ?? "inflate error \(status)"
                throw .corruptCompressed(path: path, reason: message)
            }
        }
    }
}
