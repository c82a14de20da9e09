import Foundation
import Testing
@testable import Recorder

/// The probes behind the disturbance rule: /proc/stat's first line, the
/// other-CPU share it gives, RAPL energy with its wrap-around, the canary.
@Suite struct MachineProbeTests {
    @Test func procStatLineIsReadInSeconds() throws {
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        let m = try #require(MachineCPU.parse("cpu  100 20 30 1000 5 6 7 8 0 0"))
        #expect(m.busy == (100 + 20 + 30 + 6 + 7) / ticks)
        #expect(m.steal == 8 / ticks)
        #expect(m.total == (100 + 20 + 30 + 1000 + 5 + 6 + 7 + 8) / ticks)
        #expect(MachineCPU.parse("cpu0 1 2 3") == nil && MachineCPU.parse("intr 1 2 3 4 5 6 7 8 9") == nil)
        #expect(MachineCPU.now() != nil)
    }

    @Test func otherShareIsBusyLessOwnPlusStealOverAllCores() throws {
        let a = MachineCPU(busy: 10, steal: 1, total: 100), b = MachineCPU(busy: 13, steal: 1.5, total: 104)
        // 3 s busy, 2 of them ours, 0.5 s stolen, over 2 s on 2 cores: (1 + 0.5) / 4.
        #expect(MachineCPU.otherShare(from: a, to: b, ownSeconds: 2, wallSeconds: 2, cores: 2) == 0.375)
        // Own time measured a little above the machine's (tick rounding) is not negative.
        #expect(MachineCPU.otherShare(from: a, to: b, ownSeconds: 3.5, wallSeconds: 2, cores: 2) == 0.125)
        #expect(MachineCPU.otherShare(from: a, to: b, ownSeconds: 0, wallSeconds: 0, cores: 2) == nil)
    }

    /// A powercap folder as the kernel lays it out, in a temporary directory.
    static func powercap(_ zones: [(name: String, energy: String, range: String)]) throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("powercap-\(UUID().uuidString)").path
        for (i, z) in zones.enumerated() {
            let dir = "\(root)/intel-rapl:\(i)"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try z.name.write(toFile: dir + "/name", atomically: true, encoding: .utf8)
            try z.energy.write(toFile: dir + "/energy_uj", atomically: true, encoding: .utf8)
            try z.range.write(toFile: dir + "/max_energy_range_uj", atomically: true, encoding: .utf8)
        }
        return root
    }

    @Test func raplPackageZonesGiveJoulesAcrossAWrap() throws {
        let root = try Self.powercap([("package-0\n", "1000\n", "262143328850\n"), ("dram\n", "5\n", "100\n"),
                                      ("package-1\n", "50\n", "1000000\n")])
        let counter = try EnergyCounter.find(root: root).get()
        #expect(counter.zones.count == 2)
        let start = try #require(counter.read())
        #expect(start == [1000, 50])
        // Zone 0 advanced 3 J; zone 1 wrapped: from 50 µJ to its range and on to 20 µJ.
        #expect(counter.joules(from: [1000, 50], to: [3_001_000, 20]) == 3 + (20 + 1_000_000 - 50) / 1e6)
        #expect(EnergyCounter.describe(root: root) == "measured: RAPL, 2 package zone(s)")
    }

    @Test func noCounterIsSaidWithItsReason() throws {
        #expect(EnergyCounter.describe(root: "/nonexistent/powercap").hasPrefix("not measured: no powercap in /nonexistent/powercap"))
        let root = try Self.powercap([("dram\n", "5\n", "100\n")])
        #expect(EnergyCounter.describe(root: root).hasPrefix("not measured: no readable RAPL package zone"))
    }

    @Test func theCanaryTimesTheTrainingShapeAndLeavesNoMemoryBehind() {
        // The process's first one warms OpenBLAS's own thread buffers, as the recorder's first canary does.
        _ = Canary.measure()
        let before = ProcessProbe.residentBytes()
        let t = Canary.measure()
        // 0.8 GFLOP: between 0.1 ms (8 TFLOP/s) and 2 s (0.4 GFLOP/s) on any machine that trains.
        #expect(t > 1e-4 && t < 2, "canary \(t) s")
        #expect(ProcessProbe.residentBytes() - before < 4 << 20, "the canary's 17 MB stay mapped")
        // Its core-to-core part runs wherever two cores may be used (a failed pin reads as one core).
        if MachineCPU.cores > 1 { #expect(Canary.roundTripNanoseconds() > 0) }
    }
}
