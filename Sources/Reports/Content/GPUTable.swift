import Analysis
import Foundation
import RunStore

/// GPU use of a unit's arms, from nvidia-smi's samples (recorded commands
/// on a GPU): only shown when some run has them.
enum GPUTable {
    static let metrics = ["gpu_memory_bytes", "gpu_device_memory_bytes", "gpu_utilization_percent"]

    static func table(_ model: ReportModel, unit: ComparisonUnit, styles: ArmStyles, numbering: inout Numbering) -> ReportDocument.Table? {
        let runs = model.runs.filter { $0.status == .completed && ComparisonUnit($0) == unit && model.gpu[$0.id] != nil }
        guard !runs.isEmpty else { return nil }
        let byArm = Dictionary(grouping: runs) { ArmInfo.of($0) }
        let mib = 1.0 / 1_048_576
        let rows = byArm.keys.sorted { styles.label($0) < styles.label($1) }.map { arm -> [String] in
            let s = byArm[arm]!.compactMap { model.gpu[$0.id] }
            func median(_ metric: String, _ scale: Double, _ pick: (SampleSummary) -> Double) -> String {
                let v = s.compactMap { $0[metric].map(pick) }
                return v.isEmpty ? "–" : Number.fixed(Stats.median(v) * scale, 0)
            }
            return [styles.label(arm), String(s.count), median("gpu_memory_bytes", mib, \.max), median("gpu_device_memory_bytes", mib, \.max),
                    median("gpu_utilization_percent", 1, \.mean)]
        }
        return numbering.table("GPU use on \(Figures.unitTitle(unit)), sampled from nvidia-smi once a second: the run's own processes' GPU memory (as the driver lists them), all devices' used memory (other jobs included), and utilisation averaged over the devices; medians over runs.",
                               header: ["arm", "runs", "peak GPU memory of the run (MiB)", "peak device memory used (MiB)", "mean GPU utilisation (%)"],
                               rows: rows, numeric: [1, 2, 3, 4])
    }
}
