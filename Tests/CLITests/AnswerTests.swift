import Foundation
import RunStore
import Testing

/// The report's answer: every verdict agrees with the interval its sentence
/// quotes, exact quantities are never tested, the methods count the family,
/// and arms of any origin (ffbench train, ffbench record) are compared.
@Suite struct AnswerTests {
    /// The answer's sentences, from the report's HTML list items.
    static func answerSentences(_ html: String) -> [String] {
        guard let start = html.range(of: "id=\"answer\""), let end = html.range(of: "id=\"methods\"", range: start.upperBound..<html.endIndex)
              ?? html.range(of: "<h2", range: start.upperBound..<html.endIndex) else { return [] }
        let section = String(html[start.upperBound..<end.lowerBound])
        return section.components(separatedBy: "<li>").dropFirst().map { item in
            let text = item.components(separatedBy: "</li>")[0]
            return text.replacingOccurrences(of: "<[^>]+>", with: "", options: .regularExpression)
                .replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&amp;", with: "&")
        }
    }

    /// Every "CI a–b" ratio interval a sentence quotes.
    static func ratioIntervals(_ sentence: String) -> [(Double, Double)] {
        let pattern = try! NSRegularExpression(pattern: "CI ([0-9.]+)–([0-9.]+)")
        let ns = sentence as NSString
        return pattern.matches(in: sentence, range: NSRange(location: 0, length: ns.length)).map {
            (Double(ns.substring(with: $0.range(at: 1)))!, Double(ns.substring(with: $0.range(at: 2)))!)
        }
    }

    static let directional = ["trains faster", "trains slower", "uses less memory", "uses more memory",
                              "reaches the target sooner", "reaches the target later"]

    static func checkSentences(_ sentences: [String]) {
        #expect(!sentences.isEmpty)
        for s in sentences {
            #expect(!s.contains("no significant difference") && !s.contains("no difference"), "\(s)")
            let intervals = ratioIntervals(s)
            if directional.contains(where: s.contains) {
                for (lo, hi) in intervals { #expect(!(lo <= 1 && 1 <= hi), "a directional verdict beside an interval that holds 1: \(s)") }
            }
            if s.contains("inconclusive"), let governing = intervals.last {
                #expect(governing.0 <= 1 && 1 <= governing.1, "inconclusive beside an interval that excludes 1: \(s)")
            }
        }
    }

    @Test func verdictsAgreeWithTheirIntervalsAndExactQuantitiesAreStated() throws {
        // Two databases: a clear difference, and one the data cannot settle (ratio close to 1, noisy).
        for arms in [[("ff", "ff", 5.0, 0.030, Array(1...5)), ("bp", "bp", 3.0, 0.018, Array(1...5))],
                     [("ff", "ff", 3.02, 0.0181, Array(1...5)), ("bp", "bp", 3.0, 0.018, Array(1...5))]] {
            let db = try AnalysisCommandTests.store(arms: arms)
            let out = CLI.temporaryDirectory()
            let r = try CLI.run(["report", "--db", db, "--out", out, "--format", "html"], directory: CLI.packageRoot.path)
            #expect(r.status == 0, "\(r.stderr)")
            let html = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
            let sentences = Self.answerSentences(html)
            Self.checkSentences(sentences)
            #expect(sentences.contains { $0.hasPrefix("Exact, identical in every seed and so not tested") })
            #expect(html.contains("(4 per comparison; 1 comparison in this report)"))
        }
    }

    /// Ratios are worded against the smallest effect δ (1.10 by default): a
    /// 2 % memory difference is "practically equal", a 1.67× time "slower,
    /// by more than 10 %", and one whose interval reaches into [1/δ, δ] is
    /// not said to be larger than δ.
    @Test func ratiosAreWordedAgainstTheSmallestEffect() throws {
        for (ffSeconds, expected) in [(5.0, "FF trains slower, by more than 10 %"), (3.28, "FF trains slower; whether by more than 10 % is not resolved")] {
            let db = try AnalysisCommandTests.store(arms: [("ff", "ff", ffSeconds, 0.030, Array(1...5)), ("bp", "bp", 3.0, 0.018, Array(1...5))])
            let out = CLI.temporaryDirectory()
            let r = try CLI.run(["report", "--db", db, "--out", out, "--format", "html"], directory: CLI.packageRoot.path)
            #expect(r.status == 0, "\(r.stderr)")
            let sentences = Self.answerSentences(try String(contentsOfFile: out + "/report.html", encoding: .utf8))
            Self.checkSentences(sentences)
            let time = try #require(sentences.first { $0.hasPrefix("FF’s time per epoch") })
            #expect(time.contains(expected), "\(time)")
            let rss = try #require(sentences.first { $0.hasPrefix("FF’s peak RSS") })
            #expect(rss.contains("practically equal, within ±10 %") && rss.contains("two one-sided t tests on logs"), "\(rss)")
            #expect(sentences.contains { $0.hasPrefix("Timing: no epoch of either arm was disturbed") })
        }
    }

    @Test func timesFromDifferentCPUModelsAreSaidToBeSoBesideTheNumbers() throws {
        let db = try AnalysisCommandTests.store(host: { arm in arm == "ff" ? #"{"cpu_model":"Old CPU"}"# : #"{"cpu_model":"New CPU"}"# })
        let out = CLI.temporaryDirectory()
        let r = try CLI.run(["report", "--db", db, "--out", out, "--format", "html"], directory: CLI.packageRoot.path)
        #expect(r.status == 0, "\(r.stderr)")
        let sentences = Self.answerSentences(try String(contentsOfFile: out + "/report.html", encoding: .utf8))
        #expect(sentences.contains { $0.contains("time per epoch") && $0.contains("FF ran on Old CPU") }, "\(sentences)")
    }

    @Test func recordedAndTrainedArmsAreComparedTogether() throws {
        let dir = CLI.temporaryDirectory()
        let db = dir + "/mixed.sqlite"
        // An external "framework" arm: a script that prints ffbench's epoch lines.
        let script = dir + "/fake_ff.py"
        try """
        import json, sys, time
        seed = int(sys.argv[1])
        for epoch in (1, 2):
            time.sleep(0.05)
            print(json.dumps({"epoch": epoch, "train_loss": 0.5 / epoch, "test_error": 0.2 / epoch + 0.001 * seed,
                              "validation_error": 0.21 / epoch + 0.001 * seed, "train_seconds": 0.9 + 0.01 * seed,
                              "eval_seconds": 0.1}), flush=True)
        """.write(toFile: script, atomically: true, encoding: .utf8)
        for seed in [1, 2, 3] {
            let trained = try CLI.run(["train", "--algorithm", "bp", "--layers", "2x32", "--epochs", "2", "--batch-size", "500",
                                       "--seed", String(seed), "--threads", "1", "--validation", "1000",
                                       "--db", db, "--study", "mixed", "--arm", "bp"])
            #expect(trained.status == 0, "\(trained.stderr)")
            let recorded = try CLI.run(["record", "--db", db, "--study", "mixed", "--arm", "script-ff", "--algorithm", "ff",
                                        "--framework", "python", "--dataset", "mnist", "--layers", "2x32", "--batch-size", "500",
                                        "--epochs", "2", "--seed", String(seed), "--sample-interval", "10ms",
                                        "--", "python3", script, String(seed)])
            #expect(recorded.status == 0, "\(recorded.stderr)")
        }
        let object = try AnalysisCommandTests.json(["compare", "--db", db, "--format", "json"])
        let comparisons = try #require(object["comparisons"] as? [[String: Any]])
        #expect(comparisons.count == 1)
        let c = try #require(comparisons.first)
        #expect((c["arm"] as? [String: Any])?["framework"] as? String == "python")
        #expect((c["baseline"] as? [String: Any])?["framework"] as? String == "ffbench")
        #expect(c["runs"] as? [Int] == [3, 3] && c["paired"] as? Bool == true)
        let error = AnalysisCommandTests.endpoints(c)["final_test_error"]
        #expect(error?["estimate"] is [String: Any], "\(String(describing: error))")
        // Time is compared too, unless the machine was busy (other tests run beside this one);
        // the recorder's own sampling of the script never counts as the machine being busy.
        let time = try #require(AnalysisCommandTests.endpoints(c)["epoch_seconds"])
        let busy = (c["disturbance"] as? [[String: Any]] ?? []).flatMap { ($0["reasons"] as? [String: Int] ?? [:]).keys }
        #expect(time["ratio"] is [String: Any] || (time["verdict"] as? String == "unreliable" && !busy.isEmpty), "\(time)")
        // Native runs store validation errors: selection reads them.
        let runs = try #require(object["runs"] as? [[String: Any]])
        #expect(runs.allSatisfy { $0["selects_on_validation"] as? Bool == true })
    }
}
