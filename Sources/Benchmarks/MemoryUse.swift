import Datasets
import Recorder
import Tensor
import Training

/// Memory of one training configuration: the kernel's peak RSS while it
/// trains, the ledger's peaks by category, and the analytic plan beside them.
/// Measure one configuration per process: freed memory is not always given
/// back to the kernel, so a second model in the same process would inherit
/// the first one's high-water mark.
public struct MemoryUse: Codable, Sendable {
    public var algorithm: String
    public var layers: String
    public var batchSize: Int
    public var peakRSSBytes: Int
    /// Ledger peak per category while the model was built and trained.
    public var ledgerPeak: [String: Int]
    public var ledgerPeakTotal: Int
    public var plan: MemoryPlan
    public var planTotal: Int

    enum CodingKeys: String, CodingKey {
        case algorithm, layers, plan
        case batchSize = "batch_size"
        case peakRSSBytes = "peak_rss_bytes"
        case ledgerPeak = "ledger_peak_bytes"
        case ledgerPeakTotal = "ledger_peak_total_bytes"
        case planTotal = "plan_total_bytes"
    }

    /// Peak RSS above the analytic total: binary, runtime, BLAS buffers, waste.
    public var rssOverPlan: Int { peakRSSBytes - planTotal }

    /// Builds the model and trains `steps` mini-batches (every buffer is
    /// allocated and touched in the first) with the data already loaded.
    public static func measure(config: TrainingConfig, data: Dataset, steps: Int = 1,
                               ledger: Ledger = .shared) throws -> MemoryUse {
        ProcessProbe.resetPeakResident()
        ledger.resetPeaks()
        let loop = try TrainingLoop(config: config, data: data, ledger: ledger)
        _ = StepTiming.measure(loop.model, data: data, batchSize: config.batchSize, steps: steps, ledger: ledger)
        let snapshot = ledger.snapshot()
        let plan = MemoryPlan(config: config, inputSize: data.train.inputSize, widths: loop.widths,
                              classes: data.info.classCount, examples: data.train.count + data.test.count,
                              centered: TrainingLoop.centersInputs(config, data), image: data.info.imageShape)
        var peaks: [String: Int] = [:]
        for (k, v) in snapshot.peak { peaks[k.rawValue] = v }
        return MemoryUse(algorithm: config.variantName, layers: config.layers, batchSize: config.batchSize,
                         peakRSSBytes: ProcessProbe.peakResidentBytes(), ledgerPeak: peaks,
                         ledgerPeakTotal: snapshot.peakTotal, plan: plan, planTotal: plan.total)
    }
}
