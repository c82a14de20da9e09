import Foundation
import Testing
@testable import Datasets

@Suite struct GzipTests {
    @Test func readsRawAndGzipIdentically() throws {
        let dir = Fixtures.temporaryDirectory()
        let bytes = (0..<100_000).map { UInt8(truncatingIfNeeded: ($0 * 7919) >> 3) }
        Fixtures.write(bytes, to: dir + "/raw")
        Fixtures.write(bytes, to: dir + "/packed")
        Fixtures.gzip(dir + "/packed")
        #expect(try DataFileReader.read(path: dir + "/raw") == bytes)
        #expect(try DataFileReader.read(path: dir + "/packed.gz") == bytes)
    }

    @Test func concatenatedMembersAreOneStream() throws {
        let dir = Fixtures.temporaryDirectory()
        Fixtures.write(Array("first ".utf8), to: dir + "/a")
        Fixtures.write(Array("second".utf8), to: dir + "/b")
        Fixtures.gzip(dir + "/a"); Fixtures.gzip(dir + "/b")
        let joined = try Data(contentsOf: URL(fileURLWithPath: dir + "/a.gz")) + Data(contentsOf: URL(fileURLWithPath: dir + "/b.gz"))
        try joined.write(to: URL(fileURLWithPath: dir + "/ab.gz"))
        #expect(try DataFileReader.read(path: dir + "/ab.gz") == Array("first second".utf8))
    }

    @Test func truncatedGzipIsRejected() throws {
        let dir = Fixtures.temporaryDirectory()
        Fixtures.write((0..<50_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }, to: dir + "/f")
        Fixtures.gzip(dir + "/f")
        let whole = try Data(contentsOf: URL(fileURLWithPath: dir + "/f.gz"))
        try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: dir + "/f.gz"))
        #expect(throws: DatasetError.corruptCompressed(path: dir + "/f.gz", reason: "unexpected end of file (truncated)")) {
            try DataFileReader.read(path: dir + "/f.gz")
        }
    }

    @Test func flippedByteFailsTheCRC() throws {
        let dir = Fixtures.temporaryDirectory()
        Fixtures.write([UInt8](repeating: 65, count: 10_000), to: dir + "/f")
        Fixtures.gzip(dir + "/f")
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/f.gz")))
        bytes[bytes.count - 6] ^= 0xff // inside the CRC-32 trailer
        Fixtures.write(bytes, to: dir + "/f.gz")
        do {
            _ = try DataFileReader.read(path: dir + "/f.gz")
            Issue.record("a corrupted gzip file was accepted")
        } catch {
            #expect(error.description.contains("f.gz: corrupt gzip data"))
        }
    }

    @Test func missingFileIsNamed() {
        #expect(throws: DatasetError.missingFile(path: "/nonexistent/ffbench/file")) {
            try DataFileReader.read(path: "/nonexistent/ffbench/file")
        }
    }

    /// A gzip bomb and a trailer that claims 4 GiB stop at the size the
    /// catalog expects, with one line, instead of inflating to gigabytes.
    @Test func inflationStopsAtTheExpectedSize() throws {
        let dir = Fixtures.temporaryDirectory()
        Fixtures.write([UInt8](repeating: 0, count: 50_000_000), to: dir + "/bomb")
        Fixtures.gzip(dir + "/bomb")
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/bomb.gz")).count < 100_000)
        #expect(throws: DatasetError.tooLarge(path: dir + "/bomb.gz", limit: 1_000_000)) {
            try DataFileReader.read(path: dir + "/bomb.gz", limit: 1_000_000)
        }
        // The same file, its ISIZE trailer rewritten to 0xFFFFFFFF: the hint is not trusted.
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/bomb.gz")))
        for k in 1...4 { bytes[bytes.count - k] = 0xff }
        Fixtures.write(bytes, to: dir + "/liar.gz")
        #expect(throws: DatasetError.tooLarge(path: dir + "/liar.gz", limit: 1_000_000)) {
            try DataFileReader.read(path: dir + "/liar.gz", limit: 1_000_000)
        }
        // A raw file larger than expected is refused before it is read.
        Fixtures.write([UInt8](repeating: 1, count: 2_000_000), to: dir + "/raw")
        #expect(throws: DatasetError.tooLarge(path: dir + "/raw", limit: 1_000_000)) {
            try DataFileReader.read(path: dir + "/raw", limit: 1_000_000)
        }
        // Within the limit, the bytes as before.
        #expect(try DataFileReader.read(path: dir + "/bomb.gz", limit: 50_000_000).count == 50_000_000)
    }
}
