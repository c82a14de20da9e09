import Foundation
import Tensor

/// What disturbed one stretch of work (an epoch's training): the run's own
/// CPU seconds, the rest of the machine's share, and energy where a counter
/// exists. `own` reads the run's process tree (this process, or a command's);
/// `apparatus`, the recorder watching a command: its sampling is neither the
/// run's work nor the rest of the machine's.
public final class EpochMeter: @unchecked Sendable {
    public struct Reading: Sendable, Equatable {
        public var cpuSeconds: Double?
        public var otherCPUShare: Double?
        public var energyJoules: Double?
    }

    private let own: () -> Double?
    private let apparatus: () -> Double
    private let energy = try? EnergyCounter.find().get()
    private var start: (wall: Double, machine: MachineCPU?, own: Double?, apparatus: Double, energy: [Double]?)?

    public init(own: @escaping () -> Double?, apparatus: @escaping () -> Double = { 0 }) {
        self.own = own
        self.apparatus = apparatus
    }

    /// This process, all threads.
    public static func thisProcess() -> EpochMeter {
        EpochMeter { let c = ProcessProbe.cpuSeconds(); return c.user + c.system }
    }

    public func begin() {
        start = (Monotonic.now(), MachineCPU.now(), own(), apparatus(), energy?.read())
    }

    /// The reading since `begin`, which starts the next stretch.
    @discardableResult
    public func end() -> Reading {
        let now = (wall: Monotonic.now(), machine: MachineCPU.now(), own: own(), apparatus: apparatus(), energy: energy?.read())
        defer { start = now }
        guard let s = start else { return Reading() }
        var r = Reading()
        if let a = s.own, let b = now.own { r.cpuSeconds = max(0, b - a) }
        if let a = s.machine, let b = now.machine, let cpu = r.cpuSeconds {
            r.otherCPUShare = MachineCPU.otherShare(from: a, to: b, ownSeconds: cpu + max(0, now.apparatus - s.apparatus),
                                                    wallSeconds: now.wall - s.wall, cores: MachineCPU.cores)
        }
        if let counter = energy, let a = s.energy, let b = now.energy { r.energyJoules = counter.joules(from: a, to: b) }
        return r
    }
}
