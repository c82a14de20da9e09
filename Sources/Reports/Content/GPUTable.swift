import Analysis
import Foundation
import RunStore

/// GPU use of a unit's arms, from nvidia-smi's samples and PyTorch's own
/// allocator peaks (recorded commands on a GPU): only shown when some run
/// has either.
enum GPUTable {
    static let metrics: [SampleMetric] = [.gpuMemory, .gpuDeviceMemory, .gpuUtilization]

    static func table(_ model: ReportModel, unit: ComparisonUnit, styles: ArmStyles, numbering: inout Numbering) -> ReportDocument.Table? {
        func cuda(_ run: RunRecord, _ field: KeyPath<EpochLine, Int64?>) -> Double? {
            (model.epochs[run.id] ?? []).compactMap { $0.line[keyPath: field] }.max().map(Double.init)
        }
        let runs = model.runs.filter {
            $0.status == .completed && ComparisonUnit($0) == unit && (model.gpu[$0.id] != nil || cuda($0, \.cudaMaxAllocatedBytes) != nil)
        }
        guard !runs.isEmpty else { return nil }
        let byArm = Dictionary(grouping: runs) { ArmInfo.of($0) }
        let mib = 1.0 / 1_048_576
        let rows = byArm.keys.sorted { styles.label($0) < styles.label($1) }.map { arm -> [String] in
            let armRuns = byArm[arm]!
            let s = armRuns.compactMap { model.gpu[$0.id] }
            func median(_ v: [Double], _ scale: Double) -> String { v.isEmpty ? "–" : Number.fixed(Stats.median(v) * scale, 0) }
            func sampled(_ metric: SampleMetric, _ scale: Double, _ pick: (SampleSummary) -> Double) -> String {
                median(s.compactMap { $0[metric].map(pick) }, scale)
            }
            return [styles.label(arm), String(armRuns.count), median(armRuns.compactMap { cuda($0, \.cudaMaxAllocatedBytes) }, mib),
                    median(armRuns.compactMap { cuda($0, \.cudaMaxReservedBytes) }, mib), sampled(.gpuMemory, mib, \.max),
                    sampled(.gpuDeviceMemory, mib, \.max), sampled(.gpuUtilization, 1, \.mean)]
        }
        return numbering.table("GPU use on \(Figures.unitTitle(unit)): PyTorch's allocator peaks (torch.cuda.max_memory_allocated and max_memory_reserved, reset after each epoch's first batch, highest epoch), and nvidia-smi's samples once a second: the run's own processes' GPU memory (as the driver lists them), all devices' used memory (other jobs included), and utilisation averaged over the devices; medians over runs.",
                               header: ["arm", "runs", "torch peak allocated (MiB)", "torch peak reserved (MiB)", "peak GPU memory of the run (MiB)",
                                        "peak device memory used (MiB)", "mean GPU utilisation (%)"],
                               rows: rows, numeric: [1, 2, 3, 4, 5, 6])
    }
}
