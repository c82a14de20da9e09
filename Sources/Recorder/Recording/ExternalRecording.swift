import Tensor
import Foundation
import RunStore
import Synchronization
import Training

/// Records an external command (e.g. a PyTorch script): samples its whole
/// process tree from /proc, turns stdout lines that are JSON objects with
/// an `epoch` key into epoch rows, and passes every other line through.
public final class ExternalRecording {
    public let runID: String
    let store: RunStore
    let writer: RunWriter
    let interval: Double

    public init(store: RunStore, run: RunRecord, sampleInterval: Double) throws(RunStoreError) {
        try store.insert(run)
        self.store = store
        self.runID = run.id
        self.writer = RunWriter(store: store, runID: run.id)
        self.interval = sampleInterval
    }

    /// Runs the command to completion; returns its exit status.
    /// `passThrough` receives each non-epoch line; `stop` is polled to
    /// forward SIGINT/SIGTERM to the child.
    public func run(_ command: [String], environment: [String: String] = [:], stop: StopSignals, passThrough: (String) -> Void,
                    warn: (String) -> Void = { _ in }, onEpoch: (EpochLine) -> Void = { _ in }) throws -> Int32 {
        let child: Subprocess
        // The canary runs only before and after a command: beside it, it would measure the command too.
        let canaryBefore = Canary.measure()
        let env = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        do { child = try Subprocess(command, captureOutput: true, environment: env, ownGroup: true) } catch {
            try? store.finish(runID, status: .failed, message: "\(error)", exitStatus: 127)
            writer.close()
            throw error
        }
        let start = Monotonic.now()
        let (writer, id, root) = (self.writer, runID, child.pid)
        // Each epoch line closes a stretch that began with the previous one (or the start).
        let meter = EpochMeter(own: { let t = ProcessTreeSample.measure(root: root); return t.processes > 0 ? t.userSeconds + t.systemSeconds : nil },
                               apparatus: { let c = ProcessProbe.cpuSeconds(); return c.user + c.system })
        meter.begin()
        let peak = PeakTracker()
        let gpuTool = GPUProbe.tool(environment: env)
        // GPU arms: NVML's energy counter between epoch lines, beside RAPL's for the CPU.
        var gpuEnergy = gpuTool.flatMap(GPUProbe.energyJoules)
        let sampler = Sampler(interval: interval) {
            let t = Monotonic.now() - start
            let tree = ProcessTreeSample.measure(root: root)
            guard tree.processes > 0 else { return }
            peak.observe(tree.residentBytes)
            let rows = [
                SampleRecord(runID: id, t: t, metric: .rss, value: Double(tree.residentBytes)),
                SampleRecord(runID: id, t: t, metric: .cpuUser, value: tree.userSeconds),
                SampleRecord(runID: id, t: t, metric: .cpuSystem, value: tree.systemSeconds),
                SampleRecord(runID: id, t: t, metric: .threads, value: Double(tree.threads)),
                SampleRecord(runID: id, t: t, metric: .processes, value: Double(tree.processes)),
            ]
            writer.add(samples: rows)
        }
        // nvidia-smi takes tens of milliseconds to start: once a second, on its own thread, so RSS samples keep their pace.
        let gpuSampler = gpuTool.map { tool in
            Sampler(interval: 1) {
                let t = Monotonic.now() - start
                let tree = ProcessTreeSample.measure(root: root)
                guard tree.processes > 0 else { return }
                writer.add(samples: GPUProbe.sample(tool: tool, pids: tree.pids).map { SampleRecord(runID: id, t: t, metric: $0.0, value: $0.1) })
            }
        }
        // Forward a polite stop to the child.
        let forwarder = Sampler(interval: 0.05) { [stop, child] in
            if stop.requested { child.signalGroup(stop.receivedSignal) }
        }
        var reader = LineReader(child.output!)
        let decoder = JSONDecoder()
        var lastEpoch = 0
        while let line = reader.next() {
            var read = EpochLineReader.read(line, decoder: decoder)
            // A repeated or earlier epoch would replace or reorder what is stored: refused, the first kept.
            if case .epoch(let epoch, _) = read, epoch.epoch <= lastEpoch {
                read = .refused("epoch \(epoch.epoch) after epoch \(lastEpoch): epochs must increase (a repeated or out-of-order line)")
            }
            switch read {
            case .epoch(let epoch, let notes):
                lastEpoch = epoch.epoch
                var row = EpochRecord(runID: id, line: epoch)
                let measured = meter.end()
                (row.cpuSeconds, row.otherCPUShare, row.energyJoules) = (measured.cpuSeconds, measured.otherCPUShare, measured.energyJoules)
                if let tool = gpuTool, let before = gpuEnergy, let now = GPUProbe.energyJoules(tool: tool) {
                    row.energyJoules = (row.energyJoules ?? 0) + max(0, now - before)
                    gpuEnergy = now
                }
                row.canarySeconds = nil
                let highest = peak.take()
                if row.peakRSSBytes == nil && highest > 0 { row.peakRSSBytes = Int64(highest) }
                writer.add(epoch: row)
                onEpoch(epoch)
                for n in notes {
                    writer.add(event: "warning", "epoch \(epoch.epoch): \(n)", t: Monotonic.now() - start)
                    warn("epoch \(epoch.epoch): \(n)")
                }
            case .refused(let why):
                writer.add(event: "warning", "epoch line refused: \(why)", t: Monotonic.now() - start)
                warn("epoch line refused: \(why)")
            case .other:
                passThrough(line)
            }
        }
        let status = child.wait()
        sampler.stop()
        gpuSampler?.stop()
        forwarder.stop()
        let runStatus: RunStatus = status == 0 ? .completed : (status > 128 ? .interrupted : .failed)
        writer.add(event: "status", "exit status \(status)", t: Monotonic.now() - start)
        writer.close()
        let canary = max(canaryBefore, Canary.measure())
        if canary.isFinite { try? store.setCanary(run: id, seconds: canary) }
        try RunRecorder.end(runID, store: store, writer: writer, status: runStatus, message: status == 0 ? nil : "exit status \(status)",
                            exitStatus: Int(status))
        return status
    }

}

/// The highest sampled RSS since the last epoch line (external runs have
/// no VmHWM of their own to reset, so this peak is sampled, not exact).
final class PeakTracker: Sendable {
    private let value = Atomic<Int>(0)

    func observe(_ bytes: Int) {
        var current = value.load(ordering: .relaxed)
        while bytes > current {
            let (done, original) = value.compareExchange(expected: current, desired: bytes, ordering: .relaxed)
            if done { break }
            current = original
        }
    }

    func take() -> Int { value.exchange(0, ordering: .relaxed) }
}
