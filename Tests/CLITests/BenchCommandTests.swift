import Foundation
import RunStore
import Testing

@Suite struct BenchCommandTests {
    func json(_ r: CLI.Result) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(r.stdout.utf8))
    }

    @Test func trainingBenchReportsLimitEfficiencyOverheadAndMemory() throws {
        let r = try CLI.run(["bench", "training", "--algorithms", "ff,ff-nohead,bp", "--layers", "2x50",
                             "--batch-sizes", "100", "--steps", "2", "--epoch-batches", "3", "--threads", "1", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let configs = try #require(try json(r) as? [[String: Any]])
        #expect(configs.map { $0["algorithm"] as? String } == ["ff", "ff-nohead", "bp"])
        for c in configs {
            let step = try #require(c["step"] as? [String: Any])
            let calls = try #require(step["calls"] as? [[String: Any]])
            // FF: one image product for layer 1 (shared by every pass); the neutral stream's layer 2
            // forward, head forward and head gradient; the stacked positive and negative streams'
            // layer 2 forward and 2 weight gradients. FF without the head: no neutral stream, so the
            // image product, the stacked layer 2 forward and 2 weight gradients. BP: 3 forward, 3 + 2 backward.
            let expected = ["ff": 7, "ff-nohead": 4, "bp": 8]
            #expect(calls.count == expected[c["algorithm"] as? String ?? ""])
            #expect(step["allocations_after_first_step"] as? Int == 0)
            let limit = try #require(c["limit"] as? [String: Any])
            #expect((limit["seconds"] as? Double ?? 0) > 0)
            #expect((c["efficiency"] as? Double ?? 0) > 0)
            #expect(c["epoch_batches"] as? Int == 3)
            #expect((c["recorded_epoch_seconds"] as? Double ?? 0) > 0)
            // The sampler and writer threads use some CPU, but only a sliver of one core.
            let recorderCPU = try #require(c["recorder_cpu_share"] as? Double)
            #expect(recorderCPU > 0 && recorderCPU < 0.5, "recorder threads: \(recorderCPU)")
            let memory = try #require(c["memory"] as? [String: Any])
            let rss = try #require(memory["peak_rss_bytes"] as? Int)
            let plan = try #require(memory["plan_total_bytes"] as? Int)
            // The binary, the runtime and BLAS's buffers fit in 64 MiB above the plan.
            #expect(rss > plan && rss <= plan + 64 << 20, "RSS \(rss) against plan \(plan)")
        }
    }

    @Test func memoryBenchShowsFFFlatInDepthAndBPGrowing() throws {
        // With stacked streams off: the activation memory FF needs at its smallest.
        let r = try CLI.run(["bench", "memory", "--layers", "2x1000,6x1000", "--batch-sizes", "300", "--threads", "1",
                             "--stack-memory", "0", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let rows = try #require(try json(r) as? [[String: Any]])
        func activations(_ algorithm: String, _ layers: String) -> Int? {
            let row = rows.first { $0["algorithm"] as? String == algorithm && $0["layers"] as? String == layers }
            return (row?["ledger_peak_bytes"] as? [String: Int])?["activations"]
        }
        let ff2 = try #require(activations("ff", "2x1000")), ff6 = try #require(activations("ff", "6x1000"))
        let bp2 = try #require(activations("bp", "2x1000")), bp6 = try #require(activations("bp", "6x1000"))
        #expect(ff2 == ff6)
        #expect(2 * bp6 > 3 * bp2)
        #expect(ff6 < bp6)
    }

    @Test func trainingBenchStoresItsResultsInARunDatabase() throws {
        let db = CLI.temporaryDirectory() + "/bench.sqlite"
        let r = try CLI.run(["bench", "training", "--algorithms", "bp", "--layers", "2x40", "--batch-sizes", "50",
                             "--steps", "2", "--epoch-batches", "2", "--pairs", "2", "--threads", "1", "--no-memory", "--db", db])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("efficiency"))
        let store = try RunStore.openExisting(db)
        // One recorded epoch per pair (a disturbed pair is repeated, up to
        // twice as many again); the results go with the last.
        let runs = try store.runs(study: "bench")
        #expect((2...6).contains(runs.count) && runs.allSatisfy { $0.status == .completed })
        let bench = try runs.flatMap { try store.events($0.id) }.filter { $0.kind == "bench" }
        #expect(bench.count == 1)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(bench[0].message.utf8)) as? [String: Any])
        #expect(json["algorithm"] as? String == "bp" && json["layers"] as? String == "2x40")
        #expect((json["efficiency"] as? Double ?? 0) > 0)
        #expect(json["recorder_pairs"] as? Int == runs.count)
        let undisturbed = try #require(json["undisturbed_pairs"] as? Int)
        #expect(undisturbed <= runs.count)
        // An overhead is printed only from undisturbed pairs.
        #expect((json["recorder_overhead"] == nil || json["recorder_overhead"] is NSNull) == (undisturbed == 0))
        #expect(try store.sampleCount(runs[0].id) > 0)
    }

    @Test func badGridsAreUsageErrors() throws {
        for args in [["--batch-sizes", "0"], ["--batch-sizes", "ten"], ["--layers", "4by2000"], ["--algorithms", "sgd"], ["--algorithms", "ff,ff-plain"],
                     ["--steps", "0"], ["--pairs", "0"]] {
            let r = try CLI.run(["bench", "training", "--no-memory"] + args)
            #expect(r.status == 2, "\(args): \(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1, "\(args): \(r.stderr)")
        }
    }
}
