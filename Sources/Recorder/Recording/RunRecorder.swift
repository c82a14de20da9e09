import Foundation
import RunStore
import Synchronization
import Tensor
import Training

/// Records an in-process training run: the run row, samples of RSS, CPU
/// and the ledger every `sampleInterval`, phase events, and one epoch row
/// per epoch with exact peaks (VmHWM reset at each epoch start, the
/// ledger's peak window likewise).
public final class RunRecorder: TrainingObserver {
    public let writer: RunWriter
    public let runID: String
    private let ledger: Ledger
    private let start: Double
    private var sampler: Sampler?
    /// Disturbance: the machine's CPU around each epoch's training, and the
    /// canaries between epochs (the one after an epoch is the next one's before).
    private let meter = EpochMeter.thisProcess()
    private var reading: EpochMeter.Reading?
    private var canaryBefore: Double?
    /// True while a canary runs: its mapped buffers are not the run's memory, so no sample is taken.
    private let probing = Flag()
    /// What recording cost, known after `finish`: the CPU seconds of the
    /// sampling and writing threads, and the seconds they ran.
    public private(set) var threadCPUSeconds = 0.0
    public private(set) var recordingSeconds = 0.0

    /// Inserts the run row and starts sampling.
    public init(store: RunStore, run: RunRecord, sampleInterval: Double, ledger: Ledger = .shared) throws(RunStoreError) {
        try store.insert(run)
        runID = run.id
        self.ledger = ledger
        start = Monotonic.now()
        writer = RunWriter(store: store, runID: run.id)
        let (writer, start, id, probing) = (self.writer, self.start, run.id, self.probing)
        sampler = Sampler(interval: sampleInterval) {
            guard !probing.isSet else { return }
            writer.add(samples: RunRecorder.sample(runID: id, t: Monotonic.now() - start, ledger: ledger))
        }
    }

    static let categoryMetrics = TensorCategory.allCases.map { SampleMetric.tensorBytes($0.rawValue) }

    /// One sampling tick: RSS, CPU times, the ledger's live bytes by category.
    static func sample(runID: String, t: Double, ledger: Ledger) -> [SampleRecord] {
        let cpu = ProcessProbe.cpuSeconds()
        let snapshot = ledger.snapshot()
        var rows = [
            SampleRecord(runID: runID, t: t, metric: .rss, value: Double(ProcessProbe.residentBytes())),
            SampleRecord(runID: runID, t: t, metric: .cpuUser, value: cpu.user),
            SampleRecord(runID: runID, t: t, metric: .cpuSystem, value: cpu.system),
            SampleRecord(runID: runID, t: t, metric: .tensorBytes, value: Double(snapshot.liveTotal)),
        ]
        for (category, metric) in zip(TensorCategory.allCases, categoryMetrics) {
            rows.append(SampleRecord(runID: runID, t: t, metric: metric, value: Double(snapshot.live[category] ?? 0)))
        }
        return rows
    }

    var elapsed: Double { Monotonic.now() - start }

    /// One canary, with sampling held off while its buffers are mapped.
    func canary() -> Double {
        probing.set(true)
        defer { probing.set(false) }
        return Canary.measure()
    }

    public func phaseChanged(_ phase: TrainingPhase, epoch: Int) {
        switch phase {
        case .training:
            // The first canary of a process warms OpenBLAS's buffers and threads.
            if canaryBefore == nil { canaryBefore = canary() }
            // A new peak window for the epoch (after the canary): kernel high-water mark and ledger.
            ProcessProbe.resetPeakResident()
            ledger.resetPeaks()
            reading = nil
            meter.begin()
        case .evaluating:
            reading = meter.end()
        default:
            break
        }
        writer.add(event: "phase", "\(phase.rawValue) epoch \(epoch)", t: elapsed)
    }

    public func epochEnded(_ r: EpochResult) {
        let measured = reading ?? meter.end()
        let peaks = ledger.snapshot()
        var line = EpochLine(r)
        line.peakRSSBytes = Int64(ProcessProbe.peakResidentBytes())
        line.peakTensorBytes = Int64(peaks.peakTotal)
        line.peakActivationBytes = Int64(peaks.peak[.activations] ?? 0)
        (line.cpuSeconds, line.otherCPUShare, line.energyJoules) = (measured.cpuSeconds, measured.otherCPUShare, measured.energyJoules)
        // The peaks are read: the canary after the epoch is also the next one's before. The
        // process's first canary runs just after the data set was loaded and reads slow (19-23 ms
        // against 13-16 ms later, in every run of a study here): the first epoch is judged by the
        // canary after it alone.
        let after = canary()
        let before = r.epoch > 1 ? canaryBefore : nil
        line.canarySeconds = [before, after].compactMap { $0 }.filter(\.isFinite).max()
        canaryBefore = after
        writer.add(epoch: EpochRecord(runID: runID, line: line))
    }

    /// Stops sampling, writes everything queued, and records how the run
    /// ended. A run whose rows could not all be written is `failed`, with
    /// the reason, whatever it asked for; if even that cannot be written it
    /// stays `running` and the next open marks it `interrupted`.
    public func finish(status: RunStatus, message: String? = nil, exitStatus: Int? = nil) throws(RunStoreError) {
        sampler?.stop()
        let samplerCPU = sampler?.cpuSeconds ?? 0
        sampler = nil
        writer.add(event: "status", message ?? status.rawValue, t: elapsed)
        writer.close()
        (threadCPUSeconds, recordingSeconds) = (samplerCPU + writer.cpuSeconds, elapsed)
        try RunRecorder.end(runID, store: writer.store, writer: writer, status: status, message: message, exitStatus: exitStatus)
    }

    /// The run's final status: the one asked for only if every row was written.
    static func end(_ id: String, store: RunStore, writer: RunWriter, status: RunStatus, message: String?, exitStatus: Int?) throws(RunStoreError) {
        if let failure = writer.failure {
            try? store.finish(id, status: .failed, message: "not all of the run could be recorded: \(failure)", exitStatus: exitStatus.map { $0 == 0 ? 1 : $0 })
            throw failure
        }
        try store.finish(id, status: status, message: message, exitStatus: exitStatus)
    }
}

/// A flag one thread sets and another reads.
final class Flag: Sendable {
    private let value = Atomic<Bool>(false)
    func set(_ on: Bool) { value.store(on, ordering: .relaxed) }
    var isSet: Bool { value.load(ordering: .relaxed) }
}
