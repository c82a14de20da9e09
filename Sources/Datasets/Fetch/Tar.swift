/// Minimal reader for POSIX ustar archives (what CIFAR-10's tarball is):
/// 512-byte headers, octal sizes, data padded to 512 bytes.
public enum Tar {
    public struct Entry {
        public let name: String
        public let range: Range<Int>
    }

    public static func entries(_ bytes: [UInt8], path: String) throws(DatasetError) -> [Entry] {
        var list: [Entry] = []
        var at = 0
        while at + 512 <= bytes.count {
            let header = bytes[at..<at + 512]
            if header.allSatisfy({ $0 == 0 }) { break } // end-of-archive marker
            let name = field(bytes, at, 100)
            let prefix = field(bytes, at + 345, 155)
            guard let size = Int(field(bytes, at + 124, 12).trimmingCharacters(in: " "), radix: 8) else {
                throw .corruptCompressed(path: path, reason: "bad tar header at byte \(at)")
            }
            let type = bytes[at + 156]
            let start = at + 512
            guard start + size <= bytes.count else {
                throw .corruptCompressed(path: path, reason: "tar entry '\(name)' runs past the end (truncated)")
            }
            if type == 0 || type == UInt8(ascii: "0") {
                list.append(Entry(name: prefix.isEmpty ? name : prefix + "/" + name, range: start..<start + size))
            }
            at = start + (size + 511) / 512 * 512
        }
        return list
    }

    private static func field(_ b: [UInt8], _ at: Int, _ length: Int) -> String {
        var end = at
        while end < at + length && b[end] != 0 { end += 1 }
        return String(decoding: b[at..<end], as: UTF8.self)
    }
}

private extension String {
    func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let c = s.first, set.contains(c) { s.removeFirst() }
        while let c = s.last, set.contains(c) { s.removeLast() }
        return String(s)
    }
}
