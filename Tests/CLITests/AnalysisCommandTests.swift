import Foundation
import RunStore
import Testing

/// `ffbench compare` on real stores and `ffbench stats` on real CSV files.
@Suite struct AnalysisCommandTests {
    /// A store with arms (name, algorithm, seconds per epoch, final error, seeds), 3 epochs each.
    static func store(arms: [(String, String, Double, Double, [Int])] = [("ff", "ff", 5.0, 0.030, Array(1...5)), ("bp", "bp", 3.0, 0.018, Array(1...5))],
                      framework: (String) -> String = { _ in "ffbench" }, host: (String) -> String? = { _ in nil }) throws -> String {
        let path = CLI.temporaryDirectory("store") + "/runs.sqlite"
        let store = try RunStore.open(path)
        for seed in 1...5 {
            for (arm, algorithm, seconds, error, seeds) in arms where seeds.contains(seed) {
                var run = RunRecord(study: "s", arm: arm, algorithm: algorithm, dataset: "mnist", layers: "2x500",
                                    batchSize: 100, epochs: 3, seed: Int64(seed), status: .completed, parameterCount: 648_010)
                run.framework = framework(arm)
                run.hostJSON = host(arm)
                run.finishedAt = Timestamp.now()
                try store.insert(run)
                try store.insert(epochs: (1...3).map { e in
                    let jitter = Double(seed) * 0.01
                    let epochError = error * (4 - Double(e)) / 2 + jitter / 100
                    return EpochRecord(runID: run.id, epoch: e, trainLoss: 1 / Double(e), testError: epochError,
                                       trainSeconds: seconds + jitter * (algorithm == "ff" ? 1 : -0.5), evalSeconds: 0.5,
                                       peakRSSBytes: Int64(1e8 + Double(seed) * 1e5 + (algorithm == "ff" ? 2e6 : 0)),
                                       peakTensorBytes: 50_000_000, peakActivationBytes: algorithm == "ff" ? 1_000_000 : 4_000_000,
                                       validationError: epochError + 0.001)
                })
            }
        }
        return path
    }

    static func json(_ args: [String]) throws -> [String: Any] {
        let r = try CLI.run(args)
        #expect(r.status == 0, "\(r.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    }

    static func endpoints(_ comparison: [String: Any]) -> [String: [String: Any]] {
        Dictionary(uniqueKeysWithValues: (comparison["endpoints"] as? [[String: Any]] ?? []).map { ($0["metric"] as! String, $0) })
    }

    @Test func compareJSONHasTheDocumentedEstimands() throws {
        let db = try Self.store()
        let object = try Self.json(["compare", "--db", db, "--format", "json"])
        let comparisons = try #require(object["comparisons"] as? [[String: Any]])
        #expect(comparisons.count == 1)
        let c = comparisons[0]
        #expect((c["arm"] as? [String: Any])?["name"] as? String == "ff")
        #expect((c["baseline"] as? [String: Any])?["name"] as? String == "bp")
        #expect(c["paired"] as? Bool == true && c["family_size"] as? Int == 4)
        let e = Self.endpoints(c)
        // Time: geometric-mean ratio from the paired t on logs, its interval and p from the same t.
        let time = try #require(e["epoch_seconds"])
        let ratio = try #require(time["ratio"] as? [String: Any])
        let inference = try #require(ratio["inference"] as? [String: Any])
        #expect(inference["method"] as? String == "paired-t")
        let r = try #require(ratio["ratio"] as? [String: Double])
        let ff = (1...5).map { 5.0 + Double($0) * 0.01 }, bp = (1...5).map { 3.0 - Double($0) * 0.005 }
        let geometric = exp(zip(ff, bp).map { log($0 / $1) }.reduce(0, +) / 5)
        #expect(abs(r["estimate"]! - geometric) < 1e-9)
        #expect(r["low"]! > 1 && time["verdict"] as? String == "higher")
        #expect((time["p_adjusted"] as? Double ?? 1) >= (time["p_value"] as? Double ?? 0))
        #expect(time["sensitivity"] is [String: Any])
        #expect(time["detectable_ratio"] is Double)
        // Exact quantities: stated, never tested.
        let activations = try #require(e["peak_activation_bytes"])
        #expect(activations["verdict"] as? String == "stated")
        #expect(activations["p_value"] == nil && activations["p_adjusted"] == nil && activations["ratio"] == nil)
        #expect(((activations["exact"] as? [String: Any])?["ratio"] as? Double) == 0.25)
        // Accuracy: a difference in percentage points with TOST.
        let accuracy = try #require(e["final_test_error"])
        let eq = try #require(accuracy["equivalence"] as? [String: Any])
        #expect(abs((eq["margin"] as? Double ?? 0) - 0.5) < 1e-12)
        #expect(accuracy["verdict"] as? String == "higher") // 1.5 % vs 0.9 %: 0.6 pp worse, not within ±0.5
        // Secondary metrics have an interval and no p.
        let wall = try #require(e["total_wall_seconds"])
        #expect(wall["p_value"] == nil && wall["p_adjusted"] == nil && wall["estimate"] is [String: Any])
        // Time to target: every run kept; the target derived from the least accurate arm.
        let target = try #require(c["target"] as? [String: Any])
        #expect(target["source"] as? String == "derived" && target["derived_from"] as? String == "ff")
        let survival = try #require(e["time_to_target_seconds"]?["survival"] as? [String: Any])
        #expect((survival["arm"] as? [String: Any])?["n"] as? Int == 5)
        #expect(survival["log_rank"] is [String: Any])
    }

    @Test func threeArmsGiveTwoComparisonsAgainstTheBaselineEachWithItsOwnN() throws {
        let db = try Self.store(arms: [("ff", "ff", 5.0, 0.03, Array(1...5)), ("ff-nohead", "ff", 4.0, 0.032, [1, 2, 3]),
                                       ("bp", "bp", 3.0, 0.018, Array(1...5))])
        let object = try Self.json(["compare", "--db", db, "--format", "json"])
        let comparisons = try #require(object["comparisons"] as? [[String: Any]])
        let summary = comparisons.map { c in
            ((c["arm"] as! [String: Any])["name"] as! String, c["runs"] as! [Int], c["paired"] as! Bool)
        }.sorted { $0.0 < $1.0 }
        #expect(summary.map(\.0) == ["ff", "ff-nohead"])
        #expect(summary.map(\.1) == [[5, 5], [3, 5]])
        #expect(summary.map(\.2) == [true, false]) // seeds 1-3 against 1-5 do not pair
        // Another baseline on the command line.
        let other = try Self.json(["compare", "--db", db, "--format", "json", "--baseline", "ff"])
        let names = (other["comparisons"] as? [[String: Any]] ?? []).map { ($0["arm"] as! [String: Any])["name"] as! String }.sorted()
        #expect(names == ["bp", "ff-nohead"])
    }

    @Test func compareFormatsAndBadOptions() throws {
        let db = try Self.store()
        let csv = try CLI.run(["compare", "--db", db, "--format", "csv"])
        #expect(csv.status == 0)
        #expect(csv.stdout.hasPrefix("study,dataset,configuration,arm,algorithm,framework,baseline,metric"))
        #expect(csv.stdout.split(separator: "\n").count == 1 + 12)
        let table = try CLI.run(["compare", "--db", db])
        #expect(table.stdout.contains("time per epoch (s)") && table.stdout.contains("trains slower"))
        let tex = try CLI.run(["compare", "--db", db, "--format", "latex"])
        #expect(tex.stdout.contains("\\toprule") && tex.stdout.contains("\\bottomrule"))
        let bad = try CLI.run(["compare", "--db", db, "--target-error", "2"])
        #expect(bad.status == 2 && bad.stderr.contains("--target-error 2"))
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
        let cmp = try Self.json(["stats", "compare", file, "--group", "algorithm", "--value", "seconds", "--format", "json"])
        let ratio = try #require((cmp["ratio"] as? [String: Any])?["ratio"] as? [String: Double])
        let ff: [Double] = [5.1, 5.3, 4.9, 5.2, 5.0], bp: [Double] = [3.1, 3.0, 3.3, 2.9, 3.2]
        let logSum: Double = ff.map { log($0) }.reduce(0, +) - bp.map { log($0) }.reduce(0, +)
        let geometric = exp(logSum / 5)
        #expect(abs(ratio["estimate"]! - geometric) < 1e-12 && ratio["low"]! > 1)
        #expect(((cmp["ratio"] as? [String: Any])?["inference"] as? [String: Any])?["method"] as? String == "welch-t")
        let paired = try Self.json(["stats", "compare", file, "--group", "algorithm", "--value", "seconds", "--paired-by", "seed", "--format", "json"])
        #expect(paired["paired"] as? Bool == true)
        #expect(paired["unpaired_left_out"] as? [Int] == [0, 0])
        // Keys in one group only are left out, and the user is told how many.
        try (String(contentsOfFile: file, encoding: .utf8) + "\nff,6,5.4\nff,7,5.5\nbp,9,3.0\n").write(toFile: dir + "/extra.csv", atomically: true, encoding: .utf8)
        let extra = try CLI.run(["stats", "compare", dir + "/extra.csv", "--group", "algorithm", "--value", "seconds", "--paired-by", "seed"])
        #expect(extra.status == 0)
        #expect(extra.stderr.contains("2 row(s) of ff and 1 of bp have no partner by seed and are left out"), "\(extra.stderr)")
        let diff = try CLI.run(["stats", "compare", file, "--group", "algorithm", "--value", "seconds", "--estimand", "difference", "--margin", "0.2"])
        #expect(diff.status == 0 && diff.stdout.contains("not shown equivalent"))
        let describe = try CLI.run(["stats", "describe", file, "--value", "seconds", "--group", "algorithm"])
        #expect(describe.status == 0)
        #expect(describe.stdout.contains("ff") && describe.stdout.contains("5.1"))
        let wrong = try CLI.run(["stats", "describe", file, "--value", "minutes"])
        #expect(wrong.status == 2 && wrong.stderr.contains("no column 'minutes'"))
    }

    @Test func powerGivesSeedsNeededAndTheDetectableRatio() throws {
        let seeds = try CLI.run(["stats", "power", "--cv", "0.1", "--ratio", "1.1", "--paired"])
        #expect(seeds.status == 0, "\(seeds.stderr)")
        // Paired t on logs, sd = sqrt(log(1.01)) = 0.0998: 11 pairs reach 80 % (0.814; 10 give 0.767,
        // from scipy.stats.nct); unpaired, 19 per arm (0.817; 18 give 0.795).
        #expect(seeds.stdout.hasPrefix("11 seeds per arm"), "\(seeds.stdout)")
        let unpaired = try CLI.run(["stats", "power", "--cv", "0.1", "--ratio", "1.1"])
        #expect(unpaired.stdout.hasPrefix("19 seeds per arm"), "\(unpaired.stdout)")
        let ratio = try CLI.run(["stats", "power", "--cv", "0.1", "--seeds", "5", "--paired"])
        #expect(ratio.status == 0 && ratio.stdout.contains("smallest ratio"))
        let bad = try CLI.run(["stats", "power", "--cv", "-1", "--ratio", "1.1"])
        #expect(bad.status == 2 && bad.stderr.contains("--cv"))
    }
}
