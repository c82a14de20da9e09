import Foundation
import Testing
@testable import Recorder

@Suite struct ProcessProbeTests {
    /// statm's resident pages, parsed from raw bytes on every sampling tick,
    /// agree with the kernel's VmRSS line read the slow way.
    @Test func residentBytesAgreeWithVmRSS() throws {
        let statm = ProcessProbe.residentBytes()
        let status = try #require(ProcessProbe.statusField("VmRSS", pid: "self"))
        #expect(statm > 1 << 20)
        #expect(abs(statm - status) <= status / 20, "statm \(statm), VmRSS \(status)")
    }

    /// The descriptor stays open between ticks; each read must see the
    /// resident set as it is now, not as it was at the first read.
    /// (Other tests run alongside and change the resident set too, so the
    /// check is against the kernel's own figure, not a difference.)
    @Test func residentBytesFollowsTheProcessAsItGrows() throws {
        _ = ProcessProbe.residentBytes()
        let size = 64 << 20
        let block = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 4096)
        defer { block.deallocate() }
        memset(block, 1, size)
        let statm = ProcessProbe.residentBytes()
        let status = try #require(ProcessProbe.statusField("VmRSS", pid: "self"))
        #expect(abs(statm - status) < 16 << 20, "statm \(statm), VmRSS \(status) after touching 64 MiB")
    }
}
