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
}
