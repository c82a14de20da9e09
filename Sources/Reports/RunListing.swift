import Exports
import Foundation
import RunStore

/// Stored runs as the terminal lists them (`ffbench runs`).
public enum RunListing {
    public static func table(_ runs: [RunRecord], epochCounts: [String: Int]) -> String {
        var table = TextTable(header: ["id", "study", "arm", "algorithm", "dataset", "layers", "seed", "status", "epochs", "started"])
        for r in runs {
            table.rows.append([String(r.id.prefix(8)), r.study ?? "-", r.arm ?? "-", r.algorithm, r.dataset ?? "-",
                               r.layers ?? "-", r.seed.map { String($0) } ?? "-", r.status.rawValue,
                               "\(epochCounts[r.id] ?? 0)/\(r.epochs.map(String.init) ?? "?")", r.startedAt])
        }
        return table.render()
    }

    /// One run with everything stored about it.
    public struct Detail: Encodable {
        public let run: RunRecord
        public let epochs: [EpochRecord]
        public let sampleCount: Int
        public let events: [EventRecord]
        enum CodingKeys: String, CodingKey {
            case run, epochs, events
            case sampleCount = "sample_count"
        }

        public init(store: RunStore, id: String) throws(RunStoreError) {
            run = try store.run(id)
            epochs = try store.epochs(run.id)
            sampleCount = try store.sampleCount(run.id)
            events = try store.events(run.id)
        }

        public var text: String {
            let r = run
            var out = """
            run \(r.id)  \(r.status.rawValue)\(r.message.map { " (\($0))" } ?? "")
              study \(r.study ?? "-"), arm \(r.arm ?? "-"), \(r.algorithm) \(r.layers ?? "") on \(r.dataset ?? "-"), seed \(r.seed.map { String($0) } ?? "-")
              started \(r.startedAt), finished \(r.finishedAt ?? "-"), host \(r.hostname ?? "-"), \(sampleCount) samples
              command: \(r.command ?? "-")
            """
            var table = TextTable(header: ["epoch", "train loss", "train err", "val err", "test err", "train s", "eval s", "peak RSS MiB", "peak tensor MiB"])
            for e in epochs {
                func f(_ v: Double?, _ fmt: String) -> String { v.map { String(format: fmt, $0) } ?? "-" }
                func mib(_ v: Int64?) -> String { v.map { String(format: "%.1f", Double($0) / 1_048_576) } ?? "-" }
                table.rows.append([String(e.epoch), f(e.trainLoss, "%.4f"), f(e.trainError.map { $0 * 100 }, "%.2f%%"),
                                   f(e.validationError.map { $0 * 100 }, "%.2f%%"), f(e.testError.map { $0 * 100 }, "%.2f%%"),
                                   f(e.trainSeconds, "%.2f"), f(e.evalSeconds, "%.2f"), mib(e.peakRSSBytes), mib(e.peakTensorBytes)])
            }
            if !epochs.isEmpty { out += "\n" + table.render() }
            return out
        }
    }
}
