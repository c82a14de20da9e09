import Foundation
import RunStore
import Testing

/// `ffbench compare` on a real store and `ffbench stats` on real CSV files.
@Suite struct AnalysisCommandTests {
    /// A store with 5 FF and 5 BP runs (seeds 1-5) of 3 epochs each.
    static func store() throws -> String {
        let path = CLI.temporaryDirectory("store") + "/runs.sqlite"
        let store = try RunStore.open(path)
        for seed in 1...5 {
            for (algorithm, seconds, error) in [("ff", 5.0, 0.030), ("bp", 3.0, 0.018)] {
                var run = RunRecord(study: "s", arm: algorithm, algorithm: algorithm, dataset: "mnist", layers: "2x500",
                                    batchSize: 100, epochs: 3, seed: Int64(seed), status: .completed)
                run.finishedAt = Timestamp.now()
                try store.insert(run)
                try store.write { db in
                    for e in 1...3 {
                        let jitter = Double(seed) * 0.01
                        try EpochRecord(runID: run.id, epoch: e, trainLoss: 1 / Double(e), testError: error * (4 - Double(e)) / 2 + jitter / 100,
                                        trainSeconds: seconds + jitter, evalSeconds: 0.5, peakRSSBytes: Int64(1e8 + Double(seed) * 1e5),
                                        peakTensorBytes: 50_000_000, peakActivationBytes: algorithm == "ff" ? 1_000_000 : 4_000_000).insert(db)
                    }
                }
            }
        }
        return path
    }

    @Test func compareJSONHasEveryDocumentedField() throws {
        let db = try Self.store()
        let r = try CLI.run(["compare", "--db", db, "--format", "json", "--resamples", "999"])
        #expect(r.status == 0, "\(r.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let comparisons = try #require(object["comparisons"] as? [[String: Any]])
        #expect(comparisons.count == 10) // one per metric for the one configuration
        let epoch = try #require(comparisons.first { $0["metric"] as? String == "mean_epoch_seconds" })
        for key in ["n", "describe", "mean_ci", "difference", "ratio", "normality", "equal_variance", "test", "test_reason",
                    "p_adjusted", "hedges_g", "cliffs_delta", "groups", "paired", "censored"] {
            #expect(epoch[key] != nil, "missing \(key)")
        }
        #expect(epoch["paired"] as? Bool == true) // both arms ran seeds 1-5
        let ff = try #require((epoch["describe"] as? [[String: Any]])?.first)
        #expect(abs((ff["olympic_mean"] as? Double ?? 0) - 5.03) < 1e-9) // seeds 2-4 of 5.01…5.05
        let ratio = try #require(epoch["ratio"] as? [String: Double])
        #expect(abs(ratio["estimate"]! - 5.03 / 3.03) < 1e-9)
        #expect(ratio["low"]! <= ratio["estimate"]! && ratio["estimate"]! <= ratio["high"]!)
        let test = try #require(epoch["test"] as? [String: Any])
        #expect(["paired-t", "wilcoxon-signed-rank"].contains(test["test"] as? String ?? ""))
        // Holm: adjusted p is never below the raw p.
        for c in comparisons {
            if let t = c["test"] as? [String: Any], let p = t["p_value"] as? Double, let adj = c["p_adjusted"] as? Double {
                #expect(adj >= p)
            }
        }
        // Time to 2 %: FF (3.0 % → 1.5 %) and BP reach it; interpolated, not rounded to an epoch.
        let runs = try #require(object["runs"] as? [[String: Any]])
        #expect(runs.allSatisfy { $0["reached_target"] as? Bool == true })
    }

    @Test func compareFormatsAndBadOptions() throws {
        let db = try Self.store()
        let csv = try CLI.run(["compare", "--db", db, "--metric", "final_test_error", "--format", "csv", "--resamples", "999"])
        #expect(csv.status == 0)
        #expect(csv.stdout.hasPrefix("dataset,configuration,metric,n_ff,n_bp"))
        #expect(csv.stdout.split(separator: "\n").count == 2)
        let tex = try CLI.run(["compare", "--db", db, "--metric", "peak_rss_bytes", "--format", "latex", "--resamples", "999"])
        #expect(tex.stdout.contains("\\toprule") && tex.stdout.contains("\\bottomrule"))
        let bad = try CLI.run(["compare", "--db", db, "--metric", "speed"])
        #expect(bad.status == 2 && bad.stderr.contains("--metric speed"))
        let missing = try CLI.run(["compare", "--db", CLI.temporaryDirectory() + "/none.sqlite"])
        #expect(missing.status == 2 && missing.stderr.contains("no such database"))
    }

    @Test func statsOnCSV() throws {
        let dir = CLI.temporaryDirectory()
        let file = dir + "/times.csv"
        try """
        algorithm,seed,seconds
        ff,1,5.1
        ff,2,5.3
        ff,3,4.9
        ff,4,5.2
        ff,5,5.0
        bp,1,3.1
        bp,2,3.0
        bp,3,3.3
        bp,4,2.9
        bp,5,3.2
        """.write(toFile: file, atomically: true, encoding: .utf8)
        let cmp = try CLI.run(["stats", "compare", file, "--group", "algorithm", "--value", "seconds", "--format", "json", "--resamples", "999"])
        #expect(cmp.status == 0, "\(cmp.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(cmp.stdout.utf8)) as? [String: Any])
        let test = try #require(object["test"] as? [String: Any])
        #expect(test["test"] as? String == "welch-t")
        #expect((test["p_value"] as? Double ?? 1) < 0.001)
        let paired = try CLI.run(["stats", "compare", file, "--group", "algorithm", "--value", "seconds", "--paired-by", "seed", "--format", "json", "--resamples", "999"])
        #expect(paired.stdout.contains("\"paired\" : true"))
        let describe = try CLI.run(["stats", "describe", file, "--value", "seconds", "--group", "algorithm"])
        #expect(describe.status == 0)
        #expect(describe.stdout.contains("ff") && describe.stdout.contains("5.1"))
        let wrong = try CLI.run(["stats", "describe", file, "--value", "minutes"])
        #expect(wrong.status == 2 && wrong.stderr.contains("no column 'minutes'"))
    }
}
